#!/usr/bin/env escript
%% Generate a plain-layout project for relc's scaling benchmark: N
%% applications of M modules each, compiled in this one VM (no erlc per
%% file), as PROJECT/lib/appNNNN/ebin/, and rel/relc.yaml naming them all
%% (found through lib_dirs).
%%
%% usage: gen_lib.escript PROJECT N M
main([Root, NS, MS]) ->
    N = list_to_integer(NS),
    M = list_to_integer(MS),
    Names = [lists:flatten(io_lib:format("app~4..0B", [I])) || I <- lists:seq(1, N)],
    lists:foreach(fun(Name) -> app(Root, Name, M) end, Names),
    ok = filelib:ensure_dir(filename:join([Root, "rel", "x"])),
    ok = file:write_file(filename:join([Root, "rel", "relc.yaml"]),
        ["releases:\n  scale:\n    version: 1.0.0\n    lib_dirs: [lib]\n",
         "    applications: [", lists:join(", ", Names), "]\n"]).

app(Root, Name, M) ->
    Ebin = filename:join([Root, "lib", Name, "ebin"]),
    ok = filelib:ensure_dir(filename:join(Ebin, "x")),
    Mods = [list_to_atom(lists:flatten(io_lib:format("~s_m~3..0B", [Name, J])))
            || J <- lists:seq(1, M)],
    lists:foreach(fun(Mod) -> module(Ebin, Mod) end, Mods),
    App = {application, list_to_atom(Name),
           [{description, Name}, {vsn, "1.0.0"}, {modules, Mods},
            {registered, []}, {applications, [kernel, stdlib]}]},
    ok = file:write_file(filename:join(Ebin, Name ++ ".app"),
                         io_lib:format("~p.~n", [App])).

module(Ebin, Mod) ->
    Src = io_lib:format("-module(~s).~n-export([f/1, g/2]).~n"
                        "f(X) -> [{X, Y} || Y <- lists:seq(1, X)].~n"
                        "g(A, B) -> maps:from_list([{A, B}, {B, A}]).~n", [Mod]),
    {ok, Toks, _} = erl_scan:string(lists:flatten(Src)),
    Forms = split(Toks, [], []),
    {ok, Mod, Bin} = compile:forms(Forms, [debug_info, deterministic]),
    ok = file:write_file(filename:join(Ebin, atom_to_list(Mod) ++ ".beam"), Bin).

split([], [], Acc) -> lists:reverse(Acc);
split([{dot, _} = D | T], Cur, Acc) ->
    {ok, F} = erl_parse:parse_form(lists:reverse([D | Cur])),
    split(T, [], [F | Acc]);
split([H | T], Cur, Acc) -> split(T, [H | Cur], Acc).
