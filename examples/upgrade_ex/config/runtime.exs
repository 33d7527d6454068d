# Run-time configuration, read each time the release starts (by
# bin/upgrade_ex, with the environment of the start), and the same in v2:
# an upgrade should keep what it gives.
import Config

config :upgrade_ex, greeting: System.get_env("UPGRADE_EX_GREETING", "Hello")
