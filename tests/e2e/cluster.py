#!/usr/bin/env python3
"""Three nodes of one release on loopback (RELEASE_DISTRIBUTION=name,
unique @127.0.0.1 names, each its own RELEASE_TMP and RELEASE_LOG_DIR),
with the cookie from the release's cookie_file and no RELEASE_COOKIE,
connect to each other; a fourth with another cookie is refused."""
import os

from ops_util import build_hello
from relc_e2e import check, main, unique


def test(ws):
    cookie_file = ws.path("secrets", "cookie")
    os.makedirs(os.path.dirname(cookie_file))
    with open(cookie_file, "w") as f:
        f.write("cluster-cookie-%s\n" % unique("c"))
    os.chmod(cookie_file, 0o400)
    root = build_hello(ws, cookie_file=cookie_file)

    envs = []
    for i in range(4):
        name = unique("cluster%d" % i)
        env = ws.node_env(name, RELEASE_TMP=ws.path("run", name, "tmp"),
                          RELEASE_LOG_DIR=ws.path("run", name, "log"))
        del env["RELEASE_COOKIE"]
        envs.append(env)
    envs[3]["RELEASE_COOKIE"] = "another-cookie"
    for env in envs:
        ws.bin(root, "hello", "start", env=env)
    names = [env["RELEASE_NODE"] for env in envs]

    p = ws.bin(root, "hello", "describe", env=envs[0])
    check("cookie:        the cookie file %s\n" % cookie_file in p.stdout,
          "describe: %s", p.stdout)
    for i, j in ((0, 1), (1, 2), (2, 0)):
        p = ws.bin(root, "hello", "rpc", "net_adm", "ping", "'%s'" % names[j],
                   env=envs[i])
        check(p.stdout == "pong\n", "node %d pinged node %d: %r", i, j,
              p.stdout)
    p = ws.bin(root, "hello", "rpc", "lists:sort(nodes())", env=envs[0])
    check(p.stdout.replace("\n", "").replace(" ", "") ==
          "[%s]" % ",".join("'%s'" % n for n in sorted(names[1:3])),
          "node 0 sees %s", p.stdout)
    for i in range(3):
        p = ws.bin(root, "hello", "rpc", "net_adm", "ping", "'%s'" % names[3],
                   env=envs[i])
        check(p.stdout == "pang\n", "node %d reached the fourth: %r", i,
              p.stdout)
    # bin/NAME with the cluster's cookie is refused by the fourth, too
    p = ws.bin(root, "hello", "ping",
               env=dict(envs[0], RELEASE_NODE=names[3]), ok=False)
    check(p.returncode == 3 and "refused the connection" in p.stderr,
          "ping of the fourth with the cluster's cookie: %d %r",
          p.returncode, p.stderr)
    for env in envs:
        ws.bin(root, "hello", "stop", env=env)


if __name__ == "__main__":
    main(test)
