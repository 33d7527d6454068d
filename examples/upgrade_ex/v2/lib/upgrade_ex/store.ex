defmodule UpgradeEx.Store do
  @moduledoc """
  Names, in the order they were added.  v2's state is an
  `%UpgradeEx.Tally{}` (v1's a list of names, newest first), and
  `code_change/3` converts it: up from v1's list, down back to it.
  """
  use GenServer
  alias UpgradeEx.Tally

  def start_link(_), do: GenServer.start_link(__MODULE__, [], name: __MODULE__)

  @doc "Adds a name; returns how many there are."
  def add(name) when is_binary(name), do: GenServer.call(__MODULE__, {:add, name})

  @doc "The names, oldest first."
  def names, do: GenServer.call(__MODULE__, :names)

  @doc "The state: an `%UpgradeEx.Tally{}`."
  def tally, do: GenServer.call(__MODULE__, :tally)

  @impl true
  def init(names), do: {:ok, Tally.new(names)}

  @impl true
  def handle_call({:add, name}, _from, %Tally{names: names}) do
    tally = Tally.new([name | names])
    {:reply, tally.count, tally}
  end

  def handle_call(:names, _from, tally), do: {:reply, Enum.reverse(tally.names), tally}
  def handle_call(:tally, _from, tally), do: {:reply, tally, tally}

  # The downgrade to v1 (release_handler calls v2's code_change before
  # v1's code is loaded): back to the list.
  @impl true
  def code_change({:down, _vsn}, %Tally{names: names}, _extra), do: {:ok, names}

  # The upgrade from v1 (called in v2's code, once loaded).
  def code_change(_vsn, names, _extra) when is_list(names), do: {:ok, Tally.new(names)}
end
