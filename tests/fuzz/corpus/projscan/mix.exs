defmodule Counter.MixProject do
  use Mix.Project

  @version "0.3.1"
  @source_url "https://example.com/#{@version}"

  def project do
    [
      app: :counter,
      version: @version,
      elixir: "~> 1.14",
      elixirc_paths: ~w(lib web)a,
      description: """
      A "counter" [app: :nope]
      """,
      start_permanent: Mix.env() == :prod,
      deps: deps(),
      releases: [counter: [include_erts: true]]
    ]
  end

  def application do
    [extra_applications: [:logger], mod: {Counter, []}]
  end

  # def project do [app: :comment] end
  defp deps do
    [{:jason, "~> 1.4", app: false}, {:x, git: "x", ref: ?"}]
  end
end
