#!/usr/bin/env python3
"""Each tests/cli/config-errors/NAME.yaml must make `relc build` fail with
exit code 1, one line on stderr equal to NAME.err, and no output written.

usage: run_config_errors.py RELC CASE.yaml
"""
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    relc, case = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    want = open(case[:-len(".yaml")] + ".err").read()
    tmp = tempfile.mkdtemp(prefix="relc-cli-")
    try:
        name = os.path.basename(case)
        shutil.copy(case, os.path.join(tmp, name))
        p = subprocess.run([relc, "build", "--config", name], cwd=tmp,
                           capture_output=True, text=True)
        if p.returncode != 1:
            sys.exit("FAIL: exit %d, not 1\n%s" % (p.returncode, p.stderr))
        if p.stderr != want:
            sys.exit("FAIL: stderr differs\nwant: %sgot:  %s"
                     % (want, p.stderr))
        if p.stdout:
            sys.exit("FAIL: printed to stdout: %s" % p.stdout)
        if sorted(os.listdir(tmp)) != [name]:
            sys.exit("FAIL: wrote %s" % os.listdir(tmp))
        print(p.stderr, end="")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
