defmodule UpgradeEx.Store do
  @moduledoc """
  Names, in the order they were added.  In v1 the state is a list of
  names, newest first; v2's state is an `%UpgradeEx.Tally{}` and its
  `code_change/3` converts both ways.
  """
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, [], name: __MODULE__)

  @doc "Adds a name; returns how many there are."
  def add(name) when is_binary(name), do: GenServer.call(__MODULE__, {:add, name})

  @doc "The names, oldest first."
  def names, do: GenServer.call(__MODULE__, :names)

  @impl true
  def init(names), do: {:ok, names}

  @impl true
  def handle_call({:add, name}, _from, names) do
    names = [name | names]
    {:reply, length(names), names}
  end

  def handle_call(:names, _from, names), do: {:reply, Enum.reverse(names), names}
end
