#!/bin/sh
# Run the migrations on the started node: BookApp.ReleaseTasks.migrate/0
# (the seed's rel/hooks/post_start/migrate.sh).
set -eu
echo "Running migrations"
release_remote_ctl rpc "Elixir.BookApp.ReleaseTasks.migrate"
