# Generate a mix umbrella for relc's Elixir benchmark (bench/elixir.sh):
# N applications of M modules each under apps/, with a dependency DAG
# (appI depends in_umbrella on appI-1 and appI/2, both earlier), and a
# `releases:` entry in the umbrella's mix.exs naming every application,
# so `mix release` has something to build.  Nothing is compiled here.
#
# usage: elixir bench/gen_umbrella.exs PROJECT N M
[root, ns, ms] = System.argv()
n = String.to_integer(ns)
m = String.to_integer(ms)
name = fn i -> "app" <> String.pad_leading(Integer.to_string(i), 2, "0") end
camel = fn i -> "App" <> String.pad_leading(Integer.to_string(i), 2, "0") end
deps_of = fn
  1 -> []
  i -> Enum.uniq([i - 1, div(i, 2)]) |> Enum.filter(&(&1 >= 1))
end

File.mkdir_p!(Path.join(root, "config"))
File.write!(Path.join([root, "config", "config.exs"]), "import Config\n")

apps = Enum.map_join(1..n, ",\n          ", fn i -> "#{name.(i)}: :permanent" end)

File.write!(Path.join(root, "mix.exs"), """
defmodule Bench.MixProject do
  use Mix.Project

  def project do
    [
      apps_path: "apps",
      version: "1.0.0",
      start_permanent: Mix.env() == :prod,
      deps: [],
      releases: [
        bench: [
          applications: [
          #{apps}
          ]
        ]
      ]
    ]
  end
end
""")

for i <- 1..n do
  app = name.(i)
  mod = camel.(i)
  dir = Path.join([root, "apps", app])
  File.mkdir_p!(Path.join([dir, "lib", app]))
  deps = Enum.map_join(deps_of.(i), ", ", fn j -> "{:#{name.(j)}, in_umbrella: true}" end)

  File.write!(Path.join(dir, "mix.exs"), """
  defmodule #{mod}.MixProject do
    use Mix.Project

    def project do
      [
        app: :#{app},
        version: "1.0.0",
        build_path: "../../_build",
        config_path: "../../config/config.exs",
        deps_path: "../../deps",
        lockfile: "../../mix.lock",
        elixir: "~> 1.14",
        deps: [#{deps}]
      ]
    end

    def application do
      [extra_applications: [:logger], mod: {#{mod}.Application, []}]
    end
  end
  """)

  File.write!(Path.join([dir, "lib", app, "application.ex"]), """
  defmodule #{mod}.Application do
    use Application

    @impl true
    def start(_type, _args) do
      Supervisor.start_link([], strategy: :one_for_one, name: #{mod}.Supervisor)
    end
  end
  """)

  callee = case deps_of.(i) do
    [] -> nil
    [j | _] -> "#{camel.(j)}.M01"
  end

  for k <- 1..m do
    kk = String.pad_leading(Integer.to_string(k), 2, "0")
    call = if callee, do: "#{callee}.f(x) ++ ", else: ""

    File.write!(Path.join([dir, "lib", app, "m#{kk}.ex"]), """
    defmodule #{mod}.M#{kk} do
      @moduledoc "Module #{kk} of #{app}."
      defstruct [:a, :b]

      def f(x) when is_integer(x), do: #{call}Enum.map(1..x, &{&1, x})
      def g(%__MODULE__{a: a, b: b}), do: Map.new([{a, b}, {b, a}])
      def h(s) when is_binary(s), do: s |> String.split(",") |> Enum.map(&String.trim/1)
    end
    """)
  end
end
