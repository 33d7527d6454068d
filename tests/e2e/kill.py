#!/usr/bin/env python3
"""relc build and relc archive killed with SIGKILL at random moments.

A release of a compiled project (examples/hello) and some thirty OTP
applications.  Each trial makes a change (a new release version, a
recompiled module, another sys.config, strip_beams toggled so that every
BEAM file is copied again, wx added or removed), starts `relc build` or
`relc archive` (they alternate) and kills it after a random delay drawn
over the duration of an uninterrupted run of the same kind (measured
first; some very early, some very late).  After each kill:

  - the release directory holds exactly the previous release or the new
    one (every path, type, mode, and file contents' sha256), besides what
    an operator put there, which is always there: the log/ and tmp/ of a
    node that runs from the release through all the trials, a file of
    ours in log/, and (from half-way on) releases/COOKIE;
  - every archive is the previous one or the new one, byte for byte;
  - then the same command, not killed, completes: the release is the new
    one, its archive opens with tarfile and lists the release, and
    nothing is left over (no .relc-* next to the release, no
    *.relc-tmp-* next to the archive).

The node started before the first rebuild, without RELEASE_COOKIE (so that
bin/hello made tmp/COOKIE), answers ping after the first rebuild and after
the kills, and stops at the end, its log still in log/.  A second node is
booted (start, ping, stop) after the first kill, every tenth trial, and at
the end.

RELC_KILL_TRIALS sets the number of trials (default 30), RELC_KILL_SEED
the random seed (printed).
"""
import hashlib
import os
import random
import signal
import stat
import subprocess
import sys
import tarfile
import time

from relc_e2e import Failure, check, compile_hello, main, run, unique

OTP_APPS = ["runtime_tools", "megaco", "snmp", "diameter", "ssh", "ssl",
            "inets", "common_test", "mnesia", "compiler", "syntax_tools",
            "tools", "debugger", "observer", "et", "reltool", "eunit",
            "edoc", "dialyzer", "asn1", "eldap", "ftp", "tftp", "os_mon",
            "parsetools", "xmerl"]
# added and removed by the "app" change: big enough to take copying
TOGGLED_APP = "wx"

CONFIG = """releases:
  hello:
    version: %(vsn)s
    strip_beams: %(strip)s
    applications:
%(apps)s
"""

KINDS = ["version", "module", "sys.config", "strip", "app"]
COMMANDS = ["build", "archive"]
ARCHIVE_OPTS = ["--level", "1"]  # the archive's speed, not its validity

WARN_WAIT = "another relc is building in"

# ---- listings ---------------------------------------------------------------

_sha_cache = {}


def file_sha256(path, st):
    """sha256 of a file's contents, cached by inode, size and mtime (so
    that hard links made by relc are hashed once)."""
    key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    digest = _sha_cache.get(key)
    if digest is None:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        digest = h.hexdigest()
        _sha_cache[key] = digest
    return digest


def kind_of(mode):
    for test, letter in ((stat.S_ISDIR, "d"), (stat.S_ISREG, "f"),
                         (stat.S_ISLNK, "l"), (stat.S_ISFIFO, "p"),
                         (stat.S_ISSOCK, "s")):
        if test(mode):
            return letter
    return "?"


def listing(root, skip=lambda rel: False):
    """{relative path: (type, permissions, sha256 | link target | None)}
    of everything under root, but what skip(rel) says to leave out."""
    out = {}

    def walk(rel):
        path = os.path.join(root, rel) if rel else root
        for name in sorted(os.listdir(path)):
            child = rel + "/" + name if rel else name
            if skip(child):
                continue
            full = os.path.join(root, child)
            st = os.lstat(full)
            t = kind_of(st.st_mode)
            if t == "f":
                content = file_sha256(full, st)
            elif t == "l":
                content = os.readlink(full)
            else:
                content = None
            out[child] = (t, stat.S_IMODE(st.st_mode), content)
            if t == "d":
                walk(child)

    walk("")
    return out


def describe_diff(a, b, limit=12):
    """What differs between listings a and b, for a message."""
    lines = []
    for path in sorted(set(a) | set(b)):
        if a.get(path) != b.get(path):
            lines.append("  %s: %s / %s" % (path, a.get(path, "missing"),
                                           b.get(path, "missing")))
    more = len(lines) - limit
    return "\n".join(lines[:limit] + (["  ... %d more" % more]
                                      if more > 0 else []))


def operator_path(rel):
    """What relc does not make: the node's tmp/ and log/, releases/COOKIE
    (checked on their own: always there)."""
    return (rel in ("tmp", "log", "releases/COOKIE")
            or rel.startswith("tmp/") or rel.startswith("log/"))


# A run killed after its swap and before it moved the last of what it
# carried over leaves this journal in the release; the next run finishes
# the moves and removes it.  It is a leftover of the kill, not part of a
# release (checked apart: gone after the next run).
JOURNAL = ".relc/carried"


def release_listing(root):
    return listing(root, lambda rel: operator_path(rel) or rel == JOURNAL)


def sha256_file(path):
    return file_sha256(path, os.stat(path))


def verify_archive(path, tree, vsn):
    """The archive at path opens, and lists the release `tree` (a
    listing) as relc archives it: every path but .relc/, the .rel file
    twice more at the top of releases/, modes normalized."""
    expected = {}
    for rel, (t, mode, content) in tree.items():
        if rel == ".relc" or rel.startswith(".relc/"):
            continue
        if t == "f":
            expected[rel] = ("f", 0o755 if mode & 0o111 else 0o644, content)
        elif t == "d":
            expected[rel] = ("d", 0o755, None)
        else:
            expected[rel] = (t, mode, content)
    rel_file = tree.get("releases/%s/hello.rel" % vsn)
    check(rel_file is not None, "the release has no releases/%s/hello.rel",
          vsn)
    for alias in ("releases/hello.rel", "releases/hello-%s.rel" % vsn):
        expected[alias] = ("f", 0o644, rel_file[2])
    got = {}
    try:
        with tarfile.open(path, "r:gz") as t:
            for m in t:
                name = m.name.rstrip("/")
                check(name not in got, "%s holds %s twice", path, name)
                if m.isdir():
                    got[name] = ("d", m.mode, None)
                elif m.isreg():
                    h = hashlib.sha256()
                    f = t.extractfile(m)
                    for block in iter(lambda: f.read(1 << 20), b""):
                        h.update(block)
                    got[name] = ("f", m.mode, h.hexdigest())
                elif m.issym():
                    got[name] = ("l", m.mode, m.linkname)
                else:
                    got[name] = ("?", m.mode, None)
    except (tarfile.TarError, OSError, EOFError) as e:
        raise Failure("%s is not a valid archive: %s" % (path, e))
    check(got == expected, "%s does not hold the release:\n%s", path,
          describe_diff(got, expected))


# ---- the project ------------------------------------------------------------

class Project:
    """examples/hello and what the trials change in it."""

    def __init__(self, ws):
        self.ws = ws
        self.dir = compile_hello(ws)
        self.rels = os.path.join(self.dir, "_build", "prod", "rel")
        self.root = os.path.join(self.rels, "hello")
        self.archive_dir = os.path.join(self.dir, "_build", "prod")
        self.minor = 0
        self.strip = True
        self.with_app = True
        self.generation = 0     # of hello_server.beam
        self.sys_generation = 0  # of config/sys.config
        self.ebin = os.path.join(self.dir, "_build", "default", "lib",
                                 "hello", "ebin")
        self.server_src = os.path.join(self.dir, "apps", "hello", "src",
                                       "hello_server.erl")
        with open(self.server_src) as f:
            self.server_text = f.read()
        os.makedirs(os.path.join(self.dir, "config"))
        self.write_config()
        self.write_sys_config()

    @property
    def vsn(self):
        return "1.0.%d" % self.minor

    def write_config(self):
        apps = ["hello"] + ["%s: load" % a for a in OTP_APPS]
        if self.with_app:
            apps.append("%s: load" % TOGGLED_APP)
        with open(os.path.join(self.dir, "rel", "relc.yaml"), "w") as f:
            f.write(CONFIG % {
                "vsn": self.vsn,
                "strip": "true" if self.strip else "false",
                "apps": "\n".join("      - " + a for a in apps)})

    def write_sys_config(self):
        with open(os.path.join(self.dir, "config", "sys.config"), "w") as f:
            f.write("[{hello, [{generation, %d}]}].\n" % self.sys_generation)

    def recompile(self):
        text = self.server_text.replace(
            "-export([start_link/0, greet/1, count/0]).",
            "-export([start_link/0, greet/1, count/0, generation/0]).")
        check(text != self.server_text, "hello_server.erl has changed")
        text += "\ngeneration() ->\n    %d.\n" % self.generation
        with open(self.server_src, "w") as f:
            f.write(text)
        run(["erlc", "+deterministic", "+debug_info", "-o", self.ebin,
             self.server_src], env=dict(os.environ, HOME=self.ws.path("home")))

    def change(self, kind):
        if kind == "version":
            self.minor += 1
            self.write_config()
        elif kind == "module":
            self.generation += 1
            self.recompile()
        elif kind == "sys.config":
            self.sys_generation += 1
            self.write_sys_config()
        elif kind == "strip":
            self.strip = not self.strip
            self.write_config()
        elif kind == "app":
            self.with_app = not self.with_app
            self.write_config()
        else:
            raise ValueError(kind)

    def archive_path(self):
        return os.path.join(self.archive_dir, "hello-%s.tar.gz" % self.vsn)

    def command(self, cmd):
        return [self.ws.relc, cmd] + (ARCHIVE_OPTS if cmd == "archive"
                                      else [])

    def leftovers(self):
        """Staging directories next to the release (and the carry-over
        journal in it), temporary files next to the archives."""
        staging = [n for n in os.listdir(self.rels) if n.startswith(".relc-")]
        if os.path.lexists(os.path.join(self.root, JOURNAL)):
            staging.append(JOURNAL)
        temps = [n for n in os.listdir(self.archive_dir) if ".relc-tmp-" in n]
        return staging, temps

    def archives(self):
        return {n: sha256_file(os.path.join(self.archive_dir, n))
                for n in os.listdir(self.archive_dir)
                if n.endswith(".tar.gz")}


def relc_run(project, cmd):
    """An uninterrupted run: (seconds, stdout)."""
    start = time.perf_counter()
    p = run(project.command(cmd), cwd=project.dir)
    return time.perf_counter() - start, p.stdout


def check_new_release(project, tree):
    """What the release in place must say of the project's state."""
    with open(os.path.join(project.root, "releases", "start_erl.data")) as f:
        check(f.read().split()[1] == project.vsn,
              "start_erl.data does not name version %s", project.vsn)
    sysconf = tree.get("releases/%s/sys.config" % project.vsn)
    check(sysconf is not None and sysconf[2] == hashlib.sha256(
        b"[{hello, [{generation, %d}]}].\n" % project.sys_generation)
        .hexdigest(), "releases/%s/sys.config is not the project's",
        project.vsn)
    wx = [p for p in tree if p.startswith("lib/%s-" % TOGGLED_APP)]
    check(bool(wx) == project.with_app, "%s is%s in the release",
          TOGGLED_APP, "" if wx else " not")


# ---- nodes ------------------------------------------------------------------

class Node:
    """The node that runs from the release through every trial, started
    without RELEASE_COOKIE."""

    def __init__(self, ws, project):
        self.ws = ws
        self.project = project
        self.env = ws.node_env(unique("kill_survivor"))
        del self.env["RELEASE_COOKIE"]

    def bin(self, *args, ok=True):
        return self.ws.bin(self.project.root, "hello", *args, env=self.env,
                           ok=ok)

    def start(self):
        self.bin("start")
        self.pid = int(self.bin("pid").stdout)
        self.ws.pids.append(self.pid)
        with open(os.path.join(self.project.root, "tmp", "COOKIE")) as f:
            self.cookie = f.read()
        check(self.cookie, "bin/hello made an empty tmp/COOKIE")
        self.log = os.path.join(self.project.root, "log", "erlang.log.1")
        self.log_ino = os.stat(self.log).st_ino

    def check_files(self, cookie_file):
        """The node's files are in the release, the same as ever."""
        root = self.project.root
        with open(os.path.join(root, "tmp", "COOKIE")) as f:
            check(f.read() == self.cookie, "tmp/COOKIE changed")
        check(os.path.isdir(os.path.join(root, "tmp", "pipe")) and any(
            stat.S_ISFIFO(os.lstat(os.path.join(root, "tmp", "pipe", n))
                          .st_mode)
            for n in os.listdir(os.path.join(root, "tmp", "pipe"))),
            "the node's pipes are not in tmp/pipe/")
        check(os.path.exists(self.log) and
              os.stat(self.log).st_ino == self.log_ino,
              "log/erlang.log.1 is not the node's log any more")
        with open(os.path.join(root, "log", "operator.log")) as f:
            check(f.read() == "ours\n", "log/operator.log changed")
        if cookie_file:
            with open(os.path.join(root, "releases", "COOKIE")) as f:
                check(f.read() == self.cookie, "releases/COOKIE changed")

    def ping(self):
        p = self.bin("ping", ok=False)
        check(p.returncode == 0 and p.stdout == "pong\n",
              "the node that runs from the release does not answer: "
              "%d %r %r", p.returncode, p.stdout, p.stderr)
        p = self.bin("pid")
        check(int(p.stdout) == self.pid, "another node answers: %s",
              p.stdout)

    def stop(self):
        self.bin("stop")
        deadline = time.time() + 30
        while os.path.exists("/proc/%d" % self.pid):
            check(time.time() < deadline, "the node did not stop")
            time.sleep(0.05)
        self.ws.forget(self.pid)
        with open(self.log, "rb") as f:
            log = f.read()
        check(b"Erlang/OTP" in log, "the node's log lost what it said: %r",
              log[-400:])


def boot(ws, project, label):
    """Start the release in place as another node, ping, stop.  Its tmp/
    and log/ are elsewhere: the release's are the other node's."""
    where = ws.path("boot-" + label)
    env = ws.node_env(unique("kill_boot"), cookie=unique("cookie"),
                      RELEASE_TMP=os.path.join(where, "tmp"),
                      RELEASE_LOG_DIR=os.path.join(where, "log"))
    ws.bin(project.root, "hello", "start", env=env)
    try:
        p = ws.bin(project.root, "hello", "ping", env=env)
        check(p.stdout == "pong\n", "ping printed %r", p.stdout)
        p = ws.bin(project.root, "hello", "rpc", "application", "get_env",
                   "hello", "generation", env=env)
        with open(os.path.join(project.root, "releases",
                               "start_erl.data")) as f:
            vsn = f.read().split()[1]
        with open(os.path.join(project.root, "releases", vsn,
                               "sys.config")) as f:
            gen = f.read().split("generation, ")[1].split("}")[0]
        check(p.stdout == "{ok,%s}\n" % gen,
              "the node does not run the release's sys.config "
              "(generation %s): %s", gen, p.stdout)
    finally:
        ws.bin(project.root, "hello", "stop", env=env)


# ---- the trials -------------------------------------------------------------

def pick_delay(rng, band, duration):
    """Anywhere in the run, or in its first 3%, or in its last 25%."""
    if band == "early":
        return rng.uniform(0, 0.03 * duration)
    if band == "late":
        return rng.uniform(0.75 * duration, 1.0 * duration)
    return rng.uniform(0, duration)


def bands(rng, n):
    """Two very early and two very late kills in every ten."""
    out = []
    while len(out) < n:
        deck = ["early"] * 2 + ["late"] * 2 + ["any"] * 6
        rng.shuffle(deck)
        out += deck
    return out[:n]


class Trial:
    pass


def killed_run(project, cmd, delay):
    """Start cmd, SIGKILL it after `delay` seconds: (killed at, or None
    and how long it took when it finished first)."""
    start = time.perf_counter()
    p = subprocess.Popen(project.command(cmd), cwd=project.dir,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    took = None
    while True:
        now = time.perf_counter() - start
        if p.poll() is not None:
            took = now
            break
        if now >= delay:
            p.send_signal(signal.SIGKILL)
            break
        time.sleep(min(0.001, delay - now))
    out, err = p.communicate(timeout=120)
    if took is None and p.returncode != -signal.SIGKILL:
        took = time.perf_counter() - start  # it was on its way out
    if took is not None:
        check(p.returncode == 0, "%s (not killed) exited %d: %s", cmd,
              p.returncode, err.decode(errors="replace"))
    return now, took


class Clock:
    """How long an uninterrupted run of each kind takes: the median of
    the last few measured."""

    def __init__(self):
        self.times = {}

    def add(self, key, seconds):
        self.times.setdefault(key, []).append(seconds)

    def estimate(self, key):
        last = sorted(self.times[key][-5:])
        return last[len(last) // 2]


def trial(ws, project, node, rng, i, band, clock, known, state):
    t = Trial()
    t.i = i
    t.cmd = COMMANDS[i % 2]
    t.kind = KINDS[i % len(KINDS)]
    duration = clock.estimate((t.cmd, t.kind))
    old_tree = state["tree"]
    old_archives = project.archives()
    project.change(t.kind)
    t.band = band
    delay = pick_delay(rng, band, duration)
    t.duration = duration
    t.at, took = killed_run(project, t.cmd, delay)
    t.finished = took is not None
    if t.finished:
        clock.add((t.cmd, t.kind), took)

    # what the kill left
    tree = release_listing(project.root)
    node.check_files(state["cookie_file"])
    t.staging, t.temps = project.leftovers()
    archives_left = project.archives()
    for name, digest in old_archives.items():
        check(name in archives_left, "the kill removed %s", name)
    if i == 0 or i % 10 == 0:
        boot(ws, project, "trial-%d" % i)
        node.ping()

    # the same command, to the end
    seconds, out = relc_run(project, t.cmd)
    t.rerun = "up to date" if "is up to date" in out else "built"
    new_tree = release_listing(project.root)
    node.check_files(state["cookie_file"])
    check(new_tree != old_tree, "trial %d: the %s change made no "
          "difference to the release", i, t.kind)
    check_new_release(project, new_tree)
    staging, temps = project.leftovers()
    check(not staging and not temps, "trial %d: left over after a "
          "complete %s: %s", i, t.cmd, staging + temps)
    if tree == old_tree:
        t.outcome = "old"
    elif tree == new_tree:
        t.outcome = "new"
        check(t.rerun == "up to date", "trial %d: the killed %s left the "
              "new release, which the next %s built again", i, t.cmd, t.cmd)
    else:
        raise Failure("trial %d: %s killed after %.3fs of %.3fs left a "
                      "release that is neither the old one nor the new "
                      "one:\nagainst the old:\n%s\nagainst the new:\n%s"
                      % (i, t.cmd, t.at, duration,
                         describe_diff(tree, old_tree),
                         describe_diff(tree, new_tree)))
    if t.outcome == "old" and t.rerun == "built":
        # the rerun did exactly the uninterrupted work: a measurement
        clock.add((t.cmd, t.kind), seconds)

    # the archives: untouched by a build; for an archive, its own is the
    # old bytes, the new ones, or absent (no other archive touched)
    archives_now = project.archives()
    t.archive = "-"
    if t.cmd == "archive":
        dest = os.path.basename(project.archive_path())
        check(dest in archives_now, "relc archive wrote no %s", dest)
        digest = archives_now[dest]
        if digest not in known:
            verify_archive(project.archive_path(), new_tree, project.vsn)
            known.add(digest)
        left = archives_left.get(dest)
        if left is None:
            t.archive = "absent"
        elif left == digest:
            t.archive = "new"
        elif left == old_archives.get(dest):
            t.archive = "old"
        else:
            raise Failure("trial %d: the killed archive left %s, which is "
                          "neither the previous archive nor the new one"
                          % (i, dest))
        if t.outcome == "old":
            check(t.archive != "new", "trial %d: a new archive of an old "
                  "release", i)
        for name in archives_left:
            if name != dest:
                check(archives_left[name] == old_archives.get(name),
                      "trial %d: the killed archive changed %s", i, name)
        # keep only the current version's archive
        for name in archives_now:
            if name != dest:
                os.unlink(os.path.join(project.archive_dir, name))
    else:
        check(archives_left == old_archives and archives_now == old_archives,
              "trial %d: relc build changed the archives", i)
    state["tree"] = new_tree
    return t


def calibrate(project, clock, known):
    """One uninterrupted run of each kind: how long they take."""
    for cmd in COMMANDS:
        for kind in KINDS:
            project.change(kind)
            seconds, out = relc_run(project, cmd)
            check("built" in out, "the %s change did not rebuild: %s", kind,
                  out)
            clock.add((cmd, kind), seconds)
            if cmd == "archive":
                tree = release_listing(project.root)
                verify_archive(project.archive_path(), tree, project.vsn)
                known.add(sha256_file(project.archive_path()))


HEADER = (" #  command  change      band  killed at / duration  release "
          "archive  leftovers         next run")


def trial_line(t):
    return ("%3d  %-7s  %-10s  %-5s %7.1f / %7.1f ms %s  %-4s    %-7s  "
            "%-16s  %s") % (
        t.i, t.cmd, t.kind, t.band, t.at * 1000, t.duration * 1000,
        "(done)" if t.finished else "      ", t.outcome, t.archive,
        "%d staging, %d tmp" % (len([n for n in t.staging
                                     if n != JOURNAL]), len(t.temps))
        + (" + journal" if JOURNAL in t.staging else "")
        if t.staging or t.temps else "none", t.rerun)


def report(trials, clock):
    print("uninterrupted runs   measured (ms)")
    for (cmd, kind), times in sorted(clock.times.items()):
        print("  %-8s %-11s %s" % (cmd, kind, " ".join(
            "%.0f" % (x * 1000) for x in times)))
    old = sum(t.outcome == "old" for t in trials)
    new = len(trials) - old
    print("release outcomes: %d old, %d new (%d of them killed after the "
          "swap, %d finished before the kill)" % (
              old, new, sum(t.outcome == "new" and not t.finished
                            for t in trials),
              sum(t.finished for t in trials)))
    for cmd in COMMANDS:
        ats = sorted(t.at for t in trials if t.cmd == cmd and not t.finished)
        if ats:
            print("%s killed between %.1f and %.1f ms" % (
                cmd, ats[0] * 1000, ats[-1] * 1000))
    print("the kill's moment in the run, and what it left (old/new):")
    for cmd in COMMANDS:
        bins = [[0, 0] for _ in range(11)]
        for t in trials:
            if t.cmd == cmd:
                b = 10 if t.finished else min(9, int(10 * t.at / t.duration))
                bins[b][t.outcome == "new"] += 1
        print("  %-7s %s  finished first %d/%d" % (cmd, " ".join(
            "%d-%d%%:%d/%d" % (10 * b, 10 * b + 10, o, n)
            for b, (o, n) in enumerate(bins[:10])), *bins[10]))
    arch = [t.archive for t in trials if t.cmd == "archive"]
    print("archive outcomes: %s" % ", ".join(
        "%d %s" % (arch.count(a), a) for a in ("old", "new", "absent")))
    print("leftovers after the kill: %d trials left a staging directory, "
          "%d a temporary archive" % (sum(bool(t.staging) for t in trials),
                                      sum(bool(t.temps) for t in trials)))
    return old, new


def test(ws):
    ntrials = int(os.environ.get("RELC_KILL_TRIALS", "30"))
    seed = int(os.environ.get("RELC_KILL_SEED",
                              str(random.randrange(1 << 31))))
    print("RELC_KILL_TRIALS=%d RELC_KILL_SEED=%d" % (ntrials, seed))
    sys.stdout.flush()
    rng = random.Random(seed)
    began = time.time()

    project = Project(ws)
    run(project.command("build"), cwd=project.dir)

    # a node started before a rebuild survives it
    node = Node(ws, project)
    node.start()
    with open(os.path.join(project.root, "log", "operator.log"), "w") as f:
        f.write("ours\n")
    project.change("version")
    project.change("module")
    run(project.command("build"), cwd=project.dir)
    node.check_files(False)
    node.ping()

    clock, known = Clock(), set()
    calibrate(project, clock, known)
    node.check_files(False)
    print("set up and measured in %.1fs" % (time.time() - began))
    sys.stdout.flush()

    state = {"tree": release_listing(project.root), "cookie_file": False}
    trials = []
    kill_bands = bands(rng, ntrials)
    print(HEADER)
    try:
        for i in range(ntrials):
            if i == ntrials // 2:
                # from now on the operator keeps the cookie in releases/
                with open(os.path.join(project.root, "releases", "COOKIE"),
                          "w") as f:
                    f.write(node.cookie)
                state["cookie_file"] = True
            trials.append(trial(ws, project, node, rng, i, kill_bands[i],
                                clock, known, state))
            print(trial_line(trials[-1]))
            sys.stdout.flush()
    finally:
        if trials:
            report(trials, clock)
        sys.stdout.flush()

    boot(ws, project, "end")
    node.ping()
    node.check_files(True)
    node.stop()
    old = sum(t.outcome == "old" for t in trials)
    check(old and old < len(trials), "the kills left only %s releases",
          "old" if old else "new")
    print("%d trials in %.1fs" % (ntrials, time.time() - began))


if __name__ == "__main__":
    main(test)
