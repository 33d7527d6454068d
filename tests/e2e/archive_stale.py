#!/usr/bin/env python3
"""relc archive packs the release the settings ask for, never a stale one,
and only what the plan lists:

(a) dev (dev_mode) and prod sharing one output_dir: `relc build -e dev`
    then `relc archive -e prod` replaces the linked dev tree and archives
    ERTS and stripped BEAM files (no Dbgi chunk), leaving the project's own
    BEAM files as they were;
(f) `relc archive -e dev` refuses ("dev_mode is set, skipping archival")
    and leaves the release and the archive there as they were;
(b) config/sys.config and config/vm.args go in; after `rm -rf config/`
    relc archive rebuilds, and the archive has `[].` and relc's vm.args;
(c) a build with include_src: true, then relc archive with include_src:
    false: no src/ or include/ in the archive;
(d) relc archive twice with nothing changed: no rebuild, the same bytes;
    what an operator added to the release (releases/COOKIE, log/, tmp/, a
    file in lib/hello-VSN/priv) is not archived;
(e) a file at the -o destination that is not an archive, or a directory,
    is refused and left as it was."""
import io
import os
import re
import shutil
import stat
import tarfile

from engine_util import (one_line, rebar3_compile, relc, sha256, tree,
                         tree_diff, write_config)
from relc_e2e import check, compile_hello, main

DEV = {"dev_mode": True, "include_erts": False, "output_dir": "out/hello"}
PROD = {"include_erts": True, "include_src": False, "strip_beams": True,
        "output_dir": "out/hello"}


def beam_chunks(data, name):
    check(data[:4] == b"FOR1" and data[8:12] == b"BEAM",
          "%s is not a BEAM file", name)
    i, ids = 12, []
    while i + 8 <= len(data):
        ids.append(data[i:i + 4].decode("latin-1"))
        size = int.from_bytes(data[i + 4:i + 8], "big")
        i += 8 + ((size + 3) & ~3)
    return ids


def members(path):
    """name -> (TarInfo, bytes or None) of an archive."""
    out = {}
    with tarfile.open(path) as t:
        for m in t.getmembers():
            data = t.extractfile(m).read() if m.isfile() else None
            out[m.name.rstrip("/")] = (m, data)
    return out


def archive_env():
    env = dict(os.environ)
    env.pop("MIX_ENV", None)  # prod is the default environment
    return env


def test(ws):
    project = compile_hello(ws)
    os.makedirs(os.path.join(project, "apps", "hello", "include"))
    with open(os.path.join(project, "apps", "hello", "include",
                           "hello.hrl"), "w") as f:
        f.write("-define(HELLO, hello).\n")
    rebar3_compile(ws, project)
    root = os.path.join(project, "out", "hello")
    tarball = os.path.join(project, "out", "hello-0.1.0.tar.gz")
    env = archive_env()
    src_beam = os.path.join(project, "_build", "default", "lib", "hello",
                            "ebin", "hello_server.beam")
    with open(src_beam, "rb") as f:
        check("Dbgi" in beam_chunks(f.read(), src_beam),
              "the project's BEAM files have no Dbgi chunk to strip")
    problems = []  # found, and the checks after them still made
    project_ebin = tree(os.path.join(project, "_build", "default", "lib"))

    # (a) dev, then prod, in one output_dir
    write_config(project, {"dev": DEV, "prod": PROD})
    relc(ws, project, "build", "-e", "dev", env=env)
    check(os.path.islink(os.path.join(root, "lib", "hello-0.1.0")),
          "the dev release does not link lib/hello-0.1.0")
    p = relc(ws, project, "archive", "-e", "prod", env=env)
    check("relc: built hello 0.1.0 (prod" in p.stdout,
          "relc archive -e prod did not build: %r", p.stdout)
    check(os.path.isdir(os.path.join(root, "lib", "hello-0.1.0")) and
          not os.path.islink(os.path.join(root, "lib", "hello-0.1.0")) and
          any(re.match(r"erts-[0-9.]+$", n) for n in os.listdir(root)),
          "the dev tree was not replaced: %s, lib/: %s", os.listdir(root),
          os.listdir(os.path.join(root, "lib")))
    a = members(tarball)
    check(any(re.match(r"erts-[0-9.]+/bin/beam\.smp$", n) for n in a),
          "the prod archive has no ERTS")
    beams = [n for n in a if n.startswith("lib/") and n.endswith(".beam")]
    check("lib/hello-0.1.0/ebin/hello_server.beam" in beams,
          "the archive has no hello_server.beam: %s", sorted(a)[:20])
    debug = [n for n in beams if "Dbgi" in beam_chunks(a[n][1], n)]
    check(not debug, "BEAM files with a Dbgi chunk: %s", debug[:5])
    links = [n for n, (m, _) in a.items() if m.issym() or m.islnk()]
    check(not links, "links in the archive: %s", links)
    d = tree_diff(project_ebin,
                  tree(os.path.join(project, "_build", "default", "lib")))
    check(not d, "the project's applications changed:\n%s", d)

    # (f) dev_mode refuses to archive, and writes nothing
    release = tree(root, inodes=True)
    archive_sum = sha256(tarball)
    p = relc(ws, project, "archive", "-e", "dev", env=env, ok=False)
    check(p.returncode == 1 and one_line(p.stderr) and
          "dev_mode is set, skipping archival" in p.stderr,
          "relc archive -e dev: %d %r", p.returncode, p.stderr)
    d = tree_diff(release, tree(root, inodes=True))
    if d:
        problems.append("the refused dev_mode archive changed the release:"
                        "\n%s" % d)
        # what follows needs the prod release back
        relc(ws, project, "build", env=env)
    check(sha256(tarball) == archive_sum,
          "the refused dev_mode archive changed %s", tarball)

    # (b) config/ goes in; without it, the defaults
    config = os.path.join(project, "config")
    os.makedirs(config)
    sys_config = '[{greeter, [{greeting, "Howdy"}]}].\n'
    vm_args = "+A 8\n"
    with open(os.path.join(config, "sys.config"), "w") as f:
        f.write(sys_config)
    with open(os.path.join(config, "vm.args"), "w") as f:
        f.write(vm_args)
    p = relc(ws, project, "archive", env=env)
    check("relc: built" in p.stdout, "config/ added, no build: %r",
          p.stdout)
    a = members(tarball)
    check(a["releases/0.1.0/sys.config"][1].decode() == sys_config and
          a["releases/0.1.0/vm.args"][1].decode() == vm_args,
          "the archive has not the project's config/: %r %r",
          a["releases/0.1.0/sys.config"][1], a["releases/0.1.0/vm.args"][1])
    shutil.rmtree(config)
    p = relc(ws, project, "archive", env=env)
    check("relc: built" in p.stdout, "config/ removed, no build: %r",
          p.stdout)
    a = members(tarball)
    check(a["releases/0.1.0/sys.config"][1].decode().strip() == "[].",
          "sys.config without config/: %r", a["releases/0.1.0/sys.config"][1])
    check(b"+A 8" not in a["releases/0.1.0/vm.args"][1],
          "the removed config/vm.args is still archived")

    # (c) include_src: true, then archive with false
    write_config(project, {"dev": DEV, "prod": dict(PROD, include_src=True)})
    relc(ws, project, "build", env=env)
    check(os.path.isfile(os.path.join(root, "lib", "hello-0.1.0", "src",
                                      "hello_server.erl")) and
          os.path.isfile(os.path.join(root, "lib", "hello-0.1.0", "include",
                                      "hello.hrl")),
          "include_src: true copied no src/ or include/")
    write_config(project, {"dev": DEV, "prod": PROD})
    p = relc(ws, project, "archive", env=env)
    check("relc: built" in p.stdout, "include_src changed, no build: %r",
          p.stdout)
    a = members(tarball)
    sources = [n for n in a if re.match(r"lib/[^/]+/(src|include)(/|$)", n)]
    check(not sources, "include_src: false, yet the archive has %s",
          sources[:5])

    # (d) nothing changed: no rebuild, the same archive; operator files
    # stay out of it
    for rel, data in [("releases/COOKIE", "cookie"),
                      ("log/erlang.log.1", "a log line\n"),
                      ("tmp/pipe.state", "x"),
                      ("lib/hello-0.1.0/priv/operator.conf", "a = 1\n")]:
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(data)
    release = tree(root, inodes=True)
    p = relc(ws, project, "archive", env=env)
    check("is up to date" in p.stdout and "relc: built" not in p.stdout,
          "the first archive after adding operator files: %r", p.stdout)
    first = sha256(tarball)
    p = relc(ws, project, "archive", env=env)
    check("is up to date" in p.stdout and "relc: built" not in p.stdout,
          "the second archive rebuilt: %r", p.stdout)
    check(sha256(tarball) == first, "two archives of the same release "
          "differ")
    d = tree_diff(release, tree(root, inodes=True))
    check(not d, "archiving an up-to-date release changed it:\n%s", d)
    a = members(tarball)
    extra = [n for n in a if n in ("releases/COOKIE", "log", "tmp") or
             n.startswith(("log/", "tmp/")) or n.endswith("operator.conf")]
    if extra:
        problems.append("the archive holds what relc did not write: %s"
                        % extra)

    # (e) -o over something that is not an archive
    notes = os.path.join(ws.dir, "notes.txt")
    with open(notes, "w") as f:
        f.write("my notes\n")
    adir = os.path.join(ws.dir, "a-dir")
    os.makedirs(os.path.join(adir, "inside"))
    for dest in (notes, adir):
        before = tree(ws.dir, skip=("hello", "home"), inodes=True)
        p = relc(ws, project, "archive", "-o", dest, env=env, ok=False)
        check(p.returncode != 0 and one_line(p.stderr) and dest in p.stderr,
              "relc archive -o %s: %d %r", dest, p.returncode, p.stderr)
        d = tree_diff(before, tree(ws.dir, skip=("hello", "home"),
                                   inodes=True))
        check(not d, "relc archive -o %s changed:\n%s", dest, d)
    # an archive relc wrote may be replaced
    other = os.path.join(ws.dir, "copy.tar.gz")
    shutil.copy(tarball, other)
    os.chmod(other, stat.S_IRUSR | stat.S_IWUSR)
    relc(ws, project, "archive", "-o", other, env=env)
    check(sha256(other) == first, "-o wrote another archive")
    with tarfile.open(fileobj=io.BytesIO(open(other, "rb").read())) as t:
        check("bin/hello" in t.getnames(), "-o wrote no release")
    check(not problems, "\n".join(problems))


if __name__ == "__main__":
    main(test)
