defmodule UpgradeEx do
  @moduledoc """
  The version 1 of a tiny service that is upgraded hot to version 2 and
  back (see README.md): a store of names, `UpgradeEx.Store`, whose state
  is a list in v1 and an `%UpgradeEx.Tally{}` in v2.
  """

  @doc "Which sources this code was compiled from."
  def version, do: 1

  @doc "What `UpgradeEx.Describe` says about a term."
  defdelegate describe(term), to: UpgradeEx.Describe
end
