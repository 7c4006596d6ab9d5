"""Whole grading rounds, as book/for-instructors.md describes them, in temporary courses.

backprop, through the exchange: the instructor generates and releases; students
"ada" (the reference solution), "bob" (the blank release) and "cy" (part of it)
fetch, work and submit; "dana" hands in the reference as a file from the LMS,
inside a zip. The instructor collects, zip-collects, autogrades, generates and
releases feedback, a student fetches it, and the instructor exports the grades.

reflection, mostly written answers: handed in as files, autograded, then graded
by hand (written here through the gradebook API, as the formgrader does),
feedback, export.

Checked: the reference scores full marks on every autograded cell, the blank 0,
the partial one in between, in the gradebook and in the exported CSV; no
feedback file, the instructor's or the one a student fetches, shows hidden-test
source or a rubric.
"""

import csv
import re
import zipfile

import nbformat
import pytest

from assignment_helpers import (
    Course, auto_total, hidden_regions, nbgrader_meta, points, read_nb, solution_source, split_hidden,
    student_copy,
)

# what the partial student completes, per assignment
PARTIAL = {"backprop": {"forward", "backward"}, "reflection": {"shape_fix", "q1_curves", "q2_shapes"}}


def normalise(text):
    return re.sub(r"\s+", " ", text).strip()


def html_text(path):
    from bs4 import BeautifulSoup

    return normalise(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text())


def secrets_of(assignment):
    """Distinctive lines of the hidden tests and of the rubrics, which feedback must not
    show; lines that also appear elsewhere (a visible test, the student's own code) are
    not secrets."""
    source = solution_source(assignment)
    secret, public = [], set()
    for cell in source.cells:
        if nbgrader_meta(cell).get("solution") and cell.cell_type == "markdown":
            secret += cell.source.split("\n")          # a model answer and its rubric
            continue
        visible, hidden = split_hidden(cell.source)
        secret += hidden
        public |= {normalise(line) for line in visible}
    # A hidden line that is part of a public one (the visible `def` of a helper the hidden
    # part calls, a reference solution line that a hidden oracle repeats) is not a secret.
    return sorted(s for s in {normalise(s) for s in secret if len(s.strip()) > 30}
                  if not any(s in line for line in public))


def grade_by_hand(course, assignment, student, fraction):
    """What the formgrader does: a manual score for every written answer."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        submission = gb.find_submission_notebook(assignment, assignment, student)
        for grade in submission.grades:
            if grade.auto_score is None:
                grade.manual_score = round(fraction * grade.max_score)
                grade.needs_manual_grade = False
        gb.db.commit()


@pytest.mark.slow
def test_a_whole_grading_round_through_the_exchange(tmp_path):
    assignment = "backprop"
    course = Course(tmp_path / "course", [assignment])
    release = course.generate(assignment)
    course.nbgrader("release_assignment", assignment)

    work = {"ada": "all", "bob": (), "cy": PARTIAL[assignment]}
    homes = {}
    for student, solved in work.items():
        home = homes[student] = tmp_path / "students" / student
        home.mkdir(parents=True)
        course.nbgrader("fetch_assignment", assignment, cwd=home, instructor=False)
        path = home / assignment / f"{assignment}.ipynb"
        fetched = read_nb(path)
        assert [c.source for c in fetched.cells] == [c.source for c in release.cells], \
            "the fetched notebook is not the release"
        nbformat.write(student_copy(fetched, assignment, solved=solved), str(path))
        course.nbgrader("submit", assignment, f"--student={student}", cwd=home, instructor=False)
    course.nbgrader("collect", assignment)
    students = list(work)

    # dana's file, downloaded from the LMS, inside a zip
    archive = course.root / "autograder" / "downloaded" / assignment / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "submissions.zip", "w") as zf:
        zf.writestr(f"dana_{assignment}.ipynb", nbformat.writes(student_copy(release, assignment, solved="all")))
    course.nbgrader("zip_collect", assignment)
    assert course.submitted_path("dana", assignment).is_file(), "zip_collect did not file dana's notebook"
    students.append("dana")

    course.autograde(assignment)
    scores = {s: course.scores(assignment, s) for s in students}
    for full in ["ada", "dana"]:
        short = {c: s for c, s in scores[full].items() if s[0] is not None and s[0] < s[1]}
        assert not short, f"{full} handed in the reference solution but loses points in {short}"
    blank_score, top = auto_total(scores["bob"])
    assert top > 0 and blank_score == 0, f"the blank release scores {blank_score} of {top}"

    course.nbgrader("generate_feedback", assignment)
    # nbgrader's release_feedback needs the submission time, which files from the LMS lack
    course.nbgrader("release_feedback", assignment, "--CourseDirectory.student_id_exclude=dana")
    course.nbgrader("fetch_feedback", assignment, "--student=cy", cwd=homes["cy"], instructor=False)
    fetched_feedback = list((homes["cy"] / assignment / "feedback").rglob("*.html"))
    assert fetched_feedback, "cy fetched no feedback"

    grades_csv = tmp_path / "grades.csv"
    course.nbgrader("export", f"--to={grades_csv}")
    with grades_csv.open() as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f) if row["assignment"] == assignment}
    assert set(students) <= set(rows), f"the export lacks students: {set(students) - set(rows)}"
    total = {s: float(rows[s]["score"]) for s in students}
    top = float(rows["ada"]["max_score"])
    assert total["ada"] == top and total["bob"] == 0, f"exported scores: {total} of {top}"
    assert 0 < total["cy"] < top, f"the partial submission should score in between: {total['cy']} of {top}"

    feedback_files = [f for s in students for f in course.feedback_dir(s, assignment).rglob("*")
                      if f.is_file()] + fetched_feedback
    assert_no_secrets(assignment, feedback_files, min_files=len(students))


def assert_no_secrets(assignment, feedback_files, min_files):
    """The feedback shows visible tests and messages, never hidden tests or rubrics."""
    secrets = secrets_of(assignment)
    assert len(feedback_files) >= min_files, f"only {len(feedback_files)} feedback files"
    has_hidden = any(hidden_regions(c.source) for c in solution_source(assignment).cells)
    for path in feedback_files:
        text = html_text(path) if path.suffix == ".html" else normalise(path.read_text(errors="replace"))
        for marker in ["BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "Rubric", "Model answer"]:
            assert marker not in text, f"{path.name} of {path.parent} shows {marker!r}"
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{path} shows hidden-test or rubric lines: {leaked[:3]}"
        if path.suffix == ".html":
            assert "Self-check" in text, f"{path}: the visible tests are missing (is the text extraction right?)"
            raw = path.read_text(encoding="utf-8")
            external = re.search(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", raw)
            assert not external, f"{path} loads {external.group(0)}: it would not work offline"
            if has_hidden:
                assert "hidden tests ran here" in text, f"{path}: the hidden tests' placeholder is missing"


@pytest.mark.slow
def test_written_answers_graded_by_hand_reach_the_export_but_rubrics_stay_out(tmp_path):
    """reflection: autograde, grade the written answers (as the formgrader does), feedback, export."""
    assignment = "reflection"
    course = Course(tmp_path / "course", [assignment])
    release = course.generate(assignment)
    course.hand_in(assignment, {
        "ada": student_copy(release, assignment, solved="all"),
        "bob": student_copy(release, assignment),
        "cy": student_copy(release, assignment, solved=PARTIAL[assignment]),
    })
    course.autograde(assignment)
    for student, fraction in [("ada", 1.0), ("bob", 0.0), ("cy", 0.5)]:
        grade_by_hand(course, assignment, student, fraction)
    course.nbgrader("generate_feedback", assignment)
    grades_csv = tmp_path / "grades.csv"
    course.nbgrader("export", f"--to={grades_csv}")
    with grades_csv.open() as f:
        total = {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(f)}
    top = total["ada"][1]
    assert top == points(solution_source(assignment)) and total["ada"][0] == top and total["bob"][0] == 0, \
        f"exported scores: {total}"
    assert 0 < total["cy"][0] < top, f"the partial submission should score in between: {total['cy']}"
    files = [f for s in ["ada", "bob", "cy"] for f in course.feedback_dir(s, assignment).rglob("*") if f.is_file()]
    assert_no_secrets(assignment, files, min_files=3)
    pages = [f.read_text(encoding="utf-8") for f in files if f.suffix == ".html"]
    assert all("<math" in p and "MathJax.Hub" not in p for p in pages), \
        "stock feedback must draw the notebook's maths as MathML, with no MathJax to load"
