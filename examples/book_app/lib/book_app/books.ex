defmodule BookApp.Books do
  @moduledoc "The books table."

  alias BookApp.Repo

  @doc """
  Every book, by id: `{:ok, books}`, or `{:error, :not_migrated}` while
  the migrations have not made the table yet.
  """
  def list do
    case Repo.query("SELECT id, title, author, year FROM books ORDER BY id") do
      {:ok, books} ->
        {:ok, books}

      {:error, "no such " <> _} ->
        {:error, :not_migrated}

      {:error, message} ->
        raise BookApp.Repo.Error, message: message, sql: "SELECT ... FROM books"
    end
  end

  @doc """
  Adds a book (a map with `:title`, `:author` and `:year`) unless one with
  the same title and author is there: `:inserted` or `:exists`.
  """
  def insert(%{title: title, author: author} = book) do
    Repo.exec!(
      "INSERT OR IGNORE INTO books (title, author, year) VALUES (?, ?, ?)",
      [title, author, Map.get(book, :year)]
    )

    if Repo.changes() > 0, do: :inserted, else: :exists
  end
end
