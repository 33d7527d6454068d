#!/usr/bin/env python3
"""The cookie never appears in any process's argv: a thread reads every
process's command line (what ps -eo args shows: /proc/PID/cmdline) while
start, ping, rpc, eval, describe, restart, a post_start hook, a custom
command (release_ctl eval, release_remote_ctl rpc), foreground and stop
run, for a cookie from RELEASE_COOKIE, from releases/COOKIE, and one
generated into RELEASE_TMP/COOKIE; describe says where it came from, never
what it is.  A generation that fails (RELEASE_TMP on a full tmpfs, a
/dev/urandom that gives nothing) says why and leaves no COOKIE behind; an
empty COOKIE left by an older relc is replaced."""
import os
import random
import shutil
import signal
import subprocess
import threading
import time

from ops_util import build_hello, unshare_prefix
from relc_e2e import Failure, check, main, run, unique

POST_START = """#!/bin/sh
release_remote_ctl rpc 'hello_server:count().' >"$HOOK_OUT"
"""

SHOW = """#!/bin/sh
# Shows the greeting, twice
release_ctl eval '{ok, G} = application:get_env(greeter, greeting), G.'
release_remote_ctl rpc hello_server greet '"cmd"'
"""


class Watcher(threading.Thread):
    """Reads /proc/*/cmdline until stopped; remembers every argv that
    holds one of the secrets, and how many helper-node argvs it saw."""

    def __init__(self):
        super().__init__(daemon=True)
        self.secrets = []
        self.leaks = []
        self.seen = 0
        self.scans = 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    with open("/proc/%s/cmdline" % pid, "rb") as f:
                        argv = f.read()
                except OSError:
                    continue
                if b"relc_ctl_" in argv or b"relc_remsh_" in argv:
                    self.seen += 1
                for s in self.secrets:
                    if s.encode() in argv:
                        self.leaks.append(argv.replace(b"\0", b" "))
            self.scans += 1
            time.sleep(0.005)

    def stop(self):
        self.done.set()
        self.join()
        check(not self.leaks, "the cookie is in an argv:\n%s",
              "\n".join(a.decode(errors="replace") for a in self.leaks[:5]))
        check(self.seen > 0 and self.scans > 10,
              "the watcher saw no helper node (%d scans)", self.scans)


def exercise(ws, root, env, watcher, label, cookie_from):
    """Every command, watched."""
    out = ws.path("hook.out")
    env = dict(env, HOOK_OUT=out)
    ws.bin(root, "hello", "start", env=env)
    with open(out) as f:
        check(f.read() == "0\n", "%s: the post_start hook's rpc", label)
    for args, want in ((["ping"], "pong\n"),
                       (["rpc", "hello_server", "greet", '"w"'],
                        '"Hello, w!"\n'),
                       (["eval", "1 + 1"], "2\n"),
                       (["restart"], "ok\n"),
                       (["show"], '"Hello"\n"Hello, cmd!"\n')):
        p = ws.bin(root, "hello", *args, env=env)
        check(p.stdout == want, "%s: %s printed %r", label, args, p.stdout)
    p = ws.bin(root, "hello", "describe", env=env)
    check("cookie:        %s\n" % cookie_from in p.stdout,
          "%s: describe says\n%s", label, p.stdout)
    for s in watcher.secrets:
        check(s not in p.stdout, "%s: describe prints the cookie", label)
    # while it runs, the node's cookie home is private
    node_dir = os.path.join(env.get("RELEASE_TMP", os.path.join(root, "tmp")),
                            "node-" + env["RELEASE_NODE"])
    check(os.stat(node_dir).st_mode & 0o777 == 0o700 and
          os.stat(os.path.join(node_dir, ".erlang.cookie")).st_mode & 0o777
          == 0o400, "%s: the node's cookie home is not private", label)
    ws.bin(root, "hello", "stop", env=env)
    left = [f for f in os.listdir(os.path.join(root, "tmp"))
            if f not in ("pipe", "COOKIE")]
    check(not left, "%s: tmp/ holds %s after stop", label, left)

    # foreground, stopped with SIGTERM
    fg = subprocess.Popen([os.path.join(root, "bin", "hello"), "foreground"],
                          env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    ws.pids.append(fg.pid)
    deadline = time.time() + 60
    while ws.bin(root, "hello", "ping", env=env, ok=False).returncode != 0:
        check(fg.poll() is None and time.time() < deadline,
              "%s: foreground did not come up", label)
        time.sleep(0.2)
    os.kill(fg.pid, signal.SIGTERM)
    check(fg.wait(timeout=60) == 0, "%s: foreground exited %s", label,
          fg.returncode)
    ws.forget(fg.pid)
    print("%s: no argv held the cookie" % label)


def generation_fails(ws, root):
    """RELEASE_TMP on a full tmpfs; /dev/urandom giving nothing."""
    prefix = unshare_prefix(ws)
    if not prefix:
        check(os.environ.get("CI") != "true",
              "no mount namespace to make a full disk in")
        print("SKIP: cookie generation failures (no mount namespace)")
        return
    env = ws.node_env(unique("cookie_fail"))
    del env["RELEASE_COOKIE"]
    full = ws.path("full")
    os.makedirs(full)
    mount = shutil.which("mount")
    script = """
        "$MOUNT" -t tmpfs -o size=16k,mode=0700 tmpfs "$FULL"
        dd if=/dev/zero of="$FULL/fill" bs=1k count=64 2>/dev/null
        RELEASE_TMP=$FULL "$BIN" ping; echo "exit $?"
        RELEASE_TMP=$FULL "$BIN" ping; echo "exit $?"
        ls -a "$FULL"
    """
    p = subprocess.run(prefix + ["sh", "-c", script], capture_output=True,
                       text=True, timeout=60, env=dict(
                           env, MOUNT=mount, FULL=full,
                           BIN=os.path.join(root, "bin", "hello"),
                           PATH=env["PATH"] + ":/bin:/usr/bin"))
    check(p.stdout == "exit 1\nexit 1\n.\n..\nfill\n" and
          p.stderr.count("hello: cannot write a cookie into %s (is the "
                         "disk full?)" % full) == 2 and
          len(p.stderr.splitlines()) == 2,
          "a full disk: %r %r", p.stdout, p.stderr)
    script = """
        "$MOUNT" --bind /dev/null /dev/urandom
        "$BIN" ping; echo "exit $?"
        ls -a "$TMP"
    """
    tmp = os.path.join(root, "tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    p = subprocess.run(prefix + ["sh", "-c", script], capture_output=True,
                       text=True, timeout=60, env=dict(
                           env, MOUNT=mount, TMP=tmp,
                           BIN=os.path.join(root, "bin", "hello"),
                           PATH=env["PATH"] + ":/bin:/usr/bin"))
    check(p.stdout == "exit 1\n.\n..\n" and
          p.stderr == "hello: cannot generate a cookie: /dev/urandom gave 0 "
          "hex digits instead of 64\n",
          "no randomness: %r %r", p.stdout, p.stderr)
    print("cookie generation failures leave no COOKIE")


def test(ws):
    root = build_hello(ws, hooks={"post_start": [("rpc", POST_START)]},
                       commands={"show": SHOW})
    watcher = Watcher()
    watcher.start()
    try:
        # RELEASE_COOKIE
        secret = "relc-secret-%016x" % random.getrandbits(64)
        watcher.secrets.append(secret)
        env = ws.node_env(unique("cookie_env"), cookie=secret)
        exercise(ws, root, env, watcher, "RELEASE_COOKIE", "RELEASE_COOKIE")

        # releases/COOKIE
        secret = "relc-file-%016x" % random.getrandbits(64)
        watcher.secrets.append(secret)
        path = os.path.join(root, "releases", "COOKIE")
        with open(path, "w") as f:
            f.write(secret + "\n")
        os.chmod(path, 0o400)
        env = ws.node_env(unique("cookie_rel"))
        del env["RELEASE_COOKIE"]
        exercise(ws, root, env, watcher, "releases/COOKIE", path)
        os.remove(path)

        # generated: an empty one (an older relc's failure) is replaced
        gen = os.path.join(root, "tmp", "COOKIE")
        open(gen, "w").close()
        p = ws.bin(root, "hello", "ping", env=env, ok=False)
        check(p.returncode == 1 and "is not running" in p.stderr,
              "ping: %r", p.stderr)
        with open(gen) as f:
            secret = f.read().strip()
        check(len(secret) == 64 and os.stat(gen).st_mode & 0o777 == 0o600,
              "the generated cookie: %d characters, mode %o", len(secret),
              os.stat(gen).st_mode & 0o777)
        watcher.secrets.append(secret)
        exercise(ws, root, env, watcher, "generated",
                 "%s (generated)" % gen)
    finally:
        watcher.stop()
    generation_fails(ws, root)


if __name__ == "__main__":
    main(test)
