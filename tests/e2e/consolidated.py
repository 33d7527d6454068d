#!/usr/bin/env python3
"""Consolidated protocols in a mix project's release (issue 9), on a real
node: the project's _build/prod/lib/APP/consolidated is copied to
releases/VSN/consolidated and comes first on the code path of both boot
scripts, so that Enumerable is the consolidated module, which knows the
project's own implementation, under `eval` (start_clean) and on a started
node (start), as with `mix release`."""
import os

from mix_util import main, mix_compile, mix_project, relc_build
from relc_e2e import check, unique

MIX_EXS = """\
defmodule Shop.MixProject do
  use Mix.Project

  def project, do: [app: :shop, version: "0.3.0", deps: []]
  def application, do: [mod: {Shop.App, []}, extra_applications: [:logger]]
end
"""

SHOP_EX = """\
defmodule Shop.Cart do
  defstruct items: []
end

defimpl Enumerable, for: Shop.Cart do
  def count(c), do: {:ok, length(c.items)}
  def member?(c, x), do: {:ok, x in c.items}
  def reduce(c, acc, f), do: Enumerable.List.reduce(c.items, acc, f)
  def slice(_), do: {:error, __MODULE__}
end

defmodule Shop.App do
  use Application
  def start(_, _), do: Supervisor.start_link([], strategy: :one_for_one)
end
"""

RELC_YAML = """\
releases:
  shop: {}
"""

# consolidated?, the project's impl is known, and where Enumerable is from
PROBE = ("{'Elixir.Protocol':'consolidated?'('Elixir.Enumerable'), "
         "'Elixir.Enum':count(#{'__struct__' => 'Elixir.Shop.Cart', "
         "items => [a, b, c]}), code:which('Elixir.Enumerable')}")


def test(ws):
    root = mix_project(ws, "shop", {"mix.exs": MIX_EXS,
                                    "lib/shop.ex": SHOP_EX,
                                    "rel/relc.yaml": RELC_YAML})
    mix_compile(ws, root)
    relc_build(ws, root)
    rel = os.path.join(root, "_build", "prod", "rel", "shop")
    cons = os.path.join(rel, "releases", "0.3.0", "consolidated")
    check(os.path.isfile(os.path.join(cons, "Elixir.Enumerable.beam")),
          "no consolidated Enumerable in %s", cons)
    want = '{true,3,"%s/Elixir.Enumerable.beam"}' % cons
    env = ws.node_env(unique("shop"))
    p = ws.bin(rel, "shop", "eval", PROBE, env=env)
    check("".join(p.stdout.split()) == want,
          "eval: want %r, got %r (stderr %r)", want, p.stdout, p.stderr)
    ws.bin(rel, "shop", "start", env=env)
    try:
        p = ws.bin(rel, "shop", "rpc", PROBE, env=env)
        check("".join(p.stdout.split()) == want, "rpc: want %r, got %r",
              want, p.stdout)
    finally:
        ws.bin(rel, "shop", "stop", env=env)


if __name__ == "__main__":
    main(test)
