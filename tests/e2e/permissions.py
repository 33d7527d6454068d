#!/usr/bin/env python3
"""Modes in the release: what an application's priv/ holds is copied
without group and world write and without setuid, setgid and sticky bits
(0666 -> 0644, 0777 directory -> 0755, 04777 -> 0755), other bits kept
(0600 stays 0600); a file or directory of the release made world-writable
after the build is put right by the next build.  A link in priv/ to a file
in the application is copied as that file; a link that leaves the
application is refused, naming it, unless follow_external_links: true."""
import os
import stat

from engine_util import (one_line, rebar3_compile, relc, tree, tree_diff,
                         write_config)
from relc_e2e import check, compile_hello, main

# priv/ path, mode in the project, mode expected in the release
MODES = [
    ("ww.txt", 0o666, 0o644),
    ("gw.txt", 0o664, 0o644),
    ("private.key", 0o600, 0o600),
    ("tool.sh", 0o775, 0o755),
    ("suid.sh", 0o4777, 0o755),
    ("sgid.sh", 0o2755, 0o755),
    ("wwdir", 0o777, 0o755),
    ("wwdir/inner.txt", 0o646, 0o644),
    ("sgiddir", 0o2775, 0o755),
    ("stickydir", 0o1777, 0o755),
]


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def test(ws):
    project = compile_hello(ws)
    priv = os.path.join(project, "apps", "hello", "priv")
    os.makedirs(priv)
    for rel, m, _ in sorted(MODES, key=lambda x: x[0].count("/")):
        path = os.path.join(priv, rel)
        if rel.endswith(("dir")):
            os.makedirs(path)
        else:
            with open(path, "w") as f:
                f.write("#!/bin/sh\necho %s\n" % rel)
    for rel, m, _ in MODES:  # after the files: a directory may lose w
        os.chmod(os.path.join(priv, rel), m)
    for rel, m, _ in MODES:
        check(mode(os.path.join(priv, rel)) == m, "could not chmod %s to %o",
              rel, m)
    os.symlink("ww.txt", os.path.join(priv, "alias.txt"))
    rebar3_compile(ws, project)
    write_config(project, {"prod": {}})
    relc(ws, project, "build")
    root = os.path.join(project, "_build", "prod", "rel", "hello")
    out = os.path.join(root, "lib", "hello-0.1.0", "priv")
    wrong = ["%s: %o, not %o" % (rel, mode(os.path.join(out, rel)), want)
             for rel, _, want in MODES
             if mode(os.path.join(out, rel)) != want]
    check(not wrong, "modes in the release:\n  %s", "\n  ".join(wrong))
    alias = os.path.join(out, "alias.txt")
    check(not os.path.islink(alias) and mode(alias) == 0o644 and
          open(alias).read() == "#!/bin/sh\necho ww.txt\n",
          "priv/alias.txt -> ww.txt was not copied as ww.txt")
    # and the archive normalizes (0755 for directories and executables)
    p = relc(ws, project, "archive", "--list")
    listed = {line.split()[-1].rstrip("/"): line.split()[0]
              for line in p.stdout.splitlines()}
    check(listed.get("lib/hello-0.1.0/priv/suid.sh") == "0755" and
          listed.get("lib/hello-0.1.0/priv/private.key") == "0644" and
          listed.get("lib/hello-0.1.0/priv/stickydir") == "0755",
          "the archive's modes: %s",
          {k: v for k, v in listed.items() if "/priv/" in k})

    # made world-writable after the build: the next build puts it right
    problems = []
    for rel, want in [("ww.txt", 0o644), ("wwdir", 0o755)]:
        os.chmod(os.path.join(out, rel), 0o777 if rel == "wwdir" else 0o666)
        p = relc(ws, project, "build")
        got = mode(os.path.join(out, rel))
        if got != want:
            problems.append("%s of the release made world-writable: after "
                            "the next build (%s) it is %o, not %o"
                            % (rel, p.stdout.strip(), got, want))
            os.chmod(os.path.join(out, rel), want)

    # a link out of the application: refused, naming it, changing nothing
    outside = ws.path("outside.txt")
    with open(outside, "w") as f:
        f.write("from outside\n")
    os.symlink(outside, os.path.join(priv, "external.txt"))
    release = tree(root, inodes=True)
    p = relc(ws, project, "build", ok=False)
    check(p.returncode == 1 and one_line(p.stderr) and
          "external.txt" in p.stderr,
          "a link out of the application: %d %r", p.returncode, p.stderr)
    d = tree_diff(release, tree(root, inodes=True))
    check(not d, "the refused build changed the release:\n%s", d)
    write_config(project, {"prod": {"follow_external_links": True}})
    relc(ws, project, "build")
    ext = os.path.join(out, "external.txt")
    check(not os.path.islink(ext) and open(ext).read() == "from outside\n",
          "follow_external_links: true did not copy the file")
    check(not problems, "\n".join(problems))


if __name__ == "__main__":
    main(test)
