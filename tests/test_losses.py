"""Losses and their gradients against finite differences; stability at the extremes."""

import warnings

import numpy as np
import pytest

from nnlearn import losses
from nnlearn.gradcheck import numerical_gradient, relative_error


def one_hot(rng, m, k):
    return np.eye(k)[rng.integers(0, k, m)]


@pytest.mark.parametrize("shape", [(4,), (5, 3)])
def test_mse_gradient(shape, rng):
    y, y_hat = rng.normal(size=shape), rng.normal(size=shape)
    numeric = numerical_gradient(lambda p: losses.mse(y, p), y_hat)
    assert relative_error(losses.mse_grad(y, y_hat), numeric) < 1e-7


def test_mse_value_is_half_squared_norm_and_batch_mean():
    assert losses.mse(np.array([1.0, 2.0]), np.array([0.0, 0.0])) == pytest.approx(2.5)
    batch_y = np.array([[1.0, 2.0], [0.0, 0.0]])
    assert losses.mse(batch_y, np.zeros((2, 2))) == pytest.approx(1.25)


@pytest.mark.parametrize("shape", [(4,), (6, 4)])
def test_cross_entropy_gradient(shape, rng):
    y = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1] or None)
    y_hat = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1] or None)
    numeric = numerical_gradient(lambda p: losses.cross_entropy(y, p), y_hat)
    assert relative_error(losses.cross_entropy_grad(y, y_hat), numeric) < 1e-7


@pytest.mark.parametrize("shape", [(5,), (7, 5)])
def test_softmax_cross_entropy_gradient(shape, rng):
    y = one_hot(rng, 7, 5)[0] if len(shape) == 1 else one_hot(rng, *shape)
    z = rng.normal(scale=3, size=shape)
    numeric = numerical_gradient(lambda p: losses.softmax_cross_entropy(y, p), z)
    assert relative_error(losses.softmax_cross_entropy_grad(y, z), numeric) < 1e-7


def test_softmax_cross_entropy_equals_cross_entropy_of_softmax(rng):
    y, z = one_hot(rng, 6, 4), rng.normal(size=(6, 4))
    assert losses.softmax_cross_entropy(y, z) == pytest.approx(
        losses.cross_entropy(y, losses.softmax(z)), rel=1e-12)


def test_softmax_is_stable_and_normalised():
    z = np.array([[1000.0, 1001.0, 999.0], [-1e4, 0.0, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = losses.softmax(z)
        value = losses.softmax_cross_entropy(np.array([[0, 1.0, 0], [1.0, 0, 0]]), z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert np.all(np.isfinite(p))
    # second row: the true class has logit -1e4 against 1e4, so the loss is 2e4
    assert value == pytest.approx((0.40760596444 + 2e4) / 2, rel=1e-9)


def test_softmax_is_shift_invariant(rng):
    z = rng.normal(size=5)
    np.testing.assert_allclose(losses.softmax(z), losses.softmax(z + 123.0), rtol=1e-12)


def test_cross_entropy_zero_times_log_zero_is_zero():
    y = np.array([1.0, 0.0])
    assert losses.cross_entropy(y, np.array([1.0, 0.0])) == 0.0
    assert losses.cross_entropy(y, np.array([0.0, 1.0])) == np.inf


def test_shape_mismatch_is_named():
    with pytest.raises(ValueError, match=r"y has shape \(3,\) but y_hat has shape \(2,\)"):
        losses.mse(np.zeros(3), np.zeros(2))


def test_unknown_loss_lists_known():
    with pytest.raises(ValueError, match="unknown loss 'l1'.*cross_entropy, mse"):
        losses.get("l1")


def test_cross_entropy_gradient_is_zero_where_the_target_is_zero():
    g = losses.cross_entropy_grad(np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    np.testing.assert_array_equal(g, [-1.0, 0.0])
