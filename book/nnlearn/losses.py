"""Loss functions L(y, y_hat) and their gradients.

Arguments follow the notes' order L(y, y_hat): target first, prediction second.
A 1-D array is one example; a 2-D array is a batch with one example per row,
and the loss of a batch is the mean of the per-example losses (so gradients
carry a factor 1/m).

* MSE: L = 1/2 ||y - y_hat||^2, paired with an identity output layer.
* Cross-entropy: L = -sum_i y_i log y_hat_i, paired with a softmax output.
  From logits z it is computed as logsumexp(z) - y.z, which never takes the
  log of a rounded-to-zero probability.
"""

import numpy as np


def _pair(y, y_hat, what="y_hat"):
    y = np.asarray(y, dtype=float)
    y_hat = np.asarray(y_hat, dtype=float)
    if y.shape != y_hat.shape:
        raise ValueError(
            f"y has shape {y.shape} but {what} has shape {y_hat.shape}; "
            "they must match (one row per example in a batch)"
        )
    if y.ndim not in (1, 2):
        raise ValueError(
            f"expected one example (1-D) or a batch (2-D, rows are examples), got {y.ndim}-D"
        )
    return y, y_hat


def _batch_size(y):
    return 1 if y.ndim == 1 else y.shape[0]


def mse(y, y_hat):
    """1/2 ||y - y_hat||^2, averaged over the rows of a batch."""
    y, y_hat = _pair(y, y_hat)
    return 0.5 * np.sum((y_hat - y) ** 2) / _batch_size(y)


def mse_grad(y, y_hat):
    """dL/dy_hat = (y_hat - y), divided by m for a batch of m rows."""
    y, y_hat = _pair(y, y_hat)
    return (y_hat - y) / _batch_size(y)


def softmax(z):
    """exp(z) / sum exp(z) along the last axis, shifted by max(z) so exp never overflows."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def logsumexp(z):
    """log sum exp(z) along the last axis, computed stably."""
    z = np.asarray(z, dtype=float)
    top = np.max(z, axis=-1, keepdims=True)
    return (top + np.log(np.sum(np.exp(z - top), axis=-1, keepdims=True)))[..., 0]


def cross_entropy(y, y_hat):
    """-sum_i y_i log y_hat_i for probabilities y_hat, averaged over a batch.

    Terms with y_i = 0 contribute 0 even where y_hat_i = 0 (the limit of
    y log y_hat), instead of the 0 * -inf = nan that a plain formula gives.
    """
    y, y_hat = _pair(y, y_hat)
    with np.errstate(divide="ignore"):
        logs = np.log(np.where(y > 0, y_hat, 1.0))   # log is only taken where y_i > 0
    terms = y * logs
    return -np.sum(terms) / _batch_size(y)


def cross_entropy_grad(y, y_hat):
    """dL/dy_hat = -y / y_hat (divided by m for a batch)."""
    y, y_hat = _pair(y, y_hat)
    # where y_i = 0 the term y_i log y_hat_i is 0 whatever y_hat_i is: its derivative is 0
    safe = np.where(y > 0, y_hat, 1.0)
    return np.where(y > 0, -y / safe, 0.0) / _batch_size(y)


def softmax_cross_entropy(y, z):
    """Cross-entropy of softmax(z) against y, from the logits z: logsumexp(z) - y.z.

    Valid when each row of y sums to 1 (a one-hot label or a distribution).
    """
    y, z = _pair(y, z, what="z")
    per_example = logsumexp(z) - np.sum(y * z, axis=-1)
    return np.sum(per_example) / _batch_size(y)


def softmax_cross_entropy_grad(y, z):
    """dL/dz = softmax(z) - y (divided by m for a batch), for rows of y that sum to 1."""
    y, z = _pair(y, z, what="z")
    return (softmax(z) - y) / _batch_size(y)


LOSSES = {"mse": (mse, mse_grad), "cross_entropy": (cross_entropy, cross_entropy_grad)}


def get(name):
    """(loss, gradient with respect to y_hat) for a loss called ``name``."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown loss {name!r}; expected one of: {', '.join(sorted(LOSSES))}"
        ) from None
