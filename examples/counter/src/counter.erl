%% The release tasks of counter (as the Distillery tutorial's
%% ReleaseTasks module):
%%
%%   migrate/0  runs on the service's node (the post_start hook calls it
%%              through `release_remote_ctl rpc`): creates or upgrades the
%%              table; running it again changes nothing.
%%   seed/0     runs in a node of its own (`bin/counter seed`, through
%%              `release_ctl eval`), a second OS process next to the
%%              running service: it never opens the DETS file the service
%%              holds, it adds the rows of priv/seeds.config through the
%%              service's HTTP interface, on the port of its own sys.config.
-module(counter).
-export([migrate/0, seed/0]).

-spec migrate() -> {ok, SchemaVersion :: pos_integer()}.
migrate() ->
    counter_store:migrate().

-spec seed() -> {seeded, [{Name :: string(), Count :: integer()}]}.
seed() ->
    File = filename:join(code:priv_dir(counter), "seeds.config"),
    {ok, Seeds} = file:consult(File),
    {seeded, [{Name, add(Name, By)} || {Name, By} <- Seeds]}.

add(Name, By) ->
    case counter_http:request(<<"POST">>, ["/rows/", Name],
                              integer_to_binary(By)) of
        {200, Count} ->
            binary_to_integer(string:trim(Count));
        {Status, Text} ->
            error({seed_failed, Name, Status, string:trim(Text)})
    end.
