"""Start, watch and end one sandboxed student process.

Two ways to isolate, chosen by :func:`choose_isolation`:

``namespaces`` (the grader runs as root and util-linux's ``unshare`` is there, as on
Debian and in CI): the student's process gets its own mount, PID, network, IPC and
UTS namespaces (:mod:`boot` builds a filesystem with only the Python installation
in it), runs as a uid of its own with no groups and no new privileges, under
resource limits. There is no network (a new network namespace has none), nothing
of the course on disk, and no process outside its own. When it ends, the kernel
ends everything it started (the namespace's PID 1 is gone).

``none`` (a non-root instructor): the student's process runs as the instructor, in
its own session, with the same resource limits but **without** filesystem or
network isolation. The verdicts are still computed outside the student's process,
so monkeypatching gives no marks; but a student could read what the instructor can
read. The grading command says so loudly and asks for ``--isolation none`` to be
given explicitly.

Wall time is watched here, not in the sandbox: :meth:`Sandbox.kill` is the only
way a sandbox ends early, and it always works (SIGKILL to the namespace's parent).
"""

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import statuses
from . import rpc

HERE = Path(__file__).resolve().parent
# what the sandbox runs: the agent, and beside it (as the package nnl_secure) the modules it imports
AGENT = HERE / "agent.py"
AGENT_MODULES = [HERE / "codec.py", HERE / "rpc.py", HERE.parent / "notebook_setup.py"]
WORKDIR = "/home/student"   # the student's folder inside the sandbox
KEEP_OUTPUT = 20_000        # bytes of raw output (fd 1 and 2) kept for the report


@dataclass
class Limits:
    """What one submission may use. Sizes in bytes, times in seconds."""

    memory: int = 2 * 2**30          # address space (RLIMIT_AS)
    processes: int = 64              # processes and threads of the sandbox's uid
    cpu: int = 600                   # CPU seconds (a backstop; wall time is watched outside)
    file_size: int = 64 * 2**20      # largest file it may write
    open_files: int = 256
    tmp_size: str = "256m"           # each of /tmp, the working folder and /dev/shm (tmpfs)
    output: int = 2**20              # characters it may print, in all


@dataclass
class Isolation:
    mode: str                        # "namespaces" or "none"
    reason: str
    uid_base: int = 1_900_000_000
    extra_binds: list = field(default_factory=list)

    def uid(self, slot):
        return self.uid_base + slot


def python_paths():
    """What the sandbox must see to run this Python: the environment and the
    interpreter it was made from (both may live in folders others cannot enter,
    such as /root/.pyenv; the sandbox shows them at their own paths)."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    exe = Path(sys.executable)
    paths.add(str(exe.parent))
    paths.add(str(exe.resolve().parent.parent))
    return sorted(p for p in paths if p and p != "/" and not p.startswith("/usr"))


def unreadable_environment():
    """Files of the Python installation that the sandbox's uid (an "other" user) could
    not use: the sandbox shows the installation as it is, permissions included."""
    import importlib.util

    checks = [(Path(sys.executable).resolve(), 0o005)]
    for module in ("numpy", "IPython", "traitlets", "os"):
        spec = importlib.util.find_spec(module)
        if spec and spec.origin:
            checks += [(Path(spec.origin), 0o004), (Path(spec.origin).parent, 0o005)]
    return [str(path) for path, bits in checks if path.exists() and (path.stat().st_mode & bits) != bits]


SYSTEM_BINDS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
                "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
                "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts", "/etc/mime.types",
                "/etc/alternatives", "/etc/fonts", "/etc/ssl/openssl.cnf"]


def choose_isolation(requested="auto", uid_base=1_900_000_000, extra_binds=()):
    """The isolation this machine offers, and why (``requested`` may force "none")."""
    if requested == "none":
        return Isolation("none", "--isolation none was given", uid_base)
    problems = []
    if os.geteuid() != 0:
        problems.append("the grader is not running as root (namespaces and a separate uid need root)")
    if not shutil.which("unshare"):
        problems.append("util-linux's `unshare` is not installed")
    if not problems:
        probe = subprocess.run([shutil.which("unshare"), "--mount", "--pid", "--net", "--ipc", "--uts", "--fork",
                                "true"], capture_output=True, text=True)
        if probe.returncode != 0:
            problems.append("`unshare` is not permitted here (" + (probe.stderr.strip() or "no reason given")
                            + "; a container without CAP_SYS_ADMIN?)")
    if not problems:
        for slot in range(4):
            try:
                pwd.getpwuid(uid_base + slot)
            except KeyError:
                continue
            problems.append(f"uid {uid_base + slot} belongs to an account; choose another --uid-base")
            break
    if problems:
        return Isolation("none", "; ".join(problems), uid_base)
    return Isolation("namespaces", "root, unshare: separate namespaces and uid", uid_base, list(extra_binds))


class SandboxError(Exception):
    """The sandbox could not be started: a problem of the grading machine."""


class Sandbox:
    """One student process: start it, talk to it, watch its output, end it."""

    def __init__(self, isolation, slot, limits, work_src):
        self.isolation, self.slot, self.limits = isolation, slot, limits
        self.work_src = str(work_src)
        self.proc = None
        self.channel = None
        self.temp = None
        self.output = bytearray()
        self.output_total = 0
        self.output_exceeded = False
        self.started = None
        self.killed_reason = None
        self.killed_live = False        # True if the grader had to end a running process

    # -- start --
    def start(self, deadline):
        self.temp = tempfile.mkdtemp(prefix="nnl-sandbox-")
        to_agent_r, to_agent_w = os.pipe()
        from_agent_r, from_agent_w = os.pipe()
        out_r, out_w = os.pipe()
        inner = [str(to_agent_r), str(from_agent_w), str(self.limits.output)]
        env = self.environment()
        try:
            if self.isolation.mode == "namespaces":
                argv = self.namespaced_argv(inner, env)
                preexec = None
            else:
                argv = self.plain_argv(inner)
                preexec = self.plain_limits
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out_w, stderr=out_w,
                pass_fds=(to_agent_r, from_agent_w), env=env,
                cwd=self.temp, start_new_session=True, preexec_fn=preexec,
            )
        finally:
            for fd in (to_agent_r, from_agent_w, out_w):
                os.close(fd)
        self.started = time.monotonic()
        self.channel = rpc.Channel(from_agent_r, to_agent_w)
        threading.Thread(target=self.drain, args=(out_r,), daemon=True).start()
        try:
            message, _ = self.channel.recv(deadline)
        except (rpc.ChannelClosed, rpc.ChannelTimeout, rpc.ProtocolError) as err:
            self.kill("start")
            time.sleep(0.05)
            output = self.output_text()[-2000:]
            self.close()
            raise SandboxError(f"the sandbox did not start ({type(err).__name__}); its output:\n{output}") from None
        if message.get("op") != rpc.Op.READY:
            self.close()
            raise SandboxError("the sandbox started with an unexpected message")
        self.agent_uid = message.get("uid")
        return self.channel

    def environment(self):
        venv_bin = str(Path(sys.executable).parent)
        return {
            "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
            "HOME": WORKDIR if self.isolation.mode == "namespaces" else self.temp,
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "TMPDIR": "/tmp" if self.isolation.mode == "namespaces" else self.temp,
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": "/tmp/matplotlib" if self.isolation.mode == "namespaces" else self.temp,
            "IPYTHONDIR": "/tmp/ipython" if self.isolation.mode == "namespaces" else self.temp + "/ipython",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "NBGRADER_EXECUTION": "autograde",
        }

    def namespaced_argv(self, inner, env):
        root = os.path.join(self.temp, "root")
        os.mkdir(root, 0o700)
        limits = self.limits
        config = {
            "root": root,
            "binds": SYSTEM_BINDS + python_paths() + list(self.isolation.extra_binds),
            "uid": self.isolation.uid(self.slot),
            "tmp_size": limits.tmp_size,
            "work_src": self.work_src,
            "workdir": WORKDIR,
            "agent": str(AGENT),
            "agent_modules": [str(p) for p in AGENT_MODULES],
            "rlimits": {
                "RLIMIT_AS": limits.memory, "RLIMIT_NPROC": limits.processes,
                "RLIMIT_CPU": limits.cpu, "RLIMIT_FSIZE": limits.file_size,
                "RLIMIT_NOFILE": limits.open_files, "RLIMIT_CORE": 0,
            },
            "argv": [sys.executable, "-I", "/grader/agent.py", *inner],
            "env": env,
        }
        config_path = os.path.join(self.temp, "config.json")
        with open(config_path, "w") as fh:
            json.dump(config, fh)
        return [shutil.which("unshare"), "--mount", "--pid", "--net", "--ipc", "--uts", "--fork",
                "--kill-child", "--", sys.executable, "-I", "-S", str(HERE / "boot.py"), config_path]

    def plain_argv(self, inner):
        grader = os.path.join(self.temp, "grader")
        os.makedirs(os.path.join(grader, "nnl_secure"))
        open(os.path.join(grader, "nnl_secure", "__init__.py"), "w").close()
        for path in AGENT_MODULES:
            shutil.copy(path, os.path.join(grader, "nnl_secure", path.name))
        shutil.copy(AGENT, os.path.join(grader, "agent.py"))
        work = os.path.join(self.temp, "work")
        shutil.copytree(self.work_src, work)
        self.plain_work = work
        return [sys.executable, "-I", os.path.join(grader, "agent.py"), *inner]

    def plain_limits(self):
        import resource
        os.chdir(self.plain_work)
        for name, value in (("RLIMIT_AS", self.limits.memory), ("RLIMIT_CPU", self.limits.cpu),
                            ("RLIMIT_FSIZE", self.limits.file_size), ("RLIMIT_CORE", 0)):
            resource.setrlimit(getattr(resource, name), (value, value))

    # -- output of the process itself (prints that bypass Python's sys.stdout) --
    def drain(self, fd):
        try:
            while True:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                self.output_total += len(chunk)
                if len(self.output) < KEEP_OUTPUT:
                    self.output += chunk[: KEEP_OUTPUT - len(self.output)]
                if self.output_total > self.limits.output and not self.output_exceeded:
                    self.output_exceeded = True
                    self.kill(statuses.OUTPUT)
        finally:
            os.close(fd)

    def output_text(self):
        return bytes(self.output).decode("utf-8", "replace")

    # -- end --
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, reason="end"):
        """End the sandbox and everything in it (idempotent)."""
        if self.killed_reason is None:
            self.killed_reason = reason
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.killed_live = True
            try:
                # the session holds unshare (namespaces) or the agent and its children (none)
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def close(self):
        """Say goodbye if it still listens, end it, remove its temporary folder."""
        if self.alive() and self.channel is not None:
            try:
                self.channel.send({"op": rpc.Op.BYE, "seq": 0}, (), time.monotonic() + 1)
                self.proc.wait(timeout=2)
            except BaseException:  # noqa: B036 (any failure: it is killed below)
                pass
        self.kill()
        if self.channel is not None:
            for fd in (self.channel.read_fd, self.channel.write_fd):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.channel = None
        if self.temp:
            shutil.rmtree(self.temp, ignore_errors=True)
            self.temp = None

    def exit_description(self):
        """How the process ended, in words."""
        if self.proc is None or self.proc.poll() is None:
            return "it is still running"
        code = self.proc.returncode
        if self.killed_live:
            return "it stopped answering the grader, which ended it"
        if code is not None and code < 0:
            return f"it was killed by signal {-code} ({signal.Signals(-code).name})"
        if code is not None and code > 128:
            try:
                name = signal.Signals(code - 128).name
            except ValueError:
                name = str(code - 128)
            return f"it was killed by signal {code - 128} ({name})"
        return f"it exited with status {code}"
