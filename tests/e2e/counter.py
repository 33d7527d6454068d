#!/usr/bin/env python3
"""The seed story (../shared/seed: Distillery's tutorial) with relc, on
examples/counter: an HTTP service on a PORT from sys.config's ${PORT}, a
post_start hook that migrates its DETS table through release_remote_ctl
rpc, a custom `seed` command that adds rows through release_ctl eval in a
second OS process while the service runs, and stop hooks.

Run once with `start` and `stop`, then again, on the same data moved
elsewhere (COUNTER_DATA), with `foreground` stopped by SIGTERM."""
import http.client
import os
import shutil
import signal
import socket
import subprocess
import time

from relc_e2e import TOP, Failure, alive, check, main, run, unique, wait_gone

EXAMPLE = os.path.join(TOP, "examples", "counter")
SEEDED = "apples 3\npears 5\nplums 1\n"


def compile_counter(ws):
    """examples/counter, copied and compiled with rebar3."""
    src = ws.path("counter")
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("_build"))
    env = dict(os.environ, HOME=ws.path("home"))
    os.makedirs(env["HOME"], exist_ok=True)
    run(["rebar3", "compile"], cwd=src, env=env)
    return src


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None):
    """(status, body) of one request, or None when nothing listens."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body)
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    except ConnectionRefusedError:
        return None
    finally:
        conn.close()


def wait_migrated(port, proc=None, timeout=60):
    """Poll GET /schema until the post_start hook's migration shows."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise Failure("the node exited %d before it was migrated"
                          % proc.returncode)
        try:
            last = request(port, "GET", "/schema")
        except OSError as e:  # reset while the listener starts
            last = repr(e)
        if last == (200, "1\n"):
            return
        time.sleep(0.2)
    raise Failure("the post_start hook did not migrate in %ds: GET /schema "
                  "answered %r" % (timeout, last))


def hook_log(data):
    try:
        with open(os.path.join(data, "hooks.log")) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def foreground_log(ws):
    with open(ws.path("foreground.log"), errors="replace") as f:
        return f.read()


def node_env(ws, name, port, data=None):
    env = ws.node_env(unique(name), PORT=str(port))
    env.pop("COUNTER_DATA", None)
    if data is not None:
        env["COUNTER_DATA"] = data
    return env


def test(ws):
    if shutil.which("shellcheck"):
        run(["shellcheck", "-s", "sh"] +
            [os.path.join(EXAMPLE, "rel", d, f)
             for d in ("hooks", "commands")
             for f in sorted(os.listdir(os.path.join(EXAMPLE, "rel", d)))])

    project = compile_counter(ws)
    run([ws.relc, "build"], cwd=project)
    root = os.path.join(project, "_build", "prod", "rel", "counter")

    # --- start, migrate (post_start), seed, stop (pre_stop, post_stop)
    port = free_port()
    env = node_env(ws, "counter", port)
    node = env["RELEASE_NODE"]
    data = os.path.join(root, "data")  # COUNTER_DATA's default

    p = ws.bin(root, "counter", "help", env=env)
    check("seed" in p.stdout and "Seed the counters with sample rows"
          in p.stdout, "help does not list the seed command:\n%s", p.stdout)
    no_port = dict(env)
    del no_port["PORT"]
    p = ws.bin(root, "counter", "seed", env=no_port, ok=False)
    check(p.returncode != 0 and "PORT" in p.stderr,
          "seed without PORT: %d %r", p.returncode, p.stderr)

    ws.bin(root, "counter", "start", env=env)
    pid = int(ws.bin(root, "counter", "pid", env=env).stdout)
    ws.pids.append(pid)
    wait_migrated(port)
    check(os.path.isfile(os.path.join(data, "counter.dets")),
          "no table in %s after the migration", data)
    got = request(port, "GET", "/rows")
    check(got == (200, ""), "GET /rows after the migration: %r", got)
    p = ws.bin(root, "counter", "rpc", "counter:migrate()", env=env)
    check(p.stdout == "{ok,1}\n", "a second migration printed %r", p.stdout)

    p = ws.bin(root, "counter", "seed", env=env)
    check('{seeded,[{"apples",3},{"pears",5},{"plums",1}]}' in p.stdout,
          "seed printed %r", p.stdout)
    got = request(port, "GET", "/rows")
    check(got == (200, SEEDED), "GET /rows after the seed: %r", got)
    check(hook_log(data) == "", "stop hooks ran early: %r", hook_log(data))

    ws.bin(root, "counter", "stop", env=env)
    check(not alive(pid), "pid %d is still there after stop", pid)
    ws.forget(pid)
    check(request(port, "GET", "/health") is None,
          "something still answers on port %d", port)
    log = hook_log(data)
    check(log == "pre_stop ran for %s\npost_stop ran for %s\n" % (node, node),
          "the stop hooks wrote %r", log)
    p = ws.bin(root, "counter", "seed", env=env, ok=False)
    check(p.returncode != 0 and "no_service_on_port" in p.stderr,
          "seed with no service: %d %r", p.returncode, p.stderr)

    # --- the same data elsewhere: foreground, stopped by SIGTERM
    moved = ws.path("counter data")
    shutil.move(data, moved)
    port = free_port()
    env = node_env(ws, "counter_fg", port, data=moved)
    node = env["RELEASE_NODE"]
    with open(ws.path("foreground.log"), "wb") as log_file:
        fg = subprocess.Popen([os.path.join(root, "bin", "counter"),
                               "foreground"], env=env, stdout=log_file,
                              stderr=subprocess.STDOUT)
    ws.pids.append(fg.pid)
    ws.nodes[(os.path.join(root, "bin", "counter"), node)] = env
    before = hook_log(moved)
    try:
        wait_migrated(port, proc=fg)
        vm = int(ws.bin(root, "counter", "pid", env=env).stdout)
        ws.pids.append(vm)
        got = request(port, "GET", "/rows")
        check(got == (200, SEEDED), "the rows did not survive: %r", got)
        ws.bin(root, "counter", "seed", env=env)
        got = request(port, "POST", "/rows/figs", "7")
        check(got == (200, "7\n"), "POST /rows/figs: %r", got)
        got = request(port, "GET", "/rows")
        check(got == (200, "apples 6\nfigs 7\npears 10\nplums 2\n"),
              "GET /rows after the second seed: %r", got)
        check(not os.path.exists(data), "the node used %s, not COUNTER_DATA",
              data)

        os.kill(fg.pid, signal.SIGTERM)
        try:
            code = fg.wait(timeout=60)
        except subprocess.TimeoutExpired:
            raise Failure("foreground did not stop on SIGTERM")
    except Failure as e:
        raise Failure("%s\nthe output of foreground:\n%s"
                      % (e, foreground_log(ws)))
    out = foreground_log(ws)
    check(code == 0, "foreground exited %d after SIGTERM:\n%s", code, out)
    ws.forget(fg.pid)
    wait_gone(vm)
    ws.forget(vm)
    check(request(port, "GET", "/health") is None,
          "something still answers on port %d", port)
    p = ws.bin(root, "counter", "ping", env=env, ok=False)
    check(p.returncode == 1, "ping after SIGTERM: %d %r", p.returncode,
          p.stdout)
    log = hook_log(moved)
    check(log == before + "pre_stop ran for %s\npost_stop ran for %s\n"
          % (node, node),
          "the stop hooks of foreground wrote %r\nits output:\n%s",
          log[len(before):], out)


if __name__ == "__main__":
    main(test)
