#!/bin/sh
# Seed the database with the sample books
set -eu
release_ctl eval "BookApp.ReleaseTasks.seed/0"
