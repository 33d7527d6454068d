#!/usr/bin/env python3
"""Builds for another target: include_erts names a second OTP tree (here a
copy of the installed one under another root, marked, and claiming to be
OTP 26), as a directory and as an install tarball.  ERTS and the OTP
applications come from it, the boot script follows its version (OTP 26
writes atoms as SMALL_ATOM_UTF8_EXT), nothing of the installed OTP leaks
in, and the build needs no erl on PATH."""
import os
import shutil

from relc_e2e import check, compile_hello, main, run, unique

CONFIG = """releases:
  hello:
    version: 0.1.0
    applications: [hello]
    include_erts: %s
"""


def otp_copy(ws):
    """The installed OTP, copied under another root and marked."""
    erl = os.path.realpath(shutil.which("erl"))
    p = run([erl, "-noshell", "-eval",
             'io:format("~s", [code:root_dir()]), halt().'])
    src = p.stdout
    dst = ws.path("other-otp", "lib", "erlang")
    os.makedirs(os.path.join(dst, "lib"))
    shutil.copytree(os.path.join(src, "releases"),
                    os.path.join(dst, "releases"))
    erts = [d for d in os.listdir(src) if d.startswith("erts-")][0]
    shutil.copytree(os.path.join(src, erts), os.path.join(dst, erts),
                    symlinks=True)
    for app in os.listdir(os.path.join(src, "lib")):
        if app.split("-")[0] in ("kernel", "stdlib", "sasl"):
            shutil.copytree(os.path.join(src, "lib", app),
                            os.path.join(dst, "lib", app), symlinks=True)
    with open(os.path.join(dst, erts, "bin", "marker-from-the-copy"),
              "w") as f:
        f.write("copy\n")
    for app in os.listdir(os.path.join(dst, "lib")):
        name = app.split("-")[0]
        path = os.path.join(dst, "lib", app, "ebin", name + ".app")
        os.chmod(path, 0o644)
        with open(path, "a") as f:
            f.write("%% from the copy\n")
    for rel in os.listdir(os.path.join(dst, "releases")):
        version = os.path.join(dst, "releases", rel, "OTP_VERSION")
        if os.path.exists(version):
            os.chmod(version, 0o644)
            with open(version, "w") as f:
                f.write("26.0\n")
    return src, dst, erts


def check_release(ws, root, installed, erts):
    check(os.path.exists(os.path.join(root, erts, "bin",
                                      "marker-from-the-copy")),
          "ERTS did not come from the copy")
    for app in os.listdir(os.path.join(root, "lib")):
        name = app.split("-")[0]
        if name in ("hello", "greeter"):
            continue
        with open(os.path.join(root, "lib", app, "ebin",
                               name + ".app")) as f:
            check("% from the copy" in f.read(),
                  "%s is not the copy's", app)
    with open(os.path.join(root, "releases", "0.1.0", "start.boot"),
              "rb") as f:
        boot = f.read()
    # 131, SMALL_TUPLE_EXT 3, then the atom 'script' as OTP 26 writes it
    check(boot[:5] == bytes([131, 104, 3, 119, 6]),
          "start.boot is not written for OTP 26: %r", boot[:8])
    # what relc wrote knows nothing of the installed OTP
    written = [os.path.join(root, "bin", "hello")]
    for top, _, files in os.walk(os.path.join(root, "releases")):
        written += [os.path.join(top, name) for name in files]
    for path in written:
        with open(path, "rb") as f:
            check(installed.encode() not in f.read(), "%s mentions %s",
                  path, installed)
    env = ws.node_env(unique("cross"))
    ws.bin(root, "hello", "start", env=env)
    p = ws.bin(root, "hello", "rpc", "hello_server", "greet", '"cross"',
               env=env)
    check(p.stdout == '"Hello, cross!"\n', "rpc printed %r", p.stdout)
    ws.bin(root, "hello", "stop", env=env)


def test(ws):
    installed, copy, erts = otp_copy(ws)
    project = compile_hello(ws)
    config = os.path.join(project, "rel", "relc.yaml")
    no_erl = ws.no_erlang_path()
    rels = os.path.join(project, "_build", "prod", "rel")

    with open(config, "w") as f:
        f.write(CONFIG % copy)
    run([ws.relc, "build"], cwd=project, env=dict(os.environ, PATH=no_erl))
    check_release(ws, os.path.join(rels, "hello"), installed, erts)

    # the same OTP as an install tarball
    tarball = ws.path("otp-26-install.tar.gz")
    run(["tar", "-czf", tarball, "-C", ws.path("other-otp"), "lib"])
    with open(config, "w") as f:
        f.write(CONFIG % tarball)
    shutil.rmtree(rels)
    run([ws.relc, "build"], cwd=project, env=dict(os.environ, PATH=no_erl))
    check_release(ws, os.path.join(rels, "hello"), installed, erts)
    check(os.listdir(rels) == ["hello"],
          "the extracted OTP was left behind: %s", os.listdir(rels))


if __name__ == "__main__":
    main(test)
