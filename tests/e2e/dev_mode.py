#!/usr/bin/env python3
"""dev_mode: true (with include_erts: false): lib/APP-VSN are relative
symbolic links to the project's compiled applications; the release boots
on the machine's erl and answers rpc; a module recompiled with rebar3 (no
relc build) runs after `bin/hello restart`; the release still works when
the whole project is moved elsewhere.  And switching an output_dir from a
copied release, where an operator added a file to lib/hello-VSN/, to
dev_mode writes nothing into the project through the new links."""
import os
import shutil
import time

from engine_util import (edit_source, one_line, rebar3_compile, relc, tree,
                         tree_diff, warnings, write_config)
from relc_e2e import check, compile_hello, main, unique

DEV = {"dev_mode": True, "include_erts": False}
APPS = ["greeter-0.2.0", "hello-0.1.0"]


def check_links(project, root):
    lib = os.path.join(root, "lib")
    check(sorted(os.listdir(lib)) == APPS,
          "lib/ of the dev release holds %s", sorted(os.listdir(lib)))
    for d in APPS:
        path = os.path.join(lib, d)
        check(os.path.islink(path), "lib/%s is not a symbolic link", d)
        text = os.readlink(path)
        check(not os.path.isabs(text), "lib/%s -> %s is absolute", d, text)
        want = os.path.join(project, "_build", "default", "lib",
                            d.split("-")[0])
        check(os.path.realpath(path) == os.path.realpath(want),
              "lib/%s -> %s leads to %s, not %s", d, text,
              os.path.realpath(path), want)


def rpc_until(ws, root, env, want, timeout=60):
    """greet "World" on the node until it answers want (it may be
    restarting)."""
    deadline = time.time() + timeout
    got = None
    while time.time() < deadline:
        p = ws.bin(root, "hello", "rpc", "hello_server", "greet", '"World"',
                   env=env, ok=False)
        got = p.stdout
        if got == want:
            return
        time.sleep(0.3)
    check(False, "the node answered %r, not %r", got, want)


def stop(ws, root, env):
    """Stop the node, and forget it (its script moves with the project)."""
    ws.bin(root, "hello", "stop", env=env)
    ws.nodes.pop((os.path.join(root, "bin", "hello"), env["RELEASE_NODE"]))


def test(ws):
    project = compile_hello(ws)
    write_config(project, {"dev": DEV})
    relc(ws, project, "build", "-e", "dev")
    root = os.path.join(project, "_build", "dev", "rel", "hello")
    check_links(project, root)
    check(not any(n.startswith("erts-") for n in os.listdir(root)),
          "the dev release carries ERTS")

    erl_dir = os.path.dirname(shutil.which("erl"))
    env = ws.node_env(unique("dev"), path=erl_dir + ":" + ws.no_erlang_path())
    ws.bin(root, "hello", "start", env=env)
    rpc_until(ws, root, env, '"Hello, World!"\n', timeout=5)

    # recompiled, not rebuilt: restart runs the new code
    edit_source(os.path.join(project, "apps", "greeter", "src",
                             "greeter.erl"),
                'Greeting ++ ", " ++ Name', 'Greeting ++ ", dear " ++ Name')
    rebar3_compile(ws, project)
    ws.bin(root, "hello", "restart", env=env)
    rpc_until(ws, root, env, '"Hello, dear World!"\n')
    stop(ws, root, env)

    # the whole project moved elsewhere
    os.makedirs(ws.path("elsewhere"))
    moved = ws.path("elsewhere", "hello-moved")
    os.rename(project, moved)
    root = os.path.join(moved, "_build", "dev", "rel", "hello")
    check_links(moved, root)
    env = ws.node_env(unique("dev"), path=erl_dir + ":" + ws.no_erlang_path())
    ws.bin(root, "hello", "start", env=env)
    rpc_until(ws, root, env, '"Hello, dear World!"\n', timeout=5)
    p = ws.bin(root, "hello", "rpc", "code:which(greeter)", env=env)
    check(p.stdout.startswith('"%s/lib/greeter-0.2.0/ebin/' % root),
          "greeter is loaded from %s", p.stdout)
    stop(ws, root, env)
    project = moved

    # a copied release with an operator's files in lib/hello-0.1.0/, then
    # dev_mode in the same output_dir: nothing goes into the project
    write_config(project, {"dev": dict(DEV, output_dir="out/hello"),
                           "prod": {"output_dir": "out/hello"}})
    relc(ws, project, "build", "-e", "prod")
    out = os.path.join(project, "out", "hello")
    with open(os.path.join(out, "lib", "hello-0.1.0", "NOTES"), "w") as f:
        f.write("operator's notes\n")
    apps = tree(os.path.join(project, "_build"))
    sources = tree(os.path.join(project, "apps"))
    release = tree(out, inodes=True)
    p = relc(ws, project, "build", "-e", "dev", ok=False)
    d = tree_diff(apps, tree(os.path.join(project, "_build"))) + \
        tree_diff(sources, tree(os.path.join(project, "apps")))
    check(not d, "switching to dev_mode wrote into the project:\n%s", d)
    if p.returncode == 0:
        check_links(project, out)
        check(any("NOTES" in w for w in warnings(p.stderr)),
              "the operator's NOTES went without a word: %r", p.stderr)
    else:
        check(p.returncode == 1 and one_line(p.stderr) and
              "NOTES" in p.stderr,
              "refused, but not saying why: %d %r", p.returncode, p.stderr)
        d = tree_diff(release, tree(out, inodes=True))
        check(not d, "the refused build changed the release:\n%s", d)


if __name__ == "__main__":
    main(test)
