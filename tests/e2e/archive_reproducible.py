#!/usr/bin/env python3
"""Two `relc build && relc archive` runs of examples/hello, in different
directories, under different umasks, with the inputs' mtimes a minute
apart and the same SOURCE_DATE_EPOCH, give the same tarball; the number
of gzip threads does not matter; another SOURCE_DATE_EPOCH does."""
import difflib
import hashlib
import os
import subprocess
import time

from relc_e2e import check, compile_hello, main, run


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def build_and_archive(ws, project, umask, epoch, *extra):
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    old = os.umask(umask)
    try:
        run([ws.relc, "build", "-q"], cwd=project, env=env)
        run([ws.relc, "archive", "-q"] + list(extra), cwd=project, env=env)
        listing = run([ws.relc, "archive", "--list"], cwd=project, env=env)
    finally:
        os.umask(old)
    return (sha256(os.path.join(project, "_build", "prod",
                                "hello-0.1.0.tar.gz")), listing.stdout)


def test(ws):
    old = os.umask(0o022)
    a = compile_hello(ws)
    os.rename(a, ws.path("first"))
    a = ws.path("first")
    os.umask(0o077)  # the second is compiled under another umask
    b = compile_hello(ws)
    os.makedirs(ws.path("second"))
    os.rename(b, ws.path("second", "place"))
    b = ws.path("second", "place")
    os.umask(old)
    # the second project's inputs are a minute newer
    later = time.time() + 60
    for root, _, files in os.walk(b):
        for f in files:
            os.utime(os.path.join(root, f), (later, later),
                     follow_symlinks=False)

    sum_a, list_a = build_and_archive(ws, a, 0o022, 1700000000)
    sum_b, list_b = build_and_archive(ws, b, 0o077, 1700000000,
                                      "--threads", "1")
    check(list_a == list_b, "the listings differ:\n%s", "\n".join(
        list(difflib.unified_diff(list_a.splitlines(), list_b.splitlines(),
                                  lineterm=""))[:40]))
    check(sum_a == sum_b, "the tarballs differ: %s and %s", sum_a, sum_b)
    check("0600" not in list_a, "a mode from the umask got in:\n%s", list_a)

    sum_c, _ = build_and_archive(ws, a, 0o022, 1700000060)
    check(sum_c != sum_a, "SOURCE_DATE_EPOCH made no difference")

    # without SOURCE_DATE_EPOCH: the documented fixed time
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    run([ws.relc, "archive", "-q", "--format", "tar", "-o",
         ws.path("plain.tar")], cwd=a, env=env)
    p = run(["tar", "--numeric-owner", "-tvf", ws.path("plain.tar"),
             "--full-time"])
    check(all(" 1980-01-01 00:00:00 " in line
              for line in p.stdout.splitlines()),
          "not every entry has the default time:\n%s", p.stdout[:500])


if __name__ == "__main__":
    main(test)
