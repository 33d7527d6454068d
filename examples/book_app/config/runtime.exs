# Run-time configuration: evaluated when the release boots (and by
# `mix run`, `iex -S mix`), with the environment of that moment.
import Config

# PORT: where the HTTP endpoint listens (PORT=4001 bin/book_app start).
if port = System.get_env("PORT") do
  case Integer.parse(port) do
    {n, ""} when n in 0..65535 ->
      config :book_app, port: n

    _ ->
      raise "environment variable PORT is not a port number: #{inspect(port)}"
  end
end

# BOOK_APP_DATA: the directory of the SQLite database.  Required in
# production, where it must be outside the release (/var/lib/book_app):
# the release stays read-only, and a new release finds the same data.
data_dir = System.get_env("BOOK_APP_DATA", "")

cond do
  data_dir != "" ->
    config :book_app, data_dir: data_dir

  config_env() == :prod ->
    raise """
    environment variable BOOK_APP_DATA is missing.
    It names the directory of book_app's database, outside the release,
    for example: BOOK_APP_DATA=/var/lib/book_app
    """

  true ->
    :ok
end
