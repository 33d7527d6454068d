defmodule BookApp.Repo do
  @moduledoc """
  The database: one SQLite file, `book_app.sqlite3` in the directory the
  `:data_dir` setting names (BOOK_APP_DATA in production), opened through
  the `:sqlite3` server of Debian's erlang-p1-sqlite3, registered under
  this module's name.

  Other OS processes may open the same file at the same time (the node of
  `bin/book_app seed`, the `sqlite3` shell): SQLite locks the file, and
  each connection waits up to five seconds for the others' writes.
  """

  @file_name "book_app.sqlite3"
  @busy_timeout_ms 5_000

  def child_spec(_opts) do
    %{id: __MODULE__, start: {__MODULE__, :start_link, []}, type: :worker}
  end

  @doc "Opens the database, linked to the caller (the supervisor)."
  def start_link, do: open(&:sqlite3.start_link/2)

  @doc "Opens the database unlinked, for a task that closes it with `stop/0`."
  def start, do: open(&:sqlite3.open/2)

  @doc "Closes the database opened by `start/0`."
  def stop, do: :sqlite3.close(__MODULE__)

  defp open(fun) do
    path = database_path()
    File.mkdir_p!(Path.dirname(path))

    with {:ok, pid} <- fun.(__MODULE__, file: String.to_charlist(path)) do
      exec!("PRAGMA busy_timeout = #{@busy_timeout_ms}")
      # readers do not wait for a writer, nor a writer for readers
      exec!("PRAGMA journal_mode = WAL")
      {:ok, pid}
    end
  end

  @doc "The database file: DATA_DIR/book_app.sqlite3, made absolute."
  def database_path do
    :book_app
    |> Application.fetch_env!(:data_dir)
    |> Path.join(@file_name)
    |> Path.expand()
  end

  @doc """
  Runs one statement with `?` parameters (strings, integers, floats, nil).
  Returns `{:ok, rows}`, each row a map from column name to value, or
  `{:error, message}`.
  """
  def query(sql, params \\ []) do
    case :sqlite3.sql_exec(__MODULE__, sql, Enum.map(params, &to_sql/1)) do
      [{:columns, columns}, {:rows, rows}] ->
        {:ok, Enum.map(rows, &row(columns, &1))}

      {:error, _code, message} ->
        {:error, IO.chardata_to_string(message)}

      _ok_or_rowid ->
        {:ok, []}
    end
  end

  @doc "Like `query/2`, but raises on an error."
  def query!(sql, params \\ []) do
    case query(sql, params) do
      {:ok, rows} -> rows
      {:error, message} -> raise BookApp.Repo.Error, message: message, sql: sql
    end
  end

  @doc "Runs one statement for its effect; raises on an error."
  def exec!(sql, params \\ []) do
    query!(sql, params)
    :ok
  end

  @doc "Runs a script of statements separated by `;`, stopping at the first error."
  def exec_script(sql) do
    case Enum.find(
           List.wrap(:sqlite3.sql_exec_script(__MODULE__, sql)),
           &match?({:error, _, _}, &1)
         ) do
      nil -> :ok
      {:error, _code, message} -> {:error, IO.chardata_to_string(message)}
    end
  end

  @doc "The number of rows the last INSERT, UPDATE or DELETE changed."
  def changes, do: :sqlite3.changes(__MODULE__)

  @doc """
  Runs `fun` in a transaction that holds the database's write lock from
  the start (BEGIN IMMEDIATE): committed when `fun` returns, rolled back
  when it raises.
  """
  def transaction(fun) do
    exec!("BEGIN IMMEDIATE")

    try do
      fun.()
    rescue
      e ->
        exec!("ROLLBACK")
        reraise e, __STACKTRACE__
    else
      result ->
        exec!("COMMIT")
        result
    end
  end

  defp row(columns, values) do
    columns
    |> Enum.map(&IO.chardata_to_string/1)
    |> Enum.zip(Enum.map(Tuple.to_list(values), &from_sql/1))
    |> Map.new()
  end

  defp to_sql(nil), do: :null
  defp to_sql(value) when is_binary(value) or is_number(value), do: value

  defp from_sql(:null), do: nil
  defp from_sql(value), do: value
end

defmodule BookApp.Repo.Error do
  defexception [:message, :sql]

  @impl true
  def message(%{message: message, sql: sql}), do: "#{message} (in: #{sql})"
end
