#!/usr/bin/env python3
"""A mix umbrella of three applications and a release that names two:
relc init lists all three, the release built from a config naming two
holds those two (and what they need) but not the third, boots, and both
run (rpc: Application.started_applications), the third not even loaded.

usage: umbrella.py RELC"""
import os

from mix_util import main, mix_compile, mix_env, mix_project, relc_build
from relc_e2e import check, run, unique

ROOT_MIX = '''defmodule Shop.Umbrella.MixProject do
  use Mix.Project

  def project do
    [apps_path: "apps", version: "1.2.0", start_permanent: true, deps: []]
  end
end
'''


def app_files(name, mod, deps):
    dep_list = ", ".join("{:%s, in_umbrella: true}" % d for d in deps)
    return {
        "apps/%s/mix.exs" % name: '''defmodule %(mod)s.MixProject do
  use Mix.Project

  def project do
    [app: :%(name)s, version: "0.1.0", build_path: "../../_build",
     config_path: "../../config/config.exs", deps_path: "../../deps",
     lockfile: "../../mix.lock", deps: [%(deps)s]]
  end

  def application, do: [extra_applications: [:logger]]
end
''' % {"mod": mod, "name": name, "deps": dep_list},
        "apps/%s/lib/%s.ex" % (name, name): '''defmodule %s do
  def hello, do: :%s
end
''' % (mod, name),
    }


def test(ws):
    files = {"mix.exs": ROOT_MIX}
    files.update(app_files("store", "Store", []))
    files.update(app_files("web", "Web", ["store"]))
    files.update(app_files("admin", "Admin", ["store"]))
    root = mix_project(ws, "shop", files)
    mix_compile(ws, root)

    # relc init lists the three
    p = run([ws.relc, "init"], cwd=root, env=mix_env(ws, "prod"))
    check("admin, store, web" in p.stdout, "relc init: %r", p.stdout)

    # a release of two of them
    with open(os.path.join(root, "rel", "relc.yaml"), "w") as f:
        f.write("releases:\n  shop:\n    version: 1.2.0\n"
                "    applications: [web, store]\n")
    relc_build(ws, root)
    rel = os.path.join(root, "_build", "prod", "rel", "shop")
    libs = sorted(os.listdir(os.path.join(rel, "lib")))
    check(any(n.startswith("web-") for n in libs) and
          any(n.startswith("store-") for n in libs),
          "web and store are not in the release: %s", libs)
    check(not any(n.startswith("admin-") for n in libs),
          "admin is in the release: %s", libs)
    with open(os.path.join(rel, "releases", "1.2.0", "shop.rel")) as f:
        rel_text = f.read()
    check("admin" not in rel_text, "admin in shop.rel:\n%s", rel_text)

    env = ws.node_env(unique("umbrella"))
    ws.bin(rel, "shop", "start", env=env)
    p = ws.bin(rel, "shop", "rpc",
               "{Web.hello(), Store.hello(), "
               "Enum.sort(for {a, _, _} <- Application.started_applications(),"
               " a in [:web, :store, :admin], do: a), "
               "Code.ensure_loaded?(Admin)}", env=env)
    check(p.stdout == "{:web, :store, [:store, :web], false}\n",
          "the running release: %r", p.stdout)
    ws.bin(rel, "shop", "stop", env=env)


if __name__ == "__main__":
    main(test)
