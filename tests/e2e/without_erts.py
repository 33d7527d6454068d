#!/usr/bin/env python3
"""A release built with include_erts: false runs on the target's erl, and
refuses to start, saying why, on an OTP whose ERTS or applications are not
the ones it was built for."""
import os
import shutil

from relc_e2e import check, compile_hello, main, run, unique

FAKE_ERL = """#!/bin/sh
ROOTDIR="%s"
exec "$ROOTDIR/erts-99.0/bin/erlexec" "$@"
"""


def fake_otp(ws, name, erts, apps):
    """An OTP root with an erl on its bin/ and the given ERTS and apps."""
    root = ws.path(name)
    os.makedirs(os.path.join(root, "bin"))
    os.makedirs(os.path.join(root, "releases", "99"))
    os.makedirs(os.path.join(root, "erts-%s" % erts, "bin"))
    erlexec = os.path.join(root, "erts-%s" % erts, "bin", "erlexec")
    with open(erlexec, "w") as f:
        f.write("#!/bin/sh\necho fake erlexec; exit 1\n")
    os.chmod(erlexec, 0o755)
    for app in apps:
        os.makedirs(os.path.join(root, "lib", app, "ebin"))
    erl = os.path.join(root, "bin", "erl")
    with open(erl, "w") as f:
        f.write(FAKE_ERL % root)
    os.chmod(erl, 0o755)
    return os.path.join(root, "bin")


def test(ws):
    project = compile_hello(ws)
    run([ws.relc, "build", "--env", "dev"], cwd=project)
    root = os.path.join(project, "_build", "dev", "rel", "hello")
    check(not any(d.startswith("erts-") for d in os.listdir(root)),
          "the release has an ERTS")
    check(sorted(os.listdir(os.path.join(root, "lib"))) ==
          ["greeter-0.2.0", "hello-0.1.0"],
          "OTP's applications were copied: %s",
          os.listdir(os.path.join(root, "lib")))

    # on the machine's own OTP it runs
    real_erl = os.path.dirname(shutil.which("erl"))
    env = ws.node_env(unique("noerts"),
                      path=real_erl + ":" + ws.no_erlang_path())
    ws.bin(root, "hello", "start", env=env)
    p = ws.bin(root, "hello", "rpc", "hello_server", "greet", '"OTP"',
               env=env)
    check(p.stdout == '"Hello, OTP!"\n', "rpc printed %r", p.stdout)
    p = ws.bin(root, "hello", "rpc", "code:which(greeter)", env=env)
    check(p.stdout.startswith('"%s/lib/greeter-0.2.0/' % root),
          "greeter comes from %s", p.stdout)
    ws.bin(root, "hello", "stop", env=env)

    # another ERTS
    other = fake_otp(ws, "otp-other", "99.0", [])
    env = ws.node_env(unique("noerts"), path=other + ":" + ws.no_erlang_path())
    p = ws.bin(root, "hello", "foreground", env=env, ok=False)
    check(p.returncode == 1 and "built for ERTS 13.1.5" in p.stderr and
          "has ERTS 99.0" in p.stderr, "another ERTS: %d %r", p.returncode,
          p.stderr)
    # the right ERTS, but not the OTP applications the release needs
    same = fake_otp(ws, "otp-same-erts", "13.1.5", ["kernel-8.5.3"])
    env = ws.node_env(unique("noerts"), path=same + ":" + ws.no_erlang_path())
    p = ws.bin(root, "hello", "eval", "1", env=env, ok=False)
    check(p.returncode == 1 and "needs stdlib-4.2" in p.stderr,
          "missing OTP applications: %d %r", p.returncode, p.stderr)
    # no erl at all
    env = ws.node_env(unique("noerts"))
    p = ws.bin(root, "hello", "console", env=env, ok=False)
    check(p.returncode == 1 and "there is no 'erl' on PATH" in p.stderr,
          "no erl: %d %r", p.returncode, p.stderr)


if __name__ == "__main__":
    main(test)
