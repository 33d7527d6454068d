#!/usr/bin/env python3
"""Generate the benchmark project: a rebar3 umbrella of N applications of
M modules each, with a dependency DAG between them and on a few OTP
applications, and both a relx release and a relc release of it.

usage: gen_project.py DIR [APPS] [MODULES]
"""
import os
import random
import sys

OTP_DEPS = ["crypto", "public_key", "ssl", "inets", "mnesia", "os_mon",
            "runtime_tools", "compiler", "syntax_tools", "xmerl", "asn1",
            "tools"]


def main():
    root = sys.argv[1]
    napps = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    nmods = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    rng = random.Random(1)
    names = ["app%02d" % i for i in range(1, napps + 1)]
    for i, name in enumerate(names):
        deps = sorted(set(rng.sample(names[:i], min(i, 3))))
        if i % 4 == 0:
            deps.append(OTP_DEPS[(i // 4) % len(OTP_DEPS)])
        src = os.path.join(root, "apps", name, "src")
        os.makedirs(src)
        with open(os.path.join(src, name + ".app.src"), "w") as f:
            f.write('{application, %s, [{description, "%s"}, {vsn, "1.0.0"},'
                    ' {registered, []}, {applications, [kernel, stdlib%s]},'
                    ' {env, []}, {modules, []}]}.\n'
                    % (name, name, "".join(", " + d for d in deps)))
        for m in range(1, nmods + 1):
            mod = "%s_m%02d" % (name, m)
            with open(os.path.join(src, mod + ".erl"), "w") as f:
                f.write("-module(%s).\n-export([f/1, g/2]).\n" % mod)
                f.write("f(X) -> [{X, Y} || Y <- lists:seq(1, X)].\n")
                f.write("g(A, B) -> maps:from_list([{A, B}, {B, A}]).\n")
    top = " ".join(names)
    with open(os.path.join(root, "rebar.config"), "w") as f:
        f.write("{erl_opts, [debug_info]}.\n{deps, []}.\n")
        f.write("{relx, [{release, {bench, \"1.0.0\"}, [%s]},\n"
                "        {mode, prod}, {include_erts, true},\n"
                "        {extended_start_script, true}]}.\n"
                % ", ".join(names))
    os.makedirs(os.path.join(root, "rel"))
    with open(os.path.join(root, "rel", "relc.yaml"), "w") as f:
        f.write("releases:\n  bench:\n    version: 1.0.0\n"
                "    applications: [%s]\n"
                "environments:\n  prod:\n    include_erts: true\n"
                "    strip_beams: true\n" % ", ".join(names))
    print("generated %d applications of %d modules in %s (top: %s)"
          % (napps, nmods, root, top.split()[-1]))


if __name__ == "__main__":
    main()
