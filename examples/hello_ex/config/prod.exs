import Config

config :hello_ex,
  env: :prod,
  from_prod: "prod.exs",
  overridden: "prod.exs"

# merged into config.exs's: host stays, port changes
config :hello_ex, HelloEx.Endpoint, port: 80
