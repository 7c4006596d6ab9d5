"""Gradient descent and Newton-Raphson: exact behaviour on quadratics, paths, and bad input."""

import numpy as np
import pytest

from nnlearn import landscapes, optim


def test_gradient_descent_on_the_bowl_follows_the_closed_form():
    bowl = landscapes.bowl()
    x0 = np.array([2.0, -1.0])
    run = optim.gradient_descent(bowl.grad, x0, lr=0.1, steps=10, f=bowl.f)
    t = np.arange(11)[:, None]
    np.testing.assert_allclose(run.x, x0 * (1 - 2 * 0.1) ** t, rtol=1e-12)
    np.testing.assert_allclose(run.grad, 2 * run.x)
    np.testing.assert_allclose(run.loss, np.sum(run.x ** 2, axis=1))
    assert run.x.shape == (11, 2) and run.steps == 10 and run.stopped == "steps"
    np.testing.assert_array_equal(x0, [2.0, -1.0])           # the start is not modified


def test_the_table_lists_every_iteration():
    bowl = landscapes.bowl()
    rows = optim.gradient_descent(bowl.grad, [1.0, 1.0], 0.25, 3, f=bowl.f).table(["x", "y"])
    assert [r["t"] for r in rows] == [0, 1, 2, 3]
    assert rows[1]["x"] == 0.5 and rows[1]["dL/dx"] == 1.0 and rows[1]["L"] == 0.5


def test_tolerance_and_divergence_stop_early():
    bowl = landscapes.bowl()
    run = optim.gradient_descent(bowl.grad, [1.0, 1.0], lr=0.4, steps=1000, tol=1e-6)
    assert run.stopped == "tolerance" and run.steps < 30
    assert np.linalg.norm(run.grad[-1]) < 1e-6
    run = optim.gradient_descent(bowl.grad, [1.0, 1.0], lr=5.0, steps=10_000)
    assert run.stopped == "diverged"


def test_newton_solves_a_quadratic_in_one_step(rng):
    A = rng.normal(size=(4, 4))
    A = A @ A.T + 4 * np.eye(4)
    c = rng.normal(size=4)
    grad, hess = (lambda x: A @ x - c), (lambda x: A)
    x1 = optim.newton_step(grad, hess, rng.normal(size=4))
    np.testing.assert_allclose(x1, np.linalg.solve(A, c), rtol=1e-10)


def test_newton_on_rosenbrock_converges_fast():
    r = landscapes.rosenbrock()
    run = optim.newton_raphson(r.grad, r.hess, [-1.2, 1.0], steps=50, f=r.f, tol=1e-10)
    assert run.stopped == "tolerance" and run.steps < 10
    np.testing.assert_allclose(run.x[-1], [1.0, 1.0], atol=1e-8)


@pytest.mark.parametrize("call,message", [
    (lambda: optim.gradient_descent(lambda x: x, [1.0], lr=0, steps=3), "lr must be a positive number; got 0"),
    (lambda: optim.gradient_descent(lambda x: x, [1.0], lr=-0.1, steps=3), "positive number; got -0.1"),
    (lambda: optim.gradient_descent(lambda x: x, [1.0], lr=0.1, steps=2.5), "whole number >= 0; got 2.5"),
    (lambda: optim.gradient_descent(lambda x: x, [[1.0]], lr=0.1, steps=2), r"1-D vector.*\(1, 1\)"),
    (lambda: optim.newton_step(lambda x: x, lambda x: np.zeros((2, 2)), [1.0, 1.0]), "Hessian is singular"),
    (lambda: optim.newton_step(lambda x: x, lambda x: np.eye(3), [1.0, 1.0]), r"must be \(2, 2\).*got \(3, 3\)"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_summary_says_how_the_run_ended():
    bowl = landscapes.bowl()
    run = optim.gradient_descent(bowl.grad, [1.0, 0.0], lr=0.25, steps=2, f=bowl.f)
    assert run.summary() == "after 2 steps: L = 0.0625, ‖∇L‖ = 0.5"
    assert "L =" not in optim.gradient_descent(bowl.grad, [1.0, 0.0], 0.25, 2).summary()
    blown = optim.gradient_descent(bowl.grad, [1.0, 1.0], lr=5.0, steps=10_000)
    assert blown.summary() == f"diverged (overflow) after {blown.steps} steps"
