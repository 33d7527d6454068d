#!/usr/bin/env python3
"""Distribution without epmd: vm.args with -start_epmd false and a fixed
-erl_epmd_port (from ${DIST_PORT}), and ERL_EPMD_PORT pointing where no
epmd listens, so that anything needing epmd fails: start, ping, pid, rpc,
restart, eval, describe, remote_console and stop all work, a wrong
cookie is told apart from a node that is not running, and no epmd was
started."""
import os
import pty
import select
import time

from ops_util import build_hello, free_fixed_port, free_port, listening
from relc_e2e import check, main, unique


def on_pty(argv, env, keys):
    """Run argv on a pseudo-terminal, typing keys (one string a second);
    return its exit status and what it printed."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    out = b""

    def drain(seconds):
        nonlocal out
        end = time.time() + seconds
        while time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    return
    for k in keys:
        drain(1.5)
        os.write(fd, k)
    deadline = time.time() + 30
    while True:
        drain(0.5)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.time() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            status = -1
            break
    os.close(fd)
    return status, out.decode(errors="replace")


def test(ws):
    root = build_hello(ws, vm_args="\n-start_epmd false\n"
                       "-erl_epmd_port ${DIST_PORT}\n")
    # the epmd port is watched at the end: one no parallel test's node can
    # be given as its listening port
    epmd_port, dist_port = free_fixed_port(), free_port()
    env = ws.node_env(unique("noepmd"), ERL_EPMD_PORT=str(epmd_port),
                      DIST_PORT=str(dist_port), SHELL="/bin/sh")

    p = ws.bin(root, "hello", "ping", env=env, ok=False)
    check(p.returncode == 1 and "is not running" in p.stderr,
          "ping before start: %d %r", p.returncode, p.stderr)
    ws.bin(root, "hello", "start", env=env)
    check(listening(dist_port), "the node does not listen on %d", dist_port)
    p = ws.bin(root, "hello", "ping", env=env)
    check(p.stdout == "pong\n", "ping: %r", p.stdout)
    pid = ws.bin(root, "hello", "pid", env=env).stdout.strip()
    p = ws.bin(root, "hello", "rpc", "hello_server", "greet", '"no epmd"',
               env=env)
    check(p.stdout == '"Hello, no epmd!"\n', "rpc: %r", p.stdout)
    p = ws.bin(root, "hello", "restart", env=env)
    check(p.stdout == "ok\n", "restart: %r", p.stdout)
    p = ws.bin(root, "hello", "eval", "1 + 2", env=env)
    check(p.stdout == "3\n", "eval: %r", p.stdout)
    p = ws.bin(root, "hello", "describe", env=env)
    check("running:       yes, pid %s\n" % pid in p.stdout, "describe: %s",
          p.stdout)
    p = ws.bin(root, "hello", "ping", env=dict(env, RELEASE_COOKIE="wrong"),
               ok=False)
    check(p.returncode == 3 and "refused the connection" in p.stderr,
          "ping with a wrong cookie: %d %r", p.returncode, p.stderr)
    status, out = on_pty([os.path.join(root, "bin", "hello"),
                          "remote_console"], env,
                         [b"hello_server:greet(\"remsh\").\n", b"\x07",
                          b"q\n"])
    check(status == 0 and '"Hello, remsh!"' in out,
          "remote_console: %d\n%s", status, out)
    check(not listening(epmd_port), "an epmd was started on %d", epmd_port)
    ws.bin(root, "hello", "stop", env=env)
    check(not listening(dist_port), "the node still listens")


if __name__ == "__main__":
    main(test)
