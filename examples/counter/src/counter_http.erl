%% counter_http: a small HTTP/1.1 server on gen_tcp, one request per
%% connection (each answered with `Connection: close`):
%%
%%   GET  /health       200 "ok"
%%   GET  /schema       200 the schema version (0 until the first migration)
%%   GET  /rows         200 one "NAME COUNT" line a row, by name; 503 before
%%                      the first migration
%%   POST /rows/NAME    adds the body (an integer, 1 when empty) to NAME's
%%                      count and answers the new count; 503 before the
%%                      first migration
%%
%% and request/3, the client counter:seed/0 uses from another node.
-module(counter_http).
-export([start_link/1, request/3]).
-export([init/2]).

-define(TIMEOUT, 10000).

start_link(Port) ->
    proc_lib:start_link(?MODULE, init, [self(), Port]).

init(Parent, Port) ->
    case gen_tcp:listen(Port, [binary, {active, false}, {reuseaddr, true},
                               {packet, http_bin}]) of
        {ok, Listen} ->
            register(?MODULE, self()),
            proc_lib:init_ack(Parent, {ok, self()}),
            accept(Listen);
        {error, Reason} ->
            proc_lib:init_ack(Parent, {error, {listen, Port, Reason}})
    end.

accept(Listen) ->
    {ok, Socket} = gen_tcp:accept(Listen),
    Handler = spawn(fun() -> receive go -> serve(Socket) end end),
    _ = gen_tcp:controlling_process(Socket, Handler),  % fails if it closed
    Handler ! go,
    accept(Listen).

serve(Socket) ->
    case read_request(Socket) of
        {ok, Method, Path, Body} ->
            {Status, Text} = route(Method, split(Path), Body),
            reply(Socket, Status, Text);
        {error, _} ->
            ok
    end,
    gen_tcp:close(Socket).

read_request(Socket) ->
    case gen_tcp:recv(Socket, 0, ?TIMEOUT) of
        {ok, {http_request, Method, {abs_path, Path}, _Version}} ->
            read_headers(Socket, Method, Path, 0);
        {ok, _} ->
            {error, bad_request};
        {error, _} = Error ->
            Error
    end.

read_headers(Socket, Method, Path, Length) ->
    case gen_tcp:recv(Socket, 0, ?TIMEOUT) of
        {ok, {http_header, _, 'Content-Length', _, Value}} ->
            case string:to_integer(Value) of
                {N, <<>>} when N >= 0, N =< 65536 ->
                    read_headers(Socket, Method, Path, N);
                _ ->
                    {error, bad_length}
            end;
        {ok, {http_header, _, _, _, _}} ->
            read_headers(Socket, Method, Path, Length);
        {ok, http_eoh} when Length =:= 0 ->
            {ok, Method, Path, <<>>};
        {ok, http_eoh} ->
            ok = inet:setopts(Socket, [{packet, raw}]),
            case gen_tcp:recv(Socket, Length, ?TIMEOUT) of
                {ok, Body} -> {ok, Method, Path, Body};
                {error, _} = Error -> Error
            end;
        {ok, _} ->
            {error, bad_request};
        {error, _} = Error ->
            Error
    end.

split(Path) ->
    [Bare | _] = binary:split(Path, <<"?">>),
    binary:split(Bare, <<"/">>, [global, trim_all]).

route('GET', [<<"health">>], _) ->
    {200, <<"ok\n">>};
route('GET', [<<"schema">>], _) ->
    {200, [integer_to_binary(counter_store:schema()), $\n]};
route('GET', [<<"rows">>], _) ->
    case counter_store:rows() of
        {ok, Rows} ->
            {200, [[Name, $\s, integer_to_binary(N), $\n]
                   || {Name, N} <- Rows]};
        {error, not_migrated} ->
            {503, <<"not migrated\n">>}
    end;
route('POST', [<<"rows">>, Name], Body) ->
    case {valid_name(Name), increment(Body)} of
        {true, {ok, By}} ->
            case counter_store:bump(Name, By) of
                {ok, N} -> {200, [integer_to_binary(N), $\n]};
                {error, not_migrated} -> {503, <<"not migrated\n">>}
            end;
        _ ->
            {400, <<"bad row name or increment\n">>}
    end;
route(_, _, _) ->
    {404, <<"not found\n">>}.

valid_name(Name) ->
    re:run(Name, "^[A-Za-z0-9_.-]+$", [{capture, none}]) =:= match.

increment(<<>>) ->
    {ok, 1};
increment(Body) ->
    try binary_to_integer(string:trim(Body)) of
        N -> {ok, N}
    catch
        error:badarg -> error
    end.

reply(Socket, Status, Text) ->
    gen_tcp:send(Socket, [<<"HTTP/1.1 ">>, integer_to_binary(Status),
                          $\s, reason(Status), <<"\r\n">>,
                          <<"Content-Type: text/plain\r\n">>,
                          <<"Content-Length: ">>,
                          integer_to_binary(iolist_size(Text)), <<"\r\n">>,
                          <<"Connection: close\r\n\r\n">>, Text]).

reason(200) -> <<"OK">>;
reason(400) -> <<"Bad Request">>;
reason(404) -> <<"Not Found">>;
reason(503) -> <<"Service Unavailable">>.

%% One request to the service on this host, on the port of the
%% application's environment: {Status, Body}.
request(Method, Path, Body) ->
    {ok, Port} = application:get_env(counter, port),
    Socket = case gen_tcp:connect({127, 0, 0, 1}, Port,
                                  [binary, {active, false}], ?TIMEOUT) of
                 {ok, S} -> S;
                 {error, Reason} -> error({no_service_on_port, Port, Reason})
             end,
    ok = gen_tcp:send(Socket, [Method, $\s, Path, <<" HTTP/1.1\r\n">>,
                               <<"Host: localhost\r\n">>,
                               <<"Content-Length: ">>,
                               integer_to_binary(iolist_size(Body)),
                               <<"\r\nConnection: close\r\n\r\n">>, Body]),
    Response = recv_all(Socket, []),
    ok = gen_tcp:close(Socket),
    {ok, {http_response, _, Status, _}, Rest} =
        erlang:decode_packet(http_bin, Response, []),
    [_Headers, Text] = binary:split(Rest, <<"\r\n\r\n">>),
    {Status, Text}.

recv_all(Socket, Acc) ->
    case gen_tcp:recv(Socket, 0, ?TIMEOUT) of
        {ok, Data} -> recv_all(Socket, [Acc, Data]);
        {error, closed} -> iolist_to_binary(Acc)
    end.
