#!/usr/bin/env python3
"""docs/cli.md against the binary: every command `relc help` lists has a
`## relc CMD` section, and that section mentions every long option that
`relc help CMD` lists.  `relc CMD --help` must print the same help.

usage: check_docs.py RELC DOCS/CLI.MD
"""
import re
import subprocess
import sys


def run(relc, *args):
    p = subprocess.run([relc, *args], capture_output=True, text=True)
    if p.returncode != 0 or p.stderr:
        sys.exit("FAIL: relc %s: exit %d\n%s"
                 % (" ".join(args), p.returncode, p.stderr))
    return p.stdout


def commands(relc):
    """The names under "Commands:" in `relc help`."""
    out = run(relc, "help")
    if "\nCommands:\n" not in out:
        sys.exit("FAIL: no 'Commands:' in relc help:\n" + out)
    names = []
    for line in out.split("\nCommands:\n", 1)[1].splitlines():
        m = re.match(r"  ([a-z][a-z0-9-]*)  ", line)
        if not m:
            break
        names.append(m.group(1))
    if not names:
        sys.exit("FAIL: relc help lists no commands:\n" + out)
    return names


def long_options(text):
    """The long options of the option lines ("  -c, --config PATH ...")."""
    opts = []
    for line in text.splitlines():
        m = re.match(r"  (?:-[a-zA-Z0-9], |    )--([a-z0-9][a-z0-9-]*)",
                     line)
        if m:
            opts.append(m.group(1))
    return opts


def sections(doc):
    """{command: text} for every "## relc CMD" section of the page."""
    out = {}
    parts = re.split(r"^## ", doc, flags=re.M)
    for part in parts[1:]:
        title, _, body = part.partition("\n")
        m = re.match(r"relc ([a-z][a-z0-9-]*)\s*$", title)
        if m:
            out[m.group(1)] = body
    return out


def main():
    relc, docs = sys.argv[1], sys.argv[2]
    doc_sections = sections(open(docs).read())
    problems = []
    for cmd in commands(relc):
        text = run(relc, "help", cmd)
        if not text.startswith("usage: relc %s " % cmd):
            problems.append("relc help %s: no usage line:\n%s" % (cmd, text))
        if run(relc, cmd, "--help") != text:
            problems.append("relc %s --help differs from relc help %s"
                            % (cmd, cmd))
        if run(relc, cmd, "-h") != text:
            problems.append("relc %s -h differs from relc help %s"
                            % (cmd, cmd))
        opts = long_options(text)
        if "help" not in opts:
            problems.append("relc help %s lists no --help" % cmd)
        if cmd not in doc_sections:
            problems.append("%s: no '## relc %s' section" % (docs, cmd))
            continue
        for opt in opts:
            if not re.search(r"--%s(?![a-z0-9-])" % re.escape(opt),
                             doc_sections[cmd]):
                problems.append("%s: section 'relc %s' does not mention "
                                "--%s" % (docs, cmd, opt))
        print("relc %s: %s" % (cmd, " ".join("--" + o for o in opts)))
    if problems:
        sys.exit("FAIL:\n  " + "\n  ".join(problems))


if __name__ == "__main__":
    main()
