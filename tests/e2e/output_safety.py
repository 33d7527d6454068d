#!/usr/bin/env python3
"""Where relc may write a release.  An output_dir that is, holds or lies
inside what the build reads (the project, its rel/ and rel/templates/, an
application's directory, the OTP installation) is refused, with or without
--force; an existing directory relc did not make, a regular file and a
symbolic link are refused without --force.  Every refusal is one line on
stderr naming the directory, and leaves every file of the project (and of
the directory named) as it was.  --force builds into an unrelated
directory and keeps what it holds; an empty directory needs no --force."""
import os

from engine_util import (one_line, otp_root, relc, tree, tree_diff,
                         write_config)
from relc_e2e import Failure, check, compile_hello, main


def undo_added(root, before, after):
    """Remove what a build that should have been refused added, so that
    the cases after it start from the same tree."""
    for rel in sorted((k for k in after if k not in before), reverse=True):
        path = os.path.join(root, rel)
        if os.path.isdir(path) and not os.path.islink(path):
            os.rmdir(path)
        else:
            os.unlink(path)


def test(ws):
    compile_hello(ws)
    os.makedirs(ws.path("work"))
    project = ws.path("work", "hello")
    os.rename(ws.path("hello"), project)

    # somebody's directory, with files in it
    unrelated = ws.path("unrelated")
    os.makedirs(os.path.join(unrelated, "sub", "deeper"))
    for rel, data, mode in [("notes.txt", "keep me\n", 0o644),
                            ("sub/script.sh", "#!/bin/sh\necho hi\n", 0o755),
                            ("sub/deeper/data.bin", "\0\1\2" * 100, 0o600),
                            ("bin", "a file called bin\n", 0o644)]:
        path = os.path.join(unrelated, rel)
        with open(path, "w") as f:
            f.write(data)
        os.chmod(path, mode)
    a_file = ws.path("a-file")
    with open(a_file, "w") as f:
        f.write("not a directory\n")
    os.makedirs(ws.path("link-target"))
    link = ws.path("link-to-dir")
    os.symlink(ws.path("link-target"), link)

    otp = otp_root()
    otp_lib = os.path.join(otp, "lib")
    otp_before = (sorted(os.listdir(otp)), sorted(os.listdir(otp_lib)))

    # (output_dir, refused with --force too, lies over/in an input)
    cases = [
        ("apps", True, True),
        (".", True, True),
        ("rel", True, True),
        ("_build/default/lib/hello/ebin", True, True),
        ("..", True, True),
        # not there yet: refusing it must not create its parent either
        ("_build/default/lib/hello/ebin/out/rel", True, True),
        # the project's templates (an input, not there yet)
        ("rel/templates", True, True),
        (otp_lib, True, True),
        (unrelated, False, False),
        (a_file, True, False),
        (link, True, False),
    ]
    problems = []
    everything = tree(ws.dir, skip=("home",))
    project_at_start = tree(project)
    for out_dir, force_refused, contains in cases:
        names = {out_dir, os.path.normpath(os.path.join(project, out_dir))}
        if out_dir != link:
            names.add(os.path.realpath(os.path.join(project, out_dir)))
        for force in ([False, True] if force_refused else [False]):
            write_config(project, {"prod": {"output_dir": out_dir}})
            before = tree(ws.dir, skip=("home",))
            args = ["build"] + (["--force"] if force else [])
            p = relc(ws, project, *args, ok=False)
            after = tree(ws.dir, skip=("home",))
            what = "output_dir %s%s" % (out_dir, " with --force" if force
                                        else "")
            if p.returncode != 1:
                problems.append("%s: exit %d (not 1); stdout %r stderr %r"
                                % (what, p.returncode, p.stdout, p.stderr))
            elif not one_line(p.stderr) or p.stdout:
                problems.append("%s: not one line on stderr (and none on "
                                "stdout): stdout %r stderr %r"
                                % (what, p.stdout, p.stderr))
            elif not any(n in p.stderr for n in names):
                problems.append("%s: the message does not name it: %r"
                                % (what, p.stderr))
            elif contains and "--force" in p.stderr:
                problems.append("%s: the message suggests --force, which "
                                "cannot help here: %r" % (what, p.stderr))
            d = tree_diff(before, after)
            if d:
                problems.append("%s changed files:\n%s" % (what, d))
                undo_added(ws.dir, before, after)
    if (sorted(os.listdir(otp)), sorted(os.listdir(otp_lib))) != otp_before:
        problems.append("the OTP installation %s changed" % otp)
    d = tree_diff(everything, tree(ws.dir, skip=("home",)), limit=10**6)
    d = "\n".join(l for l in d.splitlines() if "rel/relc.yaml" not in l)
    if d:
        problems.append("after the refused builds (what they added "
                        "removed):\n%s" % d)
    try:
        force_and_empty(ws, project, unrelated)
    except Failure as e:
        problems.append(str(e))
    d = tree_diff(project_at_start, tree(project),)
    d = "\n".join(l for l in d.splitlines() if "rel/relc.yaml" not in l)
    if d:
        problems.append("the builds changed the project:\n%s" % d)
    if problems:
        raise Failure("\n".join(problems))


def force_and_empty(ws, project, unrelated):
    # --force builds into an unrelated directory and keeps what it holds;
    # but "bin" there is a file, where the release needs a bin/ of its own:
    # refused, changing nothing, until it is moved out of the way
    write_config(project, {"prod": {"output_dir": unrelated}})
    before = tree(ws.dir, skip=("home",))
    p = relc(ws, project, "build", "--force", ok=False)
    check(p.returncode == 1 and one_line(p.stderr) and
          os.path.join(unrelated, "bin") in p.stderr,
          "--force over a file 'bin': %d %r", p.returncode, p.stderr)
    d = tree_diff(before, tree(ws.dir, skip=("home",)))
    check(not d, "a refused --force build changed files:\n%s", d)
    os.rename(os.path.join(unrelated, "bin"), os.path.join(unrelated, "nib"))
    held = tree(unrelated)
    relc(ws, project, "build", "--force")
    now = tree(unrelated)
    lost = {k: v for k, v in held.items()
            if k != "." and now.get(k) != v}
    check(not lost, "--force did not keep what %s held: %s", unrelated,
          tree_diff(held, {k: now.get(k) for k in held if k in now}))
    check(os.path.isfile(os.path.join(unrelated, "bin", "hello")) and
          os.path.isfile(os.path.join(unrelated, ".relc", "stamp")),
          "no release in %s: %s", unrelated, sorted(os.listdir(unrelated)))
    # now it is relc's: a plain build is fine, and changes nothing
    p = relc(ws, project, "build")
    check("is up to date" in p.stdout, "the next build: %r", p.stdout)
    check(tree(unrelated) == now, "an up-to-date build changed %s",
          unrelated)

    # an empty directory needs no --force
    empty = ws.path("empty")
    os.makedirs(empty)
    write_config(project, {"prod": {"output_dir": empty}})
    p = relc(ws, project, "build")
    check(os.path.isfile(os.path.join(empty, "bin", "hello")),
          "nothing built into an empty directory: %r", p.stdout)


if __name__ == "__main__":
    main(test)
