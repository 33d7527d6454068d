#!/usr/bin/env python3
"""examples/upgrade_ex (a mix project) upgraded hot by relc and back (issue
10): release 1 is built, archived, unpacked into a fresh directory and
started, and its GenServer's state changed through rpc; the sources
switched to v2 (the example's v2/ overlay), `relc build --upfrom 1` and
`relc archive --upfrom 1` make release 2 with its relup, and
`bin/upgrade_ex upgrade TARBALL` upgrades the running node (the user's
tarball left as it was).  Then, in the same OS process: `version` and
`releases` say 2 (permanent), v2's code answers, the state was converted
by v2's code_change/3, and the consolidated protocols are v2's
(releases/2/consolidated): the project's protocol and String.Chars
dispatch to the implementations for UpgradeEx.Tally, a struct only v2 has,
and the project's protocol, which v2 changed, is the consolidated module,
not the application's.  `bin/upgrade_ex downgrade 1` converts the state
back and puts v1's consolidated protocols back; a stop and start then runs
release 1; `upgrade 2` (already unpacked) again, and a stop and start runs
release 2.  What config/runtime.exs gave at the start is still in the
application environment after the upgrade and after the downgrade.

Needs erl, elixir and mix: skipped (77) without them, failed under
CI=true."""
import hashlib
import os
import re
import shutil
import tarfile

from relc_e2e import TOP, check, main, run, unique, wait_gone
from mix_util import mix_env

EXAMPLE = os.path.join(TOP, "examples", "upgrade_ex")
NAME = "upgrade_ex"

# rpc's answers are compared as text, as inspect prints them
STATE = ":sys.get_state(UpgradeEx.Store)"
# where a module was loaded from: the end of its path
WHERE = ":code.which(%s) |> List.to_string() |> Path.split() |> Enum.take(-4)"


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def relc(ws, project, *args):
    return run([ws.relc] + list(args) + ["--env", "prod"], cwd=project,
               env=mix_env(ws, "prod"), timeout=300)


def test(ws):
    project = ws.path(NAME)
    shutil.copytree(EXAMPLE, project,
                    ignore=shutil.ignore_patterns("_build", "deps"))
    out = os.path.join(project, "_build", "prod")

    # release 1, archived, unpacked where nothing of relc's is, started
    run(["mix", "compile"], cwd=project, env=mix_env(ws, "prod"),
        timeout=300)
    relc(ws, project, "build")
    relc(ws, project, "archive")
    tar1 = os.path.join(out, "%s-1.tar.gz" % NAME)
    check(os.path.isfile(tar1), "relc archive made no %s", tar1)
    root = ws.path("deploy", NAME)
    os.makedirs(root)
    run(["tar", "-xzf", tar1, "-C", root])

    # config/runtime.exs reads UPGRADE_EX_GREETING at each start; an
    # upgrade should keep what it gave
    env = ws.node_env(unique("upgrade_ex"), UPGRADE_EX_GREETING="Hi")
    greeting = "Application.get_env(:upgrade_ex, :greeting)"
    later = []  # failures reported at the end, the other checks run first

    def rpc(expr):
        return ws.bin(root, NAME, "rpc", expr, env=env).stdout.strip()

    def expect(expr, want):
        got = rpc(expr)
        check(got == want, "rpc %s: %r, not %r", expr, got, want)

    def expect_later(expr, want, when):
        got = rpc(expr)
        if got != want:
            later.append("%s: rpc %s: %r, not %r" % (when, expr, got, want))

    def version(vsn):
        got = ws.bin(root, NAME, "version", env=env).stdout
        check(got == "%s %s\n" % (NAME, vsn), "bin/%s version: %r, not %s",
              NAME, got, vsn)

    def releases():
        return ws.bin(root, NAME, "releases", env=env).stdout

    def status(text, vsn, what):
        """releases lists VSN with that status (whatever marks the running
        one)."""
        check(re.search(r"(?m)^\W*%s\s+%s\b" % (re.escape(vsn), what), text),
              "bin/%s releases does not list %s as %s:\n%s", NAME, vsn, what,
              text)

    ws.bin(root, NAME, "start", env=env)
    pid = int(ws.bin(root, NAME, "pid", env=env).stdout)
    ws.pids.append(pid)
    expect("UpgradeEx.Store.add(\"ann\"); UpgradeEx.Store.add(\"bob\")", "2")
    expect(STATE, '["bob", "ann"]')
    expect("UpgradeEx.version()", "1")
    expect("UpgradeEx.Describe.__protocol__(:impls)",
           "{:consolidated, [Atom, Integer]}")
    expect(greeting, '"Hi"')
    status(releases(), "1", "permanent")

    # release 2 against release 1: the output directory now holds 2, so
    # archive finds 1 as its tarball in _build/prod
    for path, dirs, files in os.walk(os.path.join(EXAMPLE, "v2")):
        rel = os.path.relpath(path, os.path.join(EXAMPLE, "v2"))
        for f in files:
            os.makedirs(os.path.join(project, rel), exist_ok=True)
            shutil.copy(os.path.join(path, f), os.path.join(project, rel, f))
    run(["mix", "compile"], cwd=project, env=mix_env(ws, "prod"),
        timeout=300)
    relc(ws, project, "build", "--upfrom", "1")
    relup = os.path.join(out, "rel", NAME, "releases", "2", "relup")
    check(os.path.isfile(relup), "relc build --upfrom 1 made no %s", relup)
    with open(relup) as f:
        text = f.read()
    # the consolidated protocols switched both ways, after what systools
    # gives (the project's own, and String.Chars from elixir)
    for vsn in ("1", "2"):
        check("releases/%s/consolidated" % vsn in text,
              "the relup does not switch to releases/%s/consolidated:\n%s",
              vsn, text)
    check(text.count("'Elixir.String.Chars'") >= 2,
          "the relup does not reload String.Chars both ways:\n%s", text)
    appup = os.path.join(out, "rel", NAME, "lib", "upgrade_ex-0.2.0", "ebin",
                         "upgrade_ex.appup")
    check(os.path.isfile(appup), "relc generated no %s", appup)

    # the output directory now holds 2: the archive's build reads 1 from
    # its tarball, in place, and must make the same relup and appup
    with open(appup) as f:
        appup_text = f.read()
    res = relc(ws, project, "archive", "--upfrom", "1")
    check("relup from 1 (read from _build/prod/%s-1.tar.gz)" % NAME
          in res.stdout, "relc archive --upfrom 1 did not read 1 from its "
          "tarball:\n%s", res.stdout)
    tar2 = os.path.join(out, "%s-2.tar.gz" % NAME)
    for path, want in ((relup, text), (appup, appup_text)):
        with open(path) as f:
            got = f.read()
        check(got == want, "%s differs when 1 is read from its tarball:\n"
              "%s\nnot\n%s", path, got, want)
    with tarfile.open(tar2) as t:
        names = set(t.getnames())
    for member in ("releases/2/relup", "releases/2/consolidated/"
                   "Elixir.UpgradeEx.Describe.beam",
                   "lib/upgrade_ex-0.2.0/ebin/upgrade_ex.appup"):
        check(member in names, "%s is not in %s", member, tar2)
    before = sha256(tar2)

    # the upgrade, given the tarball's path
    ws.bin(root, NAME, "upgrade", tar2, env=env)
    check(os.path.isfile(tar2) and sha256(tar2) == before,
          "bin/%s upgrade changed or moved the user's %s", NAME, tar2)
    check(int(ws.bin(root, NAME, "pid", env=env).stdout) == pid,
          "the upgrade restarted the node")
    expect("UpgradeEx.version()", "2")
    expect(STATE, '%UpgradeEx.Tally{names: ["bob", "ann"], count: 2}')
    # String.Chars (elixir's) and UpgradeEx.Describe (the project's),
    # for a struct that only v2 has: v2's consolidated protocols
    expect("UpgradeEx.summary()", '"2: ann, bob"')
    expect("UpgradeEx.describe(UpgradeEx.Store.tally())",
           '"a tally of 2 names"')
    expect("UpgradeEx.kind(42)", ":integer")
    expect("UpgradeEx.Describe.__protocol__(:impls)",
           "{:consolidated, [Atom, Integer, UpgradeEx.Tally]}")
    for mod in ("UpgradeEx.Describe", "String.Chars"):
        expect(WHERE % mod,
               '["releases", "2", "consolidated", "Elixir.%s.beam"]' % mod)
    expect("UpgradeEx.Store.add(\"cy\")", "3")
    expect_later(greeting, '"Hi"', "after the upgrade, runtime.exs's value")
    text = releases()
    status(text, "2", "permanent")
    status(text, "1", "old")
    with open(os.path.join(root, "releases", "start_erl.data")) as f:
        start_erl = f.read().split()
    check(start_erl[1:] == ["2"], "start_erl.data after the upgrade: %r",
          start_erl)
    version("2")

    # back to 1, in the same process: the state converted back by v2's
    # code_change({:down, _}, ...), v1's consolidated protocols
    ws.bin(root, NAME, "downgrade", "1", env=env)
    check(int(ws.bin(root, NAME, "pid", env=env).stdout) == pid,
          "the downgrade restarted the node")
    expect("UpgradeEx.version()", "1")
    expect(STATE, '["cy", "bob", "ann"]')
    expect("UpgradeEx.Store.names()", '["ann", "bob", "cy"]')
    expect("{Code.ensure_loaded?(UpgradeEx.Tally), "
           "function_exported?(UpgradeEx, :summary, 0)}", "{false, false}")
    expect("UpgradeEx.Describe.__protocol__(:impls)",
           "{:consolidated, [Atom, Integer]}")
    expect("String.Chars.__protocol__(:impls) |> elem(1) "
           "|> Enum.member?(UpgradeEx.Tally)", "false")
    for mod in ("UpgradeEx.Describe", "String.Chars"):
        expect(WHERE % mod,
               '["releases", "1", "consolidated", "Elixir.%s.beam"]' % mod)
    expect("UpgradeEx.describe(:a)", '"the atom :a"')
    expect_later(greeting, '"Hi"', "after the downgrade, runtime.exs's value")
    text = releases()
    status(text, "1", "permanent")
    version("1")

    # a restart runs the permanent release: 1
    ws.bin(root, NAME, "stop", env=env)
    wait_gone(pid)
    ws.forget(pid)
    ws.bin(root, NAME, "start", env=env)
    pid = int(ws.bin(root, NAME, "pid", env=env).stdout)
    ws.pids.append(pid)
    expect("UpgradeEx.version()", "1")
    expect(STATE, "[]")
    expect("UpgradeEx.Describe.__protocol__(:impls)",
           "{:consolidated, [Atom, Integer]}")

    # 2 again, by its version (it is unpacked already), then a restart
    # runs 2 from its own boot script
    expect("UpgradeEx.Store.add(\"dee\")", "1")
    ws.bin(root, NAME, "upgrade", "2", env=env)
    check(int(ws.bin(root, NAME, "pid", env=env).stdout) == pid,
          "the second upgrade restarted the node")
    expect(STATE, '%UpgradeEx.Tally{names: ["dee"], count: 1}')
    expect("UpgradeEx.summary()", '"1: dee"')
    ws.bin(root, NAME, "stop", env=env)
    wait_gone(pid)
    ws.forget(pid)
    ws.bin(root, NAME, "start", env=env)
    pid = int(ws.bin(root, NAME, "pid", env=env).stdout)
    ws.pids.append(pid)
    expect("UpgradeEx.version()", "2")
    expect("UpgradeEx.Describe.__protocol__(:impls)",
           "{:consolidated, [Atom, Integer, UpgradeEx.Tally]}")
    expect("to_string(UpgradeEx.Tally.new([\"eve\"]))", '"1: eve"')
    expect(greeting, '"Hi"')
    ws.bin(root, NAME, "stop", env=env)
    wait_gone(pid)
    ws.forget(pid)
    check(not later, "\n".join(later))


if __name__ == "__main__":
    main(test, needs=("erl", "elixir", "mix"))
