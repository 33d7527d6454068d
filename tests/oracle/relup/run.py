#!/usr/bin/env python3
"""The relup oracle: relc_relup_make against systools:make_relup.

Builds every upgrade shape below in a temporary directory (an old and a
new release: releases/VSN/NAME.rel, lib/APP-VSN/ebin/APP.app and the new
applications' APP.appup), runs the driver (relc's side) on each, then one
escript (cwd in the temporary directory: crash dumps never land in the
repository) that runs systools:make_relup(New, [Old], [Old], ...) and
compares the two terms with =:=.  A shape with `error` must fail in both,
relc's one-line message matching the regular expression.

usage: run.py RELUP_DRIVER
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
from needs import require  # noqa: E402

ERTS = "13.1.5"


def app(name, vsn, mods=(), apps=("kernel", "stdlib"), incl=(), typ=None,
        rel_incl=None):
    """An application: its .app keys, and its .rel entry's type and
    included applications (None: the short form)."""
    return dict(name=name, vsn=vsn, mods=list(mods), apps=list(apps),
                incl=list(incl), typ=typ, rel_incl=rel_incl)


def base(kernel="9.0", stdlib="4.0", sasl="4.0"):
    return [app("kernel", kernel, ["k_a", "k_b"], apps=()),
            app("stdlib", stdlib, ["s_a", "s_b"], apps=("kernel",)),
            app("sasl", sasl, ["sasl_a", "sasl_b"])]


def rel(vsn, apps, erts=ERTS, name="shop"):
    return dict(name=name, vsn=vsn, erts=erts, apps=apps)


def appup(vsn, up, down):
    """An appup text: up and down are lists of (FromVsnPattern, Instrs)
    given as Erlang text."""
    def entries(l):
        return "[" + ",\n  ".join("{%s, %s}" % e for e in l) + "]"
    return "{%s,\n %s,\n %s}.\n" % (vsn, entries(up), entries(down))


def same(vsn, frm, instrs):
    """An appup whose up and down scripts are the same instructions."""
    return appup('"%s"' % vsn, [('"%s"' % frm, instrs)],
                 [('"%s"' % frm, instrs)])


SHAPES = {}


def shape(name, old, new, appups=None, error=None):
    SHAPES[name] = dict(old=old, new=new, appups=appups or {}, error=error)


A1 = app("shop", "1", ["shop_app", "shop_sup", "shop_srv", "shop_db",
                       "shop_util"])
A2 = app("shop", "2", ["shop_app", "shop_sup", "shop_srv", "shop_db",
                       "shop_util"])

shape("01_load_module", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1", "[{load_module, shop_util}, "
                    "{load_module, shop_db, []}]")})

shape("02_add_delete_module",
      rel("1", base() + [app("shop", "1", ["shop_app", "shop_old"])]),
      rel("2", base() + [app("shop", "2", ["shop_app", "shop_new"])]),
      {"shop": appup('"2"',
                     [('"1"', "[{add_module, shop_new}, "
                       "{delete_module, shop_old}, {load_module, shop_app}]")],
                     [('"1"', "[{add_module, shop_old}, "
                       "{delete_module, shop_new, []}, "
                       "{load_module, shop_app}]")])})

shape("03_advanced", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1", "[{update, shop_srv, {advanced, {extra, 1}}}, "
                    "{update, shop_db, {advanced, []}, [shop_srv]}, "
                    "{update, shop_util}]")})

shape("04_supervisor", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1", "[{update, shop_sup, supervisor}, "
                    "{update, shop_srv, {advanced, []}}, "
                    "{load_module, shop_util}]")})

shape("05_soft_timeout", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1",
                    "[{update, shop_srv, 5000, soft, brutal_purge, "
                    "brutal_purge, []}, "
                    "{update, shop_db, infinity, {advanced, x}, "
                    "soft_purge, brutal_purge, []}, "
                    "{update, shop_util, soft}, "
                    "{update, shop_sup, static, 3000, {advanced, y}, "
                    "brutal_purge, soft_purge, []}, "
                    "{update, shop_app, dynamic, default, soft, "
                    "brutal_purge, brutal_purge, []}]")})

# a chain: shop_app needs shop_srv needs shop_db needs shop_util, listed in
# another order; shop_sup on its own
shape("06_depmods_chain", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1",
                    "[{load_module, shop_db, [shop_util]}, "
                    "{load_module, shop_sup}, "
                    "{update, shop_srv, {advanced, []}, [shop_db]}, "
                    "{load_module, shop_util, []}, "
                    "{load_module, shop_app, [shop_srv]}]")})

shape("07_depmods_cycle", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1",
                    "[{load_module, shop_util, [shop_db]}, "
                    "{update, shop_db, {advanced, []}, [shop_srv]}, "
                    "{update, shop_srv, {advanced, []}, [shop_util]}, "
                    "{load_module, shop_app, [shop_srv]}, "
                    "{load_module, shop_sup, [shop_sup]}]")})

# a module needing two others, which need one more.  Two orders are valid
# (shop_srv and shop_db either way); systools' choice follows the atoms'
# indexes in its VM (relup.c, component_order), the same on every run of
# these cases, and here the same as relc's (script order).
shape("07b_depmods_diamond", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1",
                    "[{load_module, shop_app, [shop_srv, shop_db]}, "
                    "{load_module, shop_srv, [shop_util]}, "
                    "{load_module, shop_db, [shop_util]}, "
                    "{load_module, shop_util}]")})

shape("08_add_application",
      rel("1", base() + [A1]),
      rel("2", base() + [app("cart", "1.0", ["cart_a", "cart_b"]),
                         app("pay", "0.1", ["pay_a"], typ="load"),
                         app("tax", "2", ["tax_a", "tax_b", "tax_c"],
                             typ="none"),
                         app("log", "3", [], typ="temporary"),
                         app("shop", "2", A2["mods"],
                             apps=("kernel", "stdlib", "cart"))]),
      {"shop": appup('"2"', [('"1"', "[{load_module, shop_app, [cart_a]}]")],
                     [('"1"', "[{load_module, shop_app}]")])})

shape("09_remove_application",
      rel("1", base() + [app("old", "1", ["old_a", "old_b"]),
                         app("gone", "2", ["gone_a"], typ="transient"), A1]),
      rel("2", base() + [A2]),
      {"shop": same("2", "1", "[{load_module, shop_util}]")})

shape("10_restart_application",
      rel("1", base() + [app("shop", "1", ["shop_app", "shop_old"],
                             typ="transient")]),
      rel("2", base() + [app("shop", "2", ["shop_app", "shop_new"],
                             typ="transient")]),
      {"shop": same("2", "1", "[{restart_application, shop}]")})

shape("11_apply", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1",
                    "[{apply, {shop_util, prepare, []}}, point_of_no_return, "
                    "{load_module, shop_util}, "
                    "{apply, {io, format, [\"upgraded ~p~n\", [shop]]}}, "
                    "{sync_nodes, id1, [n1@host, n2@host]}, "
                    "{sync_nodes, id2, {shop_util, nodes, []}}]")})

shape("12_restart_emulator", rel("1", base() + [A1]),
      rel("2", base() + [A2]),
      {"shop": same("2", "1", "[restart_emulator, {load_module, shop_util}, "
                    "{update, shop_srv, {advanced, []}}]")})

shape("13_erts_change", rel("1", base() + [A1], erts="13.0"),
      rel("2", base() + [A2], erts="13.1.5"),
      {"shop": same("2", "1", "[{load_module, shop_util}]")})

shape("14_erts_change_restart", rel("1", base() + [A1], erts="13.0"),
      rel("2", base() + [A2], erts="13.1.5"),
      {"shop": same("2", "1", "[{load_module, shop_util}, restart_emulator, "
                    "restart_new_emulator]")})

shape("15_otp_apps",
      rel("1", base() + [A1]),
      rel("2", base(kernel="9.1", stdlib="4.1", sasl="4.0.1") + [A2]),
      {"kernel": same("9.1", "9.0", "[{load_module, k_b}, "
                      "{load_module, k_a, [k_b]}]"),
       "stdlib": same("4.1", "4.0", "[{update, s_a, {advanced, []}}]"),
       "sasl": same("4.0.1", "4.0", "[{load_module, sasl_a, [k_a]}, "
                    "restart_emulator]"),
       "shop": same("2", "1", "[{load_module, shop_util}]")})

shape("16_included",
      rel("1", base() + [app("inc", "1", ["inc_a"]),
                         app("shop", "1", A1["mods"], incl=["inc"])]),
      rel("2", base() + [app("inc", "2", ["inc_a", "inc_b"]),
                         app("extra", "1", ["extra_a"]),
                         app("shop", "2", A2["mods"], incl=["inc", "extra"],
                             rel_incl=["inc", "extra"])]),
      {"inc": appup('"2"',
                    [('"1"', "[{add_module, inc_b}, {load_module, inc_a}]")],
                    [('"1"', "[{delete_module, inc_b}, "
                      "{load_module, inc_a}]")]),
       "shop": same("2", "1", "[{load_module, shop_app}]")})

shape("17_regexp_vsn", rel("1", base() + [app("shop", "1.3.7", A1["mods"])]),
      rel("2", base() + [A2]),
      {"shop": appup('"2"',
                     [('"1.3"', "[{load_module, shop_app}]"),
                      ('<<"1\\\\.2\\\\..*">>', "[{load_module, shop_db}]"),
                      ('<<"1\\\\.3">>', "[{load_module, shop_srv}]"),
                      ('<<"1\\\\.[0-9]+\\\\.[0-9]+">>',
                       "[{load_module, shop_util}]"),
                      ('"1.3.7"', "[{load_module, shop_sup}]")],
                     [('<<"^1\\\\.3\\\\.\\\\d+$">>',
                       "[{load_module, shop_util}]")])})

shape("18_one_module_many", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1",
                    "[{apply, {shop_srv, prepare, []}}, "
                    "{update, shop_srv, {advanced, []}}, "
                    "{apply, {shop_srv, done, [1]}}, "
                    "{apply, {shop_srv, done, [2]}}]")})

shape("19_purge_options", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1",
                    "[{load_module, shop_util, soft_purge, soft_purge, []}, "
                    "{load_module, shop_db, brutal_purge, soft_purge, "
                    "[shop_util]}, "
                    "{update, shop_srv, {advanced, []}, soft_purge, "
                    "brutal_purge, []}, "
                    "{update, shop_app, 2000, soft, soft_purge, "
                    "soft_purge, []}]")})

shape("20_low_level", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1",
                    "[{load_object_code, {shop, \"2\", [shop_util]}}, "
                    "point_of_no_return, "
                    "{suspend, [shop_srv]}, {load, {shop_util, brutal_purge, "
                    "brutal_purge}}, {code_change, up, [{shop_srv, []}]}, "
                    "{resume, [shop_srv]}, {stop, [shop_db]}, "
                    "{start, [shop_db]}, {purge, [shop_old]}]")})

shape("21_everything",
      rel("1", base() + [app("old", "1", ["old_a"]), A1], erts="13.0"),
      rel("2", base(kernel="9.1") + [
          app("new", "1", ["new_a"], typ="load"),
          app("shop", "2", A2["mods"] + ["shop_new"])]),
      {"kernel": same("9.1", "9.0", "[{load_module, k_a}]"),
       "shop": appup('"2"',
                     [('"1"', "[{add_module, shop_new, [shop_db]}, "
                       "{update, shop_srv, {advanced, []}, [shop_new]}, "
                       "{update, shop_db, {advanced, []}}]")],
                     [('"1"', "[{delete_module, shop_new}, "
                       "{update, shop_srv, {advanced, []}}, "
                       "{update, shop_sup, supervisor}, "
                       "{update, shop_db, {advanced, []}, [shop_srv]}]")])})

shape("22_shortcuts", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1",
                    "[[{load_module, shop_util, brutal_purge, "
                    "brutal_purge, []}], [], "
                    "{update, shop_srv, [shop_db]}, "
                    "{update, shop_db, soft, []}, "
                    "{update, shop_app, {advanced, a}, [shop_db]}, "
                    "{add_module, shop_sup, [shop_util]}]")})

# a supervisor (static) and a gen_server in one DepMods component: in the
# down script their code_change come before and after the loads
shape("23_static_dynamic_component", rel("1", base() + [A1]),
      rel("2", base() + [A2]),
      {"shop": same("2", "1",
                    "[{update, shop_sup, static, default, {advanced, []}, "
                    "brutal_purge, brutal_purge, [shop_srv]}, "
                    "{update, shop_srv, {advanced, x}, [shop_db]}, "
                    "{update, shop_db, dynamic, 1000, {advanced, y}, "
                    "soft_purge, soft_purge, []}]")})

# from a sasl older than R15's (2.2): restart_new_emulator goes last
shape("24_old_sasl_erts_change", rel("1", base(sasl="2.1") + [A1],
                                     erts="13.0"),
      rel("2", base(sasl="2.1") + [A2]),
      {"shop": same("2", "1", "[restart_emulator, {load_module, shop_db}, "
                    "{apply, {shop_db, migrate, []}}]")})

# appups of several applications: load_object_code merged per library,
# applies before point_of_no_return after every load_object_code
shape("25_several_appups",
      rel("1", base() + [app("cart", "1", ["cart_a", "cart_b"]), A1]),
      rel("2", base(stdlib="4.1") + [app("cart", "2", ["cart_a", "cart_b"]),
                                     A2]),
      {"stdlib": same("4.1", "4.0", "[{apply, {s_a, before, []}}, "
                      "point_of_no_return, {load_module, s_b}]"),
       "cart": appup('"2"',
                     [('"1"', "[{load_object_code, {cart, \"2\", "
                       "[cart_b]}}, {apply, {cart_a, before, []}}, "
                       "point_of_no_return, {load_module, cart_a, [s_b]}, "
                       "{load_module, cart_b}]")],
                     [('"1"', "[{load_object_code, {cart, \"1\", "
                       "[cart_b]}}, point_of_no_return, "
                       "{load_module, cart_b}, {load_module, cart_a}]")]),
       "shop": same("2", "1", "[{load_module, shop_db, [cart_a]}]")})

# errors: both must fail
shape("e1_no_appup_entry", rel("1", base() + [A1]),
      rel("2", base() + [A2]),
      {"shop": same("2", "0.9", "[{load_module, shop_util}]")},
      error=r".*shop\.appup:\d+:\d+: no upgrade entry for shop-2 from "
            r"shop-1 in the appup")

shape("e2_bad_instruction", rel("1", base() + [A1]),
      rel("2", base() + [A2]),
      {"shop": same("2", "1", "[{load_module, shop_util},\n"
                    "   {frobnicate, shop_db}]")},
      error=r".*shop\.appup:\d+:\d+: bad instruction: "
            r"\{frobnicate,shop_db\}")

shape("e3_unknown_module", rel("1", base() + [A1]),
      rel("2", base() + [A2]),
      {"shop": same("2", "1", "[{load_module, shop_nope}]")},
      error=r".*shop\.appup:\d+:\d+: no such module in the release: "
            r"shop_nope")

shape("e4_undefined_depmod", rel("1", base() + [A1]),
      rel("2", base() + [A2]),
      {"shop": same("2", "1", "[{load_module, shop_util, [shop_db]}]")},
      error=r".*shop\.appup:\d+:\d+: undefined module in DepMods.*: shop_db")

shape("e5_two_instructions", rel("1", base() + [A1]),
      rel("2", base() + [A2]),
      {"shop": same("2", "1", "[{load_module, shop_util}, "
                    "{update, shop_util, soft}]")},
      error=r".*shop\.appup:\d+:\d+: module with more than one instruction: "
            r"shop_util")

shape("e7_bad_shortcut", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1", "[{update, shop_sup, supervisor, [shop_srv]}, "
                    "{update, shop_srv}]")},
      error=r".*shop\.appup:\d+:\d+: bad instruction: "
            r"\{update,shop_sup,supervisor,\[shop_srv\]\}")

# the down script names a module of an application the old release lacks
shape("e8_down_depmod_of_added_app",
      rel("1", base() + [A1]),
      rel("2", base() + [app("cart", "1.0", ["cart_a"]), A2]),
      {"shop": same("2", "1", "[{load_module, shop_app, [cart_a]}]")},
      error=r".*shop\.appup:\d+:\d+: undefined module in DepMods.*: cart_a")

# a nested list is spliced in as it is: its shortcuts are not expanded
shape("e9_nested_shortcut", rel("1", base() + [A1]), rel("2", base() + [A2]),
      {"shop": same("2", "1", "[[{load_module, shop_util}]]")},
      error=r".*shop\.appup:\d+:\d+: bad instruction: "
            r"\{load_module,shop_util\}")

shape("e10_conflicting_versions", rel("1", base() + [A1]),
      rel("2", base() + [A2]),
      {"shop": same("2", "1", "[{load_object_code, {shop, \"3\", "
                    "[shop_db]}}, point_of_no_return, "
                    "{load_module, shop_util}]")},
      error=r".*shop\.appup:\d+:\d+: conflicting versions of a library "
            r"in load_object_code: .*")

shape("e11_suspended_not_resumed", rel("1", base() + [A1]),
      rel("2", base() + [A2]),
      {"shop": same("2", "1", "[{suspend, [shop_srv]}, "
                    "{load_module, shop_util}]")},
      error=r".*shop\.appup:\d+:\d+: suspended but not resumed: shop_srv")

shape("e12_removed_application_present", rel("1", base() + [A1]),
      rel("2", base() + [A2]),
      {"shop": same("2", "1", "[{remove_application, shop}]")},
      error=r".*shop\.appup:\d+:\d+: removed application present in the "
            r"release: shop")

shape("e6_no_appup", rel("1", base() + [A1]),
      rel("2", base() + [A2]), {},
      error=r"no appup for application 'shop' .*")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def atoms(l):
    return "[" + ", ".join(l) + "]"


def write_release(root, r, appups):
    entries = []
    for a in r["apps"]:
        parts = [a["name"], '"%s"' % a["vsn"]]
        if a["typ"]:
            parts.append(a["typ"])
        if a["rel_incl"] is not None:
            parts.append(atoms(a["rel_incl"]))
        entries.append("{%s}" % ", ".join(parts))
        ebin = os.path.join(root, "lib", "%s-%s" % (a["name"], a["vsn"]),
                            "ebin")
        write(os.path.join(ebin, a["name"] + ".app"),
              '{application, %s,\n [{description, "%s"}, {vsn, "%s"},\n'
              '  {modules, %s}, {registered, []},\n'
              '  {applications, %s}, {included_applications, %s}]}.\n'
              % (a["name"], a["name"], a["vsn"], atoms(a["mods"]),
                 atoms(a["apps"]), atoms(a["incl"])))
        if a["name"] in appups:
            write(os.path.join(ebin, a["name"] + ".appup"), appups[a["name"]])
    write(os.path.join(root, "releases", r["vsn"], r["name"] + ".rel"),
          '{release, {"%s", "%s"}, {erts, "%s"},\n [%s]}.\n'
          % (r["name"], r["vsn"], r["erts"], ",\n  ".join(entries)))


def main():
    require("erl", "escript")
    driver = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="relc-relup-oracle-")
    ok = True
    try:
        cases = os.path.join(tmp, "cases")
        for name, s in sorted(SHAPES.items()):
            case = os.path.join(cases, name)
            write_release(os.path.join(case, "old"), s["old"], {})
            write_release(os.path.join(case, "new"), s["new"], s["appups"])
            p = subprocess.run([driver, os.path.join(case, "old"),
                                os.path.join(case, "new")],
                               capture_output=True, text=True)
            if p.returncode == 0:
                write(os.path.join(case, "relc.relup"), p.stdout)
            else:
                write(os.path.join(case, "relc.err"), p.stderr)
            if s["error"]:
                write(os.path.join(case, "expect_error"), s["error"])
                lines = p.stderr.splitlines()
                if p.returncode != 1 or len(lines) != 1 or \
                        not re.fullmatch(s["error"], lines[0]):
                    print("FAIL %s: relc's error does not match\n"
                          "want: %s\ngot (exit %d): %s"
                          % (name, s["error"], p.returncode, p.stderr))
                    ok = False
                else:
                    print("relc fails as expected: %s" % lines[0])
        p = subprocess.run(["escript", os.path.join(HERE, "check.escript"),
                            cases], cwd=tmp, capture_output=True, text=True)
        print(p.stdout, end="")
        print(p.stderr, end="", file=sys.stderr)
        if p.returncode != 0:
            ok = False
        n = len([l for l in p.stdout.splitlines() if l.startswith("ok ")])
        if n != len(SHAPES):
            print("FAIL: %d of %d shapes agree" % (n, len(SHAPES)))
            ok = False
    finally:
        if ok:
            shutil.rmtree(tmp)
        else:
            print("left the cases in", tmp)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
