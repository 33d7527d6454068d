#!/usr/bin/env python3
"""Build-time Elixir config (issue 9), with the real Elixir: a mix
project's config/config.exs and the prod.exs it imports become
releases/VSN/sys.config (values of both, prod.exs winning), which the
node sees; config/runtime.exs is copied to releases/VSN/runtime.exs; a
second build starts no Elixir (the cache) and is up to date; a changed
prod.exs is noticed; a function value fails the build naming the
application and the key; a project without config/ builds, with an empty
sys.config."""
import os
import shutil
import time

from mix_util import main, mix_compile, mix_project, relc_build, write
from relc_e2e import check, unique

MIX_EXS = """\
defmodule Conf.MixProject do
  use Mix.Project

  def project, do: [app: :conf, version: "1.2.0", deps: []]
  def application, do: [extra_applications: [:logger]]
end
"""

LIB = """\
defmodule Conf do
  def hello, do: :world
end
"""

CONFIG_EXS = """\
import Config

config :conf,
  greeting: "hello",
  port: 4000,
  opts: [depth: 2, tags: %{"é" => {:a, 1.5}}]

config :logger, level: :info

import_config "#{config_env()}.exs"
"""

PROD_EXS = """\
import Config

config :conf, port: 80, prod_only: true
"""

RUNTIME_EXS = """\
import Config

config :conf, secret: System.get_env("SECRET")
"""

RELC_YAML = """\
releases:
  conf: {}
"""

# as ~w writes it: binaries as bytes ("hello", "é" in UTF-8)
WANT = ("[{greeting,<<104,101,108,108,111>>},{opts,[{depth,2},{tags,#{<<195,"
        "169>> => {a,1.5}}}]},{port,80},{prod_only,true}]")


def sys_config(rel):
    with open(os.path.join(rel, "releases", "1.2.0", "sys.config")) as f:
        return f.read()


def test(ws):
    root = mix_project(ws, "conf", {
        "mix.exs": MIX_EXS, "lib/conf.ex": LIB,
        "config/config.exs": CONFIG_EXS, "config/prod.exs": PROD_EXS,
        "config/runtime.exs": RUNTIME_EXS, "rel/relc.yaml": RELC_YAML})
    mix_compile(ws, root)
    relc_build(ws, root)
    rel = os.path.join(root, "_build", "prod", "rel", "conf")
    text = sys_config(rel)
    for want in ("{port,80}", "{prod_only,true}", "{greeting,<<\"hello\">>}",
                 "{logger,[{level,info}]}"):
        check(want in text, "sys.config lacks %s:\n%s", want, text)
    check("4000" not in text, "prod.exs did not win:\n%s", text)
    with open(os.path.join(rel, "releases", "1.2.0", "runtime.exs")) as f:
        check(f.read() == RUNTIME_EXS, "runtime.exs is not config's")

    env = ws.node_env(unique("conf"))
    p = ws.bin(rel, "conf", "eval",
               "io:format(\"~w~n\", [lists:sort(application:get_all_env("
               "conf)) -- [{secret, nil}]])", env=env)
    got = p.stdout.strip().splitlines()[0] if p.stdout.strip() else ""
    check(got == WANT, "the node's conf env: want %s, got %r", WANT,
          p.stdout)

    # the cache: no Elixir started, and the release is up to date
    stamp = os.path.join(root, "_build", "prod", "relc-exconfig", "files")
    before = os.stat(stamp).st_mtime_ns
    p = relc_build(ws, root)
    check("up to date" in p.stdout + p.stderr, "second build: %r", p.stdout)
    check(os.stat(stamp).st_mtime_ns == before, "Elixir ran again")

    # a changed import is noticed
    time.sleep(0.01)
    write(os.path.join(root, "config", "prod.exs"),
          PROD_EXS + "config :conf, port: 81\n")
    relc_build(ws, root)
    check("{port,81}" in sys_config(rel), "prod.exs change not seen:\n%s",
          sys_config(rel))

    # a function: the build fails, naming the application and the key
    write(os.path.join(root, "config", "prod.exs"),
          PROD_EXS + "config :conf, handler: &String.upcase/1\n")
    p = relc_build(ws, root, ok=False)
    check(p.returncode != 0, "a function value was accepted")
    check("application conf, key handler: &String.upcase/1" in p.stderr,
          "the error does not name app and key: %r", p.stderr)
    check("{port,81}" in sys_config(rel), "the failed build touched the "
          "release")
    # the files back as they were at the last good build: that is no
    # reason to take the bad result from the cache
    write(os.path.join(root, "config", "prod.exs"),
          PROD_EXS + "config :conf, port: 81\n")
    relc_build(ws, root)
    check("{port,81}" in sys_config(rel), "after the fix:\n%s",
          sys_config(rel))

    # a raise in config.exs: its message
    write(os.path.join(root, "config", "prod.exs"),
          PROD_EXS + "raise \"no prod secrets here\"\n")
    p = relc_build(ws, root, ok=False)
    check(p.returncode != 0 and "no prod secrets here" in p.stderr,
          "a raise in prod.exs: %r", p.stderr)

    # no config/ at all
    shutil.rmtree(os.path.join(root, "config"))
    relc_build(ws, root)
    check(sys_config(rel) == "[].\n", "without config/: %r", sys_config(rel))
    check(not os.path.exists(os.path.join(rel, "releases", "1.2.0",
                                          "runtime.exs")),
          "runtime.exs still there")


if __name__ == "__main__":
    main(test)
