import Config

config :book_app,
  port: 4002,
  data_dir: Path.expand("../data/test", __DIR__)

config :logger, level: :warning
