defmodule BookApp.Migrator do
  @moduledoc """
  Runs the SQL migrations of a directory, as `Ecto.Migrator` runs Ecto's:
  the files `VERSION_NAME.sql` (VERSION an integer, usually a timestamp)
  in VERSION order, each once.  Each runs in a transaction together with
  the row that records its VERSION in `schema_migrations`, so that a
  migration is either done and recorded or not done at all, and running
  the migrations again does nothing.
  """

  alias BookApp.Repo

  @doc """
  Runs the migrations of `dir` not run yet; returns their versions, in the
  order run (`[]` when the database is up to date).
  """
  def run(dir) do
    Repo.exec!("""
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      inserted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )
    """)

    done = MapSet.new(applied())

    ran =
      for {version, file} <- migrations(dir), version not in done, run_one(version, file) do
        IO.puts("== Migrated #{Path.basename(file)}")
        version
      end

    if ran == [], do: IO.puts("Migrations already up")
    ran
  end

  @doc "The versions recorded in `schema_migrations`, in order."
  def applied do
    for %{"version" => v} <-
          Repo.query!("SELECT version FROM schema_migrations ORDER BY version"),
        do: v
  end

  @doc "The migrations of `dir`: `{version, path}`, by version."
  def migrations(dir) do
    files =
      for name <- File.ls!(dir), String.ends_with?(name, ".sql") do
        case Integer.parse(name) do
          {version, "_" <> _} -> {version, Path.join(dir, name)}
          _ -> raise "#{Path.join(dir, name)}: a migration is named VERSION_NAME.sql"
        end
      end

    files
    |> Enum.group_by(&elem(&1, 0))
    |> Enum.each(fn
      {_version, [_one]} ->
        :ok

      {version, same} ->
        raise "migrations with the same version #{version}: #{inspect(Enum.map(same, &elem(&1, 1)))}"
    end)

    Enum.sort(files)
  end

  # true when this call ran it; false when another (a second node, a
  # concurrent rpc) recorded it between our look and our lock
  defp run_one(version, file) do
    sql = File.read!(file)

    Repo.transaction(fn ->
      case Repo.query!("SELECT 1 FROM schema_migrations WHERE version = ?", [version]) do
        [] ->
          case Repo.exec_script(sql) do
            :ok -> :ok
            {:error, message} -> raise "migration #{Path.basename(file)} failed: #{message}"
          end

          Repo.exec!("INSERT INTO schema_migrations (version) VALUES (?)", [version])
          true

        [_] ->
          false
      end
    end)
  end
end
