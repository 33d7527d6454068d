#!/usr/bin/env python3
"""A release of real third-party applications from Debian's packages, one
with a NIF (erlang-jiffy): it boots and the NIF answers through rpc."""
import os

from relc_e2e import check, main, run, unique

APP = """{application, jsonapp,
 [{description, "uses jiffy"}, {vsn, "1.0.0"}, {modules, [jsonapp]},
  {registered, []}, {applications, [kernel, stdlib, jiffy, cowlib]}]}.
"""

MODULE = """-module(jsonapp).
-export([roundtrip/1]).
roundtrip(Term) -> jiffy:decode(jiffy:encode(Term), [return_maps]).
"""

CONFIG = """releases:
  jsonapp:
    version: 1.0.0
    applications: [jsonapp, lager]
"""


def test(ws):
    project = ws.path("jsonapp")
    ebin = os.path.join(project, "_build", "prod", "lib", "jsonapp", "ebin")
    os.makedirs(ebin)
    os.makedirs(os.path.join(project, "rel"))
    os.makedirs(os.path.join(project, "src"))
    with open(os.path.join(ebin, "jsonapp.app"), "w") as f:
        f.write(APP)
    with open(os.path.join(project, "src", "jsonapp.erl"), "w") as f:
        f.write(MODULE)
    with open(os.path.join(project, "rel", "relc.yaml"), "w") as f:
        f.write(CONFIG)
    run(["erlc", "-o", ebin, os.path.join(project, "src", "jsonapp.erl")])
    run([ws.relc, "build"], cwd=project)
    root = os.path.join(project, "_build", "prod", "rel", "jsonapp")
    check(os.path.exists(os.path.join(root, "lib", "jiffy-1.1.1", "priv",
                                      "jiffy.so")),
          "jiffy's NIF is not in the release")

    env = ws.node_env(unique("json"))
    ws.bin(root, "jsonapp", "start", env=env)
    p = ws.bin(root, "jsonapp", "rpc", "jiffy", "encode",
               '#{<<"a">> => [1, 2.5, null]}', env=env)
    check(p.stdout == '<<"{\\"a\\":[1,2.5,null]}">>\n', "encode printed %r",
          p.stdout)
    p = ws.bin(root, "jsonapp", "rpc", "jsonapp", "roundtrip",
               '#{<<"k">> => <<"v">>}', env=env)
    check(p.stdout == '#{<<"k">> => <<"v">>}\n', "roundtrip printed %r",
          p.stdout)
    p = ws.bin(root, "jsonapp", "rpc", "code:which(jiffy)", env=env)
    check(p.stdout.startswith('"%s/lib/jiffy-1.1.1/' % root),
          "jiffy is loaded from %s", p.stdout)
    p = ws.bin(root, "jsonapp", "rpc",
               "[A || {A, _, _} <- application:which_applications()]",
               env=env)
    for app in ("jiffy", "cowlib", "lager", "goldrush"):
        check(app in p.stdout, "%s is not running: %s", app, p.stdout)
    ws.bin(root, "jsonapp", "stop", env=env)


if __name__ == "__main__":
    main(test)
