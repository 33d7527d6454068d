#!/usr/bin/env python3
"""Two copies of a release started as two nodes on loopback: with the same
cookie they connect, with different cookies they do not."""
import os

from relc_e2e import check, compile_hello, main, run, unique


def test(ws):
    project = compile_hello(ws)
    run([ws.relc, "build"], cwd=project)
    built = os.path.join(project, "_build", "prod", "rel", "hello")
    a, b = ws.path("a", "hello"), ws.path("b", "hello")
    for root in (a, b):
        os.makedirs(os.path.dirname(root))
        run(["cp", "-a", built, root])

    env_a = ws.node_env(unique("node_a"), cookie="shared-secret")
    env_b = ws.node_env(unique("node_b"), cookie="shared-secret")
    ws.bin(a, "hello", "start", env=env_a)
    ws.bin(b, "hello", "start", env=env_b)
    p = ws.bin(a, "hello", "rpc", "net_adm", "ping",
               "'%s'" % env_b["RELEASE_NODE"], env=env_a)
    check(p.stdout == "pong\n", "same cookie: ping printed %r", p.stdout)
    p = ws.bin(b, "hello", "rpc", "nodes().", env=env_b)
    check(env_a["RELEASE_NODE"] in p.stdout, "B does not see A: %s",
          p.stdout)
    ws.bin(b, "hello", "stop", env=env_b)

    env_b = ws.node_env(unique("node_b"), cookie="another-secret")
    ws.bin(b, "hello", "start", env=env_b)
    p = ws.bin(a, "hello", "rpc", "net_adm", "ping",
               "'%s'" % env_b["RELEASE_NODE"], env=env_a)
    check(p.stdout == "pang\n", "different cookies: ping printed %r",
          p.stdout)
    # and bin/NAME with the wrong cookie says so
    wrong = dict(env_b, RELEASE_COOKIE="shared-secret")
    p = ws.bin(b, "hello", "ping", env=wrong, ok=False)
    check(p.returncode != 0 and "refused the connection" in p.stderr,
          "ping with the wrong cookie: %d %r", p.returncode, p.stderr)
    ws.bin(a, "hello", "stop", env=env_a)
    ws.bin(b, "hello", "stop", env=env_b)


if __name__ == "__main__":
    main(test)
