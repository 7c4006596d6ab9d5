"""A term's grading core: deadlines, statuses of blank and stray work, re-grading only what
changed, hand grading counted down, progress.

One small course (``activations`` and ``newton``) with a due date, a class list, an
extension and six students is graded once by ``python -m autograder.grade`` and shared by
the tests (module-scoped); each test then changes as little as proves its point.
"""

import contextlib
import datetime
import io
import os

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry

from assignment_helpers import student_copy
from grading_helpers import GradingCourse, clone, namespaces_available



def on_the_course(test):
    """A slow test on the shared course (one worker, in order)."""
    for mark in (pytest.mark.slow, pytest.mark.xdist_group("grading-term"),
                 pytest.mark.skipif(not namespaces_available(), reason="the sandbox needs root and unshare")):
        test = mark(test)
    return test

DUE = datetime.datetime(2026, 1, 10, 12, 0, 0)
STAMP = "%Y-%m-%d %H:%M:%S.%f UTC"


def stamp(hours_after_due):
    return (DUE + datetime.timedelta(hours=hours_after_due)).strftime(STAMP)


def hand_in(course, assignment, student, nb, hours_after_due=-1.0):
    folder = course.submission_folder(student, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / f"{assignment}.ipynb"))
    (folder / "timestamp.txt").write_text(stamp(hours_after_due))


def deadlines(course, *args):
    """``python -m autograder.deadlines ARGS`` in the course, run in this process (cheaper)."""
    from autograder import deadlines as command

    saved = dict(os.environ)
    os.environ.update(course.env())
    try:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            assert command.main(list(args)) == 0
        return out.getvalue()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def submission(course, assignment, student):
    """(score, penalty) of a submission as nbgrader's gradebook has them."""
    with Gradebook(course.db_url, "nnlearn") as gb:
        sub = gb.find_submission(assignment, student)
        return sub.score, sub.late_submission_penalty


def row(course, assignment, student):
    return next(r for r in course.csv_rows() if r["assignment"] == assignment and r["student"] == student)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    c = GradingCourse(tmp_path_factory.mktemp("grading-term") / "course", ["activations", "newton"])
    c.nbgrader("generate_assignment", "*", "--force")
    release = {a: nbformat.read(str(c.release_path(a)), as_version=4) for a in ("activations", "newton")}
    c.release = release
    with Gradebook(c.db_url, "nnlearn") as gb:      # as `nbgrader db assignment add activations --duedate=...`
        gb.update_or_create_assignment("activations", duedate=DUE)
    (c.root / "autograder" / "students.csv").write_text(
        "id,first_name,last_name\n" + "".join(f"{s},{s.title()},Test\n" for s in
                                              ("ontime", "late", "extended", "blank", "absent", "writer")))
    solved = student_copy(release["activations"], "activations", solved="all")
    hand_in(c, "activations", "ontime", solved, -1)
    hand_in(c, "activations", "late", solved, 14)
    hand_in(c, "activations", "extended", solved, 14)
    hand_in(c, "activations", "blank", student_copy(release["activations"], "activations"), -2)
    hand_in(c, "activations", "stray", solved, -3)
    hand_in(c, "newton", "writer", student_copy(release["newton"], "newton", solved="all"))
    c.extend_output = deadlines(c, "extend", "activations", "extended", "--hours", "48")
    c.stock = clone(c, c.root.parent.parent / "stock" / "course")   # before any grading: for stock autograde
    c.first = c.grade("activations", "--jobs", "2")
    c.grade("newton")
    return c


@on_the_course
def test_a_late_submission_scores_what_stock_autograde_gives_it(course):
    """penalty_method "zero" (autograder/nbgrader_config.py): 14 h late scores 0 both ways."""
    assert submission(course, "activations", "ontime") == (10, 0)
    assert submission(course, "activations", "late") == (10, 10)
    r = row(course, "activations", "late")
    assert (r["hours_late"], r["penalty"], r["score"]) == ("14.00", "10", "10"), r
    assert r["timestamp"].startswith("2026-01-11T02:00:00") and r["due"].startswith("2026-01-10T12:00:00")
    assert "1 late: late (14.0 h, penalty 10)" in course.first.stdout
    course.stock.nbgrader("autograde", "activations", "--force", "--student=*te*")   # late, extended
    for student in ("late", "extended"):
        assert submission(course.stock, "activations", student) == submission(course, "activations", student)


@on_the_course
def test_an_extension_makes_it_on_time(course):
    assert "due 2026-01-12T12:00:00" in course.extend_output
    r = row(course, "activations", "extended")
    assert (r["hours_late"], r["penalty"], r["due"][:19]) == ("0", "", "2026-01-12T12:00:00"), r
    listing = deadlines(course, "list")
    assert "activations: due 2026-01-10T12:00:00" in listing and "extended: +48 h" in listing
    assert "newton: due never" in listing


@on_the_course
def test_a_penalty_left_by_stock_autograde_does_not_survive_a_regrade(course):
    """Stock autograde (already run on the clone) penalised `late`; after an extension,
    a re-grade by the course's grader recomputes the penalty and clears it."""
    stock = course.stock
    try:
        penalised = submission(stock, "activations", "late")[1] == 10
    except MissingEntry:                   # this test runs alone: stock has not graded `late` yet
        penalised = False
    if not penalised:
        stock.nbgrader("autograde", "activations", "--force", "--student=late")
    assert submission(stock, "activations", "late") == (10, 10)
    deadlines(stock, "extend", "activations", "late", "--hours", "20")
    proc = stock.grade("activations", "--student", "late", "--verbose")
    assert submission(stock, "activations", "late") == (10, 0)
    assert [line.split()[:3] for line in proc.stdout.splitlines() if line.startswith("  ")] == [
        ["late", "ok", "10/10"]], "--verbose prints one line per submission"


@on_the_course
def test_blank_absent_and_stray_rows_differ(course):
    blank, absent, stray = (row(course, "activations", s) for s in ("blank", "absent", "stray"))
    assert blank["status"] == "unchanged" and "as released" in blank["message"]
    assert absent["status"] == "not_submitted"
    assert stray["status"] == "not_on_class_list" and "not on the class list" in stray["message"]
    assert stray["score"] == "10"
    assert {k: v for k, v in blank.items() if k != "student"} != {k: v for k, v in absent.items() if k != "student"}
    assert blank["timestamp"] and not absent["timestamp"]
    assert row(course, "activations", "ontime")["status"] == "ok"


@on_the_course
def test_only_what_changed_is_graded_again_and_hand_grades_stay(course):
    # a hand grade on the written answer: the points still to grade count down
    assert row(course, "newton", "writer")["manual_points_to_grade"] == "3"
    with Gradebook(course.db_url, "nnlearn") as gb:
        gb.find_grade("cost", "newton", "newton", "writer").manual_score = 2.0
        gb.find_grade("test_relu", "activations", "activations", "late").manual_score = 0.0   # an override
        gb.db.commit()
    # nothing changed: everyone is up to date; the export (every assignment) is rewritten
    again = course.grade("activations", "--quiet")
    assert again.stdout.splitlines()[1:2] == ["graded 0 submissions of activations in 0.0 s with 1 job(s): "
                                              "7 skipped as up to date"], again.stdout
    assert row(course, "newton", "writer")["manual_points_to_grade"] == "0"
    # ... but a penalty follows the hand-graded score ("zero": all of it)
    assert submission(course, "activations", "late") == (9, 9) and row(course, "activations", "late")["penalty"] == "9"
    # a hidden test is fixed: newton's submissions are graded again, activations' are not
    source = course.root / "solutions" / "newton" / "newton.ipynb"
    nb = nbformat.read(str(source), as_version=4)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_newton_step")
    test.source = test.source.replace("### END HIDDEN TESTS", "assert True, 'a fixed check'\n### END HIDDEN TESTS")
    nbformat.write(nb, str(source))
    course.nbgrader("generate_assignment", "newton", "--force")
    regraded = course.grade("newton")
    # the writer and the class list (absent from newton); not the stray, whom no list names
    assert "graded 6 submissions" in regraded.stdout and "skipped" not in regraded.stdout, regraded.stdout
    with Gradebook(course.db_url, "nnlearn") as gb:
        assert gb.find_grade("cost", "newton", "newton", "writer").manual_score == 2.0
    assert submission(course, "newton", "writer")[0] == 11 + 2
    assert "graded 0 submissions" in course.grade("activations", "--student", "ontime").stdout
    forced = course.grade("activations", "--student", "ontime", "--force")
    assert "graded 1 submissions" in forced.stdout and "skipped" not in forced.stdout


def test_progress_lines_give_rate_and_time_left():
    from autograder.grade import Progress

    now = [0.0]
    lines = []
    progress = Progress(10, lines.append, clock=lambda: now[0])
    for _ in range(9):
        now[0] += 6.0
        progress.tick()
    assert lines == ["  3/10 graded, 10.0 per minute, about 42 s left",
                     "  6/10 graded, 10.0 per minute, about 24 s left",
                     "  9/10 graded, 10.0 per minute, about 6 s left"]
    progress.tick()
    assert len(lines) == 3, "the last submission gives no progress line: the summary follows"
