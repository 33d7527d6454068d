import Config

# In production the port and the data directory come from the environment
# at boot (config/runtime.exs); 4000 unless PORT says otherwise.
config :book_app, port: 4000

config :logger, level: :info
