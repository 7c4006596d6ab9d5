"""The assignments' rules, as the setup cell's helpers apply them (on both grading paths).

* warnings: a correct function that warns keeps its marks (the warning is reported);
  a floating-point RuntimeWarning from a function whose task demands numerical
  stability fails, and the message names the input that caused it;
* provided code: a graded function that hands its work to the setup cell's helpers
  (directly, through a helper of its own, an alias or a default argument) or to nnlearn
  fails every check that calls it; a function of its own with a similar name does not;
* the stock fallback: output on stderr in a test cell costs no marks there either;
* the students' page states the rule and lists the functions it concerns.
"""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder import nnl_feedback, notebook_setup

ROOT = Path(__file__).resolve().parents[1]


def notebook(assignment, *cells):
    """A namespace in which the assignment's setup cell ran, then the student's cells."""
    space = {"__name__": "__main__"}
    exec(notebook_setup.setup_source(assignment), space)
    for source in cells:
        exec(source, space)
    return space


NAIVE_SIGMOID = "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-z))\n"
WARNING_SIGMOID = ("import warnings\n"
                   "def sigmoid(z):\n    warnings.warn('a harmless note')\n"
                   "    z = np.asarray(z, dtype=float)\n    e = np.exp(-np.abs(z))\n"
                   "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n")


def test_a_harmless_warning_costs_nothing_and_is_reported(capsys):
    nb = notebook("activations", WARNING_SIGMOID)
    assert np.allclose(nb["call"](nb["sigmoid"], np.array([0.0, 1.0])), [0.5, 1 / (1 + np.exp(-1))])
    assert "sigmoid warned (UserWarning: a harmless note)" in capsys.readouterr().out


def test_a_deprecation_warning_inside_correct_code_costs_nothing():
    nb = notebook("gradient_descent", "import warnings\n"
                  "def mse(y, y_hat):\n    warnings.warn('old', DeprecationWarning)\n"
                  "    return 0.5 * float(np.sum((np.asarray(y) - y_hat) ** 2))\n")
    assert nb["call"](nb["mse"], np.ones(2), np.zeros(2)) == 1.0


def test_an_overflow_in_a_function_that_must_be_stable_fails_naming_the_input():
    nb = notebook("activations", NAIVE_SIGMOID)
    z = np.array([-1000.0, 0.0, 1000.0])
    with pytest.raises(AssertionError) as failed:
        nb["call"](nb["sigmoid"], z, context="for large |z|")
    message = str(failed.value)
    assert "gave a warning (RuntimeWarning: overflow encountered in exp)" in message
    assert "for the input array([-1000.,     0.,  1000.])" in message
    assert "numerical stability" in message


def test_a_large_input_is_named_by_its_shape_and_range():
    nb = notebook("activations", NAIVE_SIGMOID)
    with pytest.raises(AssertionError, match=r"an array of shape \(2, 50\) with values from -800 to 99"):
        nb["call"](nb["sigmoid"], np.linspace(-800, 99, 100).reshape(2, 50))


@pytest.mark.parametrize("assignment, name, source, args", [
    ("gradient_descent", "cross_entropy",
     "def cross_entropy(y, y_hat):\n    return -float(np.sum(y * np.log(y_hat)))\n",
     (np.array([0.0, 1.0]), np.array([0.0, 1.0]))),
    ("gradient_descent", "softmax", "def softmax(z):\n    e = np.exp(z)\n    return e / e.sum()\n",
     (np.array([1000.0, 0.0]),)),
])
def test_every_function_that_must_be_stable_is_held_to_it(assignment, name, source, args):
    assert name in notebook_setup.STABLE[assignment]
    nb = notebook(assignment, source)
    with pytest.raises(AssertionError, match=rf"{name} gave a warning \(RuntimeWarning: "):
        nb["call"](nb[name], *args)


def test_the_same_warning_elsewhere_is_only_reported(capsys):
    nb = notebook("activations", "def tanh_prime(z):\n    return 1.0 / np.cosh(z) ** 2\n")
    assert nb["call"](nb["tanh_prime"], np.array([1000.0])) == pytest.approx(0.0)
    assert "overflow" in capsys.readouterr().out


COPY = ("def numerical_grads(loss, W, b, eps=1e-6):\n"
        "    return {j: numerical_gradient(lambda M: loss({**W, j: M}, b), W[j]) for j in W}, {}\n")
HIDDEN = ("def _fd(f, x):\n    return numerical_gradient(f, x)\n\n"
          "def numerical_grads(loss, W, b, eps=1e-6):\n"
          "    return {j: _fd(lambda M: loss({**W, j: M}, b), W[j]) for j in W}, {}\n")
ALIAS = "fd = numerical_gradient\n" + COPY.replace("numerical_gradient(", "fd(")
DEFAULT = ("def numerical_grads(loss, W, b, eps=1e-6, fd=numerical_gradient):\n"
           "    return {j: fd(lambda M: loss({**W, j: M}, b), W[j]) for j in W}, {}\n")
OWN = ("def my_numerical_gradient(f, x, eps=1e-6):\n    g = np.zeros_like(x)\n"
       "    for i in np.ndindex(x.shape):\n        s = np.zeros_like(x); s[i] = eps\n"
       "        g[i] = (f(x + s) - f(x - s)) / (2 * eps)\n    return g\n\n"
       + COPY.replace("numerical_gradient(", "my_numerical_gradient("))


@pytest.mark.parametrize("source, says", [(COPY, "numerical_gradient"), (HIDDEN, "numerical_gradient"),
                                          (ALIAS, "a helper of the setup cell"),
                                          (DEFAULT, "a helper of the setup cell")],
                         ids=["direct", "through-a-helper", "alias", "default-argument"])
def test_handing_the_work_to_the_notebooks_helpers_fails(source, says):
    nb = notebook("backprop", source)
    W, b = nb["random_network"]([2, 2])
    with pytest.raises(AssertionError, match=f"numerical_grads uses {says}, which the notebook provides"):
        nb["call"](nb["numerical_grads"], lambda W, b: float(np.sum(W[1])), W, b)


def test_a_function_of_ones_own_is_not_provided_code():
    nb = notebook("backprop", OWN)
    W, b = nb["random_network"]([2, 2])
    dW, _ = nb["call"](nb["numerical_grads"], lambda W, b: float(np.sum(W[1] ** 2)), W, b)
    assert np.allclose(dW[1], 2 * W[1], atol=1e-6)


def test_the_course_library_is_provided_code_too():
    nnlearn = pytest.importorskip("nnlearn.activations")
    nb = notebook("activations")
    with pytest.raises(AssertionError, match="sigmoid uses nnlearn: write it in plain NumPy"):
        nb["call"](nnlearn.sigmoid, np.zeros(2))


def test_the_helpers_say_they_are_the_notebooks():
    nb = notebook("backprop")
    assert {f.__name__ for f in nb["PROVIDED"]} == {f.__name__ for f in notebook_setup.HELPERS["backprop"]}
    assert all(f.__module__ == notebook_setup.SETUP_MODULE for f in nb["PROVIDED"])


def test_stderr_in_a_test_cell_costs_no_marks_in_the_stock_fallback():
    cell = nbformat.v4.new_code_cell("assert f(1) == 2")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": "t",
                                 "points": 1, "schema_version": 3}
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=(
        "/home/s/x.py:3: UserWarning: a harmless note\n  warnings.warn('a harmless note')\ndebug\n"))]
    out = nnl_feedback.WarningsCostNoMarks().preprocess_cell(cell, {}, 0)[0]
    from nbgrader.utils import determine_grade
    assert determine_grade(out) == (1, 1)
    assert [o.name for o in out.outputs] == ["stdout"]
    assert out.outputs[0].text == "UserWarning: a harmless note\n"


def test_the_students_page_states_the_rule_and_names_the_functions():
    page = (ROOT / "book" / "for-students.md").read_text()
    rule = re.search(r"\*\*warnings\*\*.*?(?=\n\* |\n\n)", page, re.S)
    assert rule, "book/for-students.md has no rule on warnings"
    text = " ".join(rule.group(0).split())
    for assignment, names in notebook_setup.STABLE.items():
        for name in names:
            assert f"`{name}`" in text, f"the students' page does not name {name} ({assignment})"
    for phrase in ("costs no marks", "RuntimeWarning", "overflow", "invalid value", "divide by zero"):
        assert phrase in text
