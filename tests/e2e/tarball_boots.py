#!/usr/bin/env python3
"""relc archive: the tarball, extracted with tar and with erl_tar into
fresh directories, boots, pings and stops with no Erlang on PATH; its
listing has no entry twice, no absolute path, no '..' and no owner name;
a release without ERTS archives only its own applications; dev_mode
refuses to archive."""
import os
import shutil

from relc_e2e import check, compile_hello, main, run, unique

NO_ERTS = """releases:
  hello:
    version: 0.1.0
    applications: [hello]
environments:
  prod:
    include_erts: false
"""


def listing(tarball):
    p = run(["tar", "--numeric-owner", "-tvzf", tarball])
    return [line.split(None, 5) for line in p.stdout.splitlines()]


def boots(ws, root, name):
    env = ws.node_env(unique(name))
    ws.bin(root, "hello", "start", env=env)
    p = ws.bin(root, "hello", "ping", env=env)
    check(p.stdout == "pong\n", "%s: ping printed %r", root, p.stdout)
    p = ws.bin(root, "hello", "rpc", "hello_server", "greet", '"tar"',
               env=env)
    check(p.stdout == '"Hello, tar!"\n', "%s: rpc printed %r", root,
          p.stdout)
    ws.bin(root, "hello", "stop", env=env)


def test(ws):
    project = compile_hello(ws)
    p = run([ws.relc, "archive"], cwd=project)
    tarball = os.path.join(project, "_build", "prod", "hello-0.1.0.tar.gz")
    check(os.path.exists(tarball), "no tarball at %s:\n%s", tarball,
          p.stdout)

    entries = listing(tarball)
    paths = [e[5] for e in entries]
    check(len(paths) == len(set(paths)), "entries appear twice")
    check(paths == sorted(paths, key=lambda p: p.rstrip("/")),
          "entries are not sorted by path")
    for mode, owner, _, _, _, path in entries:
        check(not path.startswith("/") and ".." not in path.split("/"),
              "unsafe path %s", path)
        check(owner == "0/0", "%s is owned by %s", path, owner)
    p = run(["tar", "-tvzf", tarball])
    check(all(" root/root " not in l and " 0/0 " in l
              for l in p.stdout.splitlines()),
          "an entry has an owner name:\n%s", p.stdout[:300])
    for must in ["bin/hello", "releases/hello.rel", "releases/hello-0.1.0.rel",
                 "releases/0.1.0/hello.rel", "releases/0.1.0/start.boot",
                 "releases/start_erl.data", "releases/RELEASES",
                 "erts-13.1.5/bin/beam.smp", "lib/hello-0.1.0/ebin/hello.app",
                 "lib/kernel-8.5.3/ebin/kernel.app"]:
        check(must in paths, "%s is not in the tarball", must)
    for mustnt in ["releases/COOKIE", "log/", "tmp/"]:
        check(mustnt not in paths, "%s is in the tarball", mustnt)

    # extracted with tar, and with erl_tar, into fresh directories
    with_tar = ws.path("with tar", "hello")
    os.makedirs(with_tar)
    run(["tar", "-xzf", tarball, "-C", with_tar])
    boots(ws, with_tar, "tar")
    with_erl_tar = ws.path("with erl_tar", "hello")
    os.makedirs(with_erl_tar)
    run(["erl", "-noshell", "-eval",
         'ok = erl_tar:extract("%s", [compressed, {cwd, "%s"}]), halt().'
         % (tarball, with_erl_tar)])
    boots(ws, with_erl_tar, "erl_tar")

    # without ERTS: only the release's own applications
    os.rename(os.path.join(project, "rel", "relc.yaml"),
              os.path.join(project, "rel", "relc.yaml.orig"))
    with open(os.path.join(project, "rel", "relc.yaml"), "w") as f:
        f.write(NO_ERTS)
    run([ws.relc, "archive", "-o", ws.path("noerts.tar.gz")], cwd=project)
    paths = [e[5] for e in listing(ws.path("noerts.tar.gz"))]
    libs = sorted({p.split("/")[1] for p in paths
                   if p.startswith("lib/") and p.count("/") >= 2})
    check(libs == ["greeter-0.2.0", "hello-0.1.0"],
          "a release without ERTS archived %s", libs)
    check(not any(p.startswith("erts-") for p in paths), "ERTS archived")
    shutil.move(os.path.join(project, "rel", "relc.yaml.orig"),
                os.path.join(project, "rel", "relc.yaml"))

    # dev_mode: no archive, and says so
    p = run([ws.relc, "archive", "--env", "dev"], cwd=project, ok=False)
    check(p.returncode == 1 and p.stderr.endswith(
        "dev_mode is set, skipping archival\n"),
        "dev_mode: %d %r", p.returncode, p.stderr)
    check(not os.path.exists(os.path.join(project, "_build", "dev",
                                          "hello-0.1.0.tar.gz")),
          "dev_mode wrote an archive")


if __name__ == "__main__":
    main(test)
