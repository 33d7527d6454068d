defmodule UpgradeEx.Tally do
  @moduledoc """
  v2 only: the store's state, the names (newest first) and how many.
  It implements the project's protocol `UpgradeEx.Describe` and Elixir's
  `String.Chars`: both answer only when the consolidated protocols the
  node runs are v2's.
  """
  defstruct names: [], count: 0

  @doc "The tally of names given newest first."
  def new(names) when is_list(names), do: %__MODULE__{names: names, count: length(names)}
end

defimpl UpgradeEx.Describe, for: UpgradeEx.Tally do
  def describe(%UpgradeEx.Tally{count: count}), do: "a tally of #{count} names"
  def kind(_), do: :tally
end

defimpl String.Chars, for: UpgradeEx.Tally do
  def to_string(%UpgradeEx.Tally{names: names, count: count}) do
    "#{count}: #{names |> Enum.reverse() |> Enum.join(", ")}"
  end
end
