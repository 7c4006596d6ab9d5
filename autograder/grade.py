"""Grade every submission of an assignment, safely: ``python -m autograder.grade ASSIGNMENT``.

The hardened replacement for ``nbgrader autograde`` (book/for-instructors.md has
the whole story). Each student's notebook runs in a sandbox of its own; the tests
run in the grader, on the values the notebook hands over; every submission gets a
row in the export, with a score and a status. Run it from the course root as root
(for the sandbox), after ``nbgrader generate_assignment`` and ``nbgrader collect``
(or ``zip_collect``)::

    sudo .venv/bin/python -m autograder.grade backprop            # all students
    sudo .venv/bin/python -m autograder.grade backprop --student alice --student bob
    sudo .venv/bin/python -m autograder.grade backprop --force      # even the submissions up to date
    .venv/bin/python -m autograder.grade --help

By default a submission is graded only when something it depends on changed since its
last grading (secure/inputs.py); late submissions get nbgrader's late penalty
(deadlines.py). A long run prints a progress line now and then; ``--verbose`` one line
per submission, ``--quiet`` only the summary.

It reads the same ``autograder/nbgrader_config.py`` as nbgrader (so the same
folders and gradebook) and writes, under ``autograder/``: the gradebook's scores,
``autograded/`` (for formgrader), ``feedback/`` (for ``nbgrader release_feedback``),
``results/`` and the export ``grading-report.csv``.
"""

import argparse
import concurrent.futures as futures
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import classlist, deadlines, gradebook_db, limits, statuses
from . import report as class_report
from .secure import plan as plans
from .secure import codec, inputs, rpc, runner, sandbox, store
from .secure.results import Result

HERE = Path(__file__).resolve().parent

STUDENT_FILE_LIMIT = 10 * 2**20       # a file handed in beside the notebook, copied into the sandbox
STUDENT_FILES_TOTAL = 50 * 2**20


# --- configuration ---------------------------------------------------------------------------

def parse_size(text):
    units = {"k": 2**10, "m": 2**20, "g": 2**30}
    text = str(text).strip().lower().rstrip("ib").rstrip("b") if not str(text).isdigit() else str(text)
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def arguments(argv=None):
    p = argparse.ArgumentParser(
        prog="python -m autograder.grade",
        description="Grade an assignment's submissions in sandboxes, with the tests outside them.")
    p.add_argument("assignment", help="the assignment to grade (as in solutions/ and the gradebook)")
    p.add_argument("--student", action="append", default=[],
                   help="grade only this student (repeat for several); default: everyone")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                   help="submissions graded at the same time (default: the number of cores)")
    p.add_argument("--cell-timeout", type=float, default=limits.CELL_TIMEOUT,
                   help=f"seconds one cell or one test may run (default {limits.CELL_TIMEOUT:g})")
    p.add_argument("--notebook-timeout", type=float, default=limits.NOTEBOOK_TIMEOUT,
                   help=f"seconds a whole notebook may run, restarts included (default {limits.NOTEBOOK_TIMEOUT:g})")
    p.add_argument("--memory", default=limits.MEMORY,
                   help=f"memory (address space) per notebook (default {limits.MEMORY})")
    p.add_argument("--max-output", default=limits.MAX_OUTPUT,
                   help=f"characters a notebook may print in all (default {limits.MAX_OUTPUT})")
    p.add_argument("--processes", type=int, default=limits.PROCESSES,
                   help=f"processes and threads per notebook (default {limits.PROCESSES})")
    p.add_argument("--isolation", choices=["auto", "none"], default="auto",
                   help="auto: namespaces and a separate uid when run as root; none: no sandbox "
                        "(the notebook runs as you, can read your files and use the network)")
    p.add_argument("--cluster", metavar="ADDRESS", default=None,
                   help="grade on a Dask cluster: a scheduler's address (tcp://HOST:PORT, tls://HOST:PORT) "
                        "or `local` for a LocalCluster on this machine; default: a process pool here")
    p.add_argument("--uid-base", type=int, default=1_900_000_000,
                   help="notebooks run as uids UID_BASE, UID_BASE+1, ... (one per job); they must "
                        "belong to no account (default 1900000000)")
    p.add_argument("--expose", action="append", default=[],
                   help="a further folder the notebooks may read (read-only), e.g. a data set")
    p.add_argument("--config", default=str(HERE / "nbgrader_config.py"),
                   help="the nbgrader configuration (default: autograder/nbgrader_config.py)")
    p.add_argument("--csv", default=None, help="the export (default: autograder/grading-report.csv)")
    p.add_argument("--lock-timeout", type=float, default=300.0,
                   help="seconds to keep retrying while the gradebook is locked (default 300)")
    p.add_argument("--force", action="store_true",
                   help="grade every submission again, even those whose inputs are unchanged since their last "
                        "grading (by default they are skipped as up to date)")
    loud = p.add_mutually_exclusive_group()
    loud.add_argument("--verbose", "-v", action="store_true", help="print one line per submission")
    loud.add_argument("--quiet", "-q", action="store_true", help="print only the summary")
    return p.parse_args(argv)


def load_coursedir(config_path):
    """nbgrader's CourseDirectory, configured by the same file nbgrader reads."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(config_path).resolve()
    config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    coursedir = CourseDirectory(config=config)
    course_id = config.get("CourseDirectory", {}).get("course_id", "") or "default_course"
    return coursedir, course_id


def load_assignment(coursedir, course_id, name):
    from nbgrader.api import Gradebook, MissingEntry

    release = Path(coursedir.format_path(coursedir.release_directory, ".", name)) / f"{name}.ipynb"
    if not release.is_file():
        raise SystemExit(f"error: {release} does not exist; run `nbgrader generate_assignment {name}` first")
    with Gradebook(coursedir.db_url, course_id) as gb:
        try:
            return plans.load_assignment(gb, release, name)
        except MissingEntry:
            raise SystemExit(f"error: the gradebook has no assignment {name!r}; run "
                             f"`nbgrader generate_assignment {name}` first") from None


def load_class_list(coursedir):
    """The course's class list (autograder/students.csv), or None when it has none."""
    try:
        return classlist.load_if_present(coursedir.root)
    except classlist.ClassListError as err:
        raise SystemExit(f"error: {err}") from None


def find_students(coursedir, course_id, assignment, only, roster=None):
    """Everyone with a folder for the assignment, and everyone who should have one: the
    class list when the course has one, else everyone in the gradebook. (A stray, once
    graded, is in the gradebook; with a class list, that does not make them absent from
    every other assignment.)"""
    from nbgrader.api import Gradebook

    submitted = Path(coursedir.root) / coursedir.submitted_directory
    students = set()
    if submitted.is_dir():
        for folder in submitted.iterdir():
            if folder.is_dir() and (folder / assignment).exists():
                students.add(folder.name)
    if roster is not None:
        students |= set(roster)
    else:
        with Gradebook(coursedir.db_url, course_id) as gb:
            students |= {s.id for s in gb.students}
    if only:
        students = set(only)
    return sorted(students)


# --- one submission, in a worker ------------------------------------------------------------

class Job:
    """What a worker needs to grade any submission of the batch; plain data, so that it
    pickles (a Dask worker on another machine gets a copy)."""

    def __init__(self, args, coursedir, assignment, isolation):
        self.assignment = assignment
        self.isolation = isolation            # chosen here for the pool; by each worker on a cluster
        self.requested, self.uid_base, self.expose = args.isolation, args.uid_base, list(args.expose)
        self.limits = sandbox.Limits(memory=parse_size(args.memory), processes=args.processes,
                                     cpu=int(args.notebook_timeout) + 30, output=parse_size(args.max_output))
        self.cell_timeout, self.notebook_timeout = args.cell_timeout, args.notebook_timeout
        self.root, self.structure = coursedir.root, coursedir.directory_structure
        self.submitted_step = coursedir.submitted_directory
        self.secrets = secret_paths(coursedir)
        self.not_on_class_list = set()    # students who handed in but are not on the class list
        # what else a grade depends on (its fingerprint, secure/inputs.py); on a cluster each
        # worker checks its own isolation, which it must give as asked (--isolation)
        self.settings = repr((self.limits, self.cell_timeout, self.notebook_timeout,
                              isolation.mode if isolation else f"cluster:{args.isolation}",
                              sorted(isolation.extra_binds) if isolation else sorted(args.expose)))

    def submitted(self, student):
        """The student's submission folder (nbgrader's CourseDirectory.format_path)."""
        return Path(self.root, self.structure.format(nbgrader_step=self.submitted_step, student_id=student,
                                                     assignment_id=self.assignment.name))


JOB = None
SLOT = 0


def init_worker(job, slots):
    global JOB, SLOT
    JOB, SLOT = job, slots.get()


def stage_student_files(folder, notebook_path):
    """A copy of what the student handed in beside the notebook (their own modules,
    data), for the sandbox's working folder; oversized files are left out."""
    stage = tempfile.mkdtemp(prefix="nnl-stage-")
    os.chmod(stage, 0o700)
    total = 0
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.is_symlink() or path == notebook_path or ".ipynb_checkpoints" in path.parts:
                continue
            size = path.stat().st_size
            if path.name == "timestamp.txt" or size > STUDENT_FILE_LIMIT or total + size > STUDENT_FILES_TOTAL:
                continue
            total += size
            dest = Path(stage, path.relative_to(folder))
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    return stage


def grade_in_pool(student):
    """The process pool's task: one submission, read from the course's folder."""
    return grade_one(JOB, SLOT, student, JOB.submitted(student))


def grade_one(job, slot, student, folder):
    """Grade the submission in ``folder`` with sandbox uid ``slot``; never raises. The one
    path of every submission: the pool's workers and the cluster's (autograder/cluster.py)."""
    try:
        result = _grade_one(job, slot, student, folder)
    except Exception as err:   # a fault of the grader's: that submission is flagged, the batch goes on
        return Result.grader_error(student, job.assignment,
                                   f"the grader failed on this submission: {type(err).__name__}: {err}")
    return result


def _grade_one(job, slot, student, folder):
    submission = plans.read_submission(folder, student, job.assignment.notebook)
    stage = None
    try:
        if submission.status == statuses.OK:
            stage = stage_student_files(folder, submission.path)
            submission.folder_for_sandbox = stage
        result = runner.grade_submission(job.assignment, submission, job.isolation, slot, job.limits,
                                         job.cell_timeout, job.notebook_timeout)
    finally:
        if stage:
            shutil.rmtree(stage, ignore_errors=True)
    if student in job.not_on_class_list:
        flag_not_on_class_list(result)
    result.notebook_json = None if submission.notebook is None else json.dumps(submission.notebook)
    if submission.status == statuses.OK:
        result.isolation = job.isolation.mode       # what the notebook ran in, for the export
    return result.stamp()


def flag_not_on_class_list(result):
    """Graded as anyone else, but flagged, and said in the message."""
    result.status = statuses.most_serious([result.status, statuses.NOT_ON_CLASS_LIST])
    why = ("the student id is not on the class list (autograder/students.csv): graded, but the grade counts "
           "only once the instructor knows who this is")
    result.message = "; ".join(filter(None, [result.message, why]))


# --- the batch ---------------------------------------------------------------------------

def secret_paths(coursedir):
    """What a sandbox must not see: the sources, the submissions, the gradebook."""
    return [str(Path(coursedir.root) / coursedir.source_directory),
            str(Path(coursedir.root) / coursedir.submitted_directory),
            coursedir.db_url.replace("sqlite:///", "/", 1) if coursedir.db_url.startswith("sqlite:///")
            else str(Path(coursedir.root) / "autograder")]


def preflight(isolation, limits, coursedir):
    """Start one sandbox and check what it can see; explain the isolation in one line."""
    try:
        return check_sandbox(isolation, limits, secret_paths(coursedir))
    except SandboxUnavailable as err:
        raise SystemExit(f"error: {err}") from None


class SandboxUnavailable(Exception):
    """This machine cannot give the isolation asked for; the message says why."""


def check_sandbox(isolation, limits, secrets, slot=0):
    """Start one sandbox and check that it sees none of ``secrets`` and no network;
    the isolation in one line, or :class:`SandboxUnavailable`."""
    if isolation.mode == "none":
        return ("NO ISOLATION: notebooks run as you, can read everything you can (the gradebook, "
                "solutions/) and use the network; only the verdicts are protected. Run as root "
                "for the sandbox (" + isolation.reason + ").")
    unreadable = sandbox.unreadable_environment()
    if unreadable:
        raise SandboxUnavailable("the sandbox runs notebooks as another user, who cannot read this Python "
                                 f"environment ({', '.join(unreadable[:3])}); make it readable by others, for "
                                 f"example `chmod -R o+rX {sys.prefix} {sys.base_prefix}`, or use --isolation none")
    stage = tempfile.mkdtemp(prefix="nnl-probe-")
    box = sandbox.Sandbox(isolation, slot, limits, stage)
    try:
        box.start(time.monotonic() + 60)
        peer = rpc.Peer(box.channel, codec.TRUSTED, lambda: time.monotonic() + 30)
        probe = ("import os, socket\nseen = any(os.path.exists(p) for p in %r)\n"
                 "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=1); net = True\n"
                 "except OSError:\n    net = False\nprint(os.getuid(), seen, net)") % secrets
        reply, _ = peer.request({"op": rpc.Op.RUN_CELL, "source": probe})
        uid, seen, net = reply.get("stdout", "").split()[:3]
    except Exception as err:
        raise SandboxUnavailable(f"the sandbox does not work on this machine: {err}") from None
    finally:
        box.close()
        shutil.rmtree(stage, ignore_errors=True)
    if seen != "False" or net != "False":
        raise SandboxUnavailable(f"the sandbox is not isolated (course folder visible: {seen}, network: {net})")
    return (f"sandbox: namespaces (mount, pid, net, ipc, uts), uid {uid}+, no network, "
            f"course folder invisible; memory {limits.memory / 2**30:g} GiB, {limits.processes} processes")


def main(argv=None):
    args = arguments(argv)
    say = (lambda *a: None) if args.quiet else print
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    coursedir, course_id = load_coursedir(args.config)
    # The schema checked once, before any worker starts. Never made here: this command runs as
    # root, and a gradebook root made would be one the instructor's nbgrader cannot write.
    database = coursedir.db_url.removeprefix("sqlite:///") if coursedir.db_url.startswith("sqlite:///") else None
    if database is not None and not Path(database).exists():
        raise SystemExit(f"error: there is no gradebook at {database}: run `nbgrader generate_assignment "
                         f"{args.assignment}` first (as yourself, not as root)")
    try:
        store.retry_locked(lambda: gradebook_db.prepare(coursedir.db_url, course_id, create=False),
                           args.lock_timeout, say)
    except gradebook_db.GradebookError as err:
        raise SystemExit(f"error: {err}") from None
    assignment, waited = store.retry_locked(lambda: load_assignment(coursedir, course_id, args.assignment),
                                            args.lock_timeout, say)
    # on a cluster, each worker chooses and checks its own isolation (autograder/cluster.py)
    isolation = None if args.cluster else sandbox.choose_isolation(args.isolation, args.uid_base, args.expose)
    job = Job(args, coursedir, assignment, isolation)
    if isolation is not None:
        line = preflight(isolation, job.limits, coursedir)
        loud = isolation.mode == "none"
        print(("WARNING: " if loud else "") + line, file=sys.stderr if loud else sys.stdout)
    roster = load_class_list(coursedir)
    students, more = store.retry_locked(
        lambda: find_students(coursedir, course_id, assignment.name, args.student, roster), args.lock_timeout, say)
    if not students:
        print(f"no submissions of {assignment.name} to grade")
        return 0
    job.not_on_class_list = strays(job, students, roster)
    out = store.Store(coursedir, assignment, course_id, args.lock_timeout, say,
                      deadlines.penalty_plugin(coursedir.config))
    (todo, fingerprints, up_to_date), more2 = store.retry_locked(
        lambda: what_to_grade(job, coursedir, course_id, students, out.results_dir, args.force),
        args.lock_timeout, say)
    jobs = max(1, min(args.jobs, len(todo)))
    say(f"grading {len(todo)} submissions of {assignment.name} "
        + (f"on the Dask cluster {args.cluster}" if args.cluster else f"with {jobs} job(s)")
        + (f"; {len(up_to_date)} up to date, skipped (--force grades them too)" if up_to_date else ""))
    saver = Saver(out, assignment, say, fingerprints, verbose=args.verbose, total=len(todo))
    saver.refresh_penalties(up_to_date)
    started = time.monotonic()
    if todo and args.cluster:
        from . import cluster

        jobs = cluster.grade(args.cluster, job, todo, saver.save, say)
    elif todo:
        dispatch(job, todo, jobs, saver.save)
    elapsed = time.monotonic() - started
    if not args.student:
        saver.out.forget_others(set(students))
    csv_path = Path(args.csv) if args.csv else Path(coursedir.root) / "autograder" / "grading-report.csv"
    facts, more3 = store.retry_locked(lambda: store.gradebook_facts(coursedir.db_url, course_id),
                                      args.lock_timeout, say)
    store.export_csv(Path(coursedir.root) / "autograder", csv_path, facts)
    store.hand_back(str(csv_path), saver.out.owner)
    class_report.after_grading(coursedir, course_id, say)
    return saver.report(elapsed, jobs, waited + more + more2 + more3, csv_path, len(up_to_date))


def dispatch(job, students, jobs, save):
    """Grade these students' submissions, handing each result to ``save`` as it comes."""
    if jobs == 1:
        init_worker(job, _SingleSlot())
        for student in students:
            save(grade_in_pool(student))
    else:
        run_pool(job, students, jobs, save)


def strays(job, students, roster):
    """Who handed something in without being on the class list (nobody, without a list)."""
    if roster is None:
        return set()
    return {s for s in students if s not in roster and job.submitted(s).exists()}


def what_to_grade(job, coursedir, course_id, students, results_dir, force):
    """(the students to grade, every student's input fingerprint, the students skipped as
    up to date): a submission is up to date when its last result was made from the same
    inputs (secure/inputs.py), was not the grader's failure, and is in the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(coursedir.db_url, course_id) as gb:
        due, per_student = deadlines.due_dates(gb, job.assignment.name)
    assignment_hash = inputs.assignment_digest(job.assignment)
    fingerprints = {s: inputs.fingerprint(assignment_hash, job.submitted(s), per_student.get(s, due),
                                          s not in job.not_on_class_list, job.settings) for s in students}
    todo, up_to_date = [], []
    for student in students:
        last = {} if force else read_result(results_dir / f"{student}.json")
        status = statuses.BY_NAME.get(last.get("status"))
        current = (last.get("inputs") == fingerprints[student] and status is not None
                   and status.name != statuses.GRADER_ERROR
                   and (student in per_student or not status.creates_submission))
        (up_to_date if current else todo).append(student)
    return todo, fingerprints, up_to_date


def read_result(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}


class Progress:
    """A line now and then on a long run: done out of total, the rate, the time left."""

    EVERY = 15.0          # seconds between two lines

    def __init__(self, total, say, clock=time.monotonic):
        self.total, self.say, self.clock = total, say, clock
        self.started = self.last = clock()
        self.done = 0

    def tick(self):
        self.done += 1
        now = self.clock()
        if now - self.last < self.EVERY or self.done >= self.total:
            return
        self.last = now
        per_minute = self.done / max(now - self.started, 1e-9) * 60
        left = (self.total - self.done) / per_minute * 60
        self.say(f"  {self.done}/{self.total} graded, {per_minute:.1f} per minute, about {duration(left)} left")


def duration(seconds):
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Saver:
    """The parent's side of a batch: writes each result as it comes, then sums up."""

    def __init__(self, out, assignment, say, fingerprints=None, verbose=False, total=0):
        self.out, self.assignment, self.say = out, assignment, say
        self.fingerprints = fingerprints or {}
        self.verbose = verbose
        self.progress = Progress(total, say)
        self.results, self.failures = [], []

    def save(self, result):
        notebook, result.notebook_json = result.notebook_json, None
        result.inputs = self.fingerprints.get(result.student, "")
        plan = None
        if notebook is not None:
            import nbformat
            plan = plans.make_plan(self.assignment, nbformat.reads(notebook, as_version=4))
        try:
            self.out.save(result, None, plan)
        except Exception as err:    # one submission that cannot be written must not stop the rest
            self.failures.append(f"{result.student}: {type(err).__name__}: {err}")
            print(f"error: could not save {result.student}: {err}", file=sys.stderr)
        problems = getattr(self.out, "problems", None)      # a page not made: the grade is saved
        if problems:
            self.failures += problems
            problems.clear()
        self.results.append(result)
        if self.verbose:
            late = result.late or {}
            self.say(f"  {result.student:<24} {result.status:<16} {result.score:g}/{result.max_score:g}"
                     f"  {result.seconds:.1f} s"
                     + (f"  {late['seconds_late'] / 3600:.1f} h late, penalty {late['penalty']:g}"
                        if late.get("seconds_late") and late.get("penalty") is not None else "")
                     + (f"  {result.message[:90]}" if result.message else ""))
        else:
            self.progress.tick()

    def refresh_penalties(self, students):
        """Submissions skipped as up to date keep their scores, but their penalty is
        recomputed: a hand-graded score entered since changes what a penalty takes."""
        try:
            found = self.out.gradebook.refresh_penalties(self.assignment.name, students)
        except Exception as err:
            self.failures.append(f"the late penalties of the submissions up to date could not be updated: {err}")
            return
        for student, late in found.items():
            path = self.out.results_dir / f"{student}.json"
            last = read_result(path)
            if late is not None and last and last.get("late") != late:
                last["late"] = late
                store.atomic_write(path, json.dumps(last, indent=1, default=str))
                store.hand_back(str(path), self.out.owner)

    def report(self, elapsed, jobs, waited, csv_path, skipped=0):
        """The summary lines; the command's exit status."""
        counts = {}
        for r in self.results:
            counts[r.status] = counts.get(r.status, 0) + 1
        parts = [", ".join(f"{n} {s}" for s, n in sorted(counts.items()))] if counts else []
        if self.results:
            parts.insert(0, f"{elapsed / len(self.results):.2f} s per submission")
        if skipped:
            parts.append(f"{skipped} skipped as up to date")
        print(f"graded {len(self.results)} submissions of {self.assignment.name} in {elapsed:.1f} s with "
              f"{jobs} job(s): " + "; ".join(parts))
        late = [r for r in self.results if (r.late or {}).get("seconds_late")]
        if late:
            print(f"{len(late)} late: " + ", ".join(
                f"{r.student} ({r.late['seconds_late'] / 3600:.1f} h, penalty {r.late['penalty'] or 0:g})"
                for r in late[:10]) + (", ..." if len(late) > 10 else ""))
        locked = self.out.gradebook.retries + waited
        if locked and not self.failures:
            print(f"the gradebook was locked {locked} time(s); the grader waited, and every write went through")
        print(f"export: {csv_path}")
        if self.failures:
            print(f"error: {len(self.failures)} result(s) could not be saved; grade them again:\n  "
                  + "\n  ".join(self.failures), file=sys.stderr)
            return 1
        return 0


class _SingleSlot:
    def get(self):
        return 0


def run_pool(job, students, jobs, save):
    """Grade in parallel. A worker process that dies breaks the whole pool, and with it every
    submission still in it, most of them innocent: those are graded again one at a time,
    each in a pool of its own, so that only a submission that kills its worker again, alone,
    gets a grader_error row."""
    suspects = pool_round(job, students, jobs, save)
    for student in suspects:
        if pool_round(job, [student], 1, save):
            save(Result.grader_error(student, job.assignment, "the grader's worker process died twice on this "
                                                              "submission, the second time grading it alone"))


def pool_round(job, students, jobs, save):
    """Grade ``students`` in one process pool; returns those whose results were lost when a
    worker died (the pool is then broken)."""
    context = multiprocessing.get_context("fork")
    slots = context.Queue()
    for slot in range(jobs):
        slots.put(slot)
    lost = []
    with futures.ProcessPoolExecutor(jobs, mp_context=context, initializer=init_worker,
                                     initargs=(job, slots)) as pool:
        running = {pool.submit(grade_in_pool, s): s for s in students}
        for done in futures.as_completed(running):
            try:
                result = done.result()
            except futures.process.BrokenProcessPool:
                lost.append(running[done])
                continue
            save(result)
    return lost


if __name__ == "__main__":
    sys.exit(main())
