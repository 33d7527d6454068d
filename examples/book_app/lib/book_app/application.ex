defmodule BookApp.Application do
  @moduledoc false
  use Application

  @impl true
  def start(_type, _args) do
    children = [
      # the database first: the endpoint's requests need it
      BookApp.Repo,
      {Task.Supervisor, name: BookApp.ConnectionSupervisor},
      BookApp.Endpoint
    ]

    Supervisor.start_link(children, strategy: :one_for_one, name: BookApp.Supervisor)
  end
end
