#!/usr/bin/env python3
"""relc build again, on the release it made:

(a) with nothing changed it says so and touches nothing (every inode and
    mtime the same);
(b) after one module is recompiled it rebuilds, reusing the unchanged
    files (the same inodes), and the new release runs the new code;
(c) what an operator put there (releases/COOKIE, log/) survives a rebuild
    with a new release version, and the node still uses that cookie; the
    node that ran from the previous release can still be stopped;
(d) a file relc wrote and someone edited (releases/VSN/vm.args) is
    replaced, with one warning naming it;
(e) an operator's file in lib/hello-VSN/priv survives a rebuild of that
    application, and is kept, with a warning, when a new version of the
    application takes its place;
(f) and survives a rebuild in which that application is reused."""
import os
import re

from engine_util import (edit_source, one_line, rebar3_compile, relc, tree,
                         tree_diff, warnings, write_config)
from relc_e2e import check, compile_hello, unique

REPORT = re.compile(r"^relc: copied (\d+) files \(\d+ bytes\), stripped "
                    r"(\d+) BEAM files, reused (\d+) unchanged files$", re.M)


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(data)
    os.chmod(path, mode)


def read(path):
    with open(path) as f:
        return f.read()


def counts(out):
    m = REPORT.search(out)
    check(m, "relc build -v did not report its copies:\n%s", out)
    return tuple(int(x) for x in m.groups())


def test(ws):
    project = compile_hello(ws)
    write(os.path.join(project, "apps", "hello", "priv", "motd.txt"),
          "welcome\n")
    rebar3_compile(ws, project)
    write_config(project, {"prod": {}})
    root = os.path.join(project, "_build", "prod", "rel", "hello")
    relc(ws, project, "build")

    # (a) nothing changed: nothing written
    before = tree(root, inodes=True)
    p = relc(ws, project, "build")
    check(p.stdout == "relc: hello 0.1.0 in _build/prod/rel/hello is up to "
          "date\n" and p.stderr == "", "a second build said %r %r",
          p.stdout, p.stderr)
    d = tree_diff(before, tree(root, inodes=True))
    check(not d, "an up-to-date build changed the release:\n%s", d)

    # (b) one module recompiled: rebuilt, the rest reused
    kernel_beam = os.path.join(root, "lib", "kernel-8.5.3", "ebin",
                               "kernel.beam")
    greeter_beam = os.path.join(root, "lib", "greeter-0.2.0", "ebin",
                                "greeter.beam")
    kernel_ino = os.stat(kernel_beam).st_ino
    greeter_ino = os.stat(greeter_beam).st_ino
    src = os.path.join(project, "apps")
    edit_source(os.path.join(src, "greeter", "src", "greeter.erl"),
                'Greeting ++ ", " ++ Name', 'Greeting ++ ", dear " ++ Name')
    rebar3_compile(ws, project)
    p = relc(ws, project, "build", "-v")
    copied, stripped, reused = counts(p.stdout)
    check(reused > 0 and 0 < copied < reused and stripped >= 1,
          "after one module changed: copied %d, stripped %d, reused %d",
          copied, stripped, reused)
    check(os.stat(kernel_beam).st_ino == kernel_ino,
          "kernel.beam was copied again, not reused")
    check(os.stat(greeter_beam).st_ino != greeter_ino,
          "greeter.beam is the old file")
    env = ws.node_env(unique("rebuild"))
    ws.bin(root, "hello", "start", env=env)
    p = ws.bin(root, "hello", "rpc", "hello_server", "greet", '"World"',
               env=env)
    check(p.stdout == '"Hello, dear World!"\n',
          "the rebuilt release runs the old code: %r", p.stdout)

    # (c) the operator's files survive a new release version; the node of
    # the previous release can still be stopped
    cookie = "e2e-operator-cookie"
    write(os.path.join(root, "releases", "COOKIE"), cookie, 0o400)
    write(os.path.join(root, "log", "operator.log"), "a line\n")
    operator = {rel: tree(root)[rel]
                for rel in ("releases/COOKIE", "log/operator.log")}
    write_config(project, {"prod": {}}, version="0.2.0")
    relc(ws, project, "build")
    now = tree(root)
    for rel, was in operator.items():
        check(now.get(rel) == was, "%s did not survive the rebuild: %r, "
              "was %r", rel, now.get(rel), was)
    check(sorted(os.listdir(os.path.join(root, "releases"))) ==
          ["0.2.0", "COOKIE", "RELEASES", "start_erl.data"],
          "releases/ holds %s", os.listdir(os.path.join(root, "releases")))
    p = ws.bin(root, "hello", "stop", env=env, ok=False)
    check(p.returncode == 0,
          "the node of the previous release cannot be stopped: %d %r",
          p.returncode, p.stderr)
    env = ws.node_env(unique("rebuild"))
    del env["RELEASE_COOKIE"]
    ws.bin(root, "hello", "start", env=env)
    p = ws.bin(root, "hello", "rpc", "erlang:get_cookie()", env=env)
    check(p.stdout == "'%s'\n" % cookie, "the node's cookie is %r",
          p.stdout)
    p = ws.bin(root, "hello", "rpc",
               "element(2, hd(release_handler:which_releases()))", env=env)
    check(p.stdout == '"0.2.0"\n', "the node runs release %r", p.stdout)
    ws.bin(root, "hello", "stop", env=env)

    # (d) a file relc wrote, edited: replaced, with one warning
    vm_args = os.path.join(root, "releases", "0.2.0", "vm.args")
    original = read(vm_args)
    with open(vm_args, "a") as f:
        f.write("+A 2\n")
    p = relc(ws, project, "build")
    check(read(vm_args) == original, "the edited vm.args was kept:\n%s",
          read(vm_args))
    check(one_line(p.stderr) and len(warnings(p.stderr)) == 1 and
          "releases/0.2.0/vm.args" in p.stderr,
          "not one warning about vm.args: %r", p.stderr)
    p = relc(ws, project, "build")
    check("is up to date" in p.stdout and p.stderr == "",
          "after the repair: %r %r", p.stdout, p.stderr)

    # (e) an operator's file in an application's priv/
    conf = os.path.join(root, "lib", "hello-0.1.0", "priv", "operator.conf")
    write(conf, "setting = 1\n", 0o600)
    kept = tree(root)["lib/hello-0.1.0/priv/operator.conf"]
    edit_source(os.path.join(src, "hello", "src", "hello_server.erl"),
                "{reply, N, N}", "{reply, N + 0, N}")
    rebar3_compile(ws, project)
    p = relc(ws, project, "build", "-v")
    copied, _, reused = counts(p.stdout)
    check(copied > 0, "hello was not copied again: %r", p.stdout)
    check(p.stderr == "", "warnings on rebuilding hello: %r", p.stderr)
    now = tree(root)
    check(now.get("lib/hello-0.1.0/priv/operator.conf") == kept,
          "operator.conf did not survive rebuilding hello: %r",
          now.get("lib/hello-0.1.0/priv/operator.conf"))
    check("lib/hello-0.1.0/priv/motd.txt" in now, "motd.txt is gone")

    # a new version of hello: lib/hello-0.1.0 is no longer the release's
    edit_source(os.path.join(src, "hello", "src", "hello.app.src"),
                '{vsn, "0.1.0"}', '{vsn, "0.1.1"}')
    rebar3_compile(ws, project)
    p = relc(ws, project, "build")
    now = tree(root)
    check(now.get("lib/hello-0.1.0/priv/operator.conf") == kept,
          "operator.conf did not survive hello's new version: %r",
          now.get("lib/hello-0.1.0/priv/operator.conf"))
    check("lib/hello-0.1.1/priv/motd.txt" in now and
          "lib/hello-0.1.0/priv/motd.txt" not in now and
          "lib/hello-0.1.0/ebin" not in now,
          "lib/ after hello's new version: %s",
          sorted(k for k in now if k.startswith("lib/hello")))
    check(one_line(p.stderr) and len(warnings(p.stderr)) == 1 and
          "lib/hello-0.1.0/priv" in p.stderr,
          "not one warning about lib/hello-0.1.0/priv: %r", p.stderr)
    p = ws.bin(root, "hello", "eval", "application:get_key(hello, vsn)",
               env=ws.node_env(unique("rebuild")))
    check(p.stdout == '{ok,"0.1.1"}\n', "the release loads hello %r",
          p.stdout)
    p = relc(ws, project, "build")
    check("is up to date" in p.stdout and p.stderr == "",
          "the build after: %r %r", p.stdout, p.stderr)

    # (f) an operator's file in an application that the next rebuild
    # reuses (greeter changes, hello does not): kept, and the build works
    conf = os.path.join(root, "lib", "hello-0.1.1", "priv", "operator.conf")
    write(conf, "setting = 2\n", 0o600)
    kept = tree(root)["lib/hello-0.1.1/priv/operator.conf"]
    edit_source(os.path.join(src, "greeter", "src", "greeter.erl"),
                '", dear "', '", dearest "')
    rebar3_compile(ws, project)
    p = relc(ws, project, "build", "-v", ok=False)
    check(p.returncode == 0, "a rebuild that reuses hello, which holds an "
          "operator's file, failed: %r", p.stderr)
    _, _, reused = counts(p.stdout)
    check(reused > 0 and p.stderr == "", "reused %d; stderr %r", reused,
          p.stderr)
    check(tree(root).get("lib/hello-0.1.1/priv/operator.conf") == kept,
          "operator.conf did not survive a rebuild that reused hello")


if __name__ == "__main__":
    from relc_e2e import main
    main(test)
