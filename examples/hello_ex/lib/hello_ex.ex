defmodule HelloEx do
  @moduledoc """
  A tiny application whose configuration comes from every place a mix
  project's can: config/config.exs, the environment's file it imports
  (prod.exs), and config/runtime.exs at boot.  See README.md.
  """

  @doc ~S|The greeting: "#{greeting}, #{name}!" from the configuration.|
  def greeting do
    "#{Application.fetch_env!(:hello_ex, :greeting)}, #{Application.fetch_env!(:hello_ex, :name)}!"
  end

  @doc "The application's whole environment, sorted by key."
  def config, do: :hello_ex |> Application.get_all_env() |> Enum.sort()

  @doc "Whether the application runs (false in `eval`, which starts nothing)."
  def started? do
    List.keymember?(Application.started_applications(), :hello_ex, 0)
  end

  @doc "How many times `HelloEx.Counter.hit/0` was called on this node."
  defdelegate hits, to: HelloEx.Counter, as: :get
end

defprotocol HelloEx.Describe do
  @moduledoc """
  A protocol of the project's own: `mix compile` consolidates it into
  _build/ENV/lib/hello_ex/consolidated, and a release should load that
  version (`Protocol.consolidated?(HelloEx.Describe)` is then true).
  """
  def describe(term)
end

defimpl HelloEx.Describe, for: Atom do
  def describe(atom), do: "the atom #{inspect(atom)}"
end

defimpl HelloEx.Describe, for: Integer do
  def describe(n), do: "the integer #{n}"
end
