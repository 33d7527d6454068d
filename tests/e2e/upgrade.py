#!/usr/bin/env python3
"""A hot upgrade of a running node and back, on examples/upgrade: depot 1
built and archived, its tarball unpacked elsewhere and started, its state
changed through rpc; the project switched to depot 2's sources and built
with --upfrom 1; `bin/depot upgrade TARBALL` on the running node: the same
OS process, the state converted, the new code answering (depot_names
too, whose appup relc generated), the new supervisor child and the new
application running, the old module gone, sys.config's ${DEPOT_LABEL}
rendered,
`releases` listing 2 permanent and 1 old, the upgrade hooks run (the
permanent release still 1 when pre_upgrade ran); `downgrade 1`: version 1's
code and state back; stop and start: 1 runs.  A release 4 whose
code_change/3 raises: one line, and the node restarted on 1 (same OS
process).  A release 5 whose relup restarts the emulator: refused.
`upgrade 2` (already unpacked) and a restart: 2 runs.  Then
what fails and leaves the node running 2: installing a release that is
not unpacked, a failing pre_upgrade hook, a release 3 built --upfrom 1
(its unpack keeps RELEASES, start_erl.data and bin/depot; its install
fails in one line, the advice both ways); the bin/depot of another
release directory refused by permanent and remove.  3 built --upfrom 2,
upgraded to from its tarball: the 3 unpacked and never installed is
removed and unpacked again, in one line; install 1 on 3 fails with the
advice both ways; downgrade 2.  The single steps: install 1, permanent 1,
remove."""
import hashlib
import os
import shutil
import tarfile

from relc_e2e import TOP, check, main, run, unique

EXAMPLE = os.path.join(TOP, "examples", "upgrade")


def compile_project(ws, project):
    env = dict(os.environ, HOME=ws.path("home"))
    os.makedirs(env["HOME"], exist_ok=True)
    run(["rebar3", "compile"], cwd=project, env=env)


def switch_sources(project, version):
    """The project's sources become examples/upgrade/VERSION's; _build/prod
    (the releases and tarballs) stays, rebar3's output goes (no BEAM of a
    removed module left behind)."""
    for entry in os.listdir(project):
        if entry != "_build":
            path = os.path.join(project, entry)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
    shutil.rmtree(os.path.join(project, "_build", "default"),
                  ignore_errors=True)
    src = os.path.join(EXAMPLE, version)
    for entry in os.listdir(src):
        if entry == "_build":
            continue
        path = os.path.join(src, entry)
        if os.path.isdir(path):
            shutil.copytree(path, os.path.join(project, entry))
        else:
            shutil.copy2(path, os.path.join(project, entry))


def set_version(project, old, new):
    config = os.path.join(project, "rel", "relc.yaml")
    with open(config) as f:
        text = f.read()
    check('version: "%s"' % old in text, "%s does not say version %s",
          config, old)
    with open(config, "w") as f:
        f.write(text.replace('version: "%s"' % old, 'version: "%s"' % new))


def build_upgrade(ws, project, vsn, upfrom):
    """relc build and relc archive of release VSN with its relup from
    release UPFROM; the tarball's path."""
    run([ws.relc, "build", "--upfrom", upfrom], cwd=project)
    run([ws.relc, "archive", "--upfrom", upfrom], cwd=project)
    return tarball(project, vsn)


def tarball(project, vsn):
    path = os.path.join(project, "_build", "prod", "depot-%s.tar.gz" % vsn)
    check(os.path.isfile(path), "no tarball %s", path)
    return path


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read(path):
    with open(path) as f:
        return f.read()


class Node:
    """bin/depot of the release at root, run with one node's environment."""

    def __init__(self, ws, root, env):
        self.ws, self.root, self.env = ws, root, env

    def __call__(self, *args, ok=True):
        return self.ws.bin(self.root, "depot", *args, env=self.env, ok=ok)

    def rpc(self, *args):
        return self("rpc", *args).stdout

    def pid(self):
        return int(self("pid").stdout)

    def state(self):
        """What the node runs, as the test checks it."""
        return {
            "version": self.rpc("depot_server", "version"),
            "state": self.rpc("sys:get_state(depot_server)"),
            "report": self.rpc("depot_server", "report"),
            "children": self.rpc(
                "lists:sort([Id || {Id, P, _, _} <- "
                "supervisor:which_children(depot_sup), is_pid(P)])"),
            "apps": self.rpc("lists:sort([A || {A, _, _} <- "
                             "application:which_applications()])"),
            "loaded": self.rpc(
                "[M || M <- [depot_fmt, depot_text, depot_audit, "
                "depot_metrics, depot_names_singular], "
                "code:is_loaded(M) =/= false]"),
            # depot_names, changed with no appup of its own: relc's
            "names": self.rpc("depot_names", "normalize", "'Apples'"),
            # sys.config's ${DEPOT_LABEL}, rendered for the upgrade too
            "label": self.rpc("application:get_env(depot, label)."),
        }


V1_APPS = "[depot,depot_names,kernel,sasl,stdlib]\n"
V2_APPS = "[depot,depot_metrics,depot_names,kernel,sasl,stdlib]\n"


def check_state(node, want, when):
    got = node.state()
    for key, value in want.items():
        check(got[key] == value, "%s: %s is %r, not %r\n(all: %r)", when,
              key, got[key], value, got)


def check_releases(node, want, when):
    got = node("releases").stdout
    check(got == want, "%s: releases printed %r, not %r", when, got, want)


def check_one_line_failure(p, what, *words):
    check(p.returncode == 1, "%s exited %d, not 1:\n%s%s", what,
          p.returncode, p.stdout, p.stderr)
    lines = p.stderr.splitlines()
    check(len(lines) == 1 and lines[0].startswith("depot: "),
          "%s did not fail in one line:\n%s", what, p.stderr)
    for word in words:
        check(word in lines[0], "%s: %r is not in %r", what, word, lines[0])


def test(ws):
    if shutil.which("shellcheck"):
        run(["shellcheck", "-s", "sh"] +
            [os.path.join(EXAMPLE, v, "rel", "hooks", h)
             for v in ("v1", "v2") for h in ("pre_upgrade", "post_upgrade")])

    # --- depot 1: built, archived, unpacked elsewhere, started
    project = ws.path("depot")
    os.makedirs(project)
    switch_sources(project, "v1")
    compile_project(ws, project)
    run([ws.relc, "build"], cwd=project)
    run([ws.relc, "archive"], cwd=project)
    if shutil.which("shellcheck"):
        run(["shellcheck", "-s", "sh", os.path.join(
            project, "_build", "prod", "rel", "depot", "bin", "depot")])
    root = ws.path("deploy", "depot")
    os.makedirs(root)
    with tarfile.open(tarball(project, "1")) as tar:
        tar.extractall(root)
    start_erl = os.path.join(root, "releases", "start_erl.data")
    erts = read(start_erl).split()[0]
    check(read(start_erl).split() == [erts, "1"], "start_erl.data: %r",
          read(start_erl))
    log = os.path.join(root, "log", "upgrades.log")

    node = Node(ws, root, ws.node_env(unique("depot"),
                                      DEPOT_LABEL="main depot"))
    node("start")
    pid = node.pid()
    ws.pids.append(pid)
    check(node.rpc("depot_server", "add", "apples", "3") == "3\n", "add")
    check(node.rpc("depot_server", "add", "pears", "5") == "5\n", "add")
    v1_state = {"version": "1\n", "children": "[depot_server]\n",
                "apps": V1_APPS, "loaded": "[depot_fmt]\n",
                "names": "apples\n", "label": '{ok,"main depot"}\n'}
    check_state(node, dict(v1_state, state="[{apples,3},{pears,5}]\n",
                           report='"apples: 3\\npears: 5\\n"\n'), "depot 1")
    check_releases(node, "1 permanent (running)\n", "depot 1")

    # --- depot 2, built with --upfrom 1
    switch_sources(project, "v2")
    compile_project(ws, project)
    v2_tar = build_upgrade(ws, project, "2", "1")
    with tarfile.open(v2_tar) as tar:
        names = tar.getnames()
    for member in ("releases/2/relup", "lib/depot-2.0.0/ebin/depot.appup",
                   "lib/depot_names-1.1.0/ebin/depot_names.appup"):
        check(member in names, "the tarball of 2 has no %s", member)
    v2_sum = sha(v2_tar)
    bin_sum = sha(os.path.join(root, "bin", "depot"))

    # --- upgrade from the tarball's path, on the running node
    p = node("upgrade", v2_tar)
    check(p.stdout == "depot upgraded from 1 to 2 (permanent)\n",
          "upgrade printed %r", p.stdout)
    check(node.pid() == pid, "the upgrade changed the node's OS process")
    v2_state = {"version": "2\n", "children": "[depot_audit,depot_server]\n",
                "apps": V2_APPS,
                "loaded": "[depot_text,depot_audit,depot_metrics,"
                          "depot_names_singular]\n",
                "names": "apple\n", "label": '{ok,"main depot"}\n'}
    check_state(node, dict(v2_state,
                           state="{state,#{apples => 3,pears => 5},0}\n",
                           report='"3 x apples\\n5 x pears\\n"\n'),
                "after the upgrade")
    check(node.rpc("depot_server", "add", "figs", "7") == "7\n", "add")
    check(node.rpc("depot_server", "adds") == "1\n", "adds")
    check(node.rpc("depot_audit", "notes") == "[{add,figs,7}]\n",
          "the audit child does not note the adds")
    check(node.rpc("depot_metrics", "get", "adds") == "1\n",
          "the new application does not count the adds")
    check_releases(node, "2 permanent (running)\n1 old\n", "after upgrade")
    # bin/depot run by the node (as heart runs HEART_COMMAND), with the
    # RELEASE_VSN it got when it started: the permanent release
    got = node.rpc('os:cmd("bin/depot version").')
    check(got == '"depot 2\\n"\n', "bin/depot run by the node says %r", got)
    check(read(start_erl).split() == [erts, "2"], "start_erl.data: %r",
          read(start_erl))
    check(sha(v2_tar) == v2_sum, "the upgrade changed the tarball it got")
    check(sha(os.path.join(root, "bin", "depot")) == bin_sum,
          "the unpack replaced bin/depot")
    check(read(log) == "pre_upgrade 1 -> 2 (hooks of 2; start_erl.data: "
          "%s 1)\npost_upgrade 1 -> 2: depot_server version 2\n" % erts,
          "the upgrade hooks wrote %r", read(log))

    # --- downgrade to 1: version 1's code, the state converted back
    p = node("downgrade", "1")
    check(p.stdout == "depot downgraded from 2 to 1 (permanent)\n",
          "downgrade printed %r", p.stdout)
    check(node.pid() == pid, "the downgrade changed the node's OS process")
    check_state(node, dict(v1_state,
                           state="[{apples,3},{figs,7},{pears,5}]\n",
                           report='"apples: 3\\nfigs: 7\\npears: 5\\n"\n'),
                "after the downgrade")
    check_releases(node, "2 old\n1 permanent (running)\n", "after downgrade")
    check(read(start_erl).split() == [erts, "1"], "start_erl.data: %r",
          read(start_erl))
    check(read(log).endswith(
        "pre_upgrade 2 -> 1 (hooks of 1; start_erl.data: %s 2)\n"
        "post_upgrade 2 -> 1: depot_server version 1\n" % erts),
        "the downgrade hooks wrote %r", read(log))

    # --- stop and start: 1 is permanent
    node("stop")
    ws.forget(pid)
    node("start")
    pid = node.pid()
    ws.pids.append(pid)
    check(node("version").stdout == "depot 1\n", "version after restart")
    check_state(node, dict(v1_state, state="[]\n", report='[]\n'),
                "restarted after the downgrade")

    # --- a relup that fails past its point of no return: release 4, a
    # depot 2.0.1 whose code_change/3 raises; release_handler restarts the
    # node's applications on release 1 (same OS process, state lost)
    node.rpc("depot_server", "add", "kiwis", "4")
    crash = ws.path("depot-crash")
    shutil.copytree(project, crash, symlinks=True)
    for path, old, new in (
            (("apps", "depot", "src", "depot_server.erl"),
             "    {ok, #state{items = maps:from_list(Stock)}};",
             "    error({cannot_convert, Stock});"),
            (("apps", "depot", "src", "depot.app.src"),
             '{vsn, "2.0.0"}', '{vsn, "2.0.1"}'),
            (("apps", "depot", "ebin", "depot.appup"),
             '{"2.0.0",', '{"2.0.1",')):
        path = os.path.join(crash, *path)
        text = read(path)
        check(old in text, "%s does not have %r", path, old)
        with open(path, "w") as f:
            f.write(text.replace(old, new))
    compile_project(ws, crash)
    set_version(crash, "2", "4")
    v4_tar = build_upgrade(ws, crash, "4", "1")
    p = node("upgrade", v4_tar, ok=False)
    check_one_line_failure(p, "upgrade 4 (code_change raises)",
                           "cannot install release 4",
                           "{cannot_convert,[{kiwis,4}]}",
                           "restarted on release 1")
    check(node.pid() == pid, "the failed upgrade changed the OS process")
    check_state(node, dict(v1_state, state="[]\n", report='[]\n'),
                "after the failed upgrade to 4")
    check_releases(node, "4 unpacked\n2 old\n1 permanent (running)\n",
                   "after the failed upgrade to 4")
    check(node("remove", "4").stdout == "depot 4 removed\n", "remove 4")
    check(not os.path.exists(os.path.join(root, "lib", "depot-2.0.1")),
          "remove 4 left lib/depot-2.0.1")

    # --- a relup that restarts the emulator (an appup's restart_emulator):
    # refused before anything changes (release_handler would have heart
    # run OTP's bin/start, which a relc release has not)
    restart = ws.path("depot-restart")
    shutil.copytree(project, restart, symlinks=True)
    ebin = os.path.join(restart, "apps", "depot_names", "ebin")
    os.makedirs(ebin)
    with open(os.path.join(ebin, "depot_names.appup"), "w") as f:
        f.write('{"1.1.0", [{"1.0.0", [restart_emulator]}],\n'
                ' [{"1.0.0", [restart_emulator]}]}.\n')
    compile_project(ws, restart)
    set_version(restart, "2", "5")
    v5_tar = build_upgrade(ws, restart, "5", "1")
    releases_before = read(os.path.join(root, "releases", "RELEASES"))
    p = node("upgrade", v5_tar, ok=False)
    check_one_line_failure(p, "upgrade 5 (restart_emulator)",
                           "cannot install release 5",
                           "restarts the emulator", "bin/start")
    check(node.pid() == pid, "the refused upgrade changed the OS process")
    check_releases(node, "5 unpacked\n2 old\n1 permanent (running)\n",
                   "after the refused upgrade to 5")
    check("__new_emulator__" not in read(os.path.join(root, "releases",
                                                      "RELEASES")),
          "the refused upgrade to 5 left RELEASES:\n%s\nbefore:\n%s",
          read(os.path.join(root, "releases", "RELEASES")), releases_before)
    check(node("remove", "5").stdout == "depot 5 removed\n", "remove 5")

    # --- upgrade 2 again: already unpacked; then a restart runs 2
    p = node("upgrade", "2")
    check(p.stdout == "depot upgraded from 1 to 2 (permanent)\n",
          "upgrade 2 printed %r", p.stdout)
    check(node.pid() == pid, "upgrade 2 changed the node's OS process")
    check_state(node, dict(v2_state, state="{state,#{},0}\n",
                           report='[]\n'), "upgraded again")
    node("stop")
    ws.forget(pid)
    node("start")
    pid = node.pid()
    ws.pids.append(pid)
    check(node("version").stdout == "depot 2\n", "version after restart")
    check_state(node, dict(v2_state, state="{state,#{},0}\n", report='[]\n'),
                "restarted after the upgrade")
    check_releases(node, "2 permanent (running)\n1 old\n", "restarted on 2")
    node.rpc("depot_server", "add", "plums", "2")

    # --- what fails, and leaves the node running 2
    p = node("install", "3", ok=False)
    check_one_line_failure(p, "install 3 (not unpacked)",
                           "cannot install release 3", "unpack")
    p = node("downgrade", "7", ok=False)
    check_one_line_failure(p, "downgrade 7", "no release 7")
    p = node("upgrade", "2", ok=False)
    check_one_line_failure(p, "upgrade 2 on 2", "already runs release 2")
    # the bin/depot of another release directory (the build's): permanent
    # and remove are refused as upgrade, unpack and install are
    other = Node(ws, os.path.join(project, "_build", "prod", "rel", "depot"),
                 node.env)
    for args in (("permanent", "1"), ("remove", "1")):
        p = other(*args, ok=False)
        check_one_line_failure(p, "%s from another release's bin/depot" %
                               " ".join(args), "runs the release in %s," %
                               root, "use %s/bin/depot" % root)
    check_releases(node, "2 permanent (running)\n1 old\n",
                   "after permanent and remove from another directory")

    # release 3 from 1: unpacked next to the running release, which keeps
    # its RELEASES, start_erl.data and bin/depot; then not installable
    set_version(project, "2", "3")
    v3_tar = build_upgrade(ws, project, "3", "1")
    releases_file = os.path.join(root, "releases", "RELEASES")
    before = read(releases_file)
    p = node("unpack", v3_tar)
    check(p.stdout == "depot 3 unpacked\n", "unpack printed %r", p.stdout)
    check(read(start_erl).split() == [erts, "2"],
          "the unpack of 3 changed start_erl.data: %r", read(start_erl))
    after = read(releases_file)
    for vsn, status in (("1", "old"), ("2", "permanent"), ("3", "unpacked")):
        check('"%s","%s"' % (vsn, erts) in after and status in after,
              "RELEASES after the unpack of 3 lacks %s (%s):\n%s\nbefore:\n%s",
              vsn, status, after, before)
    check(sha(os.path.join(root, "bin", "depot")) == bin_sum,
          "the unpack of 3 replaced bin/depot")
    check_releases(node, "3 unpacked\n2 permanent (running)\n1 old\n",
                   "3 unpacked")
    # a pre_upgrade hook that fails stops the upgrade before the install
    refuse = os.path.join(root, "releases", "3", "hooks", "pre_upgrade",
                          "0-refuse")
    with open(refuse, "w") as f:
        f.write("#!/bin/sh\necho \"no upgrade to $RELEASE_UPGRADE_TO\" >&2"
                "\nexit 3\n")
    os.chmod(refuse, 0o755)
    p = node("upgrade", "3", ok=False)
    check(p.returncode == 1 and p.stderr == "no upgrade to 3\ndepot: "
          "pre_upgrade hook 0-refuse failed (exit 3)\n",
          "upgrade 3 with a failing pre_upgrade hook: %d\n%s",
          p.returncode, p.stderr)
    os.remove(refuse)
    log_before = read(log)
    p = node("install", "3", ok=False)
    check_one_line_failure(p, "install 3 (relup from 1)",
                           "cannot install release 3: release 3's relup has "
                           "no upgrade from 2, and 2's relup no downgrade to "
                           "3: build the newer of the two with --upfrom the "
                           "older (release_handler: ")
    p = node("upgrade", "3", ok=False)
    check_one_line_failure(p, "upgrade 3 (relup from 1)",
                           "cannot install release 3", "from 2")
    check(read(log) == log_before + "pre_upgrade 2 -> 3 (hooks of 3; "
          "start_erl.data: %s 2)\n" % erts,
          "the failed upgrade to 3 ran the hooks %r",
          read(log)[len(log_before):])
    check(node.pid() == pid, "the failed install changed the OS process")
    check_state(node, dict(v2_state, state="{state,#{plums => 2},1}\n",
                           report='"2 x plums\\n"\n'),
                "after the failed install")
    check_releases(node, "3 unpacked\n2 permanent (running)\n1 old\n",
                   "after the failed install")
    check(read(start_erl).split() == [erts, "2"], "start_erl.data: %r",
          read(start_erl))

    # --- 3 again, from a tarball that installs (built --upfrom 2): the 3
    # unpacked and never installed is removed, the tarball unpacked again
    v3_tar = build_upgrade(ws, project, "3", "2")
    p = node("upgrade", v3_tar)
    check(p.stdout == "depot upgraded from 2 to 3 (permanent)\n" and
          p.stderr == "depot: release 3 was unpacked on node %s but never "
          "installed: removed, to unpack %s again\n"
          % (node.env["RELEASE_NODE"], v3_tar),
          "upgrade to the 3 built --upfrom 2:\n%s%s", p.stdout, p.stderr)
    check(node.pid() == pid, "the upgrade to 3 changed the OS process")
    check_releases(node, "3 permanent (running)\n2 old\n1 old\n",
                   "upgraded to 3")
    # release_handler cannot tell a downgrade: the advice is both ways
    p = node("install", "1", ok=False)
    check_one_line_failure(p, "install 1 on 3", "cannot install release 1: "
                           "release 1's relup has no upgrade from 3, and 3's "
                           "relup no downgrade to 1: build the newer of the "
                           "two with --upfrom the older (release_handler: ")
    p = node("downgrade", "2")
    check(p.stdout == "depot downgraded from 3 to 2 (permanent)\n",
          "downgrade 2 printed %r", p.stdout)
    check(node.pid() == pid, "the downgrade to 2 changed the OS process")
    check_releases(node, "3 old\n2 permanent (running)\n1 old\n",
                   "downgraded to 2")

    # --- the single steps: install 1 (not permanent), then permanent 1
    p = node("install", "1")
    check(p.stdout == "depot 1 installed (was 2); not permanent: "
          "bin/depot permanent 1 keeps it\n", "install 1 printed %r", p.stdout)
    check(node.pid() == pid, "install 1 changed the OS process")
    check_state(node, dict(v1_state, state="[{plums,2}]\n",
                           report='"plums: 2\\n"\n'), "after install 1")
    check_releases(node, "3 old\n2 permanent\n1 current (running)\n",
                   "after install 1")
    check(read(start_erl).split() == [erts, "2"], "start_erl.data: %r",
          read(start_erl))
    check(node("permanent", "1").stdout == "depot 1 is permanent\n",
          "permanent 1")
    check_releases(node, "3 old\n2 old\n1 permanent (running)\n",
                   "after permanent 1")
    check(read(start_erl).split() == [erts, "1"], "start_erl.data: %r",
          read(start_erl))

    # --- remove: 3, then 2 (its own applications go); not 1, permanent
    check(node("remove", "3").stdout == "depot 3 removed\n", "remove 3")
    check(node("remove", "2").stdout == "depot 2 removed\n", "remove 2")
    for app in ("depot-2.0.0", "depot_metrics-1.0.0", "depot_names-1.1.0"):
        check(not os.path.exists(os.path.join(root, "lib", app)),
              "remove 2 left lib/%s", app)
    for app in ("depot-1.0.0", "depot_names-1.0.0"):
        check(os.path.isdir(os.path.join(root, "lib", app)),
              "remove 2 removed lib/%s", app)
    p = node("remove", "1", ok=False)
    check_one_line_failure(p, "remove 1 (permanent)", "permanent")
    check_releases(node, "1 permanent (running)\n", "after remove")
    check(node.rpc("depot_server", "version") == "1\n", "version at the end")
    node("stop")
    ws.forget(pid)


if __name__ == "__main__":
    main(test)
