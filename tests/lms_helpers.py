"""A synthetic graded class for the class report and the LMS export (no sandbox, no grading).

:func:`make_class` writes what the grading command leaves behind (result files under
``autograder/results/<assignment>/``) and a gradebook made with nbgrader's own API, with
hand-graded scores and late penalties where asked. The tests use a few students; the
bench (``bench/report.py``) uses hundreds.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

COURSE_ID = "nnlearn"

# tests of a made-up assignment: (grade id, points, message when it fails)
TESTS = [
    ("test_forward", 2.0, "forward is not implemented yet"),
    ("test_backward_output", 2.0, "dW[2] is wrong (relative error {x:.1e}) on the worked example; dW[1] is right"),
    ("test_backward_hidden", 3.0, "the output layer is right, so the error enters at delta[1], made from "
                                  "delta[2], W[2] and f'(z[1])"),
    ("test_backward_batch", 4.0, "dW is m = {m} times too large for {m} examples (sizes [3, 4, 3]): the loss is "
                                 "the MEAN over the rows"),
]
WRITTEN = ("answer_why", 3.0)          # a hand-graded cell


@dataclass
class Submission:
    student: str
    status: str = "ok"
    failed: tuple = ()                  # grade ids that fail
    manual: float = None                # the hand-graded score of WRITTEN, or None (not graded yet)
    penalty: float = 0.0                # nbgrader's late_submission_penalty
    late: dict = field(default_factory=dict)
    message: str = ""
    in_gradebook: bool = True


def result_json(assignment, sub, k=0):
    """What the grading command writes for one submission (Result.as_json's fields)."""
    tests = {}
    has_notebook = sub.status not in ("not_submitted", "missing_notebook", "malformed", "empty", "grader_error")
    if has_notebook:
        for grade_id, points, message in TESTS:
            failed = grade_id in sub.failed or sub.status == "unchanged"
            text = message.format(x=0.1 + 0.37 * k % 0.9, m=3 + k % 5) if failed else ""
            if sub.status == "unchanged":
                text = TESTS[0][2].replace("forward", grade_id.split("_")[1])
            tests[grade_id] = {"name": grade_id, "max_points": points, "points": 0.0 if failed else points,
                               "passed": not failed, "message": text, "notes": [], "student_traceback": ""}
    score = sum(t["points"] for t in tests.values())
    return {"student": sub.student, "assignment": assignment, "status": sub.status, "message": sub.message,
            "notes": [], "tests": tests, "cells": [], "score": score,
            "max_score": sum(p for _, p, _ in TESTS), "seconds": 0.5, "timestamp": None, "answers": {},
            "restarts": 0, "graded_at": "2026-12-02T12:00:00+00:00", "gradebook": "written", "late": sub.late}


def make_class(root, assignment, submissions, students_csv=None):
    """Result files and a gradebook for ``submissions``; a class list if ``students_csv`` is given."""
    from nbgrader import utils
    from nbgrader.api import Gradebook

    root = Path(root)
    work = root / "autograder"
    (work / "results" / assignment).mkdir(parents=True, exist_ok=True)
    if students_csv is not None:
        (work / "students.csv").write_text(students_csv, encoding="utf-8")
    db_url = "sqlite:///" + (work / "gradebook.db").as_posix()
    dues = [sub.late["due"] for sub in submissions if sub.late.get("due")]
    with Gradebook(db_url, COURSE_ID) as gb:
        gb.add_assignment(assignment, duedate=utils.parse_utc(dues[0]) if dues else None)
        gb.add_notebook(assignment, assignment)
        for grade_id, points, _ in TESTS:
            gb.add_grade_cell(grade_id, assignment, assignment, max_score=points, cell_type="code")
        gb.add_grade_cell(WRITTEN[0], assignment, assignment, max_score=WRITTEN[1], cell_type="markdown")
        for k, sub in enumerate(submissions):
            data = result_json(assignment, sub, k)
            (work / "results" / assignment / f"{sub.student}.json").write_text(json.dumps(data))
            if not sub.in_gradebook or sub.status == "not_submitted":
                gb.update_or_create_student(sub.student)
                continue
            gb.update_or_create_student(sub.student)
            with gb.db.no_autoflush:        # as the grader's store does: nbgrader's own flush warns
                gb.add_submission(assignment, sub.student)
            for grade_id, _, _ in TESTS:           # as autograding leaves them: scored, nothing to do by hand
                grade = gb.find_grade(grade_id, assignment, assignment, sub.student)
                grade.auto_score = data["tests"][grade_id]["points"] if data["tests"] else 0.0
                grade.needs_manual_grade = False
            written = gb.find_grade(WRITTEN[0], assignment, assignment, sub.student)
            written.manual_score = sub.manual
            written.needs_manual_grade = sub.manual is None
            gb.find_submission_notebook(assignment, assignment, sub.student).late_submission_penalty = sub.penalty
            if sub.late.get("timestamp"):           # as the grading command records it: late in the gradebook too
                gb.find_submission(assignment, sub.student).timestamp = utils.parse_utc(sub.late["timestamp"])
            gb.db.commit()
    return db_url


def synthetic_submissions(count):
    """``count`` submissions with the mix of a real class: mostly right, common mistakes, a few odd ones."""
    subs = []
    for k in range(count):
        student = f"s{k:04d}"
        kind = k % 10
        if kind in (0, 1, 2, 3):
            subs.append(Submission(student, manual=3.0))
        elif kind == 4:
            subs.append(Submission(student, failed=("test_backward_hidden",), manual=2.0))
        elif kind == 5:
            subs.append(Submission(student, failed=("test_backward_batch",), manual=1.0, penalty=2.0,
                                   late={"timestamp": "2026-11-30 10:00:00", "due": "2026-11-29 23:59:00",
                                         "seconds_late": 36060, "penalty": 2.0}))
        elif kind == 6:
            subs.append(Submission(student, failed=("test_backward_output", "test_backward_batch")))
        elif kind == 7:
            subs.append(Submission(student, status="unchanged", message="the notebook is the release, unchanged"))
        elif kind == 8:
            subs.append(Submission(student, status="not_submitted", message="nothing was handed in"))
        else:
            subs.append(Submission(student, status="timeout", failed=("test_backward_batch",), manual=3.0,
                                   message="test_backward_batch ran past 60 s and was stopped"))
    return subs
