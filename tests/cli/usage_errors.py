#!/usr/bin/env python3
"""Usage errors: each command line must exit with code 2, print nothing on
stdout, exactly one line on stderr (the expected one), and write nothing.

usage: usage_errors.py RELC
"""
import os
import shutil
import subprocess
import sys
import tempfile

CASES = [
    (["build", "--bogus"],
     "relc: unknown option '--bogus' (see 'relc build --help')"),
    (["build", "-qx"],
     "relc: unknown option '-x' (see 'relc build --help')"),
    (["archive", "--archive"],
     "relc: unknown option '--archive' (see 'relc archive --help')"),
    (["archive", "--config"],
     "relc: option '--config' needs a value"),
    (["build", "-c"],
     "relc: option '-c' needs a value"),
    (["build", "--quiet=yes"],
     "relc: option '--quiet' takes no value"),
    (["build", "--jobs", "0"],
     "relc: --jobs must be a number from 1 to 64, not '0'"),
    (["archive", "-j", "65"],
     "relc: --jobs must be a number from 1 to 64, not '65'"),
    (["build", "--jobs=4x"],
     "relc: --jobs must be a number from 1 to 64, not '4x'"),
    (["archive", "--level", "fast"],
     "relc: --level must be a number from 1 to 22, not 'fast'"),
    (["build", "-o", "out.tar.gz"],
     "relc: -o goes with 'relc archive' or --archive"),
    (["build", "extra"],
     "relc: unexpected argument 'extra'"),
    (["version", "extra"],
     "relc: unexpected argument 'extra'"),
    (["help", "nosuch"],
     "relc: 'nosuch' is not a relc command (see 'relc help')"),
    (["nosuch"],
     "relc: 'nosuch' is not a relc command (see 'relc help')"),
    (["init", "extra"],
     "relc: unexpected argument 'extra'"),
    (["init", "-r"],
     "relc: option '-r' needs a value"),
    (["init", "--release", "My-App"],
     "relc: --release 'My-App' is not a name relc init can write (a "
     "lower-case letter, then letters, digits, _ or @)"),
]


def main():
    relc = os.path.abspath(sys.argv[1])
    failed = 0
    for args, want in CASES:
        tmp = tempfile.mkdtemp(prefix="relc-usage-")
        try:
            p = subprocess.run([relc, *args], cwd=tmp, capture_output=True,
                               text=True)
            what = "relc " + " ".join(args)
            if p.returncode != 2:
                print("FAIL: %s: exit %d, not 2" % (what, p.returncode))
                failed += 1
            elif p.stderr != want + "\n":
                print("FAIL: %s: stderr differs\nwant: %s\ngot:  %s"
                      % (what, want, p.stderr), end="")
                failed += 1
            elif p.stdout:
                print("FAIL: %s: printed to stdout: %s" % (what, p.stdout))
                failed += 1
            elif os.listdir(tmp):
                print("FAIL: %s: wrote %s" % (what, os.listdir(tmp)))
                failed += 1
            else:
                print("ok: %s: %s" % (what, want))
        finally:
            shutil.rmtree(tmp)
    if failed:
        sys.exit("%d of %d cases failed" % (failed, len(CASES)))


if __name__ == "__main__":
    main()
