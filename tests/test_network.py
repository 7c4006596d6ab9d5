"""Forward and backward passes: shapes, notation, and every gradient against finite differences."""

import numpy as np
import pytest

from nnlearn import activations, network
from nnlearn.gradcheck import numerical_gradient, relative_error

HIDDEN = sorted(set(activations.ACTIVATIONS))
HEADS = [("identity", "mse"), ("softmax", "cross_entropy"), ("sigmoid", "mse"), ("softmax", "mse")]
# widths chosen so that no two consecutive layers are equal: W and W.T cannot be confused
SIZES = {1: [3, 2], 2: [3, 5, 2], 3: [4, 3, 5, 2], 4: [2, 5, 3, 4, 3]}


def target(rng, output, shape):
    if output == "softmax":
        return np.eye(shape[-1])[rng.integers(0, shape[-1], shape[:-1] or None)]
    return rng.normal(size=shape)


def check(sizes, hidden, output, loss, rng, batch=None):
    W, b = network.init_params(sizes, rng, scheme="normal", scale=0.8)
    b = {j: rng.normal(scale=0.5, size=v.shape) for j, v in b.items()}
    x = rng.normal(size=(batch, sizes[0]) if batch else sizes[0])
    y = target(rng, output, (batch, sizes[-1]) if batch else (sizes[-1],))
    spec = network.Spec(hidden, output, loss)
    _, dW, db = network.loss_and_grads(x, y, W, b, spec)

    loss_of = network.flat_loss(x, y, sizes, spec)
    theta = network.flatten(W, b)
    return relative_error(network.flatten(dW, db), numerical_gradient(loss_of, theta))


@pytest.mark.parametrize("depth", sorted(SIZES))
@pytest.mark.parametrize("hidden", HIDDEN)
def test_backward_matches_finite_differences_one_example(depth, hidden, rng):
    assert check(SIZES[depth], hidden, "identity", "mse", rng) < 1e-7


@pytest.mark.parametrize("depth", sorted(SIZES))
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "softplus", "sine"])
def test_backward_matches_finite_differences_batch(depth, hidden, rng):
    assert check(SIZES[depth], hidden, "identity", "mse", rng, batch=6) < 1e-7


@pytest.mark.parametrize("output,loss", HEADS)
@pytest.mark.parametrize("batch", [None, 5])
def test_every_output_head(output, loss, batch, rng):
    assert check(SIZES[3], "tanh", output, loss, rng, batch) < 1e-7


def test_forward_follows_the_notation(rng):
    W, b = network.init_params([3, 4, 2], rng)
    x = rng.normal(size=3)
    z, h = network.forward(x, W, b, network.Spec(hidden="tanh", output="identity"))
    assert sorted(z) == [1, 2] and sorted(h) == [0, 1, 2]
    np.testing.assert_array_equal(h[0], x)
    np.testing.assert_allclose(z[1], W[1].T @ x + b[1])
    np.testing.assert_allclose(h[1], np.tanh(z[1]))
    np.testing.assert_allclose(z[2], W[2].T @ h[1] + b[2])
    np.testing.assert_allclose(h[2], z[2])


def test_batch_rows_equal_single_examples(rng):
    W, b = network.init_params([3, 4, 2], rng)
    X = rng.normal(size=(5, 3))
    _, H = network.forward(X, W, b, network.Spec(hidden="relu"))
    for i in range(5):
        _, h = network.forward(X[i], W, b, network.Spec(hidden="relu"))
        np.testing.assert_allclose(H[2][i], h[2])


def test_batch_gradient_is_mean_of_example_gradients(rng):
    sizes = [3, 4, 2]
    W, b = network.init_params(sizes, rng)
    X, Y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    _, dW, db = network.loss_and_grads(X, Y, W, b, network.Spec("tanh"))
    singles = [network.loss_and_grads(X[i], Y[i], W, b, network.Spec("tanh")) for i in range(4)]
    for j in W:
        np.testing.assert_allclose(dW[j], np.mean([s[1][j] for s in singles], axis=0))
        np.testing.assert_allclose(db[j], np.mean([s[2][j] for s in singles], axis=0))


def test_gradients_have_the_shapes_of_the_parameters(rng):
    W, b = network.init_params([5, 3, 4, 2], rng)
    _, dW, db = network.loss_and_grads(rng.normal(size=5), rng.normal(size=2), W, b)
    assert {j: d.shape for j, d in dW.items()} == {j: w.shape for j, w in W.items()}
    assert {j: d.shape for j, d in db.items()} == {j: v.shape for j, v in b.items()}


def test_inputs_are_not_modified(rng):
    W, b = network.init_params([3, 4, 2], rng)
    x, y = rng.normal(size=3), rng.normal(size=2)
    saved = network.flatten(W, b).copy(), x.copy(), y.copy()
    network.loss_and_grads(x, y, W, b)
    np.testing.assert_array_equal(network.flatten(W, b), saved[0])
    np.testing.assert_array_equal(x, saved[1])
    np.testing.assert_array_equal(y, saved[2])


@pytest.mark.parametrize("scheme,variance", [
    ("xavier", lambda i, o: 2 / (i + o)), ("xavier_uniform", lambda i, o: 2 / (i + o)),
    ("he", lambda i, o: 2 / i), ("he_uniform", lambda i, o: 2 / i),
])
def test_initialisation_variances(scheme, variance, rng):
    W, b = network.init_params([400, 300], rng, scheme=scheme)
    assert W[1].var() == pytest.approx(variance(400, 300), rel=0.02)
    assert np.all(b[1] == 0)


def test_initialisation_is_reproducible():
    a = network.init_params([3, 4], np.random.default_rng(1))[0][1]
    b = network.init_params([3, 4], np.random.default_rng(1))[0][1]
    np.testing.assert_array_equal(a, b)


def test_flatten_round_trip(rng):
    sizes = [3, 4, 2]
    W, b = network.init_params(sizes, rng)
    W2, b2 = network.unflatten(network.flatten(W, b), sizes)
    for j in W:
        np.testing.assert_array_equal(W[j], W2[j])
        np.testing.assert_array_equal(b[j], b2[j])


@pytest.mark.parametrize("call,message", [
    (lambda W, b, rng: network.forward(np.zeros(4), W, b), r"x must have shape \(3,\).*got \(4,\)"),
    (lambda W, b, rng: network.forward(np.zeros(3), {1: W[1], 2: W[1]}, b), r"W\[2\] has shape \(3, 4\)"),
    (lambda W, b, rng: network.forward(np.zeros(3), W, {1: b[1], 2: np.zeros(3)}), r"b\[2\] must have shape \(2,\)"),
    (lambda W, b, rng: network.forward(np.zeros(3), [W[1], W[2]], b), r"W must be a dict keyed 1..N"),
    (lambda W, b, rng: network.forward(np.zeros(3), W, b, network.Spec(hidden="relux")), r"unknown activation 'relux'"),
    (lambda W, b, rng: network.forward(np.zeros(3), W, b, network.Spec(output="relu")), r"unknown output layer 'relu'"),
    (lambda W, b, rng: network.init_params([3, 4], rng, scheme="glorot"), r"unknown initialisation 'glorot'"),
    (lambda W, b, rng: network.init_params([3, 4], 7), r"numpy.random.Generator"),
    (lambda W, b, rng: network.init_params([3], rng), r"at least an input and an output"),
    (lambda W, b, rng: network.train(np.zeros((2, 3)), np.zeros((2, 2)), W, b, 0.0, 1, rng),
     r"learning rate must be positive"),
    (lambda W, b, rng: network.loss_and_grads(np.zeros(3), np.zeros(3), W, b),
     r"y has shape \(3,\) but y_hat has shape \(2,\)"),
])
def test_bad_input_is_named(call, message, rng):
    W, b = network.init_params([3, 4, 2], rng)
    with pytest.raises(ValueError, match=message):
        call(W, b, rng)
