"""The oracle itself: it must agree with known derivatives and notice wrong ones."""

import numpy as np
import pytest

from nnlearn import gradcheck


def test_numerical_gradient_of_a_known_function(rng):
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    f = lambda v: float(v @ A @ v + np.sin(v).sum())  # noqa: E731
    exact = (A + A.T) @ x + np.cos(x)
    assert gradcheck.relative_error(gradcheck.numerical_gradient(f, x), exact) < 1e-9


def test_numerical_gradient_works_on_matrices_and_leaves_them_alone(rng):
    X = rng.normal(size=(3, 2))
    before = X.copy()
    g = gradcheck.numerical_gradient(lambda M: float(np.sum(M ** 3)), X)
    np.testing.assert_allclose(g, 3 * before ** 2, rtol=1e-8)
    np.testing.assert_array_equal(X, before)


def test_a_wrong_gradient_is_caught(rng):
    x = rng.normal(size=5)
    f = lambda v: float(np.sum(v ** 2))  # noqa: E731
    assert gradcheck.check_gradient(f, lambda v: 2 * v, x) < 1e-9
    assert gradcheck.check_gradient(f, lambda v: v, x) > 0.1          # off by a factor 2
    assert gradcheck.check_gradient(f, lambda v: 2 * v[::-1], x) > 0.01  # entries swapped


def test_jacobian_of_a_gradient_is_the_hessian(rng):
    x = rng.normal(size=3)
    grad = lambda v: np.array([2 * v[0] * v[1], v[0] ** 2 + 3 * v[2] ** 2, 6 * v[1] * v[2]])  # noqa: E731
    exact = np.array([[2 * x[1], 2 * x[0], 0],
                      [2 * x[0], 0, 6 * x[2]],
                      [0, 6 * x[2], 6 * x[1]]])
    assert gradcheck.relative_error(gradcheck.numerical_jacobian(grad, x), exact) < 1e-9


def test_relative_error_edge_cases():
    assert gradcheck.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert gradcheck.relative_error([1.0], [-1.0]) == 1.0
    with pytest.raises(ValueError, match=r"shapes \(2,\) and \(3,\)"):
        gradcheck.relative_error(np.zeros(2), np.zeros(3))


def test_numerical_gradient_of_a_transposed_view(rng):
    """A transposed matrix is a Fortran-ordered view: perturbing a copy of it must still
    perturb what f sees (it once returned all zeros here)."""
    A = rng.normal(size=(3, 2))
    G = rng.normal(size=(2, 3))
    f = lambda M: float(np.sum(G * M))  # noqa: E731
    np.testing.assert_allclose(gradcheck.numerical_gradient(f, A.T), G, rtol=1e-8)
    np.testing.assert_allclose(gradcheck.numerical_gradient(f, np.asfortranarray(A.T)), G, rtol=1e-8)
