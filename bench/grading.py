"""Autograding: seconds per submission, one after another and in parallel.

One batch of ``BATCH`` submissions of one assignment (``ASSIGNMENT``, the longest
notebook), in a temporary copy of the course (the assignment tests' own
:class:`Course`, so the repository's gradebook is never touched): the reference
solution, the blank release and every notebook of the mistakes corpus, repeated
until the batch is full. Graded by:

* the course's grader, ``python -m autograder.grade`` (the command the instructors' page
  documents: every notebook in its own sandbox, the tests outside), with one job
  and with one job per core, on the whole batch;
* the same command on Dask (``--cluster``): a ``LocalCluster`` (``--cluster local``, one
  worker per core) and a real ``dask scheduler`` with two ``dask worker`` processes on
  127.0.0.1, each on a copy of the same batch, with the pool's scores checked;
* the pool with the gradebook on PostgreSQL (a server started for the run, as the tests
  do) against SQLite, on the same batch;
* stock ``nbgrader autograde`` (sequential: it has no parallel mode), on the first
  ``STOCK_SAMPLE`` submissions only, because it is several times slower; its scores
  are compared with the course grader's on those.

``s_per_submission`` is the grading time divided by the number of submissions, and
``per_s`` its inverse (on a cluster the grading time includes starting or reaching the
cluster); ``batch_s`` is the whole command, start-up (imports, the sandbox check) included.
"""

import contextlib
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRADER = [sys.executable, "-m", "autograder.grade"]
ASSIGNMENT = "backprop"
BATCH = 48
STOCK_SAMPLE = 12
JOBS = os.cpu_count() or 2


def _helpers():
    """The assignment tests' temporary-course helpers (imported when grading is measured)."""
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    import assignment_helpers
    import test_assignments_mistakes

    return assignment_helpers, test_assignments_mistakes.MISTAKES


def _course(folder, assignment, size):
    """A course with ``size`` submissions: reference, blank, the mistakes, and again."""
    helpers, mistakes = _helpers()
    course = helpers.Course(Path(folder) / "course", [assignment])
    release = course.generate(assignment)
    kinds = [("reference", {"solved": "all"}), ("blank", {})]
    kinds += [(m.name.replace("_", "-"), {"solved": "all", "replace": {m.cell: m.source}})
              for m in mistakes if m.assignment == assignment]
    handed = {}
    for k in range(size):
        name, how = kinds[k % len(kinds)]
        handed[f"s{k:03d}-{name}"[:60]] = helpers.student_copy(release, assignment, **how)
    course.hand_in(assignment, handed)
    return course


def _grader(course, assignment, jobs, *more, env=None):
    """(seconds of grading as the command reports it, seconds of the whole command)."""
    started = time.perf_counter()
    env = dict(env or course.env())
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    proc = subprocess.run([*GRADER, assignment, "--jobs", str(jobs), "--quiet", "--force", *more],  # all, each run
                          cwd=course.root, env=env, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"autograder.grade {assignment} --jobs {jobs} {' '.join(more)} failed:\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    found = re.search(r"graded (\d+) submissions .* in ([\d.]+) s", proc.stdout)
    return (float(found.group(2)) if found else wall), wall


def _export(course, assignment):
    export = course.root / "autograder" / "grading-report.csv"
    rows = [r for r in csv.DictReader(export.open())] if export.exists() else []
    return {r["student"]: r for r in rows if r["assignment"] == assignment}


def _row(how, submissions, seconds=None, batch=None, note=""):
    return {"assignment": ASSIGNMENT, "grading": how, "submissions": submissions,
            "s_per_submission": None if seconds is None else round(seconds / submissions, 3),
            "per_s": None if seconds is None else round(submissions / seconds, 2),
            "batch_s": None if batch is None else round(batch, 1), "note": note}


def _summary(export):
    statuses = {}
    for r in export.values():
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    return f"{len(export)} rows ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))})"


def _same_rows(export, reference):
    """How many students have the reference's status and score."""
    return sum(1 for s, r in reference.items()
               if s in export and (export[s]["status"], export[s]["score"]) == (r["status"], r["score"]))


def _copy(course, folder):
    helpers, _ = _helpers()
    twin = helpers.Course.__new__(helpers.Course)
    twin.__dict__.update(course.__dict__)
    twin.root = Path(folder) / "course"
    shutil.copytree(course.root, twin.root)
    return twin


def _measure(rows, how, course, size, reference, *more, env=None):
    try:
        seconds, wall = _grader(course, ASSIGNMENT, JOBS, *more, env=env)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        rows.append(_row(how, size, note=f"not available: {str(error).splitlines()[0]}"))
        return
    export = _export(course, ASSIGNMENT)
    rows.append(_row(how, size, seconds, wall, f"{_summary(export)}; the pool's status and score for "
                     f"{_same_rows(export, reference)} of {len(reference)}"))


def scale(folder, fresh, size, reference):
    """The cluster paths and the PostgreSQL gradebook on copies of the same batch."""
    _helpers()
    import server_helpers       # tests/: the same servers as the tests start

    rows = []
    _measure(rows, f"--cluster local ({JOBS} workers)", _copy(fresh, Path(folder) / "local"), size, reference,
             "--cluster", "local")
    with server_helpers.dask_scheduler(folder) as (address, _):
        workers = [server_helpers.dask_worker(folder, address, f"bench-{k}") for k in range(2)]
        try:
            _wait_workers(address, 2)
            _measure(rows, "dask scheduler + 2 workers", _copy(fresh, Path(folder) / "cluster"), size,
                     reference, "--cluster", address)
        finally:
            for worker in workers:
                server_helpers.stop(worker)
    if not server_helpers.postgres_available():
        rows.append(_row(f"{JOBS} job(s), PostgreSQL gradebook", size, note=server_helpers.POSTGRES_MISSING))
        return rows
    with server_helpers.postgres() as server:
        helpers, _ = _helpers()
        database = server.createdb("nnlearn_bench")

        class PostgresCourse(helpers.Course):
            def env(self, instructor=True):
                return dict(super().env(instructor), NNLEARN_DB_URL=database)

        course = PostgresCourse(Path(folder) / "pg" / "course", [ASSIGNMENT])
        course.generate(ASSIGNMENT)
        shutil.copytree(fresh.root / "autograder" / "submitted", course.root / "autograder" / "submitted")
        _measure(rows, f"{JOBS} job(s), PostgreSQL gradebook", course, size, reference, env=course.env())
    return rows


def _wait_workers(address, count, timeout=120):
    from distributed import Client

    with Client(address, timeout="30s") as client:
        client.wait_for_workers(count, timeout=timeout)


def run(size=BATCH, sample=STOCK_SAMPLE):
    rows = []
    with tempfile.TemporaryDirectory(prefix="nnl-bench-grade-") as folder:
        course = _course(folder, ASSIGNMENT, size)
        fresh = _copy(course, Path(folder) / "fresh")
        grader_scores, reference = {}, {}
        for jobs in (1, JOBS):
            try:
                seconds, wall = _grader(course, ASSIGNMENT, jobs)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                rows.append(_row(f"course grader, {jobs} job(s)", size,
                                 note=f"not available: {str(error).splitlines()[0]}"))
                continue
            export = _export(course, ASSIGNMENT)
            statuses = {}
            for r in export.values():
                statuses[r["status"]] = statuses.get(r["status"], 0) + 1
            full = sum(1 for r in export.values() if r["score"] and float(r["score"]) == float(r["max_score"]))
            rows.append(_row(f"course grader, {jobs} job(s)", size, seconds, wall,
                             f"{len(export)} rows ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}), "
                             f"{full} with full marks"))
            grader_scores = {s: _scores(course, s) for s in sorted(export)[:sample]}
            reference = export
        rows[-1]["grading"] += " (SQLite gradebook)"
        with contextlib.suppress(ImportError):      # dask is in requirements.txt; an old venv may lack it
            rows += scale(folder, fresh, size, reference)
        # stock nbgrader on the first submissions of the same batch, in a course of their own
        with tempfile.TemporaryDirectory(prefix="nnl-bench-stock-") as stock_folder:
            stock = _course(stock_folder, ASSIGNMENT, sample)
            started = time.perf_counter()
            stock.autograde(ASSIGNMENT)
            wall = time.perf_counter() - started
            # a notebook that imports nnlearn is graded more strictly on purpose (see
            # tests/test_grading_stock.py): compare the honest ones
            honest = {s: v for s, v in grader_scores.items() if "nnlearn" not in s}
            same = sum(1 for s, scores in honest.items() if _scores(stock, s) == scores)
            rows.append(_row("nbgrader autograde, sequential", sample, wall, wall,
                             f"same scores as the course grader for {same} of {len(honest)} honest notebooks"))
    return rows


def _scores(course, student):
    try:
        return course.scores(ASSIGNMENT, student)
    except Exception:       # no submission recorded
        return None
