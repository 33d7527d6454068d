"""Helpers for relc's end-to-end tests: projects compiled for real,
releases built with relc, nodes booted on loopback under unique names and
always stopped.

Every test runs in a fresh temporary directory that is removed when the
test passes and kept (and named) when it fails.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from needs import require  # noqa: E402

# What bin/NAME and erts/bin/erl use, and nothing else: no Erlang.
TOOLS = ["sh", "dirname", "basename", "readlink", "cat", "sed", "head",
         "tail", "grep", "od", "tr", "mv", "mkdir", "sleep", "wc", "uname",
         "rm", "awk", "ln", "chmod", "id", "ls", "cksum"]


class Failure(Exception):
    pass


def check(cond, msg, *args):
    if not cond:
        raise Failure(msg % args if args else msg)


def run(cmd, cwd=None, env=None, ok=True, timeout=120, input=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True,
                       text=True, timeout=timeout, input=input)
    if ok and p.returncode != 0:
        raise Failure("%s exited %d\nstdout:\n%s\nstderr:\n%s"
                      % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p


class Workspace:
    """A temporary directory, the relc binary, and the nodes started."""

    def __init__(self, relc):
        self.relc = os.path.abspath(relc)
        self.dir = tempfile.mkdtemp(prefix="relc-e2e-")
        self.pids = []
        self.nodes = {}  # (script, node name) -> env, to stop at the end

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def no_erlang_path(self):
        """A PATH with the tools the scripts need and no Erlang at all."""
        bindir = self.path("no-erlang-bin")
        if not os.path.isdir(bindir):
            os.makedirs(bindir)
            for tool in TOOLS:
                real = shutil.which(tool, path="/usr/bin:/bin")
                check(real, "this machine has no %s", tool)
                os.symlink(real, os.path.join(bindir, tool))
        return bindir

    def node_env(self, name, cookie="relc-e2e-cookie", path=None, **extra):
        env = dict(os.environ)
        env.update({
            "PATH": path or self.no_erlang_path(),
            "RELEASE_DISTRIBUTION": "name",
            "RELEASE_NODE": "%s@127.0.0.1" % name,
            "RELEASE_COOKIE": cookie,
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "HOME": self.path("home"),
        })
        env.update(extra)
        os.makedirs(env["HOME"], exist_ok=True)
        return env

    def bin(self, release_root, name, *args, env=None, ok=True,
            timeout=120):
        script = os.path.join(release_root, "bin", name)
        if env is not None and "RELEASE_NODE" in env:
            self.nodes[(script, env["RELEASE_NODE"])] = env
        return run([script] + list(args), env=env, ok=ok, timeout=timeout)

    def forget(self, pid):
        if pid in self.pids:
            self.pids.remove(pid)

    def cleanup(self, passed):
        """Stop whatever still runs; remove the directory if all went well."""
        for (script, _), env in self.nodes.items():
            try:
                subprocess.run([script, "stop"], env=env,
                               capture_output=True, timeout=60)
            except (FileNotFoundError, PermissionError,
                    subprocess.TimeoutExpired):
                pass  # moved or removed by the test: nothing to stop there
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if passed:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            print("left the test's files in", self.dir)


def unique(prefix):
    return "%s_%d_%d" % (prefix, os.getpid(), random.randrange(1 << 30))


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purposes
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pid, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not alive(pid):
            return
        time.sleep(0.05)
    raise Failure("process %d is still there after %ds" % (pid, timeout))


def compile_hello(ws):
    """examples/hello, copied and compiled with rebar3."""
    src = ws.path("hello")
    shutil.copytree(os.path.join(TOP, "examples", "hello"), src,
                    ignore=shutil.ignore_patterns("_build"))
    env = dict(os.environ, HOME=ws.path("home"))
    os.makedirs(env["HOME"], exist_ok=True)
    run(["rebar3", "compile"], cwd=src, env=env)
    return src


def main(test, needs=("erl", "escript", "erlc", "rebar3")):
    """Run test(ws) with the relc given on the command line, once the
    programs `needs` names are there (tests/needs.py)."""
    require(*needs)
    ws = Workspace(sys.argv[1])
    passed = False
    try:
        test(ws)
        passed = True
        print("ok")
    except Failure as e:
        print("FAIL:", e)
    finally:
        ws.cleanup(passed)
    sys.exit(0 if passed else 1)
