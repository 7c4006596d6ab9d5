"""Build the sandbox's filesystem, drop privileges, start the agent.

Run by the launcher as root, as the first process of fresh mount, PID, network,
IPC and UTS namespaces (``unshare --mount --pid --net --ipc --uts --fork``), with
the standard library only (``python -I -S boot.py CONFIG_FILE``). It

1. mounts an empty tmpfs as the new root and binds into it, read-only, nosuid and
   nodev, only what Python needs: /usr, the /lib* and /bin links, a few files of /etc,
   the virtual environment and the interpreter it was made from (each at its own
   path, with the folders above it created world-traversable in the tmpfs);
2. adds a private /proc (this PID namespace only), a minimal /dev, a size-limited
   /tmp and /dev/shm, the writable working folder (/home/student), and /grader
   (the agent);
3. chroots into it, forks the agent as an unprivileged uid with no groups, no new
   privileges and resource limits, and waits: when the agent ends, this process
   (PID 1 of the namespace) ends, and the kernel kills everything left in it.

The course folder, the gradebook, solutions/, other students' work, home folders
and everything else on the machine simply do not exist inside.
"""

import ctypes
import json
import os
import resource
import signal
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38

libc = ctypes.CDLL(None, use_errno=True)


def mount(source, target, fstype, flags, data=None):
    enc = lambda s: s.encode() if isinstance(s, str) else s  # noqa: E731
    if libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def bind_readonly(path, root):
    """Make the host's ``path`` appear, read-only, at the same path under ``root``."""
    target = root + path
    if os.path.islink(path):
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        if not os.path.lexists(target):
            os.symlink(os.readlink(path), target)
        return
    if os.path.isdir(path):
        os.makedirs(target, mode=0o755, exist_ok=True)
    elif os.path.exists(path):
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        open(target, "a").close()
    else:
        return
    mount(path, target, None, MS_BIND | MS_REC)
    mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def build_root(cfg):
    root = cfg["root"]
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    os.umask(0o022)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=8m")
    # writable scratch space, limited in size; made first, so that a bind below it
    # (an environment kept in /tmp, say) still shows through
    work = cfg["workdir"]
    for folder, mode in (("/tmp", "1777"), (work, "0700")):
        os.makedirs(root + folder, mode=0o755, exist_ok=True)
        mount("tmpfs", root + folder, "tmpfs", MS_NOSUID | MS_NODEV,
              f"mode={mode},size={cfg['tmp_size']},uid={cfg['uid'] if folder == work else 0}")
    for path in cfg["binds"]:
        bind_readonly(path, root)
    # a private /proc that shows this namespace's processes only
    os.makedirs(root + "/proc", exist_ok=True)
    mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    # a minimal /dev
    os.makedirs(root + "/dev", exist_ok=True)
    mount("tmpfs", root + "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k")
    for name in ("null", "zero", "full", "random", "urandom"):
        open(f"{root}/dev/{name}", "a").close()
        mount(f"/dev/{name}", f"{root}/dev/{name}", None, MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{root}/dev/{name}")
    # pseudo-terminals of its own (IPython's `!command` runs through one)
    os.makedirs(root + "/dev/pts")
    mount("devpts", root + "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620")
    os.symlink("pts/ptmx", root + "/dev/ptmx")
    os.makedirs(root + "/dev/shm")
    mount("tmpfs", root + "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"mode=1777,size={cfg['tmp_size']}")
    # the student's own files (handed in beside the notebook), owned by the student
    for dirpath, dirnames, filenames in os.walk(cfg["work_src"]):
        rel = os.path.relpath(dirpath, cfg["work_src"])
        dest_dir = os.path.normpath(os.path.join(root + work, rel))
        os.makedirs(dest_dir, exist_ok=True)
        os.chown(dest_dir, cfg["uid"], cfg["uid"])
        for name in filenames:
            copy_file(os.path.join(dirpath, name), os.path.join(dest_dir, name), cfg["uid"])
    # the agent, readable by all and owned by root
    os.makedirs(root + "/grader/nnl_secure", mode=0o755)
    open(root + "/grader/nnl_secure/__init__.py", "w").close()
    for path in cfg["agent_modules"]:
        copy_file(path, root + "/grader/nnl_secure/" + os.path.basename(path), None)
    copy_file(cfg["agent"], root + "/grader/agent.py", None)
    mount(None, root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=0755,size=8m")
    return root


def copy_file(source, dest, owner):
    with open(source, "rb") as src, open(dest, "wb") as out:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            out.write(chunk)
    if owner is not None:
        os.chown(dest, owner, owner)


def limit(cfg):
    for name, value in cfg["rlimits"].items():
        resource.setrlimit(getattr(resource, name), (value, value))


def start_agent(cfg):
    pid = os.fork()
    if pid == 0:
        try:
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            limit(cfg)
            os.setgroups([])
            os.setresgid(cfg["uid"], cfg["uid"], cfg["uid"])
            os.setresuid(cfg["uid"], cfg["uid"], cfg["uid"])
            if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
                raise OSError("cannot set no_new_privs")
            os.chdir(cfg["workdir"])
            os.execve(cfg["argv"][0], cfg["argv"], cfg["env"])
        except BaseException as err:  # noqa: B036
            os.write(2, f"sandbox: cannot start the agent: {err}\n".encode())
            os._exit(121)
    return pid


def main():
    with open(sys.argv[1]) as fh:
        cfg = json.load(fh)
    try:
        root = build_root(cfg)
        os.chroot(root)
        os.chdir("/")
    except OSError as err:
        os.write(2, f"sandbox: cannot build the sandbox: {err}\n".encode())
        os._exit(120)
    agent = start_agent(cfg)
    # PID 1 of the namespace: reap whatever ends, leave when the agent does
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(0)
        if pid == agent:
            os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


if __name__ == "__main__":
    main()
