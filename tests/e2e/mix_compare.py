#!/usr/bin/env python3
"""relc side by side with `mix release` (issue 9): examples/hello_ex
compiled once with MIX_ENV=prod, released by `mix release --overwrite`
(offline, HOME in the workspace, no Hex) and by `relc build --env prod`.

- the .rel files: the same release name and version, the same ERTS, the
  same applications with the same versions and start types, but `iex`
  (relc `load`, mix `none`: documented in docs/config.md);
- releases/VSN/start.script of each, read with file:consult, equal
  instruction by instruction once only the documented differences are
  taken out (docs/config.md, "Where this differs from `mix release`"):
  1. paths: mix's `$RELEASE_LIB/APP-VSN/ebin` and
     `$RELEASE_LIB/../releases/VSN/consolidated` are relc's
     `$ROOT/lib/APP-VSN/ebin` and `$ROOT/releases/VSN/consolidated` (the
     release carries ERTS);
  2. relc's `{apply, {application, load, [iex...]}}`;
  3. mix's `{apply, {'Elixir.Config.Provider', boot, []}}` (hello_ex has
     a config/runtime.exs).
  Every other difference fails, with a diff of the two scripts.

Needs erl, elixir and mix: skipped (77) without them, failed under
CI=true."""
import difflib
import os
import shutil

from mix_util import main, mix_env
from relc_e2e import TOP, Failure, check, run

EXAMPLE = os.path.join(TOP, "examples", "hello_ex")
NAME, VSN = "hello_ex", "0.1.0"

# Reads a .rel and a start.script (file:consult) and prints them one term a
# line (~0tp: no line breaks inside a term): the .rel as "rel" and "erts"
# lines and one "app NAME VSN TYPE" line an application (the type
# spelled out, permanent when the .rel leaves it out), the script as its
# "id" and one line an instruction.  Paths are rewritten in mix's script
# only (MIX=true), and only in {path, ...} instructions.
DUMP = r"""
[Which, Rel, Script] = init:get_plain_arguments(),
P = fun(T) -> io:format("~0tp~n", [T]) end,
{ok, [{release, {RN, RV}, {erts, E}, Apps}]} = file:consult(Rel),
P({rel, RN, RV}), P({erts, E}),
App = fun({A, V}) -> {A, V, permanent, []};
         ({A, V, T}) when is_atom(T) -> {A, V, T, []};
         ({A, V, I}) when is_list(I) -> {A, V, permanent, I};
         ({A, V, T, I}) -> {A, V, T, I} end,
[P({app, A, V, T, I}) || X <- Apps, {A, V, T, I} <- [App(X)]],
{ok, [{script, Id, Is}]} = file:consult(Script),
P({id, Id}),
Norm = fun("$RELEASE_LIB/../releases/" ++ R) -> "$ROOT/releases/" ++ R;
          ("$RELEASE_LIB/" ++ R) -> "$ROOT/lib/" ++ R;
          (S) -> S end,
N = fun({path, Ps}) when Which =:= "mix" -> {path, [Norm(S) || S <- Ps]};
       (I) -> I end,
[P({i, N(I)}) || I <- Is],
halt().
"""

IEX_LOAD = "{i,{apply,{application,load,[{application,iex,"
PROVIDER = "{i,{apply,{'Elixir.Config.Provider',boot,[]}}}"


def dump(which, rel_root):
    rel_dir = os.path.join(rel_root, "releases", VSN)
    p = run(["erl", "-noshell", "-eval", DUMP, "-extra", which,
             os.path.join(rel_dir, NAME + ".rel"),
             os.path.join(rel_dir, "start.script")], timeout=60)
    lines = p.stdout.splitlines()
    check(lines and lines[-1].startswith("{i,"),
          "reading %s's release in %s: %r %r", which, rel_dir, p.stdout,
          p.stderr)
    return lines


def apps(lines):
    got = {}
    for line in lines:
        if line.startswith("{app,"):
            name = line[len("{app,"):].split(",", 1)[0]
            check(name not in got, "%s twice in the .rel", name)
            got[name] = line
    return got


def diff(a, b, a_name, b_name):
    """A unified diff, each line cut at 400 characters (an application's
    load instruction holds its whole .app)."""
    cut = [x if len(x) <= 400 else x[:400] + "..." for x in
           difflib.unified_diff(a, b, a_name, b_name, lineterm="", n=2)]
    return "\n".join(cut)


def test(ws):
    project = ws.path(NAME)
    shutil.copytree(EXAMPLE, project,
                    ignore=shutil.ignore_patterns("_build", "deps"))
    env = mix_env(ws, "prod")
    env["HEX_OFFLINE"] = "1"
    for var in list(env):
        if var.startswith("HELLO_EX_"):
            del env[var]
    run(["mix", "compile"], cwd=project, env=env, timeout=300)
    # relc's output is _build/prod/rel/hello_ex: mix's goes next to it
    by_mix = ws.path("mix-release")
    run(["mix", "release", "--overwrite", "--path", by_mix], cwd=project,
        env=env, timeout=300)
    run([ws.relc, "build", "--env", "prod"], cwd=project, env=env,
        timeout=300)
    by_relc = os.path.join(project, "_build", "prod", "rel", NAME)

    mix = dump("mix", by_mix)
    relc = dump("relc", by_relc)

    # the .rel: name, version, ERTS, applications (the order is relc's,
    # documented: compared as sets), versions and start types
    for key in ("{rel,", "{erts,"):
        m = [x for x in mix if x.startswith(key)]
        r = [x for x in relc if x.startswith(key)]
        check(m == r, ".rel %s differs: mix %s, relc %s", key, m, r)
    mix_apps, relc_apps = apps(mix), apps(relc)
    want_iex = ('{app,iex,"%s",none,[]}', '{app,iex,"%s",load,[]}')
    iex_m, iex_r = mix_apps.pop("iex", None), relc_apps.pop("iex", None)
    check(iex_m is not None and iex_r is not None,
          "iex missing from a .rel: mix %s, relc %s", iex_m, iex_r)
    iex_vsn = iex_m.split(",")[2].strip('"')
    check((iex_m, iex_r) == (want_iex[0] % iex_vsn, want_iex[1] % iex_vsn),
          "iex: want none (mix) and load (relc) at one version, got "
          "mix %s, relc %s", iex_m, iex_r)
    if mix_apps != relc_apps:
        raise Failure(".rel applications differ (beyond iex):\n%s" % diff(
            sorted(mix_apps.values()), sorted(relc_apps.values()),
            "mix release", "relc"))
    check(NAME in relc_apps and "elixir" in relc_apps,
          "the .rel lacks hello_ex or elixir: %s", sorted(relc_apps))

    # start.script: the id, then the instructions in order
    mix_id = [x for x in mix if x.startswith("{id,")]
    relc_id = [x for x in relc if x.startswith("{id,")]
    check(mix_id == relc_id == ['{id,{"%s","%s"}}' % (NAME, VSN)],
          "script ids: mix %s, relc %s", mix_id, relc_id)
    mix_is = [x for x in mix if x.startswith("{i,")]
    relc_is = [x for x in relc if x.startswith("{i,")]
    # the documented differences, each exactly once
    provider = [x for x in mix_is if x == PROVIDER]
    check(len(provider) == 1, "mix's script has %d Config.Provider boot "
          "instructions, want 1 (hello_ex has runtime.exs)", len(provider))
    iex_load = [x for x in relc_is if x.startswith(IEX_LOAD)]
    check(len(iex_load) == 1, "relc's script has %d iex load instructions, "
          "want 1", len(iex_load))
    check(not any(x.startswith(IEX_LOAD) for x in mix_is),
          "mix's script loads iex")
    check(not any(x.startswith("{i,{apply,{'Elixir.Config.Provider',")
                  for x in relc_is),
          "relc's script runs Config.Provider")
    mix_is = [x for x in mix_is if x != PROVIDER]
    relc_is = [x for x in relc_is if not x.startswith(IEX_LOAD)]
    for who, script in (("mix", mix_is), ("relc", relc_is)):
        left = [x for x in script if "$RELEASE_LIB" in x]
        check(not left, "%s's script still names $RELEASE_LIB after the "
              "documented rewrite:\n%s", who, "\n".join(left))
    if mix_is != relc_is:
        raise Failure(
            "start.script differs beyond the documented differences "
            "(paths, iex load, Config.Provider; %d against %d "
            "instructions left):\n%s" % (
                len(mix_is), len(relc_is),
                diff(mix_is, relc_is, "mix release (normalized)", "relc")))
    print("%s: %d applications, %d instructions each (+ mix's "
          "Config.Provider, + relc's iex load)"
          % (NAME, len(relc_apps) + 1, len(relc_is)))


if __name__ == "__main__":
    main(test)
