#!/usr/bin/env python3
"""The bad-input catalogue: run one tests/cli/cases/NNN-name.case.

Each case builds a small project in a fresh temporary directory, runs
one relc command that must fail, and checks three things: the exit code,
stderr (exactly one expected line; stdout empty), and the tree (a listing
of the whole temporary directory before and after the run, with types,
modes, link targets and checksums, must be the same, except for what
the case allows).

A case file is a list of lines; blank lines and lines starting with '#'
are comments.  Paths are relative to the project, {TMP}/project, which
is also where relc runs; '../x' reaches {TMP}/x, outside the project.

Settings, "key: value":
  desc: WHAT               what the case is about (required)
  needs: erlang root       erlang: erl and erlc on PATH; root: the case
                           mounts or makes devices.  A missing need skips
                           the case (exit 77), or fails it under CI=true.
  user: nobody             run relc as this user (when the runner is
                           root: the tree is chowned to it first); when
                           not root, relc runs as the runner's own user
  env: NAME=VALUE          set a variable for relc (repeatable); MIX_ENV
                           is unset unless a case sets it
  timeout: SECONDS         relc must finish in time (default 30)
  run: relc ARGS...        the command (shell words; 'relc' is the binary)
  exit: N                  the expected exit code (required)
  stderr: LINE             the one line relc must print (required); stdout
                           must be empty
  allow: PATH              PATH (a glob) and what is under it may be new
                           or changed after the run (repeatable)
  xfail: CHECK REASON      a known problem in code this catalogue does not
                           own: CHECK (exit, stderr, stdout or tree) is
                           expected to fail, for REASON (repeatable, one
                           line per check).  "xfail: tree PATHS REASON"
                           names what is wrongly written (globs, comma-
                           separated; a directory ends in '/'): every
                           change must be one of them.  When the check
                           passes, the case fails: the problem is fixed,
                           remove the xfail line.

Set-up steps, run in order before the first listing:
  app NAME [VSN [DIR]]     a compiled application: DIR/ebin/NAME.app with
                           modules [NAME] and NAME.beam compiled by erlc;
                           DIR defaults to _build/prod/lib/NAME, VSN to 0.1.0
  file PATH <<TAG          a text file: the lines up to the line TAG
  bytes PATH EXPR          a file holding a Python bytes expression, such
                           as b"\\xff" or b"[" * 100000
  truncate PATH N          cut a file to N bytes
  remove PATH              remove a file
  dir PATH                 a directory (and its parents)
  fifo PATH                a FIFO
  socket PATH              a Unix socket, bound and closed
  symlink PATH TARGET      a symbolic link (TARGET as given)
  mknod PATH c|b MAJ MIN   a device node (needs: root)
  chmod MODE PATH          octal mode
  tmpfs PATH SIZE          mount a tmpfs of SIZE (e.g. 256k) on PATH (needs:
                           root); unmounted at the end
  relc ARGS...             a relc run that must succeed (e.g. an earlier
                           build), before the tree is listed

Placeholders, in every value and file text: {TMP} (the temporary
directory, real path), {PROJECT} ({TMP}/project), {OTP_ROOT} (the root of
the erl on PATH).  In run: and env:, {NL}, {TAB}, {ESC} and {DEL} are those
control characters.  In stderr, {*} matches any text (for names with a
PID).

usage: run_case.py RELC CASE
"""
import fnmatch
import hashlib
import os
import pwd
import re
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from needs import SKIP, require  # noqa: E402

SETTINGS = {"desc", "needs", "user", "env", "timeout", "run", "exit",
            "stderr", "allow", "xfail"}
REPEATABLE = {"env", "allow", "xfail"}
STEPS = {"app", "file", "bytes", "truncate", "remove", "dir", "fifo", "socket",
         "symlink", "mknod", "chmod", "tmpfs", "relc"}
CHECKS = {"exit", "stderr", "stdout", "tree"}
CONTROLS = {"{NL}": "\n", "{TAB}": "\t", "{ESC}": "\x1b", "{DEL}": "\x7f"}


class CaseError(Exception):
    """The case file itself is wrong."""


def parse(path):
    settings = {k: [] for k in REPEATABLE}
    steps = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line, no = lines[i], i + 1
        i += 1
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r"([a-z]+):(?: (.*))?$", line)
        if m:
            key, value = m.group(1), m.group(2) or ""
            if key not in SETTINGS:
                raise CaseError("%s:%d: unknown setting '%s'"
                                % (path, no, key))
            if key in REPEATABLE:
                settings[key].append(value)
            elif key in settings:
                raise CaseError("%s:%d: '%s' given twice" % (path, no, key))
            else:
                settings[key] = value
            continue
        words = line.split()
        if words[0] not in STEPS:
            raise CaseError("%s:%d: unknown step '%s'" % (path, no, words[0]))
        if words[0] == "file":
            m = re.match(r"file (\S+) <<(\S+)$", line)
            if not m:
                raise CaseError("%s:%d: write file PATH <<TAG" % (path, no))
            body = []
            while i < len(lines) and lines[i] != m.group(2):
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise CaseError("%s:%d: no line '%s' ends the file"
                                % (path, no, m.group(2)))
            i += 1
            steps.append((no, ["file", m.group(1)], "\n".join(body) + "\n"))
        elif words[0] in ("bytes", "relc"):
            steps.append((no, words[:2], line.split(None, 2)[2]
                          if words[0] == "bytes" else line[len("relc "):]))
        else:
            steps.append((no, words, None))
    for key in ("desc", "run", "exit", "stderr"):
        if key not in settings:
            raise CaseError("%s: no '%s:'" % (path, key))
    return settings, steps


class Case:
    def __init__(self, relc, path):
        self.relc = relc
        self.path = path
        self.name = os.path.basename(path)[:-len(".case")]
        self.settings, self.steps = parse(path)
        self.tmp = os.path.realpath(tempfile.mkdtemp(prefix="relc-case-"))
        self.project = os.path.join(self.tmp, "project")
        self.mounts = []
        self.otp_root = None
        os.mkdir(self.project)

    # ---- placeholders and paths -------------------------------------------

    def otp(self):
        if self.otp_root is None:
            self.otp_root = ""
            erl = shutil.which("erl")
            if erl:
                with open(os.path.realpath(erl), errors="replace") as f:
                    m = re.search(r"^\s*ROOTDIR=\"?([^\"\n]+)", f.read(),
                                  re.M)
                if m:
                    self.otp_root = m.group(1)
        return self.otp_root

    def expand(self, text):
        text = text.replace("{TMP}", self.tmp)
        text = text.replace("{PROJECT}", self.project)
        if "{OTP_ROOT}" in text:
            text = text.replace("{OTP_ROOT}", self.otp())
        return text

    def expand_controls(self, text):
        for name, char in CONTROLS.items():
            text = text.replace(name, char)
        return text

    def at(self, rel):
        p = os.path.normpath(os.path.join(self.project, self.expand(rel)))
        if p != self.tmp and not p.startswith(self.tmp + "/"):
            raise CaseError("%s: '%s' is outside the temporary directory"
                            % (self.path, rel))
        return p

    def parent(self, p):
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    # ---- set-up -----------------------------------------------------------

    def compile(self, module, dest):
        work = tempfile.mkdtemp(prefix="relc-case-erlc-")
        try:
            src = os.path.join(work, module + ".erl")
            with open(src, "w") as f:
                f.write("-module(%s).\n-export([hello/0]).\n"
                        "hello() -> ok.\n" % module)
            p = subprocess.run(["erlc", "-o", work, src],
                               capture_output=True, text=True)
            if p.returncode != 0:
                raise CaseError("erlc %s failed:\n%s%s"
                                % (module, p.stdout, p.stderr))
            shutil.copy(os.path.join(work, module + ".beam"),
                        self.parent(dest))
        finally:
            shutil.rmtree(work)

    def setup(self):
        for no, words, extra in self.steps:
            try:
                self.step(words, extra)
            except (OSError, subprocess.SubprocessError) as e:
                raise CaseError("%s:%d: %s failed: %s"
                                % (self.path, no, words[0], e))
            except (IndexError, ValueError) as e:
                raise CaseError("%s:%d: bad %s step (%s)"
                                % (self.path, no, words[0], e))

    def step(self, w, extra):
        kind = w[0]
        if kind == "app":
            name = w[1]
            vsn = w[2] if len(w) > 2 else "0.1.0"
            d = self.at(w[3] if len(w) > 3 else "_build/prod/lib/" + name)
            with open(self.parent(os.path.join(d, "ebin", name + ".app")),
                      "w") as f:
                f.write('{application, %s,\n [{description, "%s"},\n'
                        '  {vsn, "%s"},\n  {modules, [%s]},\n'
                        '  {registered, []},\n'
                        '  {applications, [kernel, stdlib]}]}.\n'
                        % (name, name, vsn, name))
            self.compile(name, os.path.join(d, "ebin", name + ".beam"))
        elif kind == "file":
            with open(self.parent(self.at(w[1])), "w") as f:
                f.write(self.expand(extra))
        elif kind == "bytes":
            data = eval(extra, {"__builtins__": {}})  # the case's own text
            if not isinstance(data, bytes):
                raise ValueError("not bytes")
            with open(self.parent(self.at(w[1])), "wb") as f:
                f.write(data)
        elif kind == "truncate":
            os.truncate(self.at(w[1]), int(w[2]))
        elif kind == "remove":
            os.unlink(self.at(w[1]))
        elif kind == "dir":
            os.makedirs(self.at(w[1]), exist_ok=True)
        elif kind == "fifo":
            os.mkfifo(self.parent(self.at(w[1])))
        elif kind == "socket":
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.bind(self.parent(self.at(w[1])))
            finally:
                s.close()
        elif kind == "symlink":
            os.symlink(self.expand(w[2]), self.parent(self.at(w[1])))
        elif kind == "mknod":
            kind_bit = {"c": stat.S_IFCHR, "b": stat.S_IFBLK}[w[2]]
            os.mknod(self.parent(self.at(w[1])), 0o644 | kind_bit,
                     os.makedev(int(w[3]), int(w[4])))
        elif kind == "chmod":
            os.chmod(self.at(w[2]), int(w[1], 8), follow_symlinks=False)
        elif kind == "tmpfs":
            d = self.at(w[1])
            os.makedirs(d, exist_ok=True)
            subprocess.run(["mount", "-t", "tmpfs", "-o",
                            "size=%s,mode=0755" % w[2], "tmpfs", d],
                           check=True, capture_output=True)
            self.mounts.append(d)
        elif kind == "relc":
            p = subprocess.run([self.relc] + shlex.split(self.expand(extra)),
                               cwd=self.project, env=self.env(),
                               capture_output=True, text=True, timeout=120,
                               stdin=subprocess.DEVNULL)
            if p.returncode != 0:
                raise CaseError("set-up 'relc %s' exited %d:\n%s"
                                % (extra, p.returncode, p.stderr))

    # ---- running ----------------------------------------------------------

    def env(self):
        env = dict(os.environ)
        env.pop("MIX_ENV", None)
        for kv in self.settings["env"]:
            k, _, v = kv.partition("=")
            env[k] = self.expand_controls(self.expand(v))
        return env

    def chown(self, user):
        pw = pwd.getpwnam(user)
        for root, dirs, files in os.walk(self.tmp):
            os.lchown(root, pw.pw_uid, pw.pw_gid)
            for n in dirs + files:
                os.lchown(os.path.join(root, n), pw.pw_uid, pw.pw_gid)

    def run(self):
        argv = [self.expand_controls(a) for a in
                shlex.split(self.expand(self.settings["run"]))]
        if not argv or argv[0] != "relc":
            raise CaseError("%s: run: must start with relc" % self.path)
        argv[0] = self.relc
        user = self.settings.get("user")
        if user and os.geteuid() == 0:
            argv = ["setpriv", "--reuid=" + user,
                    "--regid=%d" % pwd.getpwnam(user).pw_gid,
                    "--clear-groups", "--"] + argv
        timeout = float(self.settings.get("timeout", "30"))
        p = subprocess.Popen(argv, cwd=self.project, env=self.env(),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.communicate()
            return None, "", ""
        return p.returncode, out.decode(errors="replace"), \
            err.decode(errors="replace")

    # ---- the tree ---------------------------------------------------------

    def listing(self):
        """Every entry under {TMP}: path -> what it is."""
        out = {}

        def walk(d, rel):
            try:
                entries = sorted(os.scandir(d), key=lambda e: e.name)
            except PermissionError:
                out[rel + "(unreadable)"] = ("unreadable",)
                return
            for e in entries:
                r = rel + e.name
                st = e.stat(follow_symlinks=False)
                mode = stat.S_IMODE(st.st_mode)
                if stat.S_ISDIR(st.st_mode):
                    out[r + "/"] = ("dir", oct(mode))
                    walk(e.path, r + "/")
                elif stat.S_ISLNK(st.st_mode):
                    out[r] = ("link", os.readlink(e.path))
                elif stat.S_ISREG(st.st_mode):
                    out[r] = ("file", oct(mode), checksum(e.path, st))
                else:
                    out[r] = (type_name(st.st_mode), oct(mode), st.st_rdev)
        walk(self.tmp, "")
        # named as the case names them: from the project
        return {(r[len("project/"):] or "./") if r.startswith("project/")
                else "../" + r: v for r, v in out.items()}

    def allowed(self, rel):
        for pat in self.settings["allow"]:
            pat = self.expand(pat).rstrip("/")
            r = rel.rstrip("/")
            if fnmatch.fnmatch(r, pat) or fnmatch.fnmatch(r, pat + "/*"):
                return True
        return False

    def cleanup(self, keep):
        for d in reversed(self.mounts):
            subprocess.run(["umount", d], capture_output=True)
        if keep:
            print("left the case's files in", self.tmp)
            return
        for root, dirs, _ in os.walk(self.tmp):
            for n in dirs:
                p = os.path.join(root, n)
                if not os.path.islink(p):
                    os.chmod(p, 0o755)
        shutil.rmtree(self.tmp, ignore_errors=True)


def checksum(path, st):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return "unreadable, %d bytes" % st.st_size


def type_name(mode):
    for test, name in ((stat.S_ISFIFO, "fifo"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISCHR, "chardev"), (stat.S_ISBLK, "blockdev")):
        if test(mode):
            return name
    return "other"


def show(diff, most=20):
    lines = diff[:most]
    if len(diff) > most:
        lines.append("... and %d more" % (len(diff) - most))
    return "the tree changed:\n  " + "\n  ".join(lines)


def tree_diff(case, before, after):
    """The differences the case does not allow, as lines."""
    bad = []
    for rel in sorted(set(before) | set(after)):
        b, a = before.get(rel), after.get(rel)
        if a == b or case.allowed(rel):
            continue
        if b is None:
            bad.append("new: %s %s" % (rel, a[0]))
        elif a is None:
            bad.append("removed: %s %s" % (rel, b[0]))
        else:
            bad.append("changed: %s %s -> %s" % (rel, b, a))
    return bad


def pattern(case, line):
    """The expected stderr line as a regular expression ({*}: any text
    on that line)."""
    parts = case.expand(line).split("{*}")
    return "[^\n]*".join(re.escape(p) for p in parts) + "\n"


def needs(case):
    for need in case.settings.get("needs", "").split():
        if need == "erlang":
            require("erl", "erlc")
        elif need == "root":
            if os.geteuid() == 0:
                continue
            if os.environ.get("CI") == "true":
                print("FAIL: this case needs root (under CI=true a missing "
                      "need is a failure, not a skip)")
                sys.exit(1)
            print("SKIP: this case needs root")
            sys.exit(SKIP)
        else:
            raise CaseError("%s: unknown need '%s'" % (case.path, need))


def main():
    relc, path = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    try:
        case = Case(relc, path)
    except CaseError as e:
        sys.exit("FAIL: bad case: %s" % e)
    keep = False
    try:
        needs(case)
        keep = True
        case.setup()
        if case.settings.get("user") and os.geteuid() == 0:
            case.chown(case.settings["user"])
        before = case.listing()
        code, out, err = case.run()
        after = case.listing()
        keep = not judge(case, code, out, err, before, after)
    except CaseError as e:
        print("FAIL: bad case: %s" % e)
    finally:
        case.cleanup(keep)
    sys.exit(1 if keep else 0)


def judge(case, code, out, err, before, after):
    """Print what is wrong; True when the case passes."""
    s = case.settings
    failures = {}
    if code is None:
        failures["exit"] = ("relc did not finish within %s seconds (killed)"
                            % s.get("timeout", "30"))
    elif str(code) != s["exit"]:
        failures["exit"] = "exit %d, not %s" % (code, s["exit"])
    if not re.fullmatch(pattern(case, s["stderr"]), err):
        failures["stderr"] = ("stderr differs\nwant: %s\ngot:  %s"
                              % (case.expand(s["stderr"]),
                                 err or "(nothing)\n"))
    if out:
        failures["stdout"] = "printed to stdout: %s" % out
    diff = tree_diff(case, before, after)
    xfails = {}
    for x in s["xfail"]:
        check, _, reason = x.partition(" ")
        if check not in CHECKS:
            print("FAIL: bad case: xfail: unknown check '%s'" % check)
            return False
        xfails[check] = reason
    if "tree" in xfails:
        left, _, reason = xfails["tree"].partition(" ")
        pats = left.split(",")
        known = [d for d in diff
                 if any(fnmatch.fnmatch(d.split()[1], p) for p in pats)]
        if diff and known == diff:
            print("xfail: tree: %s\n  %s" % (reason, show(diff, 3)
                                             .replace("\n", "\n  ")))
        elif not diff:
            failures["tree"] = ("xfail tree: nothing is left behind any "
                                "more: the problem is fixed, remove the "
                                "xfail line")
        else:
            failures["tree"] = show(diff)
    elif diff:
        failures["tree"] = show(diff)
    for check in ("exit", "stderr", "stdout"):
        if check not in xfails:
            continue
        if check in failures:
            print("xfail: %s: %s\n  %s" % (check, xfails[check],
                                           failures.pop(check).strip()
                                           .replace("\n", "\n  ")))
        else:
            failures[check] = ("xfail %s: the check passes: the problem is "
                               "fixed, remove the xfail line" % check)
    for what in failures.values():
        print("FAIL: %s: %s" % (case.name, what))
    if failures:
        return False
    print("ok: %s: %s" % (case.name, s["desc"]))
    print(err, end="")
    return True


if __name__ == "__main__":
    main()
