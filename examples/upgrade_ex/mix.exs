defmodule UpgradeEx.MixProject do
  use Mix.Project

  # v1: the release "1" (rel/relc.yaml) holds upgrade_ex 0.1.0; v2/
  # replaces this file with version 0.2.0.
  def project do
    [
      app: :upgrade_ex,
      version: "0.1.0",
      elixir: "~> 1.14",
      start_permanent: Mix.env() == :prod,
      deps: []
    ]
  end

  def application do
    [
      mod: {UpgradeEx.Application, []},
      extra_applications: [:logger]
    ]
  end
end
