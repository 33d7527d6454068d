defmodule BookApp.ReleaseTasks do
  @moduledoc """
  The release's tasks, for where there is no mix (the seed's
  `BookAppWeb.ReleaseTasks`):

    * `migrate/0`, which the `post_start` hook runs on the started node
      (`release_remote_ctl rpc "Elixir.BookApp.ReleaseTasks.migrate"`);
    * `seed/0`, which `bin/book_app seed` runs in a node of its own
      (`release_ctl eval "BookApp.ReleaseTasks.seed/0"`).

  Both work on the service's node, where `BookApp.Repo` runs, as well as
  on a fresh node of the release, where they open the database for their
  own time and start nothing else: unlike the seed's
  `Application.ensure_all_started(:book_app)`, which on a second node next
  to the service would start a second endpoint on the same port.
  """

  @app :book_app

  @doc "Runs the migrations not run yet; returns their versions."
  def migrate do
    with_repo(fn -> BookApp.Migrator.run(migrations_path()) end)
  end

  @doc "Evaluates priv/repo/seeds.exs; returns its value."
  def seed do
    with_repo(fn ->
      {result, _binding} = Code.eval_file(seeds_path())
      result
    end)
  end

  @doc "The versions recorded in schema_migrations."
  def migrations, do: with_repo(&BookApp.Migrator.applied/0)

  defp migrations_path, do: Application.app_dir(@app, "priv/repo/migrations")
  defp seeds_path, do: Application.app_dir(@app, "priv/repo/seeds.exs")

  defp with_repo(fun) do
    if Process.whereis(BookApp.Repo) do
      fun.()
    else
      # a fresh node: the application's config (data_dir), the driver,
      # and the database for the time of `fun`
      case Application.load(@app) do
        :ok -> :ok
        {:error, {:already_loaded, @app}} -> :ok
      end

      {:ok, _} = Application.ensure_all_started(:sqlite3)
      {:ok, _} = BookApp.Repo.start()

      try do
        fun.()
      after
        BookApp.Repo.stop()
      end
    end
  end
end
