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


def test_outputs_that_break_the_notebook_schema_are_shown_or_named():
    """nbformat only warns about them: a number as an output's text, a traceback of numbers,
    an output that is not an output. The page is made all the same."""
    name = "activations"
    assignment = plans.assignment_from_source(SOLUTIONS / name / f"{name}.ipynb", name)
    nb = student_copy(read_nb(EXERCISES / name / f"{name}.ipynb"), name, solved="all")
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.from_dict({"output_type": "execute_result", "execution_count": 1, "metadata": {},
                                        "data": {"text/plain": 5}}),
                    nbformat.from_dict({"output_type": "error", "ename": "E", "evalue": "v", "traceback": [1, 2]}),
                    nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": [7, "x"]}),
                    "not an output"]
    page = feedback.feedback_html(assignment, Result("ada", name), plan=plans.make_plan(assignment, nb))
    assert "<pre class='printed'>5</pre>" in page and "<pre class='printed'>1\n2</pre>" in page
    assert "<pre class='printed'>7x</pre>" in page
    assert page.count("could not be shown") == 1 and page.rstrip().endswith("</html>")


def mode(path):
    import stat

    return stat.S_IMODE(path.stat().st_mode)


def test_a_page_that_fails_leaves_the_result_and_a_page_and_is_reported(tmp_path, monkeypatch):
    """Store.save: the result file is written before the page; a page that cannot be made
    is reported and replaced by one without the notebook, and the batch goes on."""
    import json

    from nbgrader.coursedir import CourseDirectory

    from autograder.secure import store

    name = "activations"
    assignment = plans.assignment_from_source(SOLUTIONS / name / f"{name}.ipynb", name)
    out = store.Store(CourseDirectory(root=str(tmp_path)), assignment, "course", log=lambda *a: None)
    out.gradebook.write = lambda assignment, result: "written"
    out.marks = lambda student: None
    real, calls = feedback.feedback_html, []

    def first_fails(*args, **kwargs):
        calls.append(kwargs.get("plan"))
        if len(calls) == 1:
            assert (out.results_dir / "ada.json").is_file(), "the result must be written before the page"
            raise TypeError("a broken output")
        return real(*args, **kwargs)

    monkeypatch.setattr(feedback, "feedback_html", first_fails)
    out.save(Result("ada", name), None, None)
    assert out.problems and "TypeError: a broken output" in out.problems[0]
    page = tmp_path / "feedback" / "ada" / name / f"{name}.html"
    assert "your notebook could not be shown on this page" in page.read_text()
    notes = json.loads((out.results_dir / "ada.json").read_text())["notes"]
    assert "your notebook could not be shown on this page" in notes


def test_private_files_are_private_and_pages_readable(tmp_path, monkeypatch):
    """The receipts beside the graded notebook, the export and the class report are the
    owner's alone; feedback/ is closed before its first page; the pages below it are not."""
    from autograder import report
    from autograder.secure import store

    submitted, graded = tmp_path / "submitted", tmp_path / "autograded"
    submitted.mkdir()
    graded.mkdir()
    (submitted / "submission_secret.txt").write_text("secret")
    (submitted / "timestamp.txt").write_text("2026-12-01 10:00:00 UTC")
    store.copy_receipts(submitted, graded)
    assert mode(graded / "submission_secret.txt") == mode(graded / "timestamp.txt") == 0o600

    csv_path = tmp_path / "autograder" / "grading-report.csv"
    store.export_csv(tmp_path / "autograder", csv_path)
    assert mode(csv_path) == 0o600

    path = report.build(tmp_path, "sqlite:////nonexistent/folder/gradebook.db", "course")
    assert path == tmp_path / report.OUT and mode(path) == 0o600 and mode(path.parent) == 0o700

    name = "activations"
    assignment = plans.assignment_from_source(SOLUTIONS / name / f"{name}.ipynb", name)
    gate = tmp_path / "feedback"
    seen = []
    real = feedback.write_page
    monkeypatch.setattr(feedback, "write_page", lambda p, text: (seen.append(mode(gate)), real(p, text)))
    page = feedback.publish(gate / "ada" / name, assignment, Result("ada", name), receipts_from=submitted)
    assert seen == [0o700], "feedback/ must be closed before the first page is written"
    assert mode(page) == 0o644 and mode(page.parent) == mode(page.parent.parent) == 0o755
    assert mode(page.parent / "submission_secret.txt") == 0o600
