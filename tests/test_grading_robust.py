"""The grading command's own robustness, without a sandbox: fast.

* a worker process that dies breaks the whole process pool; only the submission that
  kills its worker again, graded alone, gets a grader_error row, and every other student
  is graded once;
* a result is up to date only while the grader's own code is as it was;
* the command never makes a gradebook (it runs as root; nbgrader, run as the instructor,
  could not write one root made).
"""

import os
import subprocess
import sys
import time
from types import SimpleNamespace

from autograder import grade, statuses
from autograder.secure import inputs
from autograder.secure.results import Result
from conftest import ROOT

KILLER = "kills-its-worker"


def grade_or_die(student):
    """Stands in for grade.grade_in_pool in the pool's forked workers."""
    if student == KILLER:
        os._exit(3)
    time.sleep(0.3)         # still in the pool when the killer's worker dies
    return Result(student, "toy", statuses.OK, score=1.0, max_score=1.0)


def test_a_dying_worker_costs_only_its_own_submission(monkeypatch):
    monkeypatch.setattr(grade, "grade_in_pool", grade_or_die)
    job = SimpleNamespace(assignment=SimpleNamespace(name="toy", max_auto=1.0))
    students = ["a", "b", KILLER, "c", "d", "e"]
    saved = []
    grade.run_pool(job, students, 2, saved.append)
    assert sorted(r.student for r in saved) == sorted(students), "each student is saved exactly once"
    status = {r.student: r.status for r in saved}
    assert status.pop(KILLER) == statuses.GRADER_ERROR
    assert set(status.values()) == {statuses.OK}, f"innocent students were charged for the crash: {status}"


def test_a_change_to_the_grader_s_code_makes_every_result_stale(tmp_path, monkeypatch):
    (tmp_path / "secure").mkdir()
    (tmp_path / "grade.py").write_text("# the grader\n")
    monkeypatch.setattr(inputs, "GRADER", tmp_path)
    inputs.grader_digest.cache_clear()
    before = inputs.fingerprint("a", tmp_path / "none", None, True, "s")
    (tmp_path / "secure" / "runner.py").write_text("# a fix that changes scores\n")
    inputs.grader_digest.cache_clear()
    try:
        assert inputs.fingerprint("a", tmp_path / "none", None, True, "s") != before
    finally:
        monkeypatch.undo()
        inputs.grader_digest.cache_clear()


def test_grading_before_there_is_a_gradebook_says_what_to_run_and_makes_none(tmp_path):
    env = {**os.environ, "NNLEARN_COURSE_ROOT": str(tmp_path), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "autograder.grade", "activations"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "no gradebook" in proc.stderr and "nbgrader generate_assignment activations" in proc.stderr, proc.stderr
    assert not (tmp_path / "autograder" / "gradebook.db").exists()
