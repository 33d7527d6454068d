import Config

config :hello_ex,
  env: :dev,
  overridden: "dev.exs"
