import Config

# In development the database lives in the project's data/ directory.
config :book_app,
  port: 4000,
  data_dir: Path.expand("../data/dev", __DIR__)
