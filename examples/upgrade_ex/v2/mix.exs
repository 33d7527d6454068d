defmodule UpgradeEx.MixProject do
  use Mix.Project

  # v2: the release "2" (v2/rel/relc.yaml) holds upgrade_ex 0.2.0; v1 has
  # 0.1.0.
  def project do
    [
      app: :upgrade_ex,
      version: "0.2.0",
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
