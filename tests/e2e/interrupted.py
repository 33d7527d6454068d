#!/usr/bin/env python3
"""A build that is killed in the middle of copying leaves the previous
release as it was, and the next build cleans up after it; a build stopped
with SIGINT cleans up after itself."""
import glob
import os
import signal
import subprocess
import time

from relc_e2e import Failure, check, main, run

CONFIG = """releases:
  big:
    version: %s
    applications: [kernel, stdlib, megaco, snmp, diameter, ssh, ssl, inets,
                   common_test, mnesia, compiler, syntax_tools, tools, wx,
                   debugger, observer, et, reltool, eunit, edoc, dialyzer]
"""


def configure(project, version):
    with open(os.path.join(project, "rel", "relc.yaml"), "w") as f:
        f.write(CONFIG % version)


def staging(rels):
    return glob.glob(os.path.join(rels, ".relc-*-big.*"))


def build_caught_mid_copy(ws, project, rels):
    """Start a build and freeze it (SIGSTOP) once it is copying."""
    before = set(staging(rels))
    proc = subprocess.Popen([ws.relc, "build"], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while True:
        dirs = [d for d in staging(rels) if d not in before]
        if dirs and glob.glob(os.path.join(dirs[0], "lib", "*", "ebin",
                                           "*.beam")):
            os.kill(proc.pid, signal.SIGSTOP)
            break
        if proc.poll() is not None:
            raise Failure("the build finished before it could be caught")
        check(time.time() < deadline, "the build never started copying")
        time.sleep(0.001)
    # frozen while copying: the old release must still be in place
    check(not os.path.exists(os.path.join(rels, "big", "bin")) or
          os.path.exists(os.path.join(rels, "big", "releases", "1.0.0")),
          "the previous release was replaced before the build finished")
    return proc


def check_old_release(rels):
    root = os.path.join(rels, "big")
    check(os.path.exists(os.path.join(root, "MARKER")),
          "the previous release is not the one that was there")
    with open(os.path.join(root, "releases", "start_erl.data")) as f:
        check(f.read().endswith(" 1.0.0"), "the previous release changed")
    p = run([os.path.join(root, "bin", "big"), "version"])
    check(p.stdout == "big 1.0.0\n", "the previous release says %r", p.stdout)


def test(ws):
    project = ws.path("big")
    os.makedirs(os.path.join(project, "rel"))
    rels = os.path.join(project, "_build", "prod", "rel")
    configure(project, "1.0.0")
    run([ws.relc, "build"], cwd=project)
    open(os.path.join(rels, "big", "MARKER"), "w").close()

    # SIGKILL in the middle of copying
    configure(project, "2.0.0")
    proc = build_caught_mid_copy(ws, project, rels)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    check_old_release(rels)
    check(len(staging(rels)) == 1, "no staging directory was left: %s",
          os.listdir(rels))

    # SIGINT: the build stops, says why, and removes its staging directory
    # (and the killed build's, which it removed when it started)
    stale = staging(rels)
    proc = build_caught_mid_copy(ws, project, rels)
    os.kill(proc.pid, signal.SIGINT)
    os.kill(proc.pid, signal.SIGCONT)
    out, err = proc.communicate(timeout=60)
    check(proc.returncode == 130 and err == b"relc: interrupted\n",
          "SIGINT: exit %d, %r", proc.returncode, err)
    check_old_release(rels)
    check(not staging(rels), "staging directories left: %s (stale: %s)",
          staging(rels), stale)

    # the next build completes and nothing is left over
    run([ws.relc, "build"], cwd=project)
    check(sorted(os.listdir(rels)) == ["big"], "left over: %s",
          os.listdir(rels))
    p = run([os.path.join(rels, "big", "bin", "big"), "version"])
    check(p.stdout == "big 2.0.0\n", "the new release says %r", p.stdout)


if __name__ == "__main__":
    main(test)
