"""The stock fallback, end to end: ``nbgrader autograde`` and ``generate_feedback``.

tests/test_term.py drives a whole term the way book/for-instructors.md says (the
exchange and Canvas zips, ``python -m autograder.grade``, hand grading, the course's
feedback command, the class report and the LMS export). What it does not run is the
fallback the page keeps for trusted notebooks: stock ``nbgrader autograde``, then
``nbgrader generate_feedback`` through the course's configuration
(``autograder/nnl_feedback.py``), then ``nbgrader export``. Here, with reflection
(mostly written answers): handed in as files, autograded, graded by hand (through
the gradebook API, as the formgrader does), feedback, export.

Checked: the reference scores full marks, the blank 0, the partial one in between, in
the exported CSV; no feedback page shows hidden-test source or a rubric. The helpers
``secrets_of`` and ``html_text`` serve tests/test_term.py too.
"""

import csv
import re

import pytest

from assignment_helpers import (
    Course, hidden_regions, nbgrader_meta, points, solution_source, split_hidden,
    student_copy,
)

# what the partial student completes, per assignment
PARTIAL = {"reflection": {"shape_fix", "q1_curves", "q2_shapes"}}


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
