#!/usr/bin/env python3
"""bin/NAME start tells the truth: it fails at once, with what this start
logged, when a permanent application crashes in start/2, when an
application halts the VM during the boot, when the emulator rejects a flag
in vm.args; it succeeds when the node has booted.  reboot refuses a node
without heart and leaves it running; with heart it reboots."""
import os
import shutil
import time

from relc_e2e import TOOLS, check, compile_hello, run, main, unique

APP = """{application, %(app)s,
 [{description, "starts badly"}, {vsn, "1.0.0"}, {modules, [%(app)s_app]},
  {registered, []}, {applications, [kernel, stdlib]},
  {mod, {%(app)s_app, []}}]}.
"""

MODULE = """-module(%(app)s_app).
-behaviour(application).
-export([start/2, stop/1]).
start(_Type, _Args) -> %(body)s.
stop(_State) -> ok.
"""

CONFIG = """releases:
  %(app)s:
    version: 1.0.0
    applications: [%(app)s]
"""

TIMEOUT = "60"   # RELEASE_START_TIMEOUT: what a failure must not wait for
FAST = 15        # seconds a failing start may take, boot included


def build_app(ws, app, body):
    """A release of one application whose start/2 is body, compiled with
    erlc into a project relc builds."""
    project = ws.path(app)
    ebin = os.path.join(project, "_build", "prod", "lib", app, "ebin")
    os.makedirs(ebin)
    for sub in ("src", "rel"):
        os.makedirs(os.path.join(project, sub))
    values = {"app": app, "body": body}
    with open(os.path.join(ebin, app + ".app"), "w") as f:
        f.write(APP % values)
    src = os.path.join(project, "src", app + "_app.erl")
    with open(src, "w") as f:
        f.write(MODULE % values)
    with open(os.path.join(project, "rel", "relc.yaml"), "w") as f:
        f.write(CONFIG % values)
    run(["erlc", "-o", ebin, src])
    run([ws.relc, "build"], cwd=project)
    return os.path.join(project, "_build", "prod", "rel", app)


def tools_path(ws):
    """The tools bin/NAME uses (rm among them: it removes its pid file),
    and no Erlang."""
    return ws.no_erlang_path()


def env_for(ws, prefix, **extra):
    return ws.node_env(unique(prefix), path=tools_path(ws),
                       RELEASE_START_TIMEOUT=TIMEOUT, **extra)


def timed_start(ws, root, name, env):
    t0 = time.monotonic()
    p = ws.bin(root, name, "start", env=env, ok=False, timeout=120)
    return p, time.monotonic() - t0


def no_pid_files(root):
    left = [f for f in os.listdir(os.path.join(root, "tmp"))
            if f.startswith("start.")]
    check(not left, "start left %s in %s/tmp", left, root)


def check_fails_fast(ws, root, name, env, reason, *lines):
    """start fails, quickly, with one error line and the log lines."""
    p, took = timed_start(ws, root, name, env)
    first = p.stderr.split("\n", 1)[0]
    check(p.returncode == 1, "start exited %d (%.1fs)\nstdout:%s\nstderr:\n%s",
          p.returncode, took, p.stdout, p.stderr)
    check(took < FAST, "start took %.1fs to fail (timeout %ss):\n%s", took,
          TIMEOUT, p.stderr)
    check(first.startswith("%s: node %s failed to start: %s"
                           % (name, env["RELEASE_NODE"], reason)),
          "the error line: %r", first)
    for line in lines:
        check(line in p.stderr, "%r is not in start's stderr:\n%s", line,
              p.stderr)
    # it is really down: nothing answers under that name
    deadline = time.monotonic() + 30
    while True:
        q = ws.bin(root, name, "ping", env=env, ok=False)
        if q.returncode == 1 and "is not running" in q.stderr:
            break
        check(time.monotonic() < deadline,
              "the node still answers after start failed: %r", q.stdout)
        time.sleep(0.2)
    no_pid_files(root)
    print("%s: start failed in %.1fs: %s" % (name, took, first))
    return p


def test(ws):
    # (a) a permanent application that crashes in start/2: the node
    # answers pings for a moment, and start still fails
    root = build_app(ws, "crashy",
                     'erlang:error({crashy_boom, "no database"})')
    check_fails_fast(ws, root, "crashy", env_for(ws, "crashy"),
                     "the VM ", "application_start_failure,crashy",
                     "crashy_boom")
    # the log rotating while the node boots: the lines are still found
    check_fails_fast(ws, root, "crashy",
                     env_for(ws, "crashy_rot", RUN_ERL_LOG_MAXSIZE="1500",
                             RUN_ERL_LOG_GENERATIONS="20"),
                     "the VM ", "application_start_failure,crashy")

    # (b) an application that halts the VM during the boot; the second
    # start shows its own lines only
    root = build_app(ws, "halty",
                     'io:format("halty: no licence key~n"), erlang:halt(1)')
    for _ in range(2):
        p = check_fails_fast(ws, root, "halty", env_for(ws, "halty"),
                             "the VM exited", "halty: no licence key")
        check(p.stderr.count("LOGGING STARTED") == 1 and
              p.stderr.count("halty: no licence key") == 1,
              "stderr shows more than this start:\n%s", p.stderr)

    # (b) the emulator rejects a flag in vm.args: its complaint is shown,
    # not the usage text that follows it
    project = compile_hello(ws)
    run([ws.relc, "build"], cwd=project)
    root = os.path.join(project, "_build", "prod", "rel", "hello")
    bad_args = ws.path("bad.vm.args")
    with open(bad_args, "w") as f:
        f.write("+sbwt bogus\n")
    p = check_fails_fast(ws, root, "hello",
                         env_for(ws, "badflag", RELEASE_VM_ARGS=bad_args),
                         "the VM exited",
                         "bad scheduler busy wait threshold: bogus")
    check("Usage:" not in p.stderr, "the usage text is shown:\n%s", p.stderr)

    # (c) the hello release starts, has booted when start returns, stops
    env = env_for(ws, "hello")
    p, took = timed_start(ws, root, "hello", env)
    check(p.returncode == 0 and p.stderr == "",
          "start exited %d:\n%s", p.returncode, p.stderr)
    print("hello: started in %.1fs" % took)
    no_pid_files(root)
    p = ws.bin(root, "hello", "ping", env=env)
    check(p.stdout == "pong\n", "ping printed %r", p.stdout)
    p = ws.bin(root, "hello", "rpc", "init:get_status()", env=env)
    check(p.stdout == "{started,started}\n", "init status: %r", p.stdout)
    p = ws.bin(root, "hello", "rpc", "hello_server:count().", env=env)
    check(p.stdout == "0\n", "hello_server: %r", p.stdout)

    # (d) reboot without heart: refused, the node keeps running
    pid = ws.bin(root, "hello", "pid", env=env).stdout
    p = ws.bin(root, "hello", "reboot", env=env, ok=False)
    check(p.returncode == 1 and p.stdout == "",
          "reboot without heart: %d %r", p.returncode, p.stdout)
    check(p.stderr == "hello: node %s does not run heart, so reboot would "
          "stop it for good: use restart or stop, or run the node with "
          "-heart\n" % env["RELEASE_NODE"], "reboot said %r", p.stderr)
    p = ws.bin(root, "hello", "ping", env=env)
    check(p.stdout == "pong\n", "ping after reboot printed %r", p.stdout)
    check(ws.bin(root, "hello", "pid", env=env).stdout == pid,
          "the node was restarted by reboot")
    ws.bin(root, "hello", "stop", env=env)
    p = ws.bin(root, "hello", "ping", env=env, ok=False)
    check(p.returncode == 1 and "is not running" in p.stderr,
          "ping after stop: %d %r", p.returncode, p.stderr)

    # (e) with heart, reboot reboots: heart runs HEART_COMMAND, here start
    heart_args = ws.path("heart.vm.args")
    with open(heart_args, "w") as f:
        f.write("-heart\n")
    script = os.path.join(root, "bin", "hello").replace("'", "'\\''")
    env = env_for(ws, "heart", RELEASE_VM_ARGS=heart_args,
                  HEART_COMMAND="'%s' start" % script)
    ws.bin(root, "hello", "start", env=env)
    pid = ws.bin(root, "hello", "pid", env=env).stdout
    p = ws.bin(root, "hello", "reboot", env=env)
    check(p.stdout == "ok\n", "reboot with heart printed %r", p.stdout)
    deadline = time.monotonic() + 60
    while True:
        q = ws.bin(root, "hello", "rpc", "{os:getpid(), init:get_status()}",
                   env=env, ok=False)
        if q.returncode == 0 and q.stdout.endswith("{started,started}}\n") \
                and q.stdout != '{"%s",{started,started}}\n' % pid.strip():
            break
        check(time.monotonic() < deadline,
              "no new node after reboot with heart: %r %r", q.stdout,
              q.stderr)
        time.sleep(0.2)
    ws.bin(root, "hello", "stop", env=env)


if __name__ == "__main__":
    main(test)
