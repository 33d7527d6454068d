defmodule UpgradeEx do
  @moduledoc """
  The version 2 of a tiny service upgraded hot from version 1 and back
  (see README.md): a store of names, `UpgradeEx.Store`, whose state is a
  list in v1 and an `%UpgradeEx.Tally{}` in v2.
  """

  @doc "Which sources this code was compiled from."
  def version, do: 2

  @doc "What `UpgradeEx.Describe` says about a term."
  defdelegate describe(term), to: UpgradeEx.Describe

  @doc "What kind of term it is, through `UpgradeEx.Describe`."
  defdelegate kind(term), to: UpgradeEx.Describe

  @doc "The store's tally as a string, through `String.Chars`."
  def summary, do: to_string(UpgradeEx.Store.tally())
end
