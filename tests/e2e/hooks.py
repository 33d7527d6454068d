#!/usr/bin/env python3
"""Hooks and custom commands of bin/NAME, on real nodes: hooks run as
child processes in name order, in the release root, with the release's
environment and libexec/ first on PATH; a failing pre_start hook stops
the start (the node never runs), a failing post_start hook is reported
and start still succeeds; post_start runs once the node answers (its
release_remote_ctl rpc works); pre_stop/post_stop run for stop, and for
foreground stopped by SIGTERM (exit 0, the node gone), also when the
script is PID 1 of its own PID namespace (a container); custom commands
are listed by help with their first comment line, run with their
arguments from the caller's directory, and release_ctl eval /
release_remote_ctl rpc exit non-zero when the expression raises."""
import os
import shutil
import signal
import subprocess
import time

from ops_util import build_hello
from relc_e2e import Failure, check, main, unique

LOG = """#!/bin/sh
# logs each run of a hook
case $PATH in
"$RELEASE_ROOT/releases/$RELEASE_VSN/libexec:"*) first=libexec-first ;;
*) first=libexec-not-first ;;
esac
printf '%s %s %s %s %s\\n' "$RELEASE_HOOK" "${0##*/}" "$(pwd)" \\
    "$RELEASE_NODE" "$first" >>"$HOOK_LOG"
"""

GATE = """#!/bin/sh
[ -z "$FAIL_PRE_START" ] || exit 7
"""

RPC = """#!/bin/sh
release_remote_ctl rpc 'hello_server:greet("hook")' >"$HOOK_LOG.rpc"
"""

FAIL_IF = """#!/bin/sh
[ -z "$FAIL_POST_START" ] || exit 5
"""

SEED = """#!/bin/sh
# Load the seed data into the running node
for a in "$@"; do printf 'arg:%s\\n' "$a"; done
printf 'cwd:%s\\n' "$(pwd)"
release_ctl eval '{ok, G} = application:get_env(greeter, greeting), G.'
release_remote_ctl rpc hello_server count
"""

BOOM = """#!/bin/sh
# Fails: expressions that raise
release_ctl eval '1 = 2.'
echo "eval exit $?"
release_remote_ctl rpc 'erlang:error(boom).'
echo "rpc exit $?"
exit 4
"""

HOOKS = {
    "pre_configure": [("10-log", LOG)],
    "post_configure": [("10-log", LOG)],
    "pre_start": [("10-log", LOG), ("20-gate", GATE)],
    "post_start": [("10-rpc", RPC), ("20-log", LOG), ("30-fail", FAIL_IF)],
    "pre_stop": [("10-log", LOG)],
    "post_stop": [("10-log", LOG)],
}


def read_log(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.split() for line in f.read().splitlines()]


def hooks_run(log):
    return [(h[0], h[1]) for h in log]


def wait_for(path, proc, what, timeout=60):
    deadline = time.time() + timeout
    while not (os.path.exists(path) and os.path.getsize(path)):
        if proc.poll() is not None:
            raise Failure("%s exited %d before %s:\n%s" % (
                proc.args, proc.returncode, what, proc.stdout.read()))
        check(time.time() < deadline, "no %s within %ds", what, timeout)
        time.sleep(0.1)


def not_running(ws, root, env):
    p = ws.bin(root, "hello", "ping", env=env, ok=False)
    check(p.returncode == 1 and "is not running" in p.stderr,
          "the node runs: ping %d %r %r", p.returncode, p.stdout, p.stderr)


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(c) for c in f.read().split()]
    except FileNotFoundError:
        return []


def foreground_sigterm(ws, root, log, prefix, label, sig=signal.SIGTERM):
    """foreground (under prefix, e.g. unshare), SIGTERM (or sig: SIGINT,
    which the script turns into a SIGTERM for the VM) once post_start ran:
    the stop hooks run, the node goes, the exit status is 0."""
    env = ws.node_env(unique("hooks_fg"), HOOK_LOG=log)
    if os.path.exists(log):
        os.remove(log)
    if os.path.exists(log + ".rpc"):
        os.remove(log + ".rpc")
    ws.nodes[(os.path.join(root, "bin", "hello"), env["RELEASE_NODE"])] = env
    fg = subprocess.Popen(prefix + [os.path.join(root, "bin", "hello"),
                                    "foreground"],
                          env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    ws.pids.append(fg.pid)
    wait_for(log + ".rpc", fg, "post_start hook (%s)" % label)
    script = fg.pid
    if prefix:  # unshare forks the script: PID 1 of the new namespace
        kids = children(fg.pid)
        check(len(kids) == 1, "unshare has children %s", kids)
        script = kids[0]
        with open("/proc/%d/status" % script) as f:
            nspid = [line for line in f if line.startswith("NSpid:")]
        check(nspid and nspid[0].split()[-1] == "1",
              "the script is not PID 1 of its namespace: %s", nspid)
    vm = int(ws.bin(root, "hello", "pid", env=env).stdout) \
        if not prefix else None
    if vm is not None:
        check(vm in children(script),
              "the VM (%d) is not a child of foreground (%d)", vm, script)
    os.kill(script, sig)
    try:
        code = fg.wait(timeout=60)
    except subprocess.TimeoutExpired:
        raise Failure("foreground (%s) did not stop on %s" % (label,
                                                             sig.name))
    out = fg.stdout.read()
    ws.forget(fg.pid)
    check(code == 0, "foreground (%s) exited %d after SIGTERM:\n%s", label,
          code, out)
    check("SIGTERM received" in out,
          "foreground (%s): the VM did not get SIGTERM:\n%s", label, out)
    run = hooks_run(read_log(log))
    check(run == [("pre_configure", "10-log"), ("post_configure", "10-log"),
                  ("pre_start", "10-log"), ("post_start", "20-log"),
                  ("pre_stop", "10-log"), ("post_stop", "10-log")],
          "foreground (%s) ran the hooks %s", label, run)
    not_running(ws, root, env)
    print("foreground (%s): %s ran the stop hooks, exit 0" % (label, sig.name))


def test(ws):
    root = build_hello(ws, hooks=HOOKS, commands={"seed": SEED,
                                                  "boom": BOOM})
    log = ws.path("hooks.log")
    env = ws.node_env(unique("hooks"), HOOK_LOG=log)

    # help lists the custom commands with their descriptions
    p = ws.bin(root, "hello", "help", env=env)
    check("\nCommands of this release:\n"
          "  boom               Fails: expressions that raise\n"
          "  seed               Load the seed data into the running node\n"
          in p.stdout, "help:\n%s", p.stdout)

    # a failing pre_start hook: no node
    p = ws.bin(root, "hello", "start", env=dict(env, FAIL_PRE_START="1"),
               ok=False)
    check(p.returncode == 1 and
          p.stderr == "hello: pre_start hook 20-gate failed (exit 7)\n",
          "start with a failing pre_start: %d %r", p.returncode, p.stderr)
    not_running(ws, root, env)
    run = hooks_run(read_log(log))
    check(run == [("pre_configure", "10-log"), ("post_configure", "10-log"),
                  ("pre_start", "10-log")], "hooks run: %s", run)
    for line in read_log(log):
        check(line[2:] == [root, env["RELEASE_NODE"], "libexec-first"],
              "a hook's cwd, node or PATH: %s", line)
    os.remove(log)

    # start: post_start once the node answers
    ws.bin(root, "hello", "start", env=env)
    with open(log + ".rpc") as f:
        got = f.read()
    check(got == '"Hello, hook!"\n', "post_start's rpc got %r", got)
    run = hooks_run(read_log(log))
    check(run == [("pre_configure", "10-log"), ("post_configure", "10-log"),
                  ("pre_start", "10-log"), ("post_start", "20-log")],
          "hooks run by start: %s", run)

    # custom commands, from another directory, with their arguments
    elsewhere = ws.path("elsewhere")
    os.makedirs(elsewhere)
    p = subprocess.run([os.path.join(root, "bin", "hello"), "seed", "a",
                        "b c", ""], cwd=elsewhere, env=env,
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0 and p.stdout == "arg:a\narg:b c\narg:\n"
          "cwd:%s\n\"Hello\"\n1\n" % elsewhere,
          "seed: %d %r %r", p.returncode, p.stdout, p.stderr)
    p = ws.bin(root, "hello", "boom", env=env, ok=False)
    check(p.returncode == 4 and "eval exit 1\n" in p.stdout and
          "rpc exit 1\n" in p.stdout and
          "no match of right hand side value 2" in p.stderr and
          "exception error: boom" in p.stderr,
          "boom: %d %r %r", p.returncode, p.stdout, p.stderr)
    p = ws.bin(root, "hello", "nosuch", env=env, ok=False)
    check(p.returncode == 2 and "unknown command nosuch" in p.stderr,
          "an unknown command: %d %r", p.returncode, p.stderr)

    # stop runs the stop hooks
    os.remove(log)
    ws.bin(root, "hello", "stop", env=env)
    not_running(ws, root, env)
    run = hooks_run(read_log(log))
    check(run == [("pre_stop", "10-log"), ("post_stop", "10-log")],
          "hooks run by stop: %s", run)
    # stop with nothing running: no hooks
    os.remove(log)
    p = ws.bin(root, "hello", "stop", env=env, ok=False)
    check(p.returncode == 1 and "is not running" in p.stderr and
          not read_log(log), "stop when stopped: %d %r %s", p.returncode,
          p.stderr, read_log(log))

    # a failing post_start hook is reported; start still succeeds
    p = ws.bin(root, "hello", "start", env=dict(env, FAIL_POST_START="1"))
    check(p.stderr == "hello: post_start hook 30-fail failed (exit 5)\n",
          "a failing post_start: %r", p.stderr)
    ws.bin(root, "hello", "stop", env=env)

    # foreground: SIGTERM runs the stop hooks; as a container's PID 1 too
    foreground_sigterm(ws, root, log, [], "child of the test")
    foreground_sigterm(ws, root, log, [], "SIGINT", signal.SIGINT)
    unshare = shutil.which("unshare") or "unshare"
    for prefix in ([unshare, "--pid", "--fork", "--mount-proc"],
                   [unshare, "--map-root-user", "--pid", "--fork",
                    "--mount-proc"]):
        if shutil.which("unshare") and subprocess.run(
                prefix + ["true"], capture_output=True).returncode == 0:
            foreground_sigterm(ws, root, log, prefix, "PID 1")
            break
    else:
        check(os.environ.get("CI") != "true",
              "unshare cannot make a PID namespace here")
        print("SKIP: foreground as PID 1 (unshare cannot make a PID "
              "namespace here)")


if __name__ == "__main__":
    main(test)
