defmodule BookApp.MixProject do
  use Mix.Project

  def project do
    [
      app: :book_app,
      version: "0.1.0",
      elixir: "~> 1.14",
      start_permanent: Mix.env() == :prod,
      # No hex packages: the database driver is Debian's erlang-p1-sqlite3,
      # installed into OTP's lib/ (as p1_sqlite3-VSN, application sqlite3).
      deps: []
    ]
  end

  def application do
    [
      mod: {BookApp.Application, []},
      # sqlite3 comes from OTP's lib/ like an OTP application, so it is
      # named here rather than in deps/0.
      extra_applications: [:logger, :sqlite3]
    ]
  end
end
