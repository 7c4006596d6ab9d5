"""Autograding: seconds per submission, one after another and in parallel.

Each round runs in a temporary copy of the course (the assignment tests' own
:class:`Course`, so the repository's gradebook is never touched): the assignment is
generated, ``STUDENTS`` students hand in the reference solution, and every
submission is graded.

* ``nbgrader autograde``, sequential: stock nbgrader, one submission after another.
* the course's grader, sequential and parallel: through :data:`GRADER`, the command
  the instructors' page documents. HOOK: it is measured only once that file exists
  and answers to ``<assignment> --jobs N`` (with NNLEARN_COURSE_ROOT naming the
  course); until then its rows say "not available" and why.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRADER = ROOT / "autograder" / "grade.py"
STUDENTS = 4
JOBS = os.cpu_count() or 2


def _helpers():
    """The assignment tests' temporary-course helpers (imported when grading is measured)."""
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    import assignment_helpers

    return assignment_helpers


def _course(folder, assignment):
    Course, student_copy = _helpers().Course, _helpers().student_copy
    course = Course(Path(folder) / "course", [assignment])
    release = course.generate(assignment)
    course.hand_in(assignment, {f"student{k}": student_copy(release, assignment, solved="all")
                                for k in range(STUDENTS)})
    return course


def _timed(run):
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) / STUDENTS


def _grader(course, assignment, jobs):
    proc = subprocess.run([sys.executable, str(GRADER), assignment, "--jobs", str(jobs)],
                          cwd=course.root, env=course.env(), capture_output=True, text=True,
                          timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"{GRADER.name} {assignment} --jobs {jobs} failed:\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def _row(assignment, how, seconds=None, note=""):
    return {"assignment": assignment, "grading": how,
            "s_per_submission": None if seconds is None else round(seconds, 2), "note": note}


def run(assignments=None):
    rows = []
    for assignment in assignments or _helpers().ASSIGNMENTS:
        with tempfile.TemporaryDirectory(prefix="nnl-bench-grade-") as folder:
            course = _course(folder, assignment)
            rows.append(_row(assignment, "nbgrader autograde, sequential",
                             _timed(lambda: course.autograde(assignment)), f"{STUDENTS} submissions"))
        if not GRADER.exists():
            rows.append(_row(assignment, "course grader", note=f"not available: no {GRADER.relative_to(ROOT)}"))
            continue
        for jobs in (1, JOBS):
            with tempfile.TemporaryDirectory(prefix="nnl-bench-grade-") as folder:
                course = _course(folder, assignment)
                try:
                    seconds = _timed(lambda: _grader(course, assignment, jobs))
                    rows.append(_row(assignment, f"course grader, {jobs} job(s)", seconds,
                                     f"{STUDENTS} submissions"))
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    rows.append(_row(assignment, f"course grader, {jobs} job(s)",
                                     note=f"not available: {str(error).splitlines()[0]}"))
    return rows
