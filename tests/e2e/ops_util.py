"""Helpers for the tests of the operator's side of bin/NAME (issue 8):
a release of examples/hello with hooks, custom commands, an env.sh, a
sys.config and vm.args holding ${VAR}s and a cookie_file; free ports; a
command run in a mount namespace of its own (read-only bind mounts, a
full tmpfs, a /dev/urandom that gives nothing).

relc's build side writes hooks, commands, env.sh, libexec/ and the
cookie_file into the release from rel/relc.yaml.  Until it does, the
release is built plainly and these files are put into releases/VSN/ by
hand, exactly where the build will put them (see install_by_hand)."""
import os
import shutil
import socket
import subprocess

from relc_e2e import TOP, check, compile_hello, run

VSN = "0.1.0"


def render_template(name, release):
    """templates/NAME as relc renders it, for the names it uses."""
    with open(os.path.join(TOP, "templates", name)) as f:
        text = f.read()
    for key, value in (("release_name", release), ("relc_version", "test")):
        text = text.replace("{{!%s}}" % key, value)
        text = text.replace("{{%s}}" % key, "'%s'" % value)
    return text


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def install_by_hand(root, hooks, commands, env_sh, sys_config, vm_args,
                    cookie_file):
    rel = os.path.join(root, "releases", VSN)
    for hook, files in hooks.items():
        for name, text in files:
            write(os.path.join(rel, "hooks", hook, name), text, 0o755)
    for name, text in commands.items():
        write(os.path.join(rel, "commands", name), text, 0o755)
    if env_sh is not None:
        write(os.path.join(rel, "env.sh"), env_sh)
    if sys_config is not None:
        write(os.path.join(rel, "sys.config"), sys_config)
    if vm_args is not None:
        with open(os.path.join(rel, "vm.args"), "a") as f:
            f.write(vm_args)
    for tool in ("release_ctl", "release_remote_ctl"):
        write(os.path.join(rel, "libexec", tool),
              render_template(tool, "hello"), 0o755)
    if cookie_file is not None:
        script = os.path.join(root, "bin", "hello")
        with open(script) as f:
            text = f.read()
        check("RELC_COOKIE_FILE=''\n" in text, "bin/hello has no cookie_file")
        text = text.replace("RELC_COOKIE_FILE=''\n", "RELC_COOKIE_FILE='%s'\n"
                            % cookie_file.replace("'", "'\\''"))
        write(script, text, 0o755)


def build_hello(ws, hooks=None, commands=None, env_sh=None, sys_config=None,
                vm_args=None, cookie_file=None, name="hello"):
    """examples/hello compiled and built, with these extras: hooks maps a
    hook to [(file name, script)], commands a name to a script; env_sh and
    sys_config are the files' text, vm_args lines added to vm.args.
    Returns the release root."""
    built = ws.path("hello", "_build", "prod", "rel", "hello")
    if not os.path.isdir(built):
        project = compile_hello(ws)
        run([ws.relc, "build"], cwd=project)
    out = ws.path("releases", name)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    run(["cp", "-a", built, out])
    install_by_hand(out, hooks or {}, commands or {}, env_sh, sys_config,
                    vm_args, cookie_file)
    return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


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
