#!/usr/bin/env python3
"""The run-time side of an Elixir release (issue 9), on real nodes: a tiny
mix project (no deps; config/config.exs importing prod.exs, and
config/runtime.exs reading GREETING) compiled with MIX_ENV=prod mix
compile and built by relc; the node started on loopback with no Elixir
and no Erlang on PATH.  runtime.exs is evaluated at every start with the
boot-time environment (a raise stops the start with its message, a
value sys.config cannot hold is named); rpc takes Elixir expressions and
the Distillery forms ("Elixir.Mod.fun", "Mod.fun", "Mod.fun/0"), Erlang
ones when they end with a full stop or are not Elixir, and M F ARGS
with an Elixir module name; eval sees the config without starting the
application; a failure exits 1 with Elixir's message; console and
remote_console reach IEx's iex(NODE)> prompt under a pty, and so does
attach to a started node; a read-only release runs runtime.exs into its
private RELEASE_TMP; stop stops; the scripts check clean with shellcheck
(when it is there).  Every node is stopped at the end.

The project's rel/relc.yaml names no applications and no sys.config:
relc's mix support (the default application set, config.exs evaluated at
build time, runtime.exs copied) does the rest.  A relc without it (the
Elixir side developed on another branch) gets them by hand instead, and
the test says so."""
import os
import pty
import select
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ops_util import read_only_command  # noqa: E402
from relc_e2e import Failure, check, main, run, unique  # noqa: E402


NAME = "hello_ex"
VSN = "0.1.0"

MIX_EXS = """\
defmodule HelloEx.MixProject do
  use Mix.Project

  def project do
    [app: :hello_ex, version: "0.1.0", elixir: "~> 1.14", deps: []]
  end

  def application do
    [extra_applications: [:logger], mod: {HelloEx.Application, []}]
  end
end
"""

LIB = """\
defmodule HelloEx do
  def greeting, do: Application.get_env(:hello_ex, :greeting)
end

defmodule HelloEx.Application do
  use Application

  def start(_type, _args) do
    Supervisor.start_link([], strategy: :one_for_one, name: HelloEx.Supervisor)
  end
end

defmodule HelloEx.ReleaseTasks do
  def migrate do
    n = Application.get_env(:hello_ex, :migrations, 0)
    Application.put_env(:hello_ex, :migrations, n + 1)
    IO.puts("migrating")
    :migrated
  end

  def seed, do: {:seeded, Application.get_env(:hello_ex, :base)}
end
"""

CONFIG_EXS = """\
import Config
config :hello_ex, base: "from config.exs", level: :base
import_config "#{config_env()}.exs"
"""

PROD_EXS = """\
import Config
config :hello_ex, level: :prod
"""

RUNTIME_EXS = """\
import Config

if System.get_env("GREETING_FAIL") do
  raise "no greeting for you"
end

config :hello_ex,
  greeting: System.get_env("GREETING", "hello"),
  runtime_env: config_env()

if System.get_env("GREETING_FUN") do
  config :hello_ex, callback: fn -> :nope end
end
"""

# mix's default application set, config/config.exs evaluated at build
# time, config/runtime.exs copied into the release: relc does it all.
RELC_YAML = """\
releases:
  hello_ex:
    hooks:
      post_start: rel/hooks/post_start
    commands:
      seed: rel/commands/seed.sh
"""

# For a relc from before it did (its Elixir side on another branch): the
# applications and what config.exs + prod.exs give, by hand; runtime.exs
# copied by the test.
OLD_RELC_YAML = RELC_YAML.replace("""    hooks:""", """\
    version: 0.1.0
    applications: [hello_ex, elixir, logger, {iex: load}]
    sys_config: rel/sys.config
    hooks:""")
SYS_CONFIG = """\
[{hello_ex, [{base, <<"from config.exs">>}, {level, prod}]}].
"""

# The seed's hook and command, in Distillery's forms.
MIGRATE_SH = """\
#!/bin/sh
release_remote_ctl rpc "Elixir.HelloEx.ReleaseTasks.migrate"
"""

SEED_SH = """\
#!/bin/sh
# Seed the database
release_ctl eval "HelloEx.ReleaseTasks.seed/0"
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def build(ws):
    """The project, compiled by mix and released by relc; the release
    root."""
    project = ws.path(NAME)
    for rel, text in (("mix.exs", MIX_EXS), ("lib/hello_ex.ex", LIB),
                      ("config/config.exs", CONFIG_EXS),
                      ("config/prod.exs", PROD_EXS),
                      ("config/runtime.exs", RUNTIME_EXS),
                      ("rel/relc.yaml", RELC_YAML),
                      ("rel/hooks/post_start/migrate.sh", MIGRATE_SH),
                      ("rel/commands/seed.sh", SEED_SH)):
        write(os.path.join(project, rel), text)
        if rel.endswith(".sh"):
            os.chmod(os.path.join(project, rel), 0o755)
    env = dict(os.environ, HOME=ws.path("home"), MIX_ENV="prod")
    os.makedirs(env["HOME"], exist_ok=True)
    run(["mix", "compile"], cwd=project, env=env, timeout=300)
    first = run([ws.relc, "build", "--env", "prod"], cwd=project, ok=False)
    root = os.path.join(project, "_build", "prod", "rel", NAME)
    rel = os.path.join(root, "releases", VSN)
    exs = os.path.join(rel, "runtime.exs")
    if first.returncode == 0 and os.path.exists(exs):
        with open(os.path.join(rel, "sys.config")) as f:
            sys_config = f.read()
        check("from config.exs" in sys_config and "prod" in sys_config,
              "config.exs and prod.exs are not in sys.config:\n%s",
              sys_config)
        print("built with relc's own mix config")
    else:
        print("this relc does not read a mix project's config yet (%s): "
              "building with the applications and sys.config given"
              % (first.stderr.strip() or "no runtime.exs in the release"))
        write(os.path.join(project, "rel", "relc.yaml"), OLD_RELC_YAML)
        write(os.path.join(project, "rel", "sys.config"), SYS_CONFIG)
        run([ws.relc, "build", "--env", "prod"], cwd=project)
        shutil.copy(os.path.join(project, "config", "runtime.exs"), exs)
    with open(os.path.join(rel, "%s.rel" % NAME)) as f:
        check('{iex,"' in f.read(), "the release has no iex")
    with open(os.path.join(root, "bin", NAME)) as f:
        check("RELC_ELIXIR='true'" in f.read(),
              "bin/%s does not know the release has elixir", NAME)
    if shutil.which("shellcheck"):
        scripts = [os.path.join(root, "bin", NAME)] + [
            os.path.join(rel, "libexec", f)
            for f in sorted(os.listdir(os.path.join(rel, "libexec")))]
        p = run(["shellcheck", "-s", "sh"] + scripts, ok=False)
        check(p.returncode == 0, "shellcheck:\n%s", p.stdout)
    return root


def out(ws, root, env, *args):
    return ws.bin(root, NAME, *args, env=env).stdout


def fails(ws, root, env, args, message):
    p = ws.bin(root, NAME, *args, env=env, ok=False)
    check(p.returncode == 1 and message in p.stderr,
          "%s: exit %d, expected 1 and %r in stderr:\n%s%s", args,
          p.returncode, message, p.stdout, p.stderr)
    return p


def cookie_in_argv(cookie):
    """The processes whose command line holds the cookie."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read()
        except OSError:
            continue
        if cookie.encode() in argv:
            found.append(argv.replace(b"\0", b" ").decode(errors="replace"))
    return found


class Pty:
    """A command on a pty of its own, read until a pattern shows."""

    def __init__(self, ws, argv, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        ws.pids.append(self.pid)
        self.ws = ws
        self.buf = b""
        self.status = None

    def until(self, pattern, timeout=60):
        pattern = pattern.encode()
        end = time.time() + timeout
        while pattern not in self.buf:
            left = end - time.time()
            if left <= 0:
                raise Failure("no %r within %ds on the pty; it showed:\n%s"
                              % (pattern, timeout, self.text()))
            r, _, _ = select.select([self.fd], [], [], min(left, 0.2))
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    raise Failure("the pty closed before %r; it showed:\n%s"
                                  % (pattern, self.text()))
                self.buf += data
        return self.buf

    def send(self, text):
        os.write(self.fd, text.encode())

    def text(self):
        return self.buf.decode(errors="replace")

    def wait(self, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                self.ws.forget(self.pid)
                os.close(self.fd)
                return self.status
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if r:
                try:
                    self.buf += os.read(self.fd, 4096)
                except OSError:
                    pass
        raise Failure("the pty's command did not end within %ds:\n%s"
                      % (timeout, self.text()))


def test(ws):
    root = build(ws)
    greeting = unique("bonjour")
    env = ws.node_env(unique("exrun"), cookie=unique("cookie"),
                      GREETING=greeting)

    # a raise in runtime.exs stops the start, with its message
    fails(ws, root, dict(env, GREETING_FAIL="1"), ["start"],
              "releases/%s/runtime.exs failed: ** (RuntimeError) no "
              "greeting for you" % VSN)
    fails(ws, root, env, ["ping"], "is not running")
    # so does a value sys.config cannot hold, named
    fails(ws, root, dict(env, GREETING_FUN="1"), ["foreground"],
          "releases/%s/runtime.exs gives :hello_ex, key :callback, a value "
          "sys.config cannot hold" % VSN)
    fails(ws, root, env, ["ping"], "is not running")
    print("runtime.exs: a raise and a function stop the start")

    got = out(ws, root, env, "describe")
    check("runtime.exs:   %s/releases/%s/runtime.exs" % (root, VSN) in got,
          "describe does not show runtime.exs:\n%s", got)

    # start: config.exs, prod.exs and runtime.exs (the boot environment)
    ws.bin(root, NAME, "start", env=env)
    got = out(ws, root, env, "rpc", "Application.get_all_env(:hello_ex) "
              "|> Keyword.delete(:migrations) |> Enum.sort()")
    want = ('[ base: "from config.exs", greeting: "%s", level: :prod, '
            'runtime_env: :prod ]' % greeting)
    # (pretty-printed, as IEx does)
    check(" ".join(got.split()) == want, "rpc get_all_env: %r, expected %r",
          got, want)
    check(out(ws, root, env, "rpc", "HelloEx.greeting()") ==
          '"%s"\n' % greeting, "rpc HelloEx.greeting()")
    print("rpc (Elixir):", got, end="")

    # the Distillery forms call the function with no arguments: the
    # post_start hook's release_remote_ctl rpc, the custom command's
    # release_ctl eval, bin/NAME rpc and eval
    got = out(ws, root, env, "rpc",
              "Application.fetch_env!(:hello_ex, :migrations)")
    check(got == "1\n", "the post_start hook did not migrate: %r", got)
    got = out(ws, root, env, "seed")
    check(got == '{:seeded, "from config.exs"}\n', "bin/NAME seed: %r", got)
    got = out(ws, root, env, "rpc", "Elixir.HelloEx.ReleaseTasks.migrate")
    check(got == "migrating\n:migrated\n", "rpc Elixir.M.f: %r", got)
    got = out(ws, root, env, "rpc", "HelloEx.ReleaseTasks.migrate")
    check(got == "migrating\n:migrated\n", "rpc M.f: %r", got)
    got = out(ws, root, env, "rpc", "HelloEx.ReleaseTasks.migrate/0")
    check(got == "migrating\n:migrated\n", "rpc M.f/0: %r", got)
    got = out(ws, root, env, "rpc",
              "Application.fetch_env!(:hello_ex, :migrations)")
    check(got == "4\n", "the migrations did not run on the node: %r", got)
    fails(ws, root, env, ["rpc", "HelloEx.ReleaseTasks.seed/1"],
          "HelloEx.ReleaseTasks.seed/1 takes 1 arguments")
    print("rpc and eval (Distillery forms, also from a hook and a command): "
          "ran")

    # Erlang when it ends with a full stop; M F ARGS with Elixir names
    got = out(ws, root, env, "rpc", "application:get_env(hello_ex, level).")
    check(got == "{ok,prod}\n", "rpc (Erlang): %r", got)
    # and when it is not Elixir but Erlang
    got = out(ws, root, env, "rpc", "application:get_env(hello_ex, level)")
    check(got == "{ok,prod}\n", "rpc (Erlang, no full stop): %r", got)
    got = out(ws, root, env, "eval", "{ok, L} = application:get_env("
              "hello_ex, level), L")
    check(got == "prod\n", "eval (Erlang, no full stop): %r", got)
    got = out(ws, root, env, "rpc", "HelloEx", "greeting")
    check(got == '<<"%s">>\n' % greeting, "rpc M F: %r", got)

    # failures: exit 1, Elixir's message on stderr
    fails(ws, root, env, ["rpc", 'raise "boom"'], "** (RuntimeError) boom")
    fails(ws, root, env, ["rpc", "HelloEx.greeting("],
          "** (TokenMissingError)")
    fails(ws, root, env, ["rpc", "Nope.f()"],
          "function Nope.f/0 is undefined")

    # eval: a fresh VM, the config (runtime.exs with its environment)
    # loaded, the application not started
    other = dict(env, GREETING="hola")
    got = out(ws, root, other, "eval", "{Application.get_env(:hello_ex, "
              ":greeting), Application.get_env(:hello_ex, :level), "
              "Process.whereis(HelloEx.Supervisor), "
              "List.keymember?(Application.started_applications(), "
              ":hello_ex, 0)}")
    check(got == '{"hola", :prod, nil, false}\n', "eval: %r", got)
    got = out(ws, root, env, "eval", "HelloEx.ReleaseTasks.seed/0")
    check(got == '{:seeded, "from config.exs"}\n', "eval M.f/0: %r", got)
    got = out(ws, root, env, "eval", "HelloEx.ReleaseTasks.seed")
    check(got == '{:seeded, "from config.exs"}\n', "eval M.f: %r", got)
    fails(ws, root, env, ["eval", "raise ArgumentError, \"bad\""],
          "** (ArgumentError) bad")
    fails(ws, root, dict(env, GREETING_FAIL="1"), ["eval", "1"],
          "no greeting for you")
    print("eval: config without the application started")

    # the node's shells: IEx
    node = env["RELEASE_NODE"]
    remote = Pty(ws, [os.path.join(root, "bin", NAME), "remote_console"],
                 env)
    remote.until("iex(%s)" % node)
    remote.send("HelloEx.greeting()\r")
    remote.until('"%s"' % greeting)
    in_argv = cookie_in_argv(env["RELEASE_COOKIE"])
    check(not in_argv, "the cookie is on command lines: %s", in_argv)
    remote.send("\x07")  # ^G: IEx's User switch command
    remote.until("-->")
    remote.send("q\r")
    check(remote.wait() == 0, "remote_console exited %s", remote.status)
    check(out(ws, root, env, "ping") == "pong\n",
          "the node did not survive remote_console")
    print("remote_console: iex(%s)> and back; the cookie on no command "
          "line" % node)

    attach = Pty(ws, [os.path.join(root, "bin", NAME), "attach"], env)
    attach.until("Attaching")
    attach.send("\r")
    attach.until("iex(%s)" % node)
    attach.send("\x04")  # to_erl: detach
    attach.wait()
    check(out(ws, root, env, "ping") == "pong\n",
          "the node did not survive attach")
    print("attach: iex(%s)>" % node)

    console_env = ws.node_env(unique("exrun_console"), GREETING="hallo")
    cnode = console_env["RELEASE_NODE"]
    ws.nodes[(os.path.join(root, "bin", NAME), cnode)] = console_env
    console = Pty(ws, [os.path.join(root, "bin", NAME), "console"],
                  console_env)
    console.until("iex(%s)" % cnode)
    console.send("HelloEx.greeting()\r")
    console.until('"hallo"')
    console.send("System.halt()\r")
    check(console.wait() == 0, "console exited %s", console.status)
    print("console: iex(%s)>" % cnode)

    ws.bin(root, NAME, "stop", env=env)
    fails(ws, root, env, ["ping"], "is not running")
    print("stop: stopped")

    read_only(ws, root, env)


def read_only(ws, built, env):
    """A release nobody may write: runtime.exs still runs at the start,
    its result in the private RELEASE_TMP."""
    root = ws.path("ro", NAME)
    os.makedirs(os.path.dirname(root))
    run(["cp", "-a", built, root])
    for d in ("tmp", "log"):
        shutil.rmtree(os.path.join(root, d), ignore_errors=True)
    run(["chmod", "-R", "a-w", root])
    tmpdir = ws.path("tmpdir")
    os.makedirs(tmpdir)
    env = dict(env, RELEASE_NODE="%s@127.0.0.1" % unique("exrun_ro"),
               GREETING="read-only", TMPDIR=tmpdir)
    script = os.path.join(root, "bin", NAME)
    ws.nodes[(script, env["RELEASE_NODE"])] = env
    steps = """
        set -e
        R=$1
        %s
        if (: >"$R/probe") 2>/dev/null; then
            echo "the release directory is writable"; exit 9
        fi
        "$R/bin/hello_ex" start
        "$R/bin/hello_ex" rpc 'HelloEx.greeting()'
        "$R/bin/hello_ex" eval 'HelloEx.greeting()'
        "$R/bin/hello_ex" stop
    """
    cmd, how = read_only_command(ws, root, steps)
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True,
                           timeout=180)
        check(p.returncode == 0, "read-only release (%s): exit %d\n%s\n%s",
              how, p.returncode, p.stdout, p.stderr)
        # (the post_start hook's migration, then rpc and eval)
        check(p.stdout == 'migrating\n:migrated\n"read-only"\n"read-only"\n',
              "read-only release answered %r", p.stdout)
        check(not os.path.exists(os.path.join(root, "tmp")),
              "the read-only release got a tmp/")
        print("read-only release (%s): runtime.exs ran, into %s" % (
            how, os.listdir(tmpdir)))
    finally:
        run(["chmod", "-R", "u+w", root])


if __name__ == "__main__":
    main(test, needs=("erl", "erlc", "elixir", "mix"))
