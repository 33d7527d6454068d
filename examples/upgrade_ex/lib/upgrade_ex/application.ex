defmodule UpgradeEx.Application do
  @moduledoc false
  use Application

  @impl true
  def start(_type, _args) do
    Supervisor.start_link([UpgradeEx.Store],
      strategy: :one_for_one,
      name: UpgradeEx.Supervisor
    )
  end
end
