"""The backprop assignment's self-checks, run in-process on the reference solution with one
cell rewritten (a second per notebook, no nbgrader; tests/test_grading_stock.py grades the
whole mistakes corpus the slow way):

* a mistake costs the points of the function it is in: a wrong ``backward`` or ``forward``
  leaves ``test_train`` whole (train is judged with stand-ins, then with the reference passes);
* the visible part of ``test_backward_deep`` checks values, not only shapes, and names the
  layer where the error enters;
* an accuracy computed with == between shapes (n,) and (n, 1) is recognised and explained.
"""

import re
from pathlib import Path

import numpy as np
import pytest

from assignment_helpers import HIDDEN_BEGIN, HIDDEN_END, cells_by_id, nbgrader_meta, solution_source
from autograder.notebook_setup import check_accuracy

CORPUS = Path(__file__).resolve().parent / "assignment_mistakes" / "backprop"
DIGITS = {"digits_data", "digits", "test_digits_selection", "digits_test_data", "digits_report", "test_digits"}


def failing_cells(replace=None, visible_only=False, only=None):
    """{test cell id: error} after running the backprop solution (without the digits part,
    which trains for seconds) with the cells in ``replace`` rewritten; ``only``: the test
    cells to run (all by default; the others' helpers are needed by none)."""
    namespace, failed = {"__name__": "__main__"}, {}
    for cell in solution_source("backprop").cells:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if cell.cell_type != "code" or gid in DIGITS or (only and meta.get("grade") and gid not in only):
            continue
        source = (replace or {}).get(gid, cell.source)
        if visible_only and meta.get("grade"):
            source = source.split(HIDDEN_BEGIN)[0] + source.split(HIDDEN_END)[-1]
        try:
            exec(compile(source, gid, "exec"), namespace)
        except Exception as err:      # as in grading, a failing cell that is not a test costs nothing
            if meta.get("grade"):
                failed[gid] = f"{type(err).__name__}: {err}"
    return failed


def mistake(stem):
    return {stem.partition("__")[0]: (CORPUS / f"{stem}.py").read_text()}


PASSES = sorted(p.stem for p in CORPUS.glob("*.py") if p.stem.startswith(("forward__", "backward__")))


def test_the_reference_passes_every_check_it_can_run_here():
    assert failing_cells() == {}
    assert set(cells_by_id(solution_source("backprop"))) >= DIGITS


@pytest.mark.parametrize("stem", PASSES)
def test_a_wrong_forward_or_backward_is_not_charged_to_train(stem):
    failed = failing_cells(mistake(stem), only={"test_train"})
    assert "test_train" not in failed, f"{stem} also costs test_train: {failed['test_train']}"


@pytest.mark.parametrize("stem,layer", [("backward__missing_fprime", "the error enters at delta[2]"),
                                        ("backward__fprime_of_h", "the error enters at delta[2]"),
                                        ("backward__fprime_on_output", "dW[3] is wrong")])
def test_the_visible_deep_check_compares_values_and_names_the_layer(stem, layer):
    failed = failing_cells(mistake(stem), visible_only=True, only={"test_backward_deep"})
    message = failed.get("test_backward_deep", "")
    assert layer in message and "against finite differences" in message, failed


# Two more trains, checked here only (the graded corpus has the train mistakes that matter):
# batch gradient descent, and an honest train written in its own way.
ONCE_PER_EPOCH = """\
def train(X, Y, W, b, phi, dphi, lr, epochs):
    W = {j: w.copy() for j, w in W.items()}
    b = {j: v.copy() for j, v in b.items()}
    N = len(W)
    losses = []
    for _ in range(epochs):
        total = 0.0
        sum_dW = {j: np.zeros_like(W[j]) for j in W}
        sum_db = {j: np.zeros_like(b[j]) for j in b}
        for x, y in zip(X, Y):
            z, h = forward(x, W, b, phi)
            total += 0.5 * np.sum((y - h[N]) ** 2)
            dW, db = backward(y, z, h, W, dphi)
            for j in W:
                sum_dW[j] += dW[j]
                sum_db[j] += db[j]
        W = {j: W[j] - lr * sum_dW[j] for j in W}
        b = {j: b[j] - lr * sum_db[j] for j in b}
        losses.append(total / len(X))
    return W, b, losses
"""
HONEST = """\
def train(X, Y, W, b, phi, dphi, lr, epochs):
    def step(W, b, x, y):
        z, h = forward(x, W, b, phi)
        loss = 0.5 * np.sum((y - h[len(W)]) ** 2)
        dW, db = backward(y, z, h, W, dphi)
        return {j: W[j] - lr * dW[j] for j in W}, {j: b[j] - lr * db[j] for j in b}, loss

    losses = np.zeros(epochs)
    for e in range(epochs):
        for x, y in zip(X, Y):
            W, b, loss = step(W, b, x, y)
            losses[e] += loss / len(X)
    return W, b, losses
"""


def test_train_is_judged_with_stand_ins_where_students_see_it():
    failed = failing_cells({"train": ONCE_PER_EPOCH}, visible_only=True, only={"test_train"})
    assert set(failed) == {"test_train"} and "after each example" in failed["test_train"], failed


def test_an_honest_train_of_its_own_shape_keeps_its_points():
    assert failing_cells({"train": HONEST}, only={"test_train"}) == {}


def test_an_accuracy_that_broadcast_is_explained():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 400)
    Y, probabilities = np.eye(10)[labels], np.eye(10)[labels] * 0.9 + 0.01     # a perfect network
    pred = np.argmax(probabilities, axis=1)
    check_accuracy("test_accuracy", float(np.mean(pred == labels)), probabilities, Y)     # right: silent
    broadcast = float(np.mean(pred == labels.reshape(-1, 1)))
    assert broadcast < 0.2
    with pytest.raises(AssertionError, match=re.escape("broadcasts them to (400, 400)")) as caught:
        check_accuracy("test_accuracy", broadcast, probabilities, Y)
    assert "shape (400,)" in str(caught.value) and "(400, 1)" in str(caught.value)
    with pytest.raises(AssertionError, match="most probable class is the labelled one for 1.000"):
        check_accuracy("test_accuracy", 0.5, probabilities, Y)
