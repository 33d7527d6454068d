#!/usr/bin/env python3
"""Run one oracle case: build a release with relc and compare it with OTP.

A case is a directory holding:
  relc.yaml      the release config (copied to rel/relc.yaml)
  apps.config    the applications to generate (see oracle.escript)
  boot.expect    optional: the expected `relc build -v` application lines
and, for a case that must fail:
  expect         a regular expression relc's error must match
  release.rel    the equivalent .rel, on which systools must fail too

usage: run.py RELC CASE_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ESCRIPT = os.path.join(HERE, "oracle.escript")
sys.path.insert(0, os.path.dirname(HERE))
from needs import require  # noqa: E402


def run(cmd, cwd, check=True):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit("FAIL: %s exited %d\nstdout:\n%s\nstderr:\n%s"
                 % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p


def main():
    require("erl", "escript")
    relc, case = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix="relc-oracle-")
    ok = False
    try:
        os.makedirs(os.path.join(tmp, "rel"))
        with open(os.path.join(case, "relc.yaml")) as f:
            config = f.read().replace("@ERTS_DIR@", erts_dir())
        with open(os.path.join(tmp, "rel", "relc.yaml"), "w") as f:
            f.write(config)
        if os.path.exists(os.path.join(case, "apps.config")):
            run([ESCRIPT, "gen", case, tmp], tmp)
        lib = os.path.join(tmp, "_build", "prod", "lib")
        os.makedirs(lib, exist_ok=True)
        if os.path.exists(os.path.join(case, "expect")):
            check_failure(relc, case, tmp, lib)
        else:
            check_success(relc, case, tmp, lib)
        ok = True
    finally:
        if ok:
            shutil.rmtree(tmp)
        else:
            print("left the project in", tmp)


def erts_dir():
    """The erts-VSN directory of the OTP installation on PATH."""
    erl = shutil.which("erl")
    if not erl:
        return "/nonexistent"
    out = subprocess.run(
        [erl, "-noshell", "-eval",
         'io:format("~s/erts-~s", [code:root_dir(), '
         'erlang:system_info(version)]), halt().'],
        capture_output=True, text=True)
    return out.stdout.strip()


def check_success(relc, case, tmp, lib):
    p = run([relc, "build", "--env", "prod", "-v"], tmp)
    print(p.stdout, end="")
    expect = os.path.join(case, "boot.expect")
    if os.path.exists(expect):
        want = [l.split() for l in open(expect) if l.strip()]
        got = [l.split() for l in p.stdout.splitlines()
               if l.startswith("  ")]
        if want != got:
            sys.exit("FAIL: boot order and types differ\nwant: %s\ngot:  %s"
                     % (want, got))
    rels = os.path.join(tmp, "_build", "prod", "rel")
    (name,) = os.listdir(rels)
    # systools reads the applications the release holds (OTP's own, for a
    # release without ERTS, come from its code path).
    p = run([ESCRIPT, "check", os.path.join(rels, name)], tmp)
    print(p.stdout, end="")


def extra_libs(tmp):
    """Where else relc found applications: vendor/ (a case's lib_dirs)
    and Elixir's lib/ (OTP's own are on systools' code path)."""
    libs = []
    vendor = os.path.join(tmp, "vendor")
    if os.path.isdir(vendor):
        libs.append(vendor)
    elixir = shutil.which("elixir")
    if elixir:
        libs.append(os.path.join(
            os.path.dirname(os.path.dirname(os.path.realpath(elixir))),
            "lib"))
    return libs


def check_failure(relc, case, tmp, lib):
    pattern = open(os.path.join(case, "expect")).read().strip()
    p = run([relc, "build", "--env", "prod"], tmp, check=False)
    if p.returncode != 1:
        sys.exit("FAIL: relc exited %d, not 1\nstdout:\n%s\nstderr:\n%s"
                 % (p.returncode, p.stdout, p.stderr))
    lines = p.stderr.splitlines()
    if len(lines) != 1 or not re.fullmatch(pattern, lines[0]):
        sys.exit("FAIL: relc's error does not match\nwant: %s\ngot:  %s"
                 % (pattern, p.stderr))
    print("relc fails:", lines[0])
    rels = os.path.join(tmp, "_build", "prod", "rel")
    if os.path.exists(rels) and os.listdir(rels):
        sys.exit("FAIL: a failed build left %s behind" % os.listdir(rels))
    p = run([ESCRIPT, "fail", os.path.join(case, "release.rel"), lib]
            + extra_libs(tmp), tmp)
    print(p.stdout, end="")


if __name__ == "__main__":
    main()
