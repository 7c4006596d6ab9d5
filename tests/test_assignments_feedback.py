"""autograder/nnl_feedback.py: what it removes from feedback, and what it keeps.

Fast checks on hand-made cells; tests/test_assignments_workflow.py checks the
real feedback pages of a whole grading round.
"""

import nbformat
import pytest

from autograder import nnl_feedback


def test_cell(source, outputs=(), grade=True, solution=False):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": grade, "solution": solution, "locked": True,
                                 "grade_id": "t", "points": 1, "schema_version": 3}
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


test_cell.__test__ = False   # a helper, not a test

SOURCE = "\n".join([
    "# Self-check",
    "assert f(1) == 2, 'f(1) should be 2'",
    "### BEGIN HIDDEN TESTS",
    "assert f(-7) == 49, 'a secret case'",
    "### END HIDDEN TESTS",
])
ERROR = {"output_type": "error", "ename": "AssertionError", "evalue": "f is wrong for negative x",
         "traceback": ["\x1b[0;31mAssertionError\x1b[0m Traceback", "----> 4 assert f(-7) == 49, 'a secret case'",
                       "AssertionError: f is wrong for negative x"]}
WARNING = {"output_type": "stream", "name": "stderr",
           "text": "/tmp/ipykernel_1/2.py:4: RuntimeWarning: overflow encountered in exp\n  assert f(-7) == 49\n"}


def run(cell):
    return nnl_feedback.HideHiddenTests().preprocess_cell(cell, {}, 0)[0]


def test_hidden_region_is_replaced_by_one_line():
    cell = run(test_cell(SOURCE))
    assert "f(-7)" not in cell.source and "HIDDEN TESTS" not in cell.source
    assert "assert f(1) == 2" in cell.source
    assert cell.source.count("hidden tests ran here") == 1


def test_traceback_is_cut_to_the_message():
    cell = run(test_cell(SOURCE, [ERROR]))
    (error,) = cell.outputs
    assert error.traceback == ["AssertionError: f is wrong for negative x"]


def test_an_error_without_message_still_says_something():
    silent = dict(ERROR, evalue="")
    (error,) = run(test_cell(SOURCE, [silent])).outputs
    assert error.traceback == ["AssertionError: a check failed (no message)"]


def test_warnings_keep_their_first_line_only():
    (stream,) = run(test_cell(SOURCE, [WARNING])).outputs
    assert stream.text == "RuntimeWarning: overflow encountered in exp\n"


def test_stderr_without_a_warning_line_is_dropped():
    noise = dict(WARNING, text="  assert f(-7) == 49\n")
    assert run(test_cell(SOURCE, [noise])).outputs == []


@pytest.mark.parametrize("grade,solution", [(False, True), (True, True), (False, False)])
def test_cells_that_are_not_tests_are_left_alone(grade, solution):
    source = "x = 1\n### BEGIN HIDDEN TESTS\nnot really hidden\n### END HIDDEN TESTS"
    cell = run(test_cell(source, [ERROR], grade=grade, solution=solution))
    assert cell.source == source
    assert cell.outputs[0].traceback == ERROR["traceback"]
