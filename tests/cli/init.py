#!/usr/bin/env python3
"""relc init on mix, rebar3, plain Erlang and umbrella (mix and rebar3)
projects made in temporary directories: the release's name, version and
applications, the files written with their modes, what it prints, that it
refuses to overwrite a file (writing nothing) and that --force does.

It does not build the release, so it needs no Erlang.  The YAML is read
with PyYAML when it is installed; the scripts are checked with `sh -n`,
and with shellcheck when it is on PATH.

usage: init.py RELC
"""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:  # the text checks below still run
    yaml = None

FILES = ["rel/relc.yaml", "rel/vm.args", "rel/sys.config", "rel/env.sh",
         "rel/hooks/post_start", "rel/commands/hello"]
MODES = {"rel/hooks/post_start": 0o755, "rel/commands/hello": 0o755}
FAILURES = []


def fail(what):
    FAILURES.append(what)
    print("FAIL: " + what)


def check(cond, what):
    if not cond:
        fail(what)
    return cond


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def read(root, rel):
    with open(os.path.join(root, rel)) as f:
        return f.read()


def app_src(name, vsn):
    return ('{application, %s,\n [{description, "%s"},\n  {vsn, %s},\n'
            '  {registered, []},\n  {applications, [kernel, stdlib]},\n'
            '  {env, []}]}.\n' % (name, name, vsn))


def mix_exs(module, body):
    return ("defmodule %s.MixProject do\n  use Mix.Project\n\n%s\n"
            "  def application do\n    [extra_applications: [:logger]]\n"
            "  end\n\n  defp deps do\n    [{:jason, \"~> 1.4\"}]\n  end\n"
            "end\n" % (module, body))


def relc(relc_bin, cwd, *args):
    return subprocess.run([relc_bin, "init", *args], cwd=cwd,
                          capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


def listing(root):
    out = {}
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(d, n)
            st = os.lstat(p)
            data = None
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    data = f.read()
            out[os.path.relpath(p, root)] = (st.st_mode, data)
    return out


def yaml_release(name, text):
    """The release's mapping, and the environments, from the YAML."""
    if yaml is None:
        return None, None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        fail("%s: rel/relc.yaml is not YAML: %s" % (name, e))
        return None, None
    return doc["releases"], doc.get("environments")


def check_sys_config(name, text):
    """One Erlang list once each ${...} is a placeholder: here, with only
    comments inside, the empty list."""
    live = re.sub(r"\$\{[^}]*\}", "0", text)
    live = "".join(line.split("%", 1)[0] for line in live.splitlines(True))
    check(re.sub(r"\s+", "", live) == "[].",
          "%s: rel/sys.config is not one list: %r" % (name, live))
    check("${PORT:-4000}" in text,
          "%s: rel/sys.config has no ${PORT:-4000} example" % name)


def check_scripts(name, root):
    for rel in ("rel/hooks/post_start", "rel/commands/hello"):
        lines = read(root, rel).splitlines()
        check(lines[0] == "#!/bin/sh", "%s: %s: no #!/bin/sh" % (name, rel))
        check(re.match(r"# [A-Z]", lines[1]),
              "%s: %s: the second line is no description: %r"
              % (name, rel, lines[1]))
    check(read(root, "rel/commands/hello").splitlines()[1]
          == "# Say hello from the release",
          "%s: rel/commands/hello: another description" % name)
    check("release_ctl eval 'io:format(\"hello~n\")'"
          in read(root, "rel/commands/hello"),
          "%s: rel/commands/hello does not eval hello" % name)
    env = read(root, "rel/env.sh")
    for want in ("RELEASE_NODE", "RELEASE_DISTRIBUTION", "export PORT"):
        check(want in env, "%s: rel/env.sh: no %s example" % (name, want))
    vm_args = read(root, "rel/vm.args")
    for bad in ("\n-name", "\n-sname", "\n-setcookie"):
        check(bad not in vm_args, "%s: rel/vm.args sets %s"
              % (name, bad.strip()))
    for rel in ("rel/hooks/post_start", "rel/commands/hello", "rel/env.sh"):
        p = subprocess.run(["sh", "-n", os.path.join(root, rel)],
                           capture_output=True, text=True)
        check(p.returncode == 0, "%s: sh -n %s: %s" % (name, rel, p.stderr))
        if shutil.which("shellcheck"):
            p = subprocess.run(["shellcheck", "-s", "sh",
                                os.path.join(root, rel)],
                               capture_output=True, text=True)
            check(p.returncode == 0, "%s: shellcheck %s:\n%s"
                  % (name, rel, p.stdout))


def run_project(relc_bin, name, root, release, vsn, apps, kind,
                umbrella=False, args=()):
    """relc init in root; check what it says and writes."""
    files = [f for f in FILES if not (kind == "mix" and f.endswith(
        "sys.config"))]
    p = relc(relc_bin, root, *args)
    if not check(p.returncode == 0 and not p.stderr,
                 "%s: relc init exited %d: %s" % (name, p.returncode,
                                                   p.stderr)):
        return
    what = "%s %s" % (kind, "umbrella" if umbrella else "project")
    want = ["relc: %s: release %s %s, application%s %s"
            % (what, release, vsn or "(the version of its application)",
               "s" if len(apps) > 1 else "", ", ".join(apps))]
    want += ["relc: wrote " + f for f in files]
    want.append({"mix": "relc: next: MIX_ENV=prod mix compile && relc "
                        "build --env prod",
                 "rebar3": "relc: next: rebar3 compile && relc build "
                           "--env prod",
                 "plain Erlang": "relc: next: compile the applications "
                                 "into ebin/, then relc build --env prod"}
                [kind])
    check(p.stdout.splitlines() == want,
          "%s: output differs\nwant:\n%s\ngot:\n%s"
          % (name, "\n".join(want), p.stdout))
    for f in FILES:
        path = os.path.join(root, f)
        if f not in files:
            check(not os.path.exists(path), "%s: wrote %s" % (name, f))
            continue
        if not check(os.path.isfile(path), "%s: no %s" % (name, f)):
            return
        mode = stat.S_IMODE(os.stat(path).st_mode)
        check(mode == MODES.get(f, 0o644),
              "%s: %s has mode %o" % (name, f, mode))
    text = read(root, "rel/relc.yaml")
    check("\n  %s:\n" % release in text,
          "%s: relc.yaml: no release %s" % (name, release))
    check("\n    applications:\n%s" % "".join("      - %s\n" % a
                                              for a in apps) in text,
          "%s: relc.yaml: not the applications %s" % (name, apps))
    live_vsn = release not in apps
    if live_vsn:
        check('\n    version: "%s"' % vsn in text,
              "%s: relc.yaml: no version: line" % name)
    elif vsn:
        check('\n    # version: "%s"' % vsn in text,
              "%s: relc.yaml: no commented version" % name)
    for key in ("vm_args: rel/vm.args", "env_file: rel/env.sh",
                "post_start: rel/hooks/post_start",
                "hello: rel/commands/hello"):
        check("\n    %s\n" % key in text or "\n      %s\n" % key in text,
              "%s: relc.yaml: no '%s'" % (name, key))
    check(("\n    sys_config: rel/sys.config\n" in text) == (kind != "mix"),
          "%s: relc.yaml: sys_config: as it should not be" % name)
    releases, envs = yaml_release(name, text)
    if releases is not None:
        rel = releases.get(release) or {}
        check(list(releases) == [release],
              "%s: YAML releases %s" % (name, list(releases)))
        check(rel.get("applications") == apps,
              "%s: YAML applications %s" % (name, rel.get("applications")))
        check(rel.get("version") == (vsn if live_vsn else None),
              "%s: YAML version %r" % (name, rel.get("version")))
        check(rel.get("hooks") == {"post_start": "rel/hooks/post_start"},
              "%s: YAML hooks %r" % (name, rel.get("hooks")))
        check(rel.get("commands") == {"hello": "rel/commands/hello"},
              "%s: YAML commands %r" % (name, rel.get("commands")))
        want = {"dev": {"dev_mode": True, "include_erts": False},
                "prod": {"include_erts": True}}
        check(envs == want, "%s: YAML environments %r" % (name, envs))
    if kind != "mix":
        check_sys_config(name, read(root, "rel/sys.config"))
    check_scripts(name, root)
    print("ok: %s: release %s %s, %s" % (name, release, vsn, " ".join(apps)))


def check_no_overwrite(relc_bin, root):
    """Nothing is written when a file exists; --force overwrites."""
    write(root, "rel/vm.args", "+K true\n")
    os.unlink(os.path.join(root, "rel/relc.yaml"))
    before = listing(root)
    p = relc(relc_bin, root)
    check(p.returncode == 1, "overwrite: exit %d, not 1" % p.returncode)
    check(p.stderr == "relc: rel/vm.args exists (use --force to "
                      "overwrite)\n",
          "overwrite: stderr: %r" % p.stderr)
    check(not p.stdout, "overwrite: stdout: %r" % p.stdout)
    check(listing(root) == before, "overwrite: the tree changed")
    p = relc(relc_bin, root, "--force")
    check(p.returncode == 0, "--force: exit %d: %s" % (p.returncode,
                                                       p.stderr))
    check("relc: wrote rel/vm.args\n" in p.stdout,
          "--force: output: %r" % p.stdout)
    check(read(root, "rel/vm.args") != "+K true\n",
          "--force: rel/vm.args not overwritten")
    check(os.path.isfile(os.path.join(root, "rel/relc.yaml")),
          "--force: no rel/relc.yaml")
    print("ok: refuses to overwrite, --force overwrites")


def main():
    relc_bin = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="relc-init-")
    try:
        # rebar3, with a relx release of another name (the app wins)
        root = os.path.join(tmp, "counter")
        write(root, "rebar.config",
              "{erl_opts, [debug_info]}.\n"
              "{relx, [{release, {counter_rel, \"9.0.0\"}, [counter]}]}.\n")
        write(root, "src/counter.app.src", app_src("counter", '"0.3.0"'))
        run_project(relc_bin, "rebar3", root, "counter", "0.3.0",
                    ["counter"], "rebar3")
        check_no_overwrite(relc_bin, root)

        # rebar3 with vsn git: the compiled .app's version
        root = os.path.join(tmp, "gitvsn")
        write(root, "rebar.config", "{erl_opts, []}.\n")
        write(root, "src/gv.app.src", app_src("gv", "git"))
        write(root, "_build/default/lib/gv/ebin/gv.app",
              app_src("gv", '"1.4.0+build.7"'))
        run_project(relc_bin, "rebar3 vsn git", root, "gv",
                    "1.4.0+build.7", ["gv"], "rebar3")

        # mix, version from a module attribute
        root = os.path.join(tmp, "book_app")
        write(root, "mix.exs", mix_exs(
            "BookApp", '  @version "0.2.0"\n\n  def project do\n'
            '    [\n      app: :book_app,\n      version: @version,\n'
            '      elixir: "~> 1.14",\n      deps: deps()\n    ]\n'
            '  end\n'))
        run_project(relc_bin, "mix", root, "book_app", "0.2.0",
                    ["book_app"], "mix")

        # mix, version unknown (computed) and not compiled; --release
        root = os.path.join(tmp, "computed")
        write(root, "mix.exs", mix_exs(
            "Computed", '  def project do\n    [app: :computed, '
            'version: version(), deps: deps()]\n  end\n\n'
            '  defp version, do: "1.0.0"\n'))
        run_project(relc_bin, "mix --release", root, "svc", "0.1.0",
                    ["computed"], "mix", args=("--release", "svc"))

        # mix, app: @app (an attribute holding an atom)
        root = os.path.join(tmp, "attr_app")
        write(root, "mix.exs", mix_exs(
            "AttrApp", '  @app :attr_app\n  @version "3.1.0"\n\n'
            '  def project do\n    [app: @app, version: @version]\n'
            '  end\n'))
        run_project(relc_bin, "mix @app", root, "attr_app", "3.1.0",
                    ["attr_app"], "mix")

        # mix, app: computed: the directory's name, once compiled
        root = os.path.join(tmp, "late_app")
        write(root, "mix.exs", mix_exs(
            "LateApp", '  def project do\n    [app: name(), '
            'version: "0.9.0"]\n  end\n\n'
            '  defp name, do: :late_app\n'))
        write(root, "_build/prod/lib/late_app/ebin/late_app.app",
              app_src("late_app", '"0.9.0"'))
        run_project(relc_bin, "mix computed app", root, "late_app", "0.9.0",
                    ["late_app"], "mix")

        # plain Erlang: ebin/NAME.app
        root = os.path.join(tmp, "hello")
        write(root, "ebin/hello.app", app_src("hello", '"0.1.0"'))
        write(root, "ebin/hello.appup", '{"0.1.0", [], []}.\n')
        run_project(relc_bin, "plain", root, "hello", "0.1.0", ["hello"],
                    "plain Erlang")

        # plain Erlang: src/NAME.app.src only
        root = os.path.join(tmp, "plain_src")
        write(root, "src/ps.app.src", app_src("ps", '"2.0.0"'))
        run_project(relc_bin, "plain src", root, "ps", "2.0.0", ["ps"],
                    "plain Erlang")

        # mix umbrella: named after the directory, the root's version
        root = os.path.join(tmp, "Shop-Umbrella")
        write(root, "mix.exs", mix_exs(
            "Shop.Umbrella", '  def project do\n    [apps_path: "apps",'
            ' version: "1.1.0", start_permanent: Mix.env() == :prod,'
            ' deps: deps()]\n  end\n'))
        for app in ("shop_web", "shop"):
            write(root, "apps/%s/mix.exs" % app, mix_exs(
                "X", '  def project do\n    [app: :%s, version: "0.1.0",'
                ' build_path: "../../_build", deps: deps()]\n  end\n'
                % app))
        write(root, "apps/README.md", "the apps\n")
        run_project(relc_bin, "mix umbrella", root, "shop_umbrella",
                    "1.1.0", ["shop", "shop_web"], "mix", umbrella=True)

        # rebar3 umbrella: the relx release's name and version
        root = os.path.join(tmp, "r3umbrella")
        write(root, "rebar.config",
              "{relx, [{release, {store, \"2.0.0\"}, [web, db]}]}.\n")
        write(root, "apps/web/src/web.app.src", app_src("web", '"0.1.0"'))
        write(root, "apps/db/src/db.app.src", app_src("db", '"0.2.0"'))
        run_project(relc_bin, "rebar3 umbrella", root, "store", "2.0.0",
                    ["db", "web"], "rebar3", umbrella=True)

        # rebar3 umbrella without relx: the directory's name, 0.1.0
        root = os.path.join(tmp, "2048")
        write(root, "rebar.config", "{erl_opts, []}.\n")
        write(root, "apps/game/src/game.app.src", app_src("game", '"0.1.0"'))
        run_project(relc_bin, "rebar3 umbrella, no relx", root, "rel_2048",
                    "0.1.0", ["game"], "rebar3", umbrella=True)
    finally:
        shutil.rmtree(tmp)
    if FAILURES:
        sys.exit("%d failures" % len(FAILURES))


if __name__ == "__main__":
    main()
