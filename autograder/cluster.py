"""Grading on a Dask cluster: ``python -m autograder.grade ASSIGNMENT --cluster ADDRESS``.

The grading command (the coordinator) reads each submission folder, sends its files
to a Dask worker with the batch's :class:`~autograder.grade.Job`, and gets back the
:class:`~autograder.secure.results.Result`, which it saves exactly as the process pool's
(autograder/grade.py, ``Saver``): the coordinator alone writes the gradebook. A worker
grades through the same function as the pool's workers, ``grader.grade_one``: the
notebook in a sandbox, the tests in the worker.

``ADDRESS`` is a scheduler's (``tcp://HOST:PORT``, or ``tls://HOST:PORT`` with the
certificates of Dask's configuration, ``distributed.comm.tls.*``), or ``local``: a
``LocalCluster`` on this machine, one single-threaded worker process per core, its
scheduler on 127.0.0.1, over TLS with throwaway certificates (``security=True``): another
user of the machine can reach the port but not talk to it.

* **Fail closed.** Before its first submission each worker chooses and checks the
  isolation it can give (``sandbox.choose_isolation`` and the grader's own sandbox
  check). A worker that cannot sandbox refuses, unless ``--isolation none``: it is
  sent no submission, and when every worker refuses the command stops before grading,
  naming each worker and why (no grade is cleared). A submission a refusing worker is
  sent all the same gets a ``grader_error`` row saying which worker and why.
  The export's ``isolation`` column records what each notebook ran in.
* **A lost worker.** Its submissions go to another worker once (the scheduler's
  ``distributed.scheduler.allowed-failures``, set to 1 for the run); lost again, the
  submission gets a ``grader_error`` row. Each submission is saved once.
* **Workers** must run the same commit of the course, in the same environment, as root
  (for the sandbox), one thread each (``dask worker ADDRESS --nthreads 1``); a worker of
  another version of the grader refuses the work.
"""

import fcntl
import hashlib
import os
import shutil
import socket
import stat
import tempfile
import threading
import time
from pathlib import Path

from . import grade as grader
from .secure import sandbox
from .secure.results import Result

HERE = Path(__file__).resolve().parent
ALLOWED_FAILURES = 1              # a lost worker's submission goes elsewhere once, then grader_error
SEND_LIMIT = 21 * 2**20           # a file larger than this is not sent; a sparse stand-in keeps its size
SLOTS = 64                        # sandbox uids per machine (uid_base + slot)
# the slot locks: root's in /run (root's alone), another user's in the temp folder; checked
# before use to be a folder of ours that no one else may write (machine_slot)
SLOT_LOCKS = (Path("/run/nnlearn-grader-slots") if os.geteuid() == 0 and Path("/run").is_dir()
              else Path(tempfile.gettempdir()) / f"nnl-grader-slots-{os.geteuid()}")
SLOT_WAIT = 900                   # seconds a worker waits for a free slot, then gives up


def grader_version():
    """A fingerprint of the grader's code: a worker grading with other code would give other scores."""
    digest = hashlib.sha256()
    for path in sorted([*HERE.glob("*.py"), *(HERE / "secure").glob("*.py")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


# --- the coordinator's side ---------------------------------------------------------------------

def pack(folder):
    """A submission folder as {relative path: bytes}, or None when there is no folder.
    Symlinks are left out; a file too large to send becomes its size (an int)."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file() or ".ipynb_checkpoints" in path.parts:
            continue
        size = path.stat().st_size
        files[path.relative_to(folder).as_posix()] = size if size > SEND_LIMIT else path.read_bytes()
    return files


def connect(address, say=print):
    """(client, the LocalCluster or None) for ``address``."""
    import dask
    from distributed import Client, LocalCluster

    if address == "local":
        with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
            # security=True: TLS with throwaway certificates (needs `cryptography`), so that
            # another user of this machine cannot use the ports (pickles: code run as root)
            cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None, security=True)
        return Client(cluster), cluster       # the client takes the cluster's certificates
    if not address.startswith(("tcp://", "tls://")):
        raise SystemExit(f"error: --cluster {address!r}: give a scheduler's address, tcp://HOST:PORT or "
                         "tls://HOST:PORT, or `local`")
    try:
        client = Client(address, timeout="30s")
    except Exception as err:
        raise SystemExit(f"error: cannot reach the Dask scheduler at {address}: {type(err).__name__}: {err} "
                         "(is it running? for tls://, are the certificates in Dask's configuration, "
                         "distributed.comm.tls.ca-file, .client.cert and .client.key?)") from None
    try:
        previous = client.run_on_scheduler(_set_allowed_failures, ALLOWED_FAILURES)
        if previous != ALLOWED_FAILURES:
            say(f"  the scheduler retried a lost worker's task {previous} time(s); set to {ALLOWED_FAILURES}")
    except Exception as err:      # a scheduler that refuses: its own setting stands
        say(f"  warning: could not set the scheduler's allowed-failures ({err}); start it with "
            f"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES={ALLOWED_FAILURES}")
    return client, None


def _set_allowed_failures(value, dask_scheduler=None):
    previous, dask_scheduler.allowed_failures = dask_scheduler.allowed_failures, value
    return previous


def grade(address, job, students, save, say=print):
    """Grade ``students`` on the cluster at ``address``, saving each result once, as it
    comes; returns the number of workers (for the summary)."""
    from distributed import as_completed
    from distributed.client import FutureCancelledError

    job.version = grader_version()
    started = time.monotonic()
    client, cluster = connect(address, say)
    try:
        client.wait_for_workers(1, timeout=120)
        workers = client.run(check_worker, job)
        print(f"cluster {client.scheduler.address}: {len(workers)} worker(s) ready in "
              f"{time.monotonic() - started:.1f} s")
        for name, (line, refusal) in sorted(workers.items()):
            say(f"  worker {name}: " + (f"REFUSES: {refusal}" if refusal else line))
        ready = sorted(name for name, (_, refusal) in workers.items() if not refusal)
        if not ready:                         # nothing graded, so no student's grades cleared
            raise SystemExit("error: every worker refuses to grade; nothing was graded:\n"
                             + "\n".join(f"  worker {name}: {refusal}"
                                         for name, (_, refusal) in sorted(workers.items())))
        window = max(8, 4 * len(ready))       # submissions in flight; the rest wait here, unread
        queue = list(students)
        running, saved = {}, set()

        def send(pending):
            student = queue.pop(0)
            future = client.submit(grade_on_worker, job, student, pack(job.submitted(student)),
                                   key=f"grade-{job.assignment.name}-{student}-{time.time_ns()}", pure=False,
                                   workers=ready, allow_other_workers=False)   # never a refusing worker
            running[future] = student
            pending.add(future)

        pending = as_completed()
        while queue and len(running) < window:
            send(pending)
        for future in pending:
            student = running.pop(future)
            try:
                result = future.result()
            except (Exception, FutureCancelledError) as err:   # KilledWorker: lost twice
                result = Result.grader_error(student, job.assignment, lost_message(err))
            if student not in saved:                         # each submission written once
                saved.add(student)
                save(result)
            if queue:
                send(pending)
        return len(ready)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def lost_message(err):
    name = type(err).__name__
    if name == "KilledWorker":
        return (f"the Dask worker grading this submission was lost {ALLOWED_FAILURES + 1} times "
                f"({err}); grade it again")
    return f"the cluster could not grade this submission: {name}: {err}"


# --- the worker's side ----------------------------------------------------------------------------

_CHECKED = {}                     # what this worker process can give, per (isolation asked, uid base, ...)
_ONE_AT_A_TIME = threading.Lock()  # the tests run in this process: one submission at a time


def check_worker(job):
    """(the isolation in one line, or None; why this worker refuses, or None), checked once."""
    key = (job.requested, job.uid_base, tuple(job.expose), getattr(job, "version", None))
    if key not in _CHECKED:
        _CHECKED[key] = _check(job)
    return _CHECKED[key][1:]


def _check(job):
    if getattr(job, "version", None) and job.version != grader_version():
        return None, None, (f"it runs another version of the grader ({grader_version()}, the coordinator's is "
                            f"{job.version}): run every worker from the same commit")
    isolation = sandbox.choose_isolation(job.requested, job.uid_base, job.expose)
    if isolation.mode == "none" and job.requested != "none":
        return None, None, (f"it cannot sandbox ({isolation.reason}); run the worker as root where "
                            "`unshare` may make namespaces, or grade with --isolation none (no sandbox)")
    try:
        with machine_slot() as slot:
            line = grader.check_sandbox(isolation, job.limits, job.secrets, slot)
    except grader.SandboxUnavailable as err:
        return None, None, str(err)
    return isolation, line, None


def grade_on_worker(job, student, files):
    """The Dask task: one submission, its files sent by the coordinator; never raises."""
    with _ONE_AT_A_TIME:
        here = worker_name()
        check_worker(job)
        isolation, _, refusal = _CHECKED[(job.requested, job.uid_base, tuple(job.expose),
                                          getattr(job, "version", None))]
        if refusal:
            result = Result.grader_error(student, job.assignment, f"the worker {here} refused to grade: {refusal}")
        else:
            job.isolation = isolation
            folder = tempfile.mkdtemp(prefix="nnl-parcel-")
            try:
                submission = Path(folder, "submission")
                unpack(files, submission)
                with machine_slot() as slot:
                    result = grader.grade_one(job, slot, student, submission)
            except grader.SandboxUnavailable as err:        # no slot to be had: a message, not a hang
                result = Result.grader_error(student, job.assignment, f"the worker {here} could not grade: {err}")
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        result.worker = here
        return result


def unpack(files, folder):
    if files is None:
        return                            # nothing handed in: no folder, as on the coordinator
    folder.mkdir(mode=0o700)
    for name, content in files.items():
        path = folder.joinpath(*name.split("/"))
        if ".." in name.split("/") or not path.resolve().is_relative_to(folder.resolve()):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            if isinstance(content, int):
                fh.truncate(content)      # too large to send: the same size, so the same verdict
            else:
                fh.write(content)


def worker_name():
    try:
        from distributed import get_worker

        worker = get_worker()
        return f"{worker.name}@{socket.gethostname()}"
    except Exception:
        return socket.gethostname()


def slot_locks():
    """The folder of the slot locks, made if missing; refused (SandboxUnavailable) unless it
    is a real folder of ours that no one else may enter: another user could otherwise
    hold every slot, or plant a link for root to follow."""
    folder = SLOT_LOCKS
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as err:
        raise grader.SandboxUnavailable(f"cannot make the folder of the sandbox slot locks {folder}: {err}") from None
    info = os.lstat(folder)
    if (not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid()
            or stat.S_IMODE(info.st_mode) != 0o700):
        raise grader.SandboxUnavailable(
            f"the folder of the sandbox slot locks, {folder}, is not a folder of this user "
            f"(uid {os.geteuid()}) with mode 0700 (it is {stat.filemode(info.st_mode)}, uid {info.st_uid}); "
            "someone else may have made it: look at it, remove it, and grade again")
    return folder


class machine_slot:
    """A sandbox slot (a uid) free on this machine, held by a file lock while used, so that
    several worker processes on one machine never share a uid. Waits at most SLOT_WAIT
    seconds for one, then raises SandboxUnavailable."""

    def __enter__(self):
        folder = slot_locks()
        end = time.monotonic() + SLOT_WAIT
        while True:
            for slot in range(SLOTS):
                try:
                    fd = os.open(folder / f"slot-{slot}",
                                 os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
                except OSError as err:
                    raise grader.SandboxUnavailable(f"cannot open the sandbox slot lock {folder}/slot-{slot}: "
                                                    f"{err}") from None
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    os.close(fd)
                    continue
                self.fd = fd
                return slot
            if time.monotonic() >= end:
                raise grader.SandboxUnavailable(
                    f"no sandbox slot came free on this machine within {SLOT_WAIT} s: all {SLOTS} are held "
                    f"(the locks in {folder}); run at most {SLOTS} worker processes a machine")
            time.sleep(0.5)

    def __exit__(self, *exc):
        os.close(self.fd)       # closing releases the lock

