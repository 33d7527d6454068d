#!/usr/bin/env escript
%% -*- erlang -*-
%% The relup oracle's OTP side: for each case directory under DIR (an
%% old/ and a new/ release, relc's relup in relc.relup or its error in
%% relc.err), run systools:make_relup(New, [Old], [Old], ...) and compare
%% the two terms with =:=.  A case holding `expect_error` must fail in both.
%% Prints one line per case ("ok NAME" or "FAIL NAME ...") and exits 1 if
%% any failed.
%%
%% usage: check.escript DIR
-mode(compile).

main([Dir]) ->
    Cases = lists:sort(filelib:wildcard(filename:join(Dir, "*"))),
    Results = [check(C) || C <- Cases, filelib:is_dir(C)],
    case lists:all(fun(R) -> R end, Results) of
        true -> halt(0);
        false -> halt(1)
    end.

rel(Case, Which) ->
    [Rel] = filelib:wildcard(filename:join([Case, Which, "releases", "*", "*.rel"])),
    filename:rootname(Rel).

check(Case) ->
    Name = filename:basename(Case),
    Out = filename:join(Case, "systools"),
    ok = filelib:ensure_dir(filename:join(Out, "x")),
    Old = rel(Case, "old"),
    New = rel(Case, "new"),
    Path = [filename:join([Case, "new", "lib", "*", "ebin"]),
            filename:join([Case, "old", "lib", "*", "ebin"])],
    R = systools:make_relup(New, [Old], [Old],
                            [{path, Path}, {outdir, Out}, silent]),
    ExpectError = filelib:is_file(filename:join(Case, "expect_error")),
    RelcErr = filelib:is_file(filename:join(Case, "relc.err")),
    case {ExpectError, R} of
        {true, {ok, _, _, _}} ->
            io:format("FAIL ~s: systools succeeds where an error was expected~n",
                      [Name]),
            false;
        {true, _} when RelcErr ->
            io:format("ok ~s (both fail; systools: ~0tp)~n", [Name, R]),
            true;
        {true, _} ->
            io:format("FAIL ~s: relc succeeds where an error was expected~n",
                      [Name]),
            false;
        {false, {ok, _, _, _}} when RelcErr ->
            {ok, E} = file:read_file(filename:join(Case, "relc.err")),
            io:format("FAIL ~s: relc fails: ~s~n", [Name, E]),
            false;
        {false, {ok, _, _, _}} ->
            {ok, [Want]} = file:consult(filename:join(Out, "relup")),
            {ok, [Got]} = file:consult(filename:join(Case, "relc.relup")),
            case Want =:= Got of
                true ->
                    io:format("ok ~s~n", [Name]),
                    true;
                false ->
                    io:format("FAIL ~s: the relups differ~nsystools:~n~p~nrelc:~n~p~n",
                              [Name, Want, Got]),
                    false
            end;
        {false, Error} ->
            io:format("FAIL ~s: systools fails: ~0tp~n", [Name, Error]),
            false
    end.
