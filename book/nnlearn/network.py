"""A fully connected network in the notes' notation, forward and backward.

Parameters live in dicts keyed by layer, 1..N, so that code reads like the maths:

* ``W[j]`` is W^(j-1,j), shape ``(n[j-1], n[j])``: column k holds the weights of
  neuron k of layer j;
* ``b[j]`` is b^(j), shape ``(n[j],)``.

Forward pass, one example (1-D x):   z[j] = W[j].T @ h[j-1] + b[j],  h[j] = f_j(z[j]).
Forward pass, a batch (rows of X):   Z[j] = H[j-1] @ W[j] + b[j]   (the same, transposed).
Both are the single expression ``h[j-1] @ W[j] + b[j]``, since for a 1-D h,
``h @ W`` is ``W.T @ h``.

Backward pass, with delta[j] = dL/dz[j]:
    delta[j-1] = (W[j] @ delta[j]) * f'_{j-1}(z[j-1])
    dL/dW[j]   = outer(h[j-1], delta[j])      dL/db[j] = delta[j]
(for a batch: Delta[j-1] = (Delta[j] @ W[j].T) * f'(Z[j-1]), dW[j] = H[j-1].T @ Delta[j],
db[j] = Delta[j].sum(axis=0)). Note W[j], not W[j].T, in the recursion: see errata.md.

The output layer is f_L = identity (paired with MSE) or softmax (paired with
cross-entropy); hidden layers use any elementwise activation. These three choices travel
together as one :class:`Spec`: ``Spec(hidden="tanh", output="softmax", loss="cross_entropy")``.

:func:`layer_loop` and :func:`backprop` are the two loops above, written once; the
batch-normalised network of :mod:`nnlearn.deep` runs through them too.
"""

from dataclasses import dataclass

import numpy as np

from . import activations, losses

OUTPUTS = ("identity", "softmax", "sigmoid", "tanh")


@dataclass(frozen=True)
class Spec:
    """What a network is besides W and b: the hidden layers' activation, the output layer
    and the loss it is trained on. Checked when made, so a misspelt name fails at once."""

    hidden: object = "relu"        # a name from nnlearn.activations, or an Activation
    output: str = "identity"       # one of OUTPUTS
    loss: str = "mse"              # a name from nnlearn.losses

    def __post_init__(self):
        activations.get(self.hidden)
        if self.output not in OUTPUTS:
            raise ValueError(f"unknown output layer {self.output!r}; expected one of: {', '.join(OUTPUTS)}")
        losses.get(self.loss)


DEFAULT = Spec()


def _spec(spec):
    if not isinstance(spec, Spec):
        raise ValueError(f"expected a network.Spec (e.g. Spec(hidden={spec!r})); got {spec!r}")
    return spec


# --- initialisation -----------------------------------------------------------

def init_params(sizes, rng, scheme="xavier", scale=0.1):
    """Weights W[1..N] and zero biases b[1..N] for layer sizes n_0, ..., n_N.

    ``rng`` is a ``numpy.random.Generator`` so that every run is reproducible.
    Schemes (n_in = n[j-1], n_out = n[j]):

    * ``"xavier"``: normal with variance 2 / (n_in + n_out) (Glorot & Bengio, 2010),
      keeps activation variance steady through tanh/sigmoid layers;
    * ``"xavier_uniform"``: uniform on +-sqrt(6 / (n_in + n_out)), the same variance;
    * ``"he"``: normal with variance 2 / n_in (He et al., 2015), for ReLU layers;
    * ``"he_uniform"``: uniform on +-sqrt(6 / n_in);
    * ``"normal"``: normal with standard deviation ``scale``;
    * ``"uniform"``: uniform on +-``scale``.
    """
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(
            f"sizes must list at least an input and an output layer, all >= 1; got {sizes}"
        )
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"rng must be a numpy.random.Generator (np.random.default_rng(seed)); got {type(rng).__name__}"
        )
    draw = {
        "xavier": lambda i, o: rng.normal(0.0, np.sqrt(2.0 / (i + o)), (i, o)),
        "xavier_uniform": lambda i, o: rng.uniform(-1, 1, (i, o)) * np.sqrt(6.0 / (i + o)),
        "he": lambda i, o: rng.normal(0.0, np.sqrt(2.0 / i), (i, o)),
        "he_uniform": lambda i, o: rng.uniform(-1, 1, (i, o)) * np.sqrt(6.0 / i),
        "normal": lambda i, o: rng.normal(0.0, scale, (i, o)),
        "uniform": lambda i, o: rng.uniform(-scale, scale, (i, o)),
    }
    if scheme not in draw:
        raise ValueError(
            f"unknown initialisation {scheme!r}; expected one of: {', '.join(draw)}"
        )
    W = {j: draw[scheme](sizes[j - 1], sizes[j]) for j in range(1, len(sizes))}
    b = {j: np.zeros(sizes[j]) for j in range(1, len(sizes))}
    return W, b


def layer_sizes(W):
    """[n_0, n_1, ..., n_N] read off the weight shapes, after checking they chain."""
    check_params(W)
    return [W[1].shape[0]] + [W[j].shape[1] for j in range(1, len(W) + 1)]


def check_params(W, b=None):
    """Raise ValueError unless W (and b) are dicts keyed 1..N with chaining shapes."""
    if not isinstance(W, dict) or sorted(W) != list(range(1, len(W) + 1)) or not W:
        keys = sorted(W) if isinstance(W, dict) else type(W).__name__
        raise ValueError(f"W must be a dict keyed 1..N (W[j] is W^(j-1,j)); got keys {keys}")
    for j in range(1, len(W) + 1):
        if np.ndim(W[j]) != 2:
            raise ValueError(f"W[{j}] must be a matrix (n_{j-1}, n_{j}); got shape {np.shape(W[j])}")
        if j > 1 and W[j].shape[0] != W[j - 1].shape[1]:
            raise ValueError(
                f"W[{j}] has shape {W[j].shape} but layer {j-1} has {W[j-1].shape[1]} neurons; "
                f"W[{j}] must have shape ({W[j-1].shape[1]}, n_{j})"
            )
    if b is not None:
        if sorted(b) != sorted(W):
            raise ValueError(f"b must have the same keys as W ({sorted(W)}); got {sorted(b)}")
        for j in W:
            if np.shape(b[j]) != (W[j].shape[1],):
                raise ValueError(
                    f"b[{j}] must have shape ({W[j].shape[1]},) to match W[{j}] {W[j].shape}; "
                    f"got {np.shape(b[j])}"
                )


def _apply_output(z, output):
    return losses.softmax(z) if output == "softmax" else activations.get(output).f(z)


# --- the two loops --------------------------------------------------------------------

def layer_loop(x, W, b, hidden, output, between=None):
    """z[j] = h[j-1] @ W[j] + b[j] and h[j] = hidden(z[j]) for j < N, h[N] = output(z[N]).

    ``hidden`` and ``output`` are functions of an array. ``between(j, z[j])``, if given,
    transforms a hidden pre-activation before ``hidden`` sees it (batch normalisation
    does). Returns the dicts (z, h), h[0] = x.
    """
    N = len(W)
    z, h = {}, {0: x}
    for j in range(1, N + 1):
        z[j] = h[j - 1] @ W[j] + b[j]          # = W[j].T @ h[j-1] + b[j] for one example
        if j == N:
            h[j] = output(z[j])
        else:
            h[j] = hidden(z[j] if between is None else between(j, z[j]))
    return z, h


def backprop(delta, h, W, through):
    """From delta[N] = dL/dz[N] down to layer 1: the gradients (dW, db).

    ``through(j, g)`` turns g = dL/dh[j] into delta[j] = dL/dz[j] (for a plain layer,
    g * f'(z[j])). ``delta`` is (n_L,) for one example or (m, n_L) for a batch.
    """
    batch = delta.ndim == 2
    dW, db = {}, {}
    for j in range(len(W), 0, -1):
        if batch:
            dW[j] = h[j - 1].T @ delta
            db[j] = delta.sum(axis=0)
        else:
            dW[j] = np.outer(h[j - 1], delta)                  # h^(j-1) delta^(j)T
            db[j] = delta.copy()
        if j > 1:
            back = delta @ W[j].T if batch else W[j] @ delta    # (n_{j-1},): W, not W.T
            delta = through(j - 1, back)
    return dW, db


# --- forward and backward -------------------------------------------------------

def forward(x, W, b, spec=DEFAULT):
    """The forward pass: dicts z (keys 1..N) and h (keys 0..N, h[0] = x).

    ``x`` is one example of shape (n_0,) or a batch of shape (m, n_0).
    """
    spec = _spec(spec)
    check_params(W, b)
    x = np.asarray(x, dtype=float)
    n0 = W[1].shape[0]
    if x.ndim not in (1, 2) or x.shape[-1] != n0:
        raise ValueError(
            f"x must have shape ({n0},) for one example or (m, {n0}) for a batch; got {x.shape}"
        )
    return layer_loop(x, W, b, activations.get(spec.hidden).f, lambda z: _apply_output(z, spec.output))


def output_delta(y, z_L, h_L, spec=DEFAULT):
    """delta[N] = dL/dz[N], for the output layer and loss chosen."""
    output, loss = _spec(spec).output, spec.loss
    if output == "softmax" and loss == "cross_entropy":
        return losses.softmax_cross_entropy_grad(y, z_L)   # = (y_hat - y) / m, stable
    _, loss_grad = losses.get(loss)
    g = loss_grad(y, h_L)                                     # dL/dy_hat
    if output == "softmax":                                   # J^T g for the softmax Jacobian
        return h_L * (g - np.sum(g * h_L, axis=-1, keepdims=True))
    return g * activations.get(output).df(z_L)


def backward(y, z, h, W, spec=DEFAULT):
    """Gradients (dW, db) of the loss, dicts with the keys and shapes of W and b."""
    phi = activations.get(_spec(spec).hidden)
    N = len(W)
    delta = output_delta(y, z[N], h[N], spec)
    if np.shape(delta) != np.shape(z[N]):
        raise ValueError(f"y must have shape {np.shape(z[N])} like the output; got {np.shape(y)}")
    return backprop(delta, h, W, lambda j, g: g * phi.df(z[j]))


def loss_value(y, h_L, z_L, spec=DEFAULT):
    """The loss of a forward pass, from the logits when softmax meets cross-entropy."""
    if _spec(spec).output == "softmax" and spec.loss == "cross_entropy":
        return losses.softmax_cross_entropy(y, z_L)
    return losses.get(spec.loss)[0](y, h_L)


def loss_and_grads(x, y, W, b, spec=DEFAULT):
    """(loss, dW, db) for one example or a batch: a forward then a backward pass."""
    z, h = forward(x, W, b, spec)
    N = len(W)
    dW, db = backward(y, z, h, W, spec)
    return loss_value(y, h[N], z[N], spec), dW, db


# --- flattening, for gradient checks and second-order methods ----------------------

def flatten(W, b):
    """All parameters in one vector theta: W[1], b[1], W[2], b[2], ..."""
    return np.concatenate([np.concatenate([W[j].ravel(), b[j].ravel()]) for j in sorted(W)])


def unflatten(theta, sizes):
    """Inverse of :func:`flatten` for layer sizes n_0..n_L."""
    theta = np.asarray(theta, dtype=float)
    expected = sum(sizes[j - 1] * sizes[j] + sizes[j] for j in range(1, len(sizes)))
    if theta.shape != (expected,):
        raise ValueError(f"theta must have shape ({expected},) for sizes {sizes}; got {theta.shape}")
    W, b, k = {}, {}, 0
    for j in range(1, len(sizes)):
        n_in, n_out = sizes[j - 1], sizes[j]
        W[j] = theta[k:k + n_in * n_out].reshape(n_in, n_out)
        k += n_in * n_out
        b[j] = theta[k:k + n_out].copy()
        k += n_out
    return W, b


def flat_loss(x, y, sizes, spec=DEFAULT):
    """theta -> L: the loss of a network with layer ``sizes`` as a function of all its
    parameters in one vector (the order of :func:`flatten`), which is the form
    :func:`nnlearn.gradcheck.numerical_gradient` needs."""
    sizes = [int(n) for n in sizes]
    N = len(sizes) - 1

    def loss_of(theta):
        W, b = unflatten(theta, sizes)
        z, h = forward(x, W, b, spec)
        return loss_value(y, h[N], z[N], spec)

    return loss_of


# --- training --------------------------------------------------------------------

def train(X, Y, W, b, lr, epochs, rng, batch_size=32, spec=DEFAULT, X_test=None, Y_test=None):
    """Mini-batch gradient descent; returns (W, b, history) and leaves the inputs untouched.

    history holds the mean training loss per epoch and, if test data is given,
    the test accuracy per epoch (argmax of the output against argmax of Y).
    """
    if not lr > 0:
        raise ValueError(f"learning rate must be positive; got {lr}")
    W = {j: w.copy() for j, w in W.items()}
    b = {j: v.copy() for j, v in b.items()}
    X, Y = np.asarray(X, float), np.asarray(Y, float)
    history = {"loss": [], "test_accuracy": []}
    for _ in range(int(epochs)):
        order = rng.permutation(len(X))
        total = 0.0
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            value, dW, db = loss_and_grads(X[rows], Y[rows], W, b, spec)
            for j in W:
                W[j] -= lr * dW[j]
                b[j] -= lr * db[j]
            total += value * len(rows)
        history["loss"].append(total / len(X))
        if X_test is not None:
            history["test_accuracy"].append(accuracy(X_test, Y_test, W, b, spec))
    return W, b, history


def predict(X, W, b, spec=DEFAULT):
    """The network output h[N] for X."""
    _, h = forward(X, W, b, spec)
    return h[len(W)]


def accuracy(X, Y, W, b, spec=DEFAULT):
    """Fraction of rows whose largest output matches the largest entry of Y."""
    return float(np.mean(predict(X, W, b, spec).argmax(-1) == np.asarray(Y).argmax(-1)))
