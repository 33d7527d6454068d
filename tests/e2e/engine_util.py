"""Helpers for the build-engine tests (output_safety, rebuild,
archive_stale, dev_mode, permissions): hello's config with chosen
environments, a checksum listing of a tree, and relc's messages."""
import hashlib
import json
import os
import stat
import time

from relc_e2e import check, run

HELLO_CONFIG = """\
release: hello
releases:
  hello:
    version: "%s"
    applications:
      - hello
      - runtime_tools: load
environments:
"""


def yaml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return json.dumps(str(v))  # a JSON string is a YAML string


def write_config(project, envs, version="0.1.0", default_env=None):
    """rel/relc.yaml of hello with these environments (name -> settings)."""
    text = HELLO_CONFIG % version
    for name, settings in envs.items():
        text += "  %s:\n" % name
        if not settings:
            text += "    {}\n"
        for key, value in settings.items():
            text += "    %s: %s\n" % (key, yaml_value(value))
    if default_env:
        text = "environment: %s\n" % default_env + text
    with open(os.path.join(project, "rel", "relc.yaml"), "w") as f:
        f.write(text)


def relc(ws, project, *args, ok=True, env=None, timeout=300):
    return run([ws.relc] + list(args), cwd=project, ok=ok, env=env,
               timeout=timeout)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def tree(root, skip=(), inodes=False):
    """path -> (type, mode, size, content) for everything under root (root
    itself as "."), never following a symbolic link; with inodes, the inode
    and mtime too.  Top-level names in skip are left out."""
    out = {}

    def entry(path):
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            what = ("l", 0, 0, os.readlink(path))
        elif stat.S_ISDIR(st.st_mode):
            what = ("d", stat.S_IMODE(st.st_mode), 0, None)
        elif stat.S_ISREG(st.st_mode):
            what = ("f", stat.S_IMODE(st.st_mode), st.st_size, sha256(path))
        else:
            what = ("?", stat.S_IMODE(st.st_mode), 0, None)
        if inodes:
            what += (st.st_ino, st.st_mtime_ns)
        return what

    out["."] = entry(root)
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel == ".":
            dirnames[:] = [d for d in dirnames if d not in skip]
            filenames = [f for f in filenames if f not in skip]
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            out[os.path.normpath(os.path.join(rel, name))] = entry(path)
    return out


def tree_diff(before, after, limit=12):
    """What changed between two listings, as text ("" when nothing)."""
    lines = []
    for k in sorted(set(before) | set(after)):
        if k not in after:
            lines.append("  removed  %s" % k)
        elif k not in before:
            lines.append("  added    %s" % k)
        elif before[k] != after[k]:
            lines.append("  changed  %s: %r -> %r" % (k, before[k], after[k]))
    if len(lines) > limit:
        lines = lines[:limit] + ["  ... and %d more" % (len(lines) - limit)]
    return "\n".join(lines)


def one_line(text):
    return text.count("\n") == 1 and text.endswith("\n")


def warnings(text):
    return [l for l in text.splitlines() if l.startswith("relc: warning: ")]


def otp_root():
    p = run(["erl", "-noshell", "-eval",
             'io:format("~ts", [code:root_dir()]), halt().'])
    return p.stdout


def rebar3_compile(ws, project):
    run(["rebar3", "compile"], cwd=project,
        env=dict(os.environ, HOME=ws.path("home")))


def edit_source(path, old, new):
    """Replace old by new in a source file, a second after anything was
    compiled: rebar3 recompiles only a source whose mtime, in whole
    seconds, is newer than its BEAM's."""
    with open(path) as f:
        text = f.read()
    check(old in text, "%s has no %r", path, old)
    time.sleep(1.1)
    with open(path, "w") as f:
        f.write(text.replace(old, new))
