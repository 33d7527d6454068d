%% counter_store: the one process that opens the DETS file
%% (DATA_DIR/counter.dets).  Until the first migration there is no file
%% and the schema version is 0: the service answers /health and /schema,
%% and refuses /rows.
-module(counter_store).
-behaviour(gen_server).
-export([start_link/0, migrate/0, schema/0, rows/0, bump/2]).
-export([init/1, handle_call/3, handle_cast/2, terminate/2]).

-define(TABLE, counter_rows).
-define(SCHEMA, 1).  % the version migrate/0 brings the table to

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

migrate() -> gen_server:call(?MODULE, migrate).
schema() -> gen_server:call(?MODULE, schema).
rows() -> gen_server:call(?MODULE, rows).
bump(Name, By) -> gen_server:call(?MODULE, {bump, Name, By}).

init([]) ->
    process_flag(trap_exit, true),  % so that terminate/2 closes the file
    File = filename:absname(filename:join(data_dir(), "counter.dets")),
    case filelib:is_regular(File) of
        true -> {ok, open(File)};
        false -> {ok, {not_migrated, File}}
    end.

handle_call(migrate, From, {not_migrated, File}) ->
    ok = filelib:ensure_dir(File),
    handle_call(migrate, From, open(File));
handle_call(migrate, _From, Tab) ->
    Version = upgrade(Tab, version(Tab)),
    ok = dets:sync(Tab),
    {reply, {ok, Version}, Tab};
handle_call(schema, _From, State) ->
    {reply, version(State), State};
handle_call(_Request, _From, State = {not_migrated, _}) ->
    {reply, {error, not_migrated}, State};
handle_call(rows, _From, Tab) ->
    Rows = dets:select(Tab, [{{{row, '$1'}, '$2'}, [], [{{'$1', '$2'}}]}]),
    {reply, {ok, lists:sort(Rows)}, Tab};
handle_call({bump, Name, By}, _From, Tab) ->
    Count = case dets:lookup(Tab, {row, Name}) of
                [{_, N}] -> N + By;
                [] -> By
            end,
    ok = dets:insert(Tab, {{row, Name}, Count}),
    {reply, {ok, Count}, Tab}.

handle_cast(_Msg, State) ->
    {noreply, State}.

terminate(_Reason, {not_migrated, _}) ->
    ok;
terminate(_Reason, Tab) ->
    dets:close(Tab).

%% The migrations, one clause per schema version: each brings the table
%% from that version to the next.  Version 1 is the table itself (its
%% rows are {{row, Name}, Count}) and its schema_version record.
upgrade(Tab, 0) ->
    ok = dets:insert(Tab, {schema_version, 1}),
    upgrade(Tab, 1);
upgrade(_Tab, ?SCHEMA) ->
    ?SCHEMA.

version({not_migrated, _}) ->
    0;
version(Tab) ->
    case dets:lookup(Tab, schema_version) of
        [{schema_version, V}] -> V;
        [] -> 0
    end.

open(File) ->
    {ok, Tab} = dets:open_file(?TABLE, [{file, File}]),
    Tab.

%% DATA_DIR from the application's environment; a relative one is
%% relative to the node's working directory, the release root.
data_dir() ->
    {ok, Dir} = application:get_env(counter, data_dir),
    Dir.
