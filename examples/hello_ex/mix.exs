defmodule HelloEx.MixProject do
  use Mix.Project

  def project do
    [
      app: :hello_ex,
      version: "0.1.0",
      elixir: "~> 1.14",
      start_permanent: Mix.env() == :prod,
      deps: []
    ]
  end

  def application do
    [
      mod: {HelloEx.Application, []},
      extra_applications: [:logger]
    ]
  end
end
