#!/usr/bin/env python3
"""The release of examples/hello, moved to a directory with a space in its
name and run with no Erlang on PATH: start, ping, rpc into the
gen_server, eval, pid, stop; foreground stopped with SIGTERM; the script
called through a symbolic link; shellcheck on what relc generated."""
import os
import shutil
import signal
import subprocess
import time

from relc_e2e import (TOP, Failure, alive, check, compile_hello, main, run,
                      unique, wait_gone)

ORACLE = os.path.join(TOP, "tests", "oracle", "oracle.escript")


def on_tty(script, command, env, *keys):
    """Type keys (one string a second) into command, run on a
    pseudo-terminal, and return what it printed once it exits."""
    proc = subprocess.Popen([script, "-qc", command, "/dev/null"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    for k in keys:
        time.sleep(1.5)
        proc.stdin.write(k)
        proc.stdin.flush()
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise Failure("%s did not finish on the terminal" % command)
    return out.decode(errors="replace")


def test(ws):
    project = compile_hello(ws)
    run([ws.relc, "build"], cwd=project)
    built = os.path.join(project, "_build", "prod", "rel", "hello")

    # the generated scripts are POSIX sh and shellcheck-clean
    if shutil.which("shellcheck"):
        run(["shellcheck", "-s", "sh", os.path.join(built, "bin", "hello"),
             os.path.join(built, "erts-13.1.5", "bin", "erl")
             if os.path.isdir(os.path.join(built, "erts-13.1.5"))
             else os.path.join(built, "bin", "hello"),
             os.path.join(built, "releases", "0.1.0", "libexec",
                          "release_ctl"),
             os.path.join(built, "releases", "0.1.0", "libexec",
                          "release_remote_ctl")])

    # every BEAM file was stripped, and still loads
    p = run([ORACLE, "stripped", built])
    check(p.stdout.endswith("have no abstract code\n"), "%s", p.stdout)

    # another place, with a space in its path
    root = ws.path("deploy dir", "hello")
    os.makedirs(os.path.dirname(root))
    run(["cp", "-a", built, root])
    check(not shutil.which("erl", path=ws.no_erlang_path()),
          "the test PATH has an erl")

    env = ws.node_env(unique("hello"))
    p = ws.bin(root, "hello", "version", env=env)
    check(p.stdout == "hello 0.1.0\n", "version printed %r", p.stdout)

    ws.bin(root, "hello", "start", env=env)
    p = ws.bin(root, "hello", "ping", env=env)
    check(p.stdout == "pong\n", "ping printed %r", p.stdout)
    pid = int(ws.bin(root, "hello", "pid", env=env).stdout)
    ws.pids.append(pid)
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        cmdline = f.read().split(b"\0")
    check(cmdline[0].endswith(b"/erts-13.1.5/bin/beam.smp") and
          cmdline[0].startswith(root.encode()),
          "pid %d is not the release's beam: %r", pid, cmdline[0])
    check(env["RELEASE_NODE"].encode() in cmdline,
          "pid %d runs another node: %r", pid, cmdline)

    p = ws.bin(root, "hello", "rpc", "hello_server", "greet", '"World"',
               env=env)
    check(p.stdout == '"Hello, World!"\n', "rpc printed %r", p.stdout)
    p = ws.bin(root, "hello", "rpc", "hello_server:count().", env=env)
    check(p.stdout == "1\n", "rpc printed %r", p.stdout)
    p = ws.bin(root, "hello", "rpc", "code:root_dir()", env=env)
    check(p.stdout == '"%s"\n' % root, "the node runs from %s", p.stdout)
    p = ws.bin(root, "hello", "rpc", "hello_server", "nope", env=env,
               ok=False)
    check(p.returncode == 1 and "undefined function hello_server:nope/0"
          in p.stderr, "a failing rpc: %d %r", p.returncode, p.stderr)
    p = ws.bin(root, "hello", "eval",
               "{ok, G} = application:get_env(greeter, greeting), G ++ \"!\"",
               env=env)
    check(p.stdout == '"Hello!"\n', "eval printed %r", p.stdout)
    p = ws.bin(root, "hello", "eval", "whereis(hello_server)", env=env)
    check(p.stdout == "undefined\n",
          "eval started the applications: %r", p.stdout)
    p = ws.bin(root, "hello", "rpc", "release_handler:which_releases()",
               env=env)
    check(p.stdout.startswith('[{"hello","0.1.0",') and
          "permanent}]" in p.stdout,
          "release_handler does not read RELEASES: %s", p.stdout)
    p = ws.bin(root, "hello", "describe", env=env)
    check("running:       yes, pid %d" % pid in p.stdout, "describe: %s",
          p.stdout)

    # the release's own erl works where the release was moved to
    erl = os.path.join(root, "erts-13.1.5", "bin", "erl")
    p = run([erl, "-noshell", "-eval",
             'io:format("~ts", [code:root_dir()]), halt().'],
            env=dict(env, PATH=ws.no_erlang_path()), cwd="/")
    check(p.stdout == root, "erts/bin/erl runs from %r", p.stdout)

    # through a symbolic link, from another directory
    link = ws.path("links", "hello-link")
    os.makedirs(os.path.dirname(link))
    os.symlink(os.path.join(root, "bin", "hello"), link)
    p = run([link, "ping"], cwd="/", env=env)
    check(p.stdout == "pong\n", "ping through a link printed %r", p.stdout)

    p = ws.bin(root, "hello", "start", env=env, ok=False)
    check(p.returncode == 1 and "already running" in p.stderr,
          "a second start: %d %r", p.returncode, p.stderr)

    # the interactive commands, on a pseudo-terminal
    script = shutil.which("script")
    if script:
        tty_env = dict(env, SHELL="/bin/sh")
        bin_hello = os.path.join(root, "bin", "hello").replace("'", "'\\''")
        # ^G q leaves the remote shell and leaves the node running
        out = on_tty(script, "'%s' remote_console" % bin_hello, tty_env,
                     b'hello_server:greet("remote").\n', b"\x07", b"q\n")
        check('"Hello, remote!"' in out and
              "(%s)1>" % env["RELEASE_NODE"] in out,
              "remote_console did not reach the node:\n%s", out)
        out = on_tty(script, "'%s' attach" % bin_hello, tty_env,
                     b"hello_server:count().\n", b"\x04")
        check("(%s)" % env["RELEASE_NODE"] in out,
              "attach did not reach the node:\n%s", out)
        p = ws.bin(root, "hello", "ping", env=env)
        check(p.stdout == "pong\n", "the node is gone after detaching")

    ws.bin(root, "hello", "stop", env=env)
    check(not alive(pid), "pid %d is still there after stop", pid)
    ws.forget(pid)
    p = ws.bin(root, "hello", "ping", env=env, ok=False)
    check(p.returncode == 1 and "is not running" in p.stderr,
          "ping after stop: %d %r", p.returncode, p.stderr)
    p = ws.bin(root, "hello", "stop", env=env, ok=False)
    check(p.returncode == 1 and "is not running" in p.stderr,
          "stop when stopped: %d %r", p.returncode, p.stderr)

    # foreground, stopped with SIGTERM
    env = ws.node_env(unique("hello_fg"))
    fg = subprocess.Popen([os.path.join(root, "bin", "hello"), "foreground"],
                          env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    ws.pids.append(fg.pid)
    deadline = time.time() + 60
    while ws.bin(root, "hello", "ping", env=env, ok=False).returncode != 0:
        if fg.poll() is not None:
            raise Failure("foreground exited: %s" % fg.stdout.read().decode())
        check(time.time() < deadline, "foreground node never answered")
        time.sleep(0.2)
    # the script stays the VM's parent (to run the stop hooks on SIGTERM)
    pid = int(ws.bin(root, "hello", "pid", env=env).stdout)
    with open("/proc/%d/stat" % pid) as f:
        parent = int(f.read().rsplit(")", 1)[1].split()[1])
    check(parent == fg.pid, "foreground's VM %d is a child of %d, not %d",
          pid, parent, fg.pid)
    os.kill(fg.pid, signal.SIGTERM)
    try:
        code = fg.wait(timeout=30)
    except subprocess.TimeoutExpired:
        raise Failure("foreground did not stop on SIGTERM")
    out = fg.stdout.read().decode()
    check(code == 0, "foreground exited %d after SIGTERM:\n%s", code, out)
    check("SIGTERM received" in out, "no SIGTERM report in:\n%s", out)
    ws.forget(fg.pid)


if __name__ == "__main__":
    main(test)
