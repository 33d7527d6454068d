"""Helpers for the tests of relc's side of mix projects (issue 9): a
small mix project written into the workspace, compiled with
`MIX_ENV=ENV mix compile` (no dependencies, so no Hex), released by relc
with the Elixir on PATH."""
import os
import sys

from relc_e2e import main as relc_main, run


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def mix_project(ws, name, files):
    """ws/NAME with the given files (relative path -> text)."""
    root = ws.path(name)
    for rel, text in files.items():
        write(os.path.join(root, rel), text)
    return root


def mix_env(ws, env):
    e = dict(os.environ, MIX_ENV=env, HOME=ws.path("home"),
             MIX_HOME=ws.path("home", ".mix"))
    os.makedirs(e["HOME"], exist_ok=True)
    return e


def mix_compile(ws, root, env="prod"):
    run(["mix", "compile"], cwd=root, env=mix_env(ws, env), timeout=300)


def relc_build(ws, root, env="prod", ok=True):
    return run([ws.relc, "build", "--env", env], cwd=root,
               env=mix_env(ws, env), ok=ok, timeout=300)


def main(test):
    """Run test(ws), needing Erlang and Elixir (mix)."""
    relc_main(test, needs=("erl", "elixir", "mix"))
