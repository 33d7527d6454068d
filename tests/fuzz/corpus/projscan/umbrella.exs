defmodule Shop.Umbrella.MixProject do
  use Mix.Project
  def project, do: [apps_path: "apps", version: "0.9.0", deps: []]
end
