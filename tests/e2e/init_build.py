#!/usr/bin/env python3
"""relc init, then relc build: the starter config and files that init
writes build as they are, in both of its environments, and land where
the build puts them (vm.args, sys.config, env.sh, the post_start hook,
the hello command).  A plain Erlang project, and one laid out as rebar3
compiles it, compiled with erlc, so that only erl and erlc are needed
(skipped without them, failing under CI=true).

usage: init_build.py RELC
"""
import os
import shutil
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
from needs import require  # noqa: E402


def run(argv, cwd):
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=300)
    if p.returncode != 0:
        sys.exit("FAIL: %s exited %d:\n%s%s" % (" ".join(argv), p.returncode,
                                               p.stdout, p.stderr))
    return p


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


APP = ('{application, hello, [{description, "hello"},\n'
       ' {vsn, "0.4.0"}, {modules, [hello]},\n'
       ' {registered, []},\n'
       ' {applications, [kernel, stdlib]}]}.\n')


def project(tmp, kind):
    """A compiled project: plain (ebin/ at the top), or laid out as
    rebar3 compiles one (_build/default/lib/hello), without rebar3."""
    root = os.path.join(tmp, kind, "hello")
    write(os.path.join(root, "src", "hello.erl"),
          "-module(hello).\n-export([hi/0]).\nhi() -> ok.\n")
    if kind == "plain":
        ebin = os.path.join(root, "ebin")
        write(os.path.join(ebin, "hello.app"), APP)
    else:
        write(os.path.join(root, "rebar.config"), "{erl_opts, []}.\n")
        write(os.path.join(root, "src", "hello.app.src"), APP)
        ebin = os.path.join(root, "_build", "default", "lib", "hello",
                            "ebin")
        write(os.path.join(ebin, "hello.app"), APP)
    run(["erlc", "-o", ebin, "src/hello.erl"], root)
    return root


def check_release(failures, what, out):
    vsn = os.path.join(out, "releases", "0.4.0")
    for rel, mode in (("vm.args", None), ("sys.config", None),
                      ("env.sh", 0o644),
                      ("hooks/post_start/post_start", 0o755),
                      ("commands/hello", 0o755)):
        path = os.path.join(vsn, rel)
        if not os.path.isfile(path):
            failures.append("%s: no releases/0.4.0/%s in %s"
                            % (what, rel, out))
            continue
        got = stat.S_IMODE(os.stat(path).st_mode)
        if mode is not None and got != mode:
            failures.append("%s: releases/0.4.0/%s has mode %o"
                            % (what, rel, got))
        if rel == "commands/hello":
            with open(path) as f:
                if "# Say hello from the release" not in f.read():
                    failures.append("%s: commands/hello is not init's"
                                    % what)


def main():
    relc = os.path.abspath(sys.argv[1])
    require("erl", "erlc")
    tmp = tempfile.mkdtemp(prefix="relc-init-build-")
    failures = []
    try:
        for kind in ("plain", "rebar3"):
            root = project(tmp, kind)
            run([relc, "init"], root)
            for env in ("prod", "dev"):
                p = run([relc, "build", "--env", env], root)
                print(p.stdout, end="")
                # (a plain project is its application: its release goes
                # into _build/ beside ebin/ all the same)
                out = os.path.join(root, "_build", env, "rel", "hello")
                check_release(failures, "%s %s" % (kind, env), out)
    finally:
        shutil.rmtree(tmp)
    for f in failures:
        print("FAIL: " + f)
    if failures:
        sys.exit(1)
    print("ok: relc init, then relc build --env prod and --env dev, for "
          "a plain and a rebar3 project")


if __name__ == "__main__":
    main()
