#!/usr/bin/env python3
"""Two relc runs on one output at once: `relc build` and `relc build`
(the same change, or two different ones, through two configs of one
project), and `relc build` and `relc archive`.

Both always exit 0: the output's parent is locked for the whole run, so
one of them waits, saying so on stderr ("another relc is building in
...; waiting for it to finish"); the release is then exactly one of the
two complete results (the one of the run that went second), every archive
is complete and byte for byte the archive of its release, and nothing is
left over (no .relc-* next to the release, no *.relc-tmp-* next to the
archive).  Started together they race for real; then, to see the wait for
sure, the first is frozen (SIGSTOP) while it holds the lock, in the
middle of a build or of writing the archive, and resumed once the second
says it waits.
"""
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from kill import (OTP_APPS, TOGGLED_APP, WARN_WAIT,  # noqa: E402
                  describe_diff, listing, sha256_file, verify_archive)
from relc_e2e import Failure, check, compile_hello, main, run  # noqa: E402

# Two releases of one project that differ in everything: version,
# applications, stripping.
CONFIGS = {
    "a": {"vsn": "2.0.0", "strip": "true", "apps": [TOGGLED_APP]},
    "b": {"vsn": "3.0.0", "strip": "false", "apps": []},
}

CONFIG = """releases:
  hello:
    version: %(vsn)s
    strip_beams: %(strip)s
    applications:
%(apps)s
"""


class Run:
    """relc started in the background, its output in files (so that its
    stderr can be watched while it runs)."""

    def __init__(self, ws, project, cmd, cfg, tag):
        self.cmd, self.cfg, self.tag = cmd, cfg, tag
        self.out = ws.path("%s.out" % tag)
        self.err = ws.path("%s.err" % tag)
        argv = [ws.relc, cmd, "-c", os.path.join("rel", cfg + ".yaml")]
        if cmd == "archive":
            argv += ["--level", "1"]
        with open(self.out, "w") as out, open(self.err, "w") as err:
            self.proc = subprocess.Popen(argv, cwd=project, stdout=out,
                                         stderr=err)
        ws.pids.append(self.proc.pid)
        self.ws = ws

    def stderr(self):
        with open(self.err) as f:
            return f.read()

    def finish(self):
        try:
            self.proc.wait(timeout=300)
        except subprocess.TimeoutExpired:
            raise Failure("relc %s -c %s still runs after 300s (hangs?)"
                          % (self.cmd, self.cfg))
        self.ws.forget(self.proc.pid)
        with open(self.out) as f:
            self.stdout = f.read()
        self.stderr_text = self.stderr()
        check(self.proc.returncode == 0, "relc %s -c %s exited %d:\n%s%s",
              self.cmd, self.cfg, self.proc.returncode, self.stdout,
              self.stderr_text)
        self.waited = self.stderr_text.count(WARN_WAIT)
        check(self.waited <= 1, "relc %s warned %d times:\n%s", self.cmd,
              self.waited, self.stderr_text)
        if self.waited:
            check(self.stderr_text.startswith("relc: warning: " + WARN_WAIT)
                  and "; waiting for it to finish\n" in self.stderr_text,
                  "the warning: %r", self.stderr_text)
        self.built = "relc: built hello" in self.stdout
        return self


class Test:
    def __init__(self, ws):
        self.ws = ws
        self.project = compile_hello(ws)
        self.rels = os.path.join(self.project, "_build", "prod", "rel")
        self.root = os.path.join(self.rels, "hello")
        self.archive_dir = os.path.join(self.project, "_build", "prod")
        for name, c in CONFIGS.items():
            apps = ["hello"] + ["%s: load" % a for a in OTP_APPS + c["apps"]]
            with open(os.path.join(self.project, "rel", name + ".yaml"),
                      "w") as f:
                f.write(CONFIG % dict(c, apps="\n".join(
                    "      - " + a for a in apps)))
        self.trees = {}
        self.archives = {}  # config -> sha256 of its verified archive
        self.warnings = 0
        self.rounds = 0

    def tree(self):
        """The release in place; the stamp's contents (inodes, mtimes)
        are not the result's."""
        t = listing(self.root)
        t[".relc/stamp"] = t[".relc/stamp"][:2] + (None,)
        return t

    def relc(self, cmd, cfg, *args):
        argv = [self.ws.relc, cmd, "-c", os.path.join("rel", cfg + ".yaml")]
        if cmd == "archive":
            argv += ["--level", "1"]
        return run(argv + list(args), cwd=self.project)

    def archive_path(self, cfg):
        return os.path.join(self.archive_dir,
                            "hello-%s.tar.gz" % CONFIGS[cfg]["vsn"])

    def reference(self):
        """Each configuration's release and archive, built alone."""
        for cfg in CONFIGS:
            self.relc("build", cfg)
            self.trees[cfg] = self.tree()
            self.relc("archive", cfg)
            verify_archive(self.archive_path(cfg), listing(self.root),
                           CONFIGS[cfg]["vsn"])
            self.archives[cfg] = sha256_file(self.archive_path(cfg))
        check(self.trees["a"] != self.trees["b"], "a and b are the same")

    def set_state(self, cfg):
        self.relc("build", cfg)
        check(self.tree() == self.trees[cfg], "the release of %s is not "
              "what it was", cfg)

    def which(self):
        """The release in place: a's or b's, complete."""
        t = self.tree()
        for cfg, ref in self.trees.items():
            if t == ref:
                return cfg
        raise Failure("the release is neither a's nor b's:\nagainst a:\n%s"
                      "\nagainst b:\n%s" % (describe_diff(t, self.trees["a"]),
                                            describe_diff(t, self.trees["b"])))

    def check_after(self, runs):
        """The release is one of the results (the waiter's if one
        waited), it is up to date for its config, the archives are
        whole, nothing is left over."""
        self.rounds += 1
        waiters = [r for r in runs if r.waited]
        check(len(waiters) <= 1, "both waited")
        self.warnings += len(waiters)
        got = self.which()
        builders = {r.cfg for r in runs}
        check(got in builders, "the release is %s's, which neither run "
              "built", got)
        if waiters:
            check(got == waiters[0].cfg, "%s waited for %s, but the release "
                  "is %s's", waiters[0].tag,
                  [r.tag for r in runs if r is not waiters[0]][0], got)
        staging = [n for n in os.listdir(self.rels) if n.startswith(".relc-")]
        temps = [n for n in os.listdir(self.archive_dir)
                 if ".relc-tmp-" in n]
        check(not staging and not temps, "left over: %s", staging + temps)
        for r in runs:
            if r.cmd == "archive":
                digest = sha256_file(self.archive_path(r.cfg))
                check(digest == self.archives[r.cfg], "the archive of %s "
                      "is not the archive of its release", r.cfg)
        p = self.relc("build", got)
        check("is up to date" in p.stdout, "the release of %s is not up "
              "to date for it: %s", got, p.stdout)
        return got

    def together(self, first, second):
        """Start two runs at once: [(cmd, cfg), (cmd, cfg)]."""
        runs = [Run(self.ws, self.project, cmd, cfg, "r%d-%d" % (
            self.rounds, i)) for i, (cmd, cfg) in enumerate((first, second))]
        return [r.finish() for r in runs]

    def frozen(self, first, second, caught):
        """Start `first`, freeze it once caught(), start `second`, wait for
        its warning, resume the first.  None if first finished too soon."""
        a = Run(self.ws, self.project, first[0], first[1],
                "f%d-0" % self.rounds)
        deadline = time.time() + 60
        while not caught():
            if a.proc.poll() is not None:
                a.finish()
                return None
            check(time.time() < deadline, "never caught %s", first)
            time.sleep(0.0005)
        os.kill(a.proc.pid, signal.SIGSTOP)
        try:
            before = self.tree() if first[0] == "archive" else None
            b = Run(self.ws, self.project, second[0], second[1],
                    "f%d-1" % self.rounds)
            deadline = time.time() + 60
            while WARN_WAIT not in b.stderr():
                check(b.proc.poll() is None, "relc %s did not wait for the "
                      "frozen %s: exited %s\n%s", second, first,
                      b.proc.returncode, b.stderr())
                check(time.time() < deadline, "relc %s never said it waits "
                      "for the frozen %s: %r", second, first, b.stderr())
                time.sleep(0.01)
            time.sleep(0.3)
            check(b.proc.poll() is None, "relc %s went on while %s held "
                  "the lock", second, first)
            if before is not None:
                check(self.tree() == before, "the release changed while "
                      "relc archive was writing it")
        finally:
            os.kill(a.proc.pid, signal.SIGCONT)
        runs = [a.finish(), b.finish()]
        check(not a.waited and b.waited, "the waiting was not as expected: "
              "%s %s", a.stderr_text, b.stderr_text)
        return runs

    def staging_exists(self):
        return any(n.startswith(".relc-") for n in os.listdir(self.rels))

    def temp_archive_exists(self):
        return any(".relc-tmp-" in n for n in os.listdir(self.archive_dir))


def test(ws):
    t = Test(ws)
    began = time.time()
    t.reference()

    # two builds of the same change: one builds, the other finds it done
    for i in range(3):
        t.set_state("b")
        runs = t.together(("build", "a"), ("build", "a"))
        t.check_after(runs)
        check(sorted(r.built for r in runs) == [False, True],
              "the same change, built %d times", sum(r.built for r in runs))
        for r in runs:
            check(not r.waited or not r.built, "the one that waited built "
                  "again what the other had built")

    # two builds of different changes
    outcomes = []
    for i in range(6):
        t.set_state("ab"[i % 2])
        order = [("build", "a"), ("build", "b")][::1 if i < 3 else -1]
        outcomes.append(t.check_after(t.together(*order)))
    print("two builds, different changes: the release was %s" % outcomes)

    # build racing archive
    for i in range(6):
        t.set_state("ab"[i % 2])
        pair = [("archive", "a"), ("build", "b")]
        if i >= 3:
            pair = [("build", "b"), ("archive", "a")]
        if i % 3 == 2:
            pair = [("archive", "b"), ("build", "b")]
        outcomes.append(t.check_after(t.together(*pair)))
    print("build and archive: the release was %s" % outcomes[6:])
    check(t.warnings, "in %d races started together, no relc ever waited "
          "for another", t.rounds)
    print("%d of %d runs started together waited" % (t.warnings, t.rounds))

    # frozen while building: the other waits, then goes
    for first, second, caught, state in (
            (("build", "a"), ("build", "b"), t.staging_exists, "b"),
            (("build", "a"), ("build", "a"), t.staging_exists, "b"),
            (("archive", "a"), ("build", "b"), t.temp_archive_exists, "b"),
            (("build", "b"), ("archive", "a"), t.staging_exists, "a")):
        for attempt in range(10):
            t.set_state(state)
            runs = t.frozen(first, second, caught)
            if runs:
                break
        else:
            raise Failure("%s always finished before it could be frozen"
                          % (first,))
        got = t.check_after(runs)
        check(got == second[1], "%s waited for %s, and the release is %s's",
              second, first, got)
        print("frozen %s, then %s: waited, release %s's" % (first, second,
                                                          got))
    print("done in %.1fs" % (time.time() - began))


if __name__ == "__main__":
    main(test)
