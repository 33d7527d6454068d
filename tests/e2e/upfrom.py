#!/usr/bin/env python3
"""relc build --upfrom, the engine's side (examples/hello, 0.1.0 -> 0.2.0,
hello_server changed: a new export and code_change/3):

(a) 0.1.0 read from the output directory, which the build replaces: relc
    keeps it first as _build/prod/hello-0.1.0.tar.gz, byte for byte what
    `relc archive` of 0.1.0 writes (checked against an archive made in a
    copy of the project); the release has releases/0.2.0/relup and the
    generated lib/hello-0.2.0/ebin/hello.appup, which updates hello_server
    with {advanced, []};
(b) the same build again reads 0.1.0 from that tarball, in place, and
    makes the same relup and appup; once more it is up to date;
(c) `relc archive --upfrom 0.1.0` (up to date) holds the relup and the
    appup;
(d) an old release directory relc did not make (the tarball extracted,
    no .relc/): a BEAM file of it replaced in place makes the next build
    rebuild, with another appup (hello_server unchanged: no instruction);
(e) the project's rel/appups/hello.appup is used instead of a generated
    one and held by the release; a bad one is refused at its line;
(f) a build without --upfrom has neither relup nor appup: nothing of the
    upgrade stays in a reused application copy."""
import os
import shutil
import tarfile

from engine_util import edit_source, rebar3_compile, relc, sha256
from relc_e2e import check, compile_hello, main

OUT = os.path.join("_build", "prod")
REL = os.path.join(OUT, "rel", "hello")
RELUP = os.path.join(REL, "releases", "0.2.0", "relup")
APPUP = os.path.join(REL, "lib", "hello-0.2.0", "ebin", "hello.appup")


def read(path):
    with open(path) as f:
        return f.read()


def to_020(project):
    """hello 0.2.0: a new export of hello_server, and its code_change/3."""
    edit = edit_source  # a second later: rebar3 compares whole seconds
    edit(os.path.join(project, "rel", "relc.yaml"), "version: 0.1.0",
         "version: 0.2.0")
    edit(os.path.join(project, "apps", "hello", "src", "hello.app.src"),
         '{vsn, "0.1.0"}', '{vsn, "0.2.0"}')
    edit(os.path.join(project, "apps", "hello", "src", "hello_server.erl"),
         "-export([init/1, handle_call/3, handle_cast/2]).",
         "-export([init/1, handle_call/3, handle_cast/2, code_change/3,"
         " version/0]).\nversion() -> 2.\n"
         "code_change(_Old, State, _Extra) -> {ok, State}.")


def test(ws):
    project = compile_hello(ws)
    twin = ws.path("twin")
    shutil.copytree(project, twin, symlinks=True)
    path = lambda p: os.path.join(project, p)
    tar010 = path(os.path.join(OUT, "hello-0.1.0.tar.gz"))

    # (a) 0.1.0 built, not archived; 0.2.0 built --upfrom 0.1.0
    relc(ws, project, "build")
    to_020(project)
    rebar3_compile(ws, project)
    out = relc(ws, project, "build", "--upfrom", "0.1.0").stdout
    check("relup from 0.1.0 (read from _build/prod/rel/hello)" in out and
          "kept hello 0.1.0 as _build/prod/hello-0.1.0.tar.gz" in out,
          "relc build --upfrom 0.1.0 said:\n%s", out)
    relc(ws, twin, "archive")
    check(sha256(tar010) ==
          sha256(os.path.join(twin, OUT, "hello-0.1.0.tar.gz")),
          "the kept %s is not what relc archive writes", tar010)
    relup, appup = read(path(RELUP)), read(path(APPUP))
    check("{update,hello_server,{advanced,[]}" in appup.replace(" ", ""),
          "the generated appup does not update hello_server:\n%s", appup)
    check("code_change,up,[{hello_server,[]}]" in relup.replace(" ", ""),
          "the relup does not convert hello_server's state:\n%s", relup)

    # (b) the same build again: 0.1.0 from the tarball; then up to date
    out = relc(ws, project, "build", "--upfrom", "0.1.0").stdout
    check("read from _build/prod/hello-0.1.0.tar.gz" in out,
          "the second build did not read 0.1.0 from its tarball:\n%s", out)
    check(read(path(RELUP)) == relup and read(path(APPUP)) == appup,
          "the relup or appup made from the tarball differ")
    out = relc(ws, project, "build", "--upfrom", "0.1.0").stdout
    check("is up to date" in out, "a third build was not a no-op:\n%s", out)

    # (c) the archive of the upgrade
    relc(ws, project, "archive", "--upfrom", "0.1.0")
    with tarfile.open(path(os.path.join(OUT, "hello-0.2.0.tar.gz"))) as t:
        names = set(t.getnames())
    for member in ("releases/0.2.0/relup", "lib/hello-0.2.0/ebin/hello.appup",
                   "releases/hello-0.2.0.rel"):
        check(member in names, "%s is not in the archive", member)

    # (d) an old release directory relc did not make, edited in place
    old = ws.path("old")
    os.makedirs(old)
    with tarfile.open(tar010) as t:
        t.extractall(old)
    relc(ws, project, "build", "--upfrom", old)
    check("update,hello_server" in read(path(APPUP)).replace(" ", ""),
          "no update of hello_server from %s", old)
    new_beam = path(os.path.join(REL, "lib", "hello-0.2.0", "ebin",
                                 "hello_server.beam"))
    old_beam = os.path.join(old, "lib", "hello-0.1.0", "ebin",
                            "hello_server.beam")
    with open(new_beam, "rb") as src, open(old_beam, "r+b") as dst:
        data = src.read()
        dst.truncate(0)
        dst.write(data)  # the same inode: only its size and mtime tell
    out = relc(ws, project, "build", "--upfrom", old).stdout
    check("is up to date" not in out,
          "a BEAM file of the old release changed and the build was up to "
          "date:\n%s", out)
    check("hello_server" not in read(path(APPUP)),
          "hello_server is the same on both sides now:\n%s",
          read(path(APPUP)))

    # (e) the project's own appup
    os.makedirs(path("rel/appups"))
    own = ('{"0.2.0", [{"0.1.0", [{load_module, hello_server}]}],\n'
           ' [{"0.1.0", [{load_module, hello_server}]}]}.\n')
    with open(path("rel/appups/hello.appup"), "w") as f:
        f.write(own)
    out = relc(ws, project, "build", "--upfrom", "0.1.0").stdout
    check("0 generated, 1 the applications' own" in out,
          "rel/appups/hello.appup was not taken:\n%s", out)
    check(read(path(APPUP)) == own, "the release does not hold "
          "rel/appups/hello.appup as it is:\n%s", read(path(APPUP)))
    with open(path("rel/appups/hello.appup"), "w") as f:
        f.write(own.replace("load_module, hello_server}]}]}",
                            "load_module, hello_gone}]}]}"))
    res = relc(ws, project, "build", "--upfrom", "0.1.0", ok=False)
    check(res.returncode == 1 and res.stderr ==
          "relc: rel/appups/hello.appup:2:28: 'hello_gone' is not a module "
          "of hello 0.1.0\n", "a bad own appup gave %d:\n%s",
          res.returncode, res.stderr)
    shutil.rmtree(path("rel/appups"))

    # (f) no upgrade: no relup, no appup, in a reused copy either
    relc(ws, project, "build")
    check(not os.path.exists(path(RELUP)) and
          not os.path.exists(path(APPUP)),
          "a build without --upfrom kept the relup or the appup")


if __name__ == "__main__":
    main(test)
