"""Real servers for the tests, started and stopped by the tests, on 127.0.0.1 and free ports.

* :func:`postgres`: Debian's PostgreSQL (``.ci/run`` installs the package ``postgresql``
  when it is missing). The server refuses to run as root, so when the tests run as
  root it runs as the ``postgres`` user (``runuser``), in a temporary data folder that
  user owns, its Unix socket in that folder too.
* :func:`dask_scheduler` and :func:`dask_worker`: the ``dask`` command of the virtual
  environment, as an instructor starts it.

Each is a context manager; leaving it stops the server and removes its files.
"""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
POSTGRES_MISSING = ("PostgreSQL's server is not installed (no /usr/lib/postgresql/*/bin/pg_ctl): "
                    "`apt-get install postgresql`, as .ci/run does")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_available():
    return bool(PG_BINARIES) and (os.geteuid() != 0 or _postgres_user() is not None)


def _postgres_user():
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        return None


def _as_server_user(argv):
    """Run a server command as the postgres user when we are root (it refuses root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


class Postgres:
    """A running server: ``url(database)`` for SQLAlchemy, ``createdb(name)``."""

    def __init__(self, folder, port, bindir):
        self.folder, self.port, self.bindir = Path(folder), port, Path(bindir)

    def url(self, database):
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def createdb(self, name):
        subprocess.run(_as_server_user([str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                                        "-U", "postgres", name]), check=True, capture_output=True, timeout=60)
        return self.url(name)


@contextlib.contextmanager
def postgres():
    """A fresh PostgreSQL server (trust authentication, 127.0.0.1 only)."""
    bindir = Path(PG_BINARIES[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="nnl-pg-"))
    data, port = folder / "data", free_port()
    user = _postgres_user() if os.geteuid() == 0 else None
    if user:
        os.chown(folder, user.pw_uid, user.pw_gid)
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    try:
        subprocess.run(_as_server_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                                        "--auth=trust", "-E", "UTF8", "--no-sync"]),
                       check=True, capture_output=True, timeout=120, env=env, cwd=folder)
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                        str(folder / "log"), "-w", "-t", "60", "start"]),
                       check=True, capture_output=True, timeout=90, env=env, cwd=folder)
        yield Postgres(folder, port, bindir)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                                            "stop"]), capture_output=True, timeout=60, cwd=folder)
        shutil.rmtree(folder, ignore_errors=True)


# --- Dask -----------------------------------------------------------------------------------------

def dask_env(extra=None):
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(extra or {})
    return env


def _wait_for_port(port, proc, what, log, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited ({proc.returncode}):\n{Path(log).read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout} s")


def stop(proc):
    """End a server and every process of its session (a worker's nanny and child)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


@contextlib.contextmanager
def dask_scheduler(folder, protocol="tcp", args=(), env=None):
    """``dask scheduler`` on 127.0.0.1; yields (address, process)."""
    port = free_port()
    log = Path(folder) / f"scheduler-{port}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                 "--protocol", protocol, "--no-dashboard", *args],
                                stdout=out, stderr=subprocess.STDOUT, env=dask_env(env), start_new_session=True)
    try:
        _wait_for_port(port, proc, "dask scheduler", log)
        yield f"{protocol}://127.0.0.1:{port}", proc
    finally:
        stop(proc)


def dask_worker(folder, address, name, args=(), env=None, user=None):
    """Start ``dask worker`` (one process, one thread, no nanny), as ``user`` if given
    (we are root); the caller stops it (:func:`stop`)."""
    log = Path(folder) / f"worker-{name}.log"
    as_user = ["runuser", "-u", user, "--"] if user else []
    with open(log, "w") as out:
        return subprocess.Popen([*as_user, str(BIN / "dask"), "worker", address, "--name", name, "--nthreads", "1",
                                 "--no-nanny", "--host", "127.0.0.1", "--no-dashboard", *args],
                                stdout=out, stderr=subprocess.STDOUT, env=dask_env(env), start_new_session=True)
