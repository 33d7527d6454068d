# Build-time configuration, for every environment; the environment's own
# file (dev.exs, prod.exs, test.exs) is imported at the end and wins.
import Config

config :hello_ex,
  greeting: "Hello",
  from_config: "config.exs",
  overridden: "config.exs",
  # values of every kind a sys.config holds
  types: %{
    atom: :an_atom,
    tuple: {1, "two", :three},
    list: [1, 2, 3],
    charlist: 'chars',
    float: 1.5,
    nested: [a: [b: :c]]
  }

# a keyword list that prod.exs and runtime.exs merge into, key by key
config :hello_ex, HelloEx.Endpoint,
  host: "localhost",
  port: 4000

import_config "#{config_env()}.exs"
