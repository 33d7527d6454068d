#!/usr/bin/env python3
"""examples/hello_ex released by relc: the node sees exactly the
application environment `MIX_ENV=prod mix run` sees (config.exs, its
prod.exs, runtime.exs with the same environment variables), for hello_ex
and logger; `eval` sees it without starting the application; the
project's own protocol is consolidated; a raise in runtime.exs stops the
start with its message; stop works.

Needs elixir and mix: skipped (77) without them, failed under CI=true."""
import os
import re
import shutil

from relc_e2e import TOP, Failure, check, main, run, unique, wait_gone

EXAMPLE = os.path.join(TOP, "examples", "hello_ex")
BOOT_ENV = {"HELLO_EX_NAME": "Ann", "HELLO_EX_OVERRIDE": "from the boot",
            "HELLO_EX_URL": "http://example.com/hello"}
# booted_at is the time of each boot, the rest must be equal
ENV_OF = ("Enum.map([:hello_ex, :logger], fn app -> {app, "
          "Application.get_all_env(app) |> Keyword.delete(:booted_at) "
          "|> Enum.sort()} end) |> :erlang.term_to_binary() "
          "|> Base.encode16()")


def mix_env(ws, **extra):
    env = dict(os.environ, HOME=ws.path("home"), MIX_ENV="prod", **extra)
    for var in ("HELLO_EX_NAME", "HELLO_EX_OVERRIDE", "HELLO_EX_URL",
                "HELLO_EX_RAISE"):
        env.pop(var, None)
    env.update(extra)
    os.makedirs(env["HOME"], exist_ok=True)
    return env


def hex_of(text):
    m = re.search(r"[0-9A-F]{16,}", text)
    check(m, "no term in %r", text)
    return m.group(0)


def test(ws):
    project = ws.path("hello_ex")
    shutil.copytree(EXAMPLE, project,
                    ignore=shutil.ignore_patterns("_build", "deps"))
    run(["mix", "compile"], cwd=project, env=mix_env(ws), timeout=300)
    p = run(["mix", "run", "--no-start", "-e",
             "Application.load(:hello_ex); IO.puts(%s)" % ENV_OF],
            cwd=project, env=mix_env(ws, **BOOT_ENV), timeout=300)
    by_mix = hex_of(p.stdout)
    run([ws.relc, "build", "--env", "prod"], cwd=project)
    root = os.path.join(project, "_build", "prod", "rel", "hello_ex")

    env = ws.node_env(unique("hello_ex"), **BOOT_ENV)
    ws.bin(root, "hello_ex", "start", env=env)
    pid = int(ws.bin(root, "hello_ex", "pid", env=env).stdout)
    ws.pids.append(pid)
    by_node = hex_of(ws.bin(root, "hello_ex", "rpc", ENV_OF, env=env).stdout)
    if by_node != by_mix:
        show = ("IO.inspect(%s |> Base.decode16!() "
                "|> :erlang.binary_to_term(), limit: :infinity)")
        raise Failure(
            "the node's application env differs from mix run's:\n"
            "mix run:\n%s\nnode:\n%s" % (
                run(["elixir", "-e", show % ('"%s"' % by_mix)]).stdout,
                run(["elixir", "-e", show % ('"%s"' % by_node)]).stdout))
    p = ws.bin(root, "hello_ex", "rpc", "HelloEx.greeting()", env=env)
    check(p.stdout == '"Hello, Ann!"\n', "rpc greeting: %r", p.stdout)
    p = ws.bin(root, "hello_ex", "rpc", "{HelloEx.started?(), "
               "Protocol.consolidated?(HelloEx.Describe)}", env=env)
    check(p.stdout == "{true, true}\n", "started, consolidated: %r",
          p.stdout)

    p = ws.bin(root, "hello_ex", "eval",
               "{HelloEx.started?(), HelloEx.greeting()}", env=env)
    check(p.stdout == '{false, "Hello, Ann!"}\n', "eval: %r", p.stdout)

    ws.bin(root, "hello_ex", "stop", env=env)
    wait_gone(pid)
    ws.forget(pid)

    bad = dict(env, HELLO_EX_RAISE="1")
    p = ws.bin(root, "hello_ex", "start", env=bad, ok=False)
    check(p.returncode != 0 and
          "HELLO_EX_RAISE is set: hello_ex refuses to boot" in p.stderr,
          "a raise in runtime.exs: %d %r", p.returncode, p.stderr)
    p = ws.bin(root, "hello_ex", "ping", env=env, ok=False)
    check(p.returncode != 0, "a node runs after runtime.exs raised")


if __name__ == "__main__":
    main(test, needs=("erl", "escript", "erlc", "elixir", "mix"))
