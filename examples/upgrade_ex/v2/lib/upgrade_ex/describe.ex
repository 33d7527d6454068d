defprotocol UpgradeEx.Describe do
  @moduledoc """
  A protocol of the project's own.  v2 adds a function, `kind/1`, and an
  implementation for `UpgradeEx.Tally`, a struct that exists only in v2:
  a call through the protocol with a tally, or to `kind/1`, works only
  once the node runs v2's consolidated protocol (releases/2/consolidated).
  """
  def describe(term)

  @doc "What kind of term it is, as an atom."
  def kind(term)
end

defimpl UpgradeEx.Describe, for: Atom do
  def describe(atom), do: "the atom #{inspect(atom)}"
  def kind(_), do: :atom
end

defimpl UpgradeEx.Describe, for: Integer do
  def describe(n), do: "the integer #{n}"
  def kind(_), do: :integer
end
