import Config

config :hello_ex,
  env: :test,
  overridden: "test.exs"
