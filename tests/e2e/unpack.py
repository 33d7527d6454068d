#!/usr/bin/env python3
"""release_handler:unpack_release/1 on a running release accepts the
tarball of its next version that relc archive made."""
import os
import shutil

from relc_e2e import check, compile_hello, main, run, unique


def test(ws):
    project = compile_hello(ws)
    run([ws.relc, "archive", "-q"], cwd=project)
    root = ws.path("deploy", "hello")
    os.makedirs(root)
    run(["tar", "-xzf", os.path.join(project, "_build", "prod",
                                     "hello-0.1.0.tar.gz"), "-C", root])
    env = ws.node_env(unique("unpack"))
    ws.bin(root, "hello", "start", env=env)

    config = os.path.join(project, "rel", "relc.yaml")
    with open(config) as f:
        text = f.read()
    with open(config, "w") as f:
        f.write(text.replace("version: 0.1.0", "version: 0.2.0"))
    run([ws.relc, "archive", "-q"], cwd=project)
    shutil.copy(os.path.join(project, "_build", "prod", "hello-0.2.0.tar.gz"),
                os.path.join(root, "releases", "hello-0.2.0.tar.gz"))

    p = ws.bin(root, "hello", "rpc", "release_handler", "unpack_release",
               '"hello-0.2.0"', env=env)
    check(p.stdout == '{ok,"0.2.0"}\n', "unpack_release: %s", p.stdout)
    p = ws.bin(root, "hello", "rpc",
               "[{V, S} || {_, V, _, S} <- release_handler:which_releases()]",
               env=env)
    check(p.stdout == '[{"0.2.0",unpacked},{"0.1.0",permanent}]\n',
          "which_releases: %s", p.stdout)
    check(os.path.exists(os.path.join(root, "releases", "0.2.0",
                                      "start.boot")),
          "0.2.0 was not unpacked")
    ws.bin(root, "hello", "stop", env=env)


if __name__ == "__main__":
    main(test)
