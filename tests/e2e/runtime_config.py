#!/usr/bin/env python3
"""Runtime configuration of bin/NAME, on real nodes: ${VAR} and
${VAR:-default} in vm.args and sys.config, replaced from the environment
when a node or eval starts, inside and outside strings, values inserted as
they are (backslashes, &, %); unset variables stop start, foreground and
eval with one message naming every one and its file; env.sh is sourced
first; RELEASE_SYS_CONFIG still overrides; restart (init:restart/0) finds
the rendered config and the cookie again.  A release directory made
read-only (chmod -R a-w, and a read-only bind mount that stops root too)
starts, answers rpc and eval, restarts, stops, and nothing in it changes:
RELEASE_TMP, the logs and crash dumps go to a private directory under
TMPDIR, which is refused when it is a symbolic link or open to others."""
import os
import shutil
import subprocess
import time

from ops_util import build_hello, read_only_command, tree_sums
from relc_e2e import check, main, run, unique

SYS_CONFIG = """\
[{greeter, [{greeting, "${GREETING:-Hello there}"},
            {port, ${PORT}},
            {path, "${DATA_DIR}/db"},
            {raw, <<"${RAW}">>},
            {empty, "${EMPTY}"},
            {mode, ${MODE:-fast}},
            {from_env_sh, "${FROM_ENV_SH}"}]}].
"""

VM_ARGS = """
-relc_test ${VM_FLAG} ${VM_DEFAULT:-dflt}
+S ${SCHEDULERS:-1}
"""

ENV_SH = """\
FROM_ENV_SH="set by env.sh for $RELEASE_NAME $RELEASE_VSN"
export FROM_ENV_SH
"""

VALUES = {"PORT": "4321", "DATA_DIR": "/srv/a&b", "RAW": "q\\\\t&1%s",
          "EMPTY": "", "VM_FLAG": "on"}



def wait_started(ws, root, env):
    deadline = time.time() + 60
    while True:
        p = ws.bin(root, "hello", "rpc", "init:get_status()", env=env,
                   ok=False)
        if p.stdout == "{started,started}\n":
            return
        check(time.time() < deadline, "not started again: %r %r", p.stdout,
              p.stderr)
        time.sleep(0.2)


WANT = ('[{empty,""},{from_env_sh,"set by env.sh for hello 0.1.0"},'
        '{greeting,"Hello there"},{mode,fast},{path,"/srv/a&b/db"},'
        '{port,4321},{raw,<<"q\\\\t&1%s">>}]')


def check_config(ws, root, env, how):
    """greeter's environment is WANT (RAW's two backslashes went in as
    they are: Erlang read them as one)."""
    p = ws.bin(root, "hello", how, "E = lists:sort(application:get_all_env("
               "greeter)), {E =:= %s, E}" % WANT, env=env)
    check(p.stdout.startswith("{true,"),
          "%s: greeter's environment is not %s:\n%s", how, WANT, p.stdout)


def test(ws):
    root = build_hello(ws, sys_config=SYS_CONFIG, vm_args=VM_ARGS,
                       env_sh=ENV_SH)
    env = ws.node_env(unique("rtconf"), TMPDIR=ws.path("tmpdir"))
    os.makedirs(env["TMPDIR"])

    # unset variables: one message, every variable, its file
    msg = ("hello: these variables are not set (set them, or give a default "
           "as ${VAR:-default}): VM_FLAG in releases/0.1.0/vm.args; "
           "PORT, DATA_DIR, RAW, EMPTY in releases/0.1.0/sys.config\n")
    for cmd in ("start", "foreground"):
        p = ws.bin(root, "hello", cmd, env=env, ok=False, timeout=60)
        check(p.returncode == 1 and p.stderr == msg,
              "%s without the variables: %d %r", cmd, p.returncode, p.stderr)
    p = ws.bin(root, "hello", "eval", "ok", env=env, ok=False)
    check(p.returncode == 1 and p.stderr ==
          "hello: these variables are not set (set them, or give a default "
          "as ${VAR:-default}): PORT, DATA_DIR, RAW, EMPTY in "
          "releases/0.1.0/sys.config\n",
          "eval without the variables: %d %r", p.returncode, p.stderr)
    p = ws.bin(root, "hello", "ping", env=env, ok=False)
    check(p.returncode == 1 and "is not running" in p.stderr,
          "a node runs: %r", p.stderr)

    # with them: the values, as they are, reach the node and eval
    env.update(VALUES)
    ws.bin(root, "hello", "start", env=env)
    check_config(ws, root, env, "rpc")
    check_config(ws, root, env, "eval")
    p = ws.bin(root, "hello", "rpc", "{init:get_argument(relc_test), "
               "erlang:system_info(schedulers)}", env=env)
    check(p.stdout == '{{ok,[["on","dflt"]]},1}\n', "vm.args: %r", p.stdout)
    p = ws.bin(root, "hello", "rpc", 'os:getenv("ERL_CRASH_DUMP")', env=env)
    check(p.stdout == '"%s/log/erl_crash.dump"\n' % root,
          "ERL_CRASH_DUMP: %r", p.stdout)
    # restart reads the rendered sys.config and the cookie again
    ws.bin(root, "hello", "restart", env=dict(env, PORT="1"))
    wait_started(ws, root, env)
    check_config(ws, root, env, "rpc")
    # RELEASE_SYS_CONFIG, with variables of its own
    other = ws.path("other")
    with open(other + ".config", "w") as f:
        f.write("[{greeter, [{port, ${OTHER_PORT:-99}}]}].\n")
    p = ws.bin(root, "hello", "eval", "application:get_env(greeter, port)",
               env=dict(env, RELEASE_SYS_CONFIG=other))
    check(p.stdout == "{ok,99}\n", "RELEASE_SYS_CONFIG: %r", p.stdout)
    ws.bin(root, "hello", "stop", env=env)
    left = sorted(os.listdir(os.path.join(root, "tmp")))
    check(left == ["pipe"], "tmp/ after stop: %s", left)

    unsafe_settings(ws, root, env)
    read_only(ws, root, env)


def unsafe_settings(ws, root, env):
    """A RELEASE_TMP others can write to is refused (its COOKIE and pipes
    would be theirs); a timeout that is no number is refused before a
    node starts; a relative RELEASE_TMP is the caller's, made absolute."""
    shared = ws.path("shared")
    os.makedirs(shared)
    os.chmod(shared, 0o1777)
    p = ws.bin(root, "hello", "start", env=dict(env, RELEASE_TMP=shared),
               ok=False)
    check(p.returncode == 1 and "can be written by other users" in p.stderr,
          "a shared RELEASE_TMP: %d %r", p.returncode, p.stderr)
    check(os.listdir(shared) == [], "written into a shared RELEASE_TMP: %s",
          os.listdir(shared))
    for cmd in ("foreground", "start"):
        p = ws.bin(root, "hello", cmd,
                   env=dict(env, RELEASE_START_TIMEOUT="60s"), ok=False)
        check(p.returncode == 1 and p.stderr == "hello: RELEASE_START_TIMEOUT "
              "must be a number of seconds, not '60s'\n",
              "%s with a bad timeout: %d %r", cmd, p.returncode, p.stderr)
    p = ws.bin(root, "hello", "ping", env=env, ok=False)
    check(p.returncode == 1, "a node runs after a bad timeout: %r", p.stdout)
    rel_env = dict(env, RELEASE_TMP="reltmp")
    caller = ws.path("caller")
    os.makedirs(caller)
    p = run([os.path.join(root, "bin", "hello"), "eval",
             'os:getenv("RELEASE_TMP")'], env=rel_env, cwd=caller)
    check(p.stdout == '"%s/reltmp"\n' % caller, "a relative RELEASE_TMP: %r",
          p.stdout)


def read_only(ws, built, env):
    root = ws.path("ro", "hello")
    os.makedirs(os.path.dirname(root))
    run(["cp", "-a", built, root])
    for d in ("tmp", "log"):
        shutil.rmtree(os.path.join(root, d), ignore_errors=True)
    run(["chmod", "-R", "a-w", root])
    before = tree_sums(root)
    env = dict(env, RELEASE_NODE="%s@127.0.0.1" % unique("rtconf_ro"))
    script = os.path.join(root, "bin", "hello")
    ws.nodes[(script, env["RELEASE_NODE"])] = env
    steps = """
        set -e
        R=$1
        %s
        if (: >"$R/probe") 2>/dev/null; then
            echo "the release directory is writable"; exit 9
        fi
        "$R/bin/hello" start
        "$R/bin/hello" rpc 'code:root_dir()'
        "$R/bin/hello" rpc 'application:get_env(greeter, port)'
        "$R/bin/hello" rpc 'os:getenv("ERL_CRASH_DUMP")'
        "$R/bin/hello" eval 'application:get_env(greeter, path)'
        "$R/bin/hello" restart
        "$R/bin/hello" stop
    """
    cmd, how = read_only_command(ws, root, steps)
    p = subprocess.run(cmd, env=env, capture_output=True, text=True,
                       timeout=180)
    try:
        check(p.returncode == 0, "read-only release (%s): exit %d\n%s\n%s",
              how, p.returncode, p.stdout, p.stderr)
        fallback = [d for d in os.listdir(env["TMPDIR"])
                    if d.startswith("relc-hello-%d-" % os.getuid())]
        check(len(fallback) == 1, "TMPDIR holds %s",
              os.listdir(env["TMPDIR"]))
        tmp = os.path.join(env["TMPDIR"], fallback[0])
        check(p.stdout.split("\n")[:4] == [
            '"%s"' % root, "{ok,4321}", '"%s/log/erl_crash.dump"' % tmp,
            '{ok,"/srv/a&b/db"}'], "read-only release answered %r",
            p.stdout)
        check(os.stat(tmp).st_mode & 0o777 == 0o700, "%s is not 0700", tmp)
        after = tree_sums(root)
        check(before == after, "the read-only release changed: %s",
              sorted(set(before.items()) ^ set(after.items())))
        print("read-only release (%s): started, answered, stopped, "
              "unchanged; RELEASE_TMP %s" % (how, tmp))

        # the private directory must be ours, private, and no link
        shutil.rmtree(tmp)
        os.symlink(ws.path("tmpdir"), tmp)
        p = ws.bin(root, "hello", "ping", env=env, ok=False)
        check(p.returncode == 1 and p.stderr == "hello: %s is a symbolic "
              "link: refusing to use it\n" % tmp, "a link: %r", p.stderr)
        os.remove(tmp)
        os.mkdir(tmp, 0o755)
        os.chmod(tmp, 0o755)
        p = ws.bin(root, "hello", "ping", env=env, ok=False)
        check(p.returncode == 1 and p.stderr == "hello: %s can be entered by "
              "other users (drwxr-xr-x): refusing to use it\n" % tmp,
              "mode 0755: %r", p.stderr)
    finally:
        run(["chmod", "-R", "u+w", root])


if __name__ == "__main__":
    main(test)
