#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noshell +fnu
%%
%% The oracle side of relc's boot-script tests: OTP's own systools.
%%
%%   oracle.escript gen CASE_DIR PROJECT_DIR
%%       Write the applications described in CASE_DIR/apps.config into
%%       PROJECT_DIR/_build/prod/lib/NAME/ebin: the .app file exactly as
%%       given, and a compiled module for every module it lists.
%%
%%   oracle.escript check RELEASE_ROOT [LIBDIR...]
%%       RELEASE_ROOT is a release relc built.  Run systools:make_script
%%       on its releases/VSN/NAME.rel (and on the .rel files of start_clean
%%       and no_dot_erlang derived from it) with the applications the
%%       release holds in RELEASE_ROOT/lib (and LIBDIR/*/ebin), and require
%%       that every .boot relc wrote is byte-identical to systools',
%%       decodes to the same term, and that relc's start.script consults
%%       to systools' script.  A release without erts-VSN/ runs on the
%%       target's OTP: its own applications are at $RELEASE_LIB.
%%
%%   oracle.escript stripped RELEASE_ROOT
%%       Require that every BEAM file in RELEASE_ROOT/lib loads (as
%%       erlang:prepare_loading/2 judges it) and has no abstract code left,
%%       and print how many there were.
%%
%%   oracle.escript fail REL_FILE LIBDIR...
%%       Require that systools:make_script fails on REL_FILE, and print
%%       its error.
-mode(compile).

main(["gen", CaseDir, Project]) ->
    {ok, Terms} = file:consult(filename:join(CaseDir, "apps.config")),
    Lib = filename:join([Project, "_build", "prod", "lib"]),
    Actions = lists:append([expand(T) || T <- Terms]),
    lists:foreach(fun(A) -> act(Project, Lib, A) end, Actions),
    io:format("generated ~b applications~n",
              [length([A || {application, _, _} = A <- Actions])]);
main(["check", Root | LibDirs]) ->
    check(Root, LibDirs);
main(["stripped", Root]) ->
    Beams = filelib:wildcard(filename:join([Root, "lib", "*", "ebin", "*.beam"])),
    [check_stripped(B) || B <- Beams],
    io:format("~b BEAM files load and have no abstract code~n",
              [length(Beams)]);
main(["fail", RelFile | LibDirs]) ->
    Path = paths(LibDirs),
    Tmp = tmpdir(),
    Base = filename:join(Tmp, filename:basename(RelFile, ".rel")),
    {ok, _} = file:copy(RelFile, Base ++ ".rel"),
    case systools:make_script(Base, [silent, no_dot_erlang, {path, Path},
                                     {outdir, Tmp}]) of
        {error, Mod, Reason} ->
            io:format("systools fails: ~ts", [Mod:format_error(Reason)]);
        Other ->
            fail("systools did not fail: ~p", [Other])
    end;
main(_) ->
    io:format(standard_error, "usage: see the comment at the top~n", []),
    halt(2).

check_stripped(File) ->
    {ok, Bin} = file:read_file(File),
    Mod = list_to_atom(filename:basename(File, ".beam")),
    case erlang:prepare_loading(Mod, Bin) of
        {error, Why} -> fail("~ts does not load: ~p", [File, Why]);
        _Prepared -> ok
    end,
    case beam_lib:chunks(Bin, [abstract_code]) of
        {ok, {Mod, [{abstract_code, no_abstract_code}]}} -> ok;
        Other -> fail("~ts still has abstract code: ~P", [File, Other, 5])
    end,
    case beam_lib:chunks(Bin, ["Dbgi", "Docs", "CInf"], [allow_missing_chunks]) of
        {ok, {Mod, Chunks}} ->
            [fail("~ts still has its ~s chunk", [File, Id])
             || {Id, Data} <- Chunks, Data =/= missing_chunk];
        Error -> fail("~ts: ~p", [File, Error])
    end.

fail(Fmt, Args) ->
    io:format(standard_error, "oracle: " ++ Fmt ++ "~n", Args),
    halt(1).

tmpdir() ->
    Dir = filename:join(os:getenv("TMPDIR", "/tmp"),
                        "relc-oracle-" ++ os:getpid() ++ "-" ++
                            integer_to_list(erlang:unique_integer([positive]))),
    ok = filelib:ensure_dir(filename:join(Dir, "x")),
    Dir.

paths(LibDirs) ->
    lists:append([filelib:wildcard(filename:join([D, "*", "ebin"]))
                  || D <- LibDirs]).

%% ---- generating applications -------------------------------------------

%% An entry of apps.config is an application term (written to
%% _build/prod/lib/NAME/ebin), {place, Dir, App} (written to
%% Dir/NAME-VSN/ebin), {file, Path, Bytes} (any file, bytes as given),
%% {beam, Dir, Module} (a compiled module), or a generator of many
%% applications.
expand({application, _, _} = App) ->
    [App];
expand({place, _, _} = P) ->
    [P];
expand({file, _, _} = F) ->
    [F];
expand({beam, _, _} = B) ->
    [B];
expand({chain, Prefix, N}) ->
    %% Prefix1 uses nothing; PrefixK uses Prefix(K-1).
    [gen_app(name(Prefix, K),
             case K of 1 -> []; _ -> [name(Prefix, K - 1)] end)
     || K <- lists:seq(1, N)];
expand({dag, Prefix, N, Seed}) ->
    %% A random DAG: app K uses up to three of the apps before it.
    rand:seed(exsss, {Seed, Seed, Seed}),
    [gen_app(name(Prefix, K),
             lists:usort([name(Prefix, rand:uniform(K - 1))
                          || K > 1, _ <- lists:seq(1, rand:uniform(3))]))
     || K <- lists:seq(1, N)];
expand({top, Name, Prefix, N}) ->
    %% An application that uses all of Prefix1..PrefixN.
    [gen_app(Name, [name(Prefix, K) || K <- lists:seq(N, 1, -1)])].

name(Prefix, K) ->
    list_to_atom(atom_to_list(Prefix) ++ integer_to_list(K)).

gen_app(Name, Uses) ->
    Mod = list_to_atom(atom_to_list(Name) ++ "_mod"),
    {application, Name,
     [{description, "generated " ++ atom_to_list(Name)},
      {vsn, "1.0.0"},
      {modules, [Mod]},
      {registered, []},
      {applications, [kernel, stdlib | Uses]}]}.

act(_Project, Lib, {application, Name, _} = App) ->
    write_app(filename:join(Lib, atom_to_list(Name)), App);
act(Project, _Lib, {place, Dir, {application, Name, Props} = App}) ->
    Vsn = proplists:get_value(vsn, Props),
    write_app(filename:join([Project, Dir, atom_to_list(Name) ++ "-" ++ Vsn]),
              App);
act(Project, _Lib, {beam, Dir, Mod}) ->
    Ebin = filename:join(Project, Dir),
    ok = filelib:ensure_dir(filename:join(Ebin, "x")),
    write_beam(Ebin, Mod);
act(Project, _Lib, {file, Path, Bytes}) ->
    File = filename:join(Project, Path),
    ok = filelib:ensure_dir(File),
    ok = file:write_file(File, Bytes).

write_app(Dir, {application, Name, Props} = App) ->
    Ebin = filename:join(Dir, "ebin"),
    ok = filelib:ensure_dir(filename:join(Ebin, "x")),
    AppFile = filename:join(Ebin, atom_to_list(Name) ++ ".app"),
    ok = file:write_file(AppFile,
                         unicode:characters_to_binary(
                           io_lib:format("%% coding: utf-8~n~tp.~n", [App]))),
    Mods = proplists:get_value(modules, Props, []),
    lists:foreach(fun(M) when is_atom(M) -> write_beam(Ebin, M);
                     (_) -> ok
                  end, Mods).

write_beam(Ebin, Mod) ->
    Forms = [{attribute, 1, module, Mod},
             {attribute, 2, export, [{ping, 0}]},
             {function, 3, ping, 0, [{clause, 3, [], [], [{atom, 3, pong}]}]}],
    {ok, Mod, Bin} = compile:forms(Forms, []),
    ok = file:write_file(filename:join(Ebin, atom_to_list(Mod) ++ ".beam"),
                         Bin).

%% ---- comparing with systools -------------------------------------------

check(Root, LibDirs) ->
    Lib = filename:join(Root, "lib"),
    Path = paths([Lib | LibDirs]),
    Vars = case filelib:wildcard(filename:join(Root, "erts-*")) of
               [] -> [{variables, [{"RELEASE_LIB", Lib}]}];
               _ -> []
           end,
    [RelDir] = [D || D <- filelib:wildcard(filename:join([Root, "releases", "*"])),
                     filelib:is_dir(D)],
    [RelFile] = filelib:wildcard(filename:join(RelDir, "*.rel")),
    {ok, [{release, {Name, Vsn}, Erts, Apps} = Rel]} = file:consult(RelFile),
    Tmp = tmpdir(),
    Make = fun(Base, R) -> make(Tmp, Base, R, Path, Vars) end,
    %% start: the release as relc wrote it
    Start = Make("start", Rel),
    compare_boot(filename:join(RelDir, "start.boot"), Start ++ ".boot"),
    compare_script(filename:join(RelDir, "start.script"), Start ++ ".script"),
    %% start_clean: everything loaded, only kernel and stdlib started
    Clean = [clean(A) || A <- Apps],
    CleanFile = Make("start_clean", {release, {Name, Vsn}, Erts, Clean}),
    compare_boot(filename:join(RelDir, "start_clean.boot"),
                 CleanFile ++ ".boot"),
    %% no_dot_erlang: kernel and stdlib
    Min = [A || A <- Apps, lists:member(element(1, A), [kernel, stdlib])],
    MinFile = Make("no_dot_erlang", {release, {Name, Vsn}, Erts, Min}),
    compare_boot(filename:join(RelDir, "no_dot_erlang.boot"),
                 MinFile ++ ".boot"),
    io:format("identical: start.boot, start.script, start_clean.boot and "
              "no_dot_erlang.boot (~b applications)~n", [length(Apps)]).

clean({A, V}) -> clean({A, V, permanent});
clean({A, V, L}) when is_list(L) -> clean({A, V, permanent, L});
clean({A, V, T}) -> {A, V, clean_type(A, T)};
clean({A, V, T, L}) -> {A, V, clean_type(A, T), L}.

clean_type(A, _) when A =:= kernel; A =:= stdlib -> permanent;
clean_type(_, none) -> none;
clean_type(_, _) -> load.

make(Tmp, Base, Rel, Path, Vars) ->
    File = filename:join(Tmp, Base),
    ok = file:write_file(File ++ ".rel", io_lib:format("~tp.~n", [Rel])),
    case systools:make_script(File, [silent, no_dot_erlang, {path, Path},
                                     {outdir, Tmp} | Vars]) of
        {ok, _, _} -> File;
        {error, Mod, Reason} ->
            fail("systools failed on ~ts: ~ts", [Base, Mod:format_error(Reason)])
    end.

compare_boot(Relc, Systools) ->
    {ok, A} = file:read_file(Relc),
    {ok, B} = file:read_file(Systools),
    case binary_to_term(A) =:= binary_to_term(B) of
        true -> ok;
        false -> fail("~ts decodes to a different term than systools':~n~ts",
                      [Relc, first_difference(binary_to_term(A),
                                              binary_to_term(B))])
    end,
    case A =:= B of
        true -> ok;
        false -> fail("~ts has the same term as systools' but other bytes",
                      [Relc])
    end.

compare_script(Relc, Systools) ->
    {ok, [A]} = file:consult(Relc),
    {ok, [B]} = file:consult(Systools),
    case A =:= B of
        true -> ok;
        false -> fail("~ts consults to a different term than systools':~n~ts",
                      [Relc, first_difference(A, B)])
    end.

first_difference({script, N, A}, {script, N, B}) ->
    first_difference(1, A, B);
first_difference(A, B) ->
    io_lib:format("relc:     ~tp~nsystools: ~tp", [A, B]).

first_difference(I, [X | A], [X | B]) -> first_difference(I + 1, A, B);
first_difference(I, [X | _], [Y | _]) ->
    io_lib:format("instruction ~b~nrelc:     ~tp~nsystools: ~tp", [I, X, Y]);
first_difference(I, A, B) ->
    io_lib:format("after instruction ~b~nrelc:     ~tp~nsystools: ~tp",
                  [I, A, B]).
