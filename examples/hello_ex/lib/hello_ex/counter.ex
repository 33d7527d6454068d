defmodule HelloEx.Counter do
  @moduledoc "A process that only the started application has."
  use Agent

  def start_link(_opts), do: Agent.start_link(fn -> 0 end, name: __MODULE__)

  def hit, do: Agent.get_and_update(__MODULE__, &{&1 + 1, &1 + 1})

  def get, do: Agent.get(__MODULE__, & &1)
end
