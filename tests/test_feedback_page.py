"""The feedback page builder (autograder/secure/feedback.py) and its markdown and maths
(autograder/markdown_html.py), on hand-made inputs: fast, no grading.

tests/test_feedback_command.py checks real pages of a graded course.
"""

import re

import nbformat

from assignment_helpers import EXERCISES, SOLUTIONS, read_nb, student_copy
from autograder.markdown_html import latex_to_mathml, markdown_to_html
from autograder.nnl_feedback import with_mathml
from autograder.secure import feedback, plan as plans
from autograder.secure.results import Result
from autograder.secure import results
from grading_helpers import hidden_test_lines


def test_markup_a_student_types_is_shown_not_run():
    page = markdown_to_html("<script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))")
    assert "<script" not in page and "<img" not in page and 'href="javascript' not in page
    assert "&lt;script&gt;" in page


def test_images_in_markdown_load_nothing():
    page = markdown_to_html("![a plot](https://example.org/plot.png)")
    assert "src" not in page and "a plot" in page


def test_latex_cannot_smuggle_markup_or_links():
    for latex in [r"\text{<script>alert(1)</script>}", r"\text{</mtext></math><img src=x onerror=alert(1)>}",
                  r"\href{https://example.org}{x}", r"\href{javascript:alert(1)}{x}"]:
        mathml = latex_to_mathml(latex)
        assert not re.search(r"<(?!/?m[a-z]*\b|/?none\b)", mathml), f"{latex}: {mathml}"
        assert "href" not in mathml and "onerror" not in mathml.split("<mtext>")[0], mathml


def test_maths_becomes_mathml_and_code_stays_code():
    page = markdown_to_html("The update $w \\leftarrow w - \\eta \\nabla L$ and `$x$` in code.\n\n$$\\frac{a}{b}$$")
    assert page.count("<math") == 2 and "<code>$x$</code>" in page
    assert "<mfrac>" in page
    assert with_mathml("`$x$` then $x$").startswith("`$x$` then <math")


def test_headings_of_the_notebook_sit_under_the_pages_own():
    assert "<h4>" in markdown_to_html("# Title", heading_offset=3)
    assert "<h6>" in markdown_to_html("#### Deep", heading_offset=3)


def test_the_page_never_shows_the_gradebooks_copy_of_a_test():
    """A student who deleted a test cell: the grader ran the gradebook's copy (hidden
    tests included); the page names the cell, and shows none of it."""
    name = "activations"
    assignment = plans.assignment_from_source(SOLUTIONS / name / f"{name}.ipynb", name)
    nb = student_copy(read_nb(EXERCISES / name / f"{name}.ipynb"), name, solved="all")
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_")]
    nb.cells.remove(tests[0])
    result = Result("ada", name, max_score=assignment.max_auto)
    for t in assignment.tests:
        result.tests[t.grade_id] = results.TestResult(t.grade_id, t.points, 0.0, False, "sigmoid(1000) overflows <b>")
    page = feedback.feedback_html(assignment, result, plan=plans.make_plan(assignment, nb))
    hidden = hidden_test_lines(name)
    assert hidden and not [line for line in hidden if line in page]
    assert "This cell was missing from your notebook" in page
    assert "overflows &lt;b&gt;" in page and "<b>" not in page


def test_marks_from_the_gradebook_make_the_total():
    name = "reflection"
    assignment = plans.assignment_from_source(SOLUTIONS / name / f"{name}.ipynb", name)
    result = Result("ada", name, score=assignment.max_auto, max_score=assignment.max_auto)
    for t in assignment.tests:
        result.tests[t.grade_id] = results.TestResult(t.grade_id, t.points, t.points, True)
    answers = [c for c in assignment.cells if c.kind == "answer"]
    marks = feedback.Marks(max_score=assignment.max_auto + sum(c.points for c in answers), late_penalty=3)
    for t in assignment.tests:
        marks.cells[t.grade_id] = feedback.CellMarks(t.points, None, t.points)
    marks.cells[answers[0].grade_id] = feedback.CellMarks(None, 1.0, answers[0].points, "Name the plateau & why")
    marks.raw_score = assignment.max_auto + 1.0
    page = feedback.feedback_html(assignment, result, marks=marks)
    text = re.sub(r"<[^>]+>", " ", page)
    assert re.search(rf"Total\s+{marks.total:g} of {marks.max_score:g}", text), "the total is not the gradebook's"
    assert "−3" in text and "Name the plateau &amp; why" in page
    assert f"({len(answers) - 1} not graded yet)" in text


def test_a_flood_of_output_does_not_bloat_the_page():
    name = "activations"
    assignment = plans.assignment_from_source(SOLUTIONS / name / f"{name}.ipynb", name)
    nb = student_copy(read_nb(EXERCISES / name / f"{name}.ipynb"), name, solved="all")
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 100_000)] * 20
    page = feedback.feedback_html(assignment, Result("ada", name), plan=plans.make_plan(assignment, nb))
    assert len(page) < 300_000, len(page)
    assert "too long to show" in page
