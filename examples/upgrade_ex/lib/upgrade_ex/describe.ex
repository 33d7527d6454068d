defprotocol UpgradeEx.Describe do
  @moduledoc """
  A protocol of the project's own.  v1 implements it for atoms and
  integers; v2 adds `UpgradeEx.Tally`, a struct that exists only in v2,
  so that a call through the protocol with a tally works only once the
  node runs v2's consolidated protocol (releases/2/consolidated).
  """
  def describe(term)
end

defimpl UpgradeEx.Describe, for: Atom do
  def describe(atom), do: "the atom #{inspect(atom)}"
end

defimpl UpgradeEx.Describe, for: Integer do
  def describe(n), do: "the integer #{n}"
end
