#!/usr/bin/env python3
"""The seed story (../shared/seed: Distillery's tutorial, with Phoenix and
Ecto) replayed end to end on examples/book_app, a mix project with a real
database: `MIX_ENV=prod mix compile`, `relc build --env prod`, start with
a free PORT and the data directory outside the release (BOOK_APP_DATA);
the post_start hook migrates (GET /books answers, schema_migrations holds
every migration file); `bin/book_app seed` adds the seed rows, visible
over HTTP; stop; a second start migrates nothing; the dev release has
neither the hook nor the command.

Needs elixir, mix and Debian's erlang-p1-sqlite3 (application sqlite3 in
OTP's lib/): skipped (77) without them, failed under CI=true.

Two parts of relc this story relies on were written in parallel with it;
until they are merged, the test replaces them with today's equivalents,
each switch below (or RELC_BOOK_APP_LANDED) says which:

EXBIN_LANDED  `rpc` and `eval` taking Elixir expressions and the
              Distillery forms `rpc "Elixir.BookApp.ReleaseTasks.migrate"`
              and `eval "BookApp.ReleaseTasks.seed/0"`, which the example's
              hook and command use.  Until then the test's copy of the
              project calls `release_remote_ctl rpc MODULE FUNCTION` and
              `release_ctl eval` with an Erlang expression instead, and the
              checks through rpc are written in Erlang.
EXCORE_LANDED mix's default application set, config/*.exs evaluated at
              build time, config/runtime.exs copied into the release, the
              consolidated protocols.  Until then the example's relc.yaml
              lists the applications and gives a sys.config template,
              rel/sys.config (the lines marked INTERIM), and the test
              keeps them; once landed, the test removes them and
              rel/sys.config from its copy (relc then refuses a ${VAR}
              template next to config.exs), so that PORT and
              BOOK_APP_DATA reach the node through config/runtime.exs,
              evaluated at boot by exbin's bin/book_app: EXCORE_LANDED
              needs EXBIN_LANDED.  It checks the consolidated protocols
              and runtime.exs in the release too.

Both together passed at 18:15 UTC on a scratch merge of helper/bookapp,
helper/excore and helper/exbin (RELC_BOOK_APP_LANDED=exbin,excore).
"""
import glob
import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import urllib.parse

from relc_e2e import (TOP, Failure, Workspace, check, run, unique,
                     wait_gone)
from needs import SKIP, require

# True: both are merged (the example has no INTERIM lines left).  RELC_BOOK_APP_LANDED=exbin,excore
# (or either) says the same for one run, to try a branch before merging.
_LANDED = os.environ.get("RELC_BOOK_APP_LANDED", "").split(",")
EXBIN_LANDED = True or "exbin" in _LANDED
EXCORE_LANDED = True or "excore" in _LANDED

EXAMPLE = os.path.join(TOP, "examples", "book_app")
MIGRATIONS = sorted(
    int(f.split("_", 1)[0])
    for f in os.listdir(os.path.join(EXAMPLE, "priv", "repo", "migrations"))
    if f.endswith(".sql"))
SEEDED = [
    {"id": 1, "title": "War and Peace", "author": "Leo Tolstoy",
     "year": 1869},
    {"id": 2, "title": "Crime and Punishment", "author": "Fyodor Dostoevsky",
     "year": 1866},
    {"id": 3, "title": "The Master and Margarita",
     "author": "Mikhail Bulgakov", "year": 1967},
]

# What the example's hook and command say, and today's equivalents.
HOOK_RPC = 'release_remote_ctl rpc "Elixir.BookApp.ReleaseTasks.migrate"'
HOOK_RPC_TODAY = "release_remote_ctl rpc Elixir.BookApp.ReleaseTasks migrate"
SEED_EVAL = 'release_ctl eval "BookApp.ReleaseTasks.seed/0"'
SEED_EVAL_TODAY = "release_ctl eval \"'Elixir.BookApp.ReleaseTasks':seed()\""


def require_sqlite3():
    """Debian's erlang-p1-sqlite3: the application sqlite3 in OTP's lib/."""
    p = subprocess.run(
        ["erl", "-noshell", "-eval",
         'io:format("~s", [case code:where_is_file("sqlite3.app") of '
         'non_existing -> ""; F -> F end]), halt().'],
        capture_output=True, text=True, timeout=60)
    if p.returncode == 0 and p.stdout.strip():
        return
    what = "erlang-p1-sqlite3 (the Erlang application sqlite3)"
    if os.environ.get("CI") == "true":
        print("FAIL: this test needs %s, which this machine lacks "
              "(under CI=true a missing tool is a failure, not a skip)"
              % what)
        sys.exit(1)
    print("SKIP: this test needs %s" % what)
    sys.exit(SKIP)


def replace_in(path, old, new):
    with open(path) as f:
        text = f.read()
    check(old in text, "%s no longer says %r", path, old)
    with open(path, "w") as f:
        f.write(text.replace(old, new))


def copy_project(ws):
    """examples/book_app, copied, adapted to what relc has (see above)."""
    src = ws.path("book_app")
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns(
        "_build", "deps", "data"))
    if not EXBIN_LANDED:
        replace_in(os.path.join(src, "rel", "hooks", "post_start",
                                "migrate.sh"), HOOK_RPC, HOOK_RPC_TODAY)
        replace_in(os.path.join(src, "rel", "commands", "seed.sh"),
                   SEED_EVAL, SEED_EVAL_TODAY)
    # the interim out, when still there: mix's default application set,
    # and the .exs config (relc refuses a ${VAR} template next to
    # config.exs, and relc's default template is rel/sys.config)
    if EXCORE_LANDED:
        template = os.path.join(src, "rel", "sys.config")
        if os.path.exists(template):
            os.remove(template)
        path = os.path.join(src, "rel", "relc.yaml")
        with open(path) as f:
            lines = f.read().splitlines(True)
        with open(path, "w") as f:
            f.write("".join(
                ln for ln in lines
                if not re.match(r"\s*(applications|sys_config):", ln)))
    return src


def mix_compile(ws, project, env_name):
    env = dict(os.environ, HOME=ws.path("home"), MIX_ENV=env_name)
    env.pop("MIX_EXS", None)
    os.makedirs(env["HOME"], exist_ok=True)
    run(["mix", "compile"], cwd=project, env=env, timeout=300)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, path):
    """(status, body) of GET path, or None when nothing listens."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    except ConnectionRefusedError:
        return None
    finally:
        conn.close()


def books(port):
    got = request(port, "/books")
    check(got is not None and got[0] == 200, "GET /books: %r", got)
    try:
        return json.loads(got[1])
    except ValueError:
        raise Failure("GET /books is not JSON: %r" % got[1])


def schema_migrations(data):
    """The rows of schema_migrations, read with Python's own sqlite3."""
    path = os.path.join(data, "book_app.sqlite3")
    db = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(path),
                         uri=True)
    try:
        return db.execute("SELECT version, inserted_at FROM schema_migrations"
                          " ORDER BY version").fetchall()
    finally:
        db.close()


def rpc_migrations(ws, root, env):
    """The versions in schema_migrations, asked of the node through rpc."""
    if EXBIN_LANDED:
        p = ws.bin(root, "book_app", "rpc",
                   "BookApp.ReleaseTasks.migrations()", env=env)
    else:
        p = ws.bin(root, "book_app", "rpc", "Elixir.BookApp.ReleaseTasks",
                   "migrations", env=env)
    return [int(v) for v in re.findall(r"\d+", p.stdout)]


def node_env(ws, name, port, data, path=None):
    env = ws.node_env(unique(name), path=path, PORT=str(port),
                      BOOK_APP_DATA=data)
    env.pop("MIX_ENV", None)
    return env


def start(ws, root, env):
    """bin/book_app start; its output (the post_start hook's); the VM's pid."""
    p = ws.bin(root, "book_app", "start", env=env, timeout=180)
    pid = int(ws.bin(root, "book_app", "pid", env=env).stdout)
    ws.pids.append(pid)
    return p.stdout + p.stderr, pid


def stop(ws, root, env, pid, port):
    ws.bin(root, "book_app", "stop", env=env)
    wait_gone(pid)
    ws.forget(pid)
    check(request(port, "/health") is None,
          "something still answers on port %d after stop", port)


def check_prod_release(root):
    rel = os.path.join(root, "releases", "0.1.0")
    check(os.path.isfile(os.path.join(rel, "hooks", "post_start",
                                      "migrate.sh")),
          "the prod release has no post_start hook migrate.sh")
    check(os.path.isfile(os.path.join(rel, "commands", "seed")),
          "the prod release has no seed command")
    drivers = glob.glob(os.path.join(root, "lib", "sqlite3-*", "priv",
                                     "sqlite3_drv.so"))
    check(len(drivers) == 1, "the release has no sqlite3 driver: %s",
          sorted(os.listdir(os.path.join(root, "lib"))))
    with open(os.path.join(rel, "book_app.rel")) as f:
        dotrel = f.read()
    for app in ("book_app", "elixir", "logger", "sqlite3"):
        check(re.search(r"\{%s,\s*\"" % app, dotrel),
              "book_app.rel has no %s:\n%s", app, dotrel)
    check(re.search(r"\{iex,\s*\"[^\"]*\",\s*load\}", dotrel),
          "iex is not loaded-only in book_app.rel:\n%s", dotrel)
    if EXCORE_LANDED:
        # excore: config/runtime.exs for the boot, consolidated protocols
        check(os.path.isfile(os.path.join(rel, "runtime.exs")),
              "config/runtime.exs is not in releases/0.1.0")
        # mix 1.14 puts them in releases/VSN/consolidated
        consolidated = glob.glob(os.path.join(
            rel, "consolidated", "Elixir.Enumerable.beam")) + glob.glob(
            os.path.join(root, "lib", "book_app-0.1.0", "consolidated",
                         "Elixir.Enumerable.beam"))
        check(consolidated, "no consolidated protocols in the release")


def test(ws):
    if shutil.which("shellcheck"):
        run(["shellcheck", "-s", "sh",
             os.path.join(EXAMPLE, "rel", "hooks", "post_start",
                          "migrate.sh"),
             os.path.join(EXAMPLE, "rel", "commands", "seed.sh")])

    project = copy_project(ws)
    mix_compile(ws, project, "prod")
    run([ws.relc, "build", "--env", "prod"], cwd=project)
    root = os.path.join(project, "_build", "prod", "rel", "book_app")
    check_prod_release(root)

    # --- first start: the post_start hook migrates
    port = free_port()
    data = ws.path("book data")  # outside the release, with a blank
    env = node_env(ws, "book_app", port, data)
    p = ws.bin(root, "book_app", "help", env=env)
    check("seed" in p.stdout and "Seed the database with the sample books"
          in p.stdout, "help does not list the seed command:\n%s", p.stdout)

    out, pid = start(ws, root, env)
    check("Running migrations" in out and "failed" not in out,
          "the post_start hook did not run, or failed:\n%s", out)
    migrated = re.findall(r"== Migrated (\d+)_", out)
    check([int(v) for v in migrated] == MIGRATIONS,
          "the hook migrated %r, not every file %r in order:\n%s",
          migrated, MIGRATIONS, out)
    check(books(port) == [], "GET /books after the migration: %r",
          books(port))
    rows = schema_migrations(data)
    check([v for v, _ in rows] == MIGRATIONS,
          "schema_migrations holds %r, not %r", rows, MIGRATIONS)
    check(rpc_migrations(ws, root, env) == MIGRATIONS,
          "the node sees other migrations than %r", MIGRATIONS)
    if EXCORE_LANDED:
        if EXBIN_LANDED:
            expr = "Protocol.consolidated?(Enumerable)"
        else:
            expr = "'Elixir.Protocol':'consolidated?'('Elixir.Enumerable')"
        p = ws.bin(root, "book_app", "rpc", expr, env=env)
        check(p.stdout == "true\n",
              "the node runs unconsolidated protocols: %r", p.stdout)
    check(not glob.glob(os.path.join(root, "**", "*.sqlite3*"),
                        recursive=True),
          "a database file in the release")

    # --- the seed command: a node of its own, next to the service
    p = ws.bin(root, "book_app", "seed", env=env)
    check("Seeded 3 books" in p.stdout, "seed printed %r", p.stdout)
    check(books(port) == SEEDED, "GET /books after the seed: %r",
          books(port))
    p = ws.bin(root, "book_app", "seed", env=env)
    check("Seeded 0 books" in p.stdout, "a second seed printed %r", p.stdout)
    check(books(port) == SEEDED, "GET /books after a second seed: %r",
          books(port))
    stop(ws, root, env, pid, port)

    # --- second start, on another port: nothing migrated twice
    port = free_port()
    env = node_env(ws, "book_app_again", port, data)
    out, pid = start(ws, root, env)
    check("Running migrations" in out and "Migrations already up" in out
          and "== Migrated" not in out and "failed" not in out,
          "the second start's hook:\n%s", out)
    check(schema_migrations(data) == rows,
          "schema_migrations changed on the second start: %r, was %r",
          schema_migrations(data), rows)
    check(books(port) == SEEDED, "the books did not survive the restart: %r",
          books(port))
    stop(ws, root, env, pid, port)

    # --- the dev release: no hook, no seed command
    mix_compile(ws, project, "dev")
    run([ws.relc, "build", "--env", "dev"], cwd=project)
    dev_root = os.path.join(project, "_build", "dev", "rel", "book_app")
    check(not os.path.exists(os.path.join(dev_root, "releases", "0.1.0",
                                          "hooks")),
          "the dev release has hooks")
    erl_dir = os.path.dirname(shutil.which("erl"))
    port = free_port()
    dev_data = ws.path("dev data")
    env = node_env(ws, "book_app_dev", port, dev_data,
                   path=erl_dir + ":" + ws.no_erlang_path())
    p = ws.bin(dev_root, "book_app", "help", env=env)
    check("seed" not in p.stdout, "the dev release has a seed command:\n%s",
          p.stdout)
    out, pid = start(ws, dev_root, env)
    check("Running migrations" not in out,
          "the dev release ran the post_start hook:\n%s", out)
    got = request(port, "/books")
    check(got == (503, '{"error":"not migrated"}\n'),
          "GET /books on the dev release, never migrated: %r", got)
    stop(ws, dev_root, env, pid, port)


def main():
    require("erl", "escript", "erlc", "elixir", "mix")
    require_sqlite3()
    ws = Workspace(sys.argv[1])
    passed = False
    try:
        test(ws)
        passed = True
        pending = [name for name, landed in (("exbin", EXBIN_LANDED),
                                             ("excore", EXCORE_LANDED))
                   if not landed]
        if pending:
            print("ok, with today's stand-ins for: %s (see the docstring)"
                  % ", ".join(pending))
        else:
            print("ok")
    except Failure as e:
        print("FAIL:", e)
    finally:
        ws.cleanup(passed)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
