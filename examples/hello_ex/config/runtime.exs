# Run-time configuration: evaluated when the release boots, with the
# environment of that moment (and by `mix run`, `iex -S mix`).
import Config

config :hello_ex,
  name: System.get_env("HELLO_EX_NAME", "World"),
  runtime_env: config_env(),
  booted_at: System.system_time(:second)

if override = System.get_env("HELLO_EX_OVERRIDE") do
  config :hello_ex, overridden: override
end

# merged into the build-time keyword list: host and port stay
config :hello_ex, HelloEx.Endpoint, url: System.get_env("HELLO_EX_URL", "http://localhost")

# a boot that runtime.exs refuses, with this message
if System.get_env("HELLO_EX_RAISE") do
  raise "HELLO_EX_RAISE is set: hello_ex refuses to boot"
end
