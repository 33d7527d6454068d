"""Helpers for the tests of the operator's side of bin/NAME (issue 8):
a release of examples/hello with hooks, custom commands, an env.sh, a
sys.config and vm.args holding ${VAR}s and a cookie_file, all given in
its rel/relc.yaml and put into the release by relc build; free ports; a
command run in a mount namespace of its own (read-only bind mounts, a
full tmpfs, a /dev/urandom that gives nothing)."""
import json
import os
import random
import shutil
import socket
import subprocess

from relc_e2e import check, compile_hello, run

VSN = "0.1.0"


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def q(text):
    """A YAML scalar (JSON's strings are YAML's double-quoted ones)."""
    return json.dumps(text)


def build_hello(ws, hooks=None, commands=None, env_sh=None, sys_config=None,
                vm_args=None, cookie_file=None, name="hello"):
    """A release of examples/hello (compiled once) built by relc from a
    project of its own, ws/projects/NAME, whose rel/relc.yaml gives these
    extras: hooks maps a hook to [(file name, script)] (a directory of
    scripts), commands a name to a script; env_sh, sys_config and vm_args
    are the files' text; cookie_file the run-time path.  Returns the
    release root."""
    hello = ws.path("hello")
    if not os.path.isdir(hello):
        compile_hello(ws)
    project = ws.path("projects", name)
    rel = os.path.join(project, "rel")
    lines = ["releases:", "  hello:", "    version: %s" % VSN,
             "    applications: [hello, {runtime_tools: load}]",
             "    lib_dirs: [%s]" % q(os.path.join(hello, "_build",
                                                   "default", "lib"))]
    if hooks:
        lines.append("    hooks:")
        for hook, files in hooks.items():
            for fname, text in files:
                write(os.path.join(rel, "hooks", hook, fname), text, 0o755)
            lines.append("      %s: rel/hooks/%s" % (hook, hook))
    if commands:
        lines.append("    commands:")
        for cmd, text in commands.items():
            write(os.path.join(rel, "commands", cmd), text, 0o755)
            lines.append("      %s: rel/commands/%s" % (cmd, cmd))
    if env_sh is not None:
        write(os.path.join(rel, "env.sh"), env_sh)
        lines.append("    env_file: rel/env.sh")
    if sys_config is not None:
        write(os.path.join(rel, "sys.config"), sys_config)
        lines.append("    sys_config: rel/sys.config")
    if vm_args is not None:
        write(os.path.join(rel, "vm.args"), vm_args)
        lines.append("    vm_args: rel/vm.args")
    if cookie_file is not None:
        lines.append("    cookie_file: %s" % q(cookie_file))
    write(os.path.join(rel, "relc.yaml"), "\n".join(lines) + "\n")
    run([ws.relc, "build"], cwd=project)
    out = os.path.join(project, "_build", "prod", "rel", "hello")
    check(os.path.isfile(os.path.join(out, "bin", "hello")),
          "relc build made no %s", out)
    return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def free_fixed_port():
    """A free port below the kernel's ephemeral range (32768 and up), which
    no other test's sockets (nodes, listeners on port 0) can take later: a
    port a test watches for what listens there."""
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(20000, 32000)
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            s.close()
        return port
    raise RuntimeError("no free port in 20000-32000")


def listening(port):
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def unshare_prefix(ws):
    """How to run a command in a mount namespace of its own, where it may
    mount: as root directly, else as root of a user namespace; None when
    neither works."""
    if not shutil.which("unshare"):
        return None
    probe = ws.path("mount-probe")
    os.makedirs(probe, exist_ok=True)
    unshare = shutil.which("unshare")
    for prefix in ([unshare, "--mount"],
                   [unshare, "--map-root-user", "--mount"]):
        p = subprocess.run(prefix + ["mount", "-t", "tmpfs", "none", probe],
                           capture_output=True)
        if p.returncode == 0:
            return prefix
    return None


def read_only_command(ws, root, steps):
    """The argv that runs the shell code `steps` ($R: the release root;
    one %s, where a mount line goes) on the release at root, made
    read-only: by a read-only bind mount in a mount namespace of its own
    when there is one (root ignores chmod -R a-w), else by the chmod
    alone.  Returns (argv, how it is read-only)."""
    prefix = unshare_prefix(ws)
    if prefix:
        body = steps % '"$2" --bind -o ro "$R" "$R"'
        return (prefix + ["sh", "-c", body, "sh", root,
                          shutil.which("mount") or "mount"],
                "chmod -R a-w and a read-only bind mount")
    check(os.environ.get("CI") != "true" and os.getuid() != 0,
          "no mount namespace for a read-only bind mount")
    return ["sh", "-c", steps % "", "sh", root], "chmod -R a-w"


def tree_sums(root):
    """Every path under root with its type, mode and contents' hash."""
    import hashlib
    import stat
    sums = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    what = hashlib.sha256(f.read()).hexdigest()
            elif stat.S_ISLNK(st.st_mode):
                what = "-> " + os.readlink(path)
            else:
                what = "dir" if stat.S_ISDIR(st.st_mode) else "other"
            sums[os.path.relpath(path, root)] = (oct(st.st_mode), what,
                                                 st.st_mtime_ns)
    return sums
