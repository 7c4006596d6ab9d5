"""Deep networks in numbers: gradients layer by layer, batch normalisation, and curvature.

The loss-landscape and second-order chapters make claims that are easy to state
and easy to get wrong; this module measures them.

* :func:`gradient_norms` runs one forward and one backward pass through a deep,
  square network on a random batch and returns ||dL/dW^(j-1,j)|| for every layer
  j: the picture of vanishing and exploding gradients.
* :func:`batchnorm_forward` / :func:`batchnorm_backward` are a minimal batch
  normalisation (Ioffe & Szegedy, 2015), training mode only (batch statistics),
  and :func:`forward_bn` / :func:`backward_bn` put it after every hidden layer.
* :func:`fraction_positive_definite` measures how rarely a random symmetric
  matrix has only positive eigenvalues, which is why, in many dimensions, a
  point where the gradient vanishes is far more often a saddle than a minimum.
* :func:`hessian_bytes`, :func:`solve_seconds` and :func:`count_params` give the
  price of Newton's method for a network with n parameters.

Batches hold examples as rows, as in :mod:`nnlearn.network`: Z[j] = H[j-1] @ W[j] + b[j].
"""

import time

import numpy as np

from . import activations, losses, network

# Initialisations compared in the chapter: name -> (network.init_params scheme, scale).
INITS = {
    "small": ("normal", 0.1),      # N(0, 0.1^2): a common naive choice
    "xavier": ("xavier", None),    # variance 2 / (n_in + n_out)
    "he": ("he", None),            # variance 2 / n_in
    "large": ("normal", 4.0),      # N(0, 4^2): far too large
}
BN_EPS = 1e-5


# --- gradient norms, layer by layer ------------------------------------------------

def deep_network(depth, width, init, rng):
    """(W, b) for ``depth`` layers of ``width`` neurons each (input and output included)."""
    depth, width = int(depth), int(width)
    if depth < 1 or width < 1:
        raise ValueError(f"depth and width must be >= 1; got depth={depth}, width={width}")
    if init not in INITS:
        raise ValueError(f"unknown initialisation {init!r}; expected one of: {', '.join(INITS)}")
    scheme, scale = INITS[init]
    return network.init_params([width] * (depth + 1), rng, scheme, scale or 0.0)


def random_batch(width, batch, rng):
    """Inputs and targets, both standard normal, shape (batch, width)."""
    return rng.normal(size=(batch, width)), rng.normal(size=(batch, width))


def gradient_norms(depth=15, width=64, hidden="sigmoid", init="xavier", batchnorm=False,
                   batch=64, seed=0):
    """Frobenius norms ||dL/dW^(j-1,j)||, j = 1..depth, for one random batch.

    The network is square (every layer ``width`` wide), its output layer is the
    identity and the loss is the MSE against random targets, so that nothing but
    depth, activation and initialisation decides how the norms change from layer
    to layer. With ``batchnorm=True`` every hidden pre-activation is batch
    normalised (gamma = 1, beta = 0) before the activation.
    """
    rng = np.random.default_rng(seed)
    W, b = deep_network(depth, width, init, rng)
    X, Y = random_batch(width, batch, rng)
    if batchnorm:
        gamma, beta = bn_params(W)
        _, _, dW, _, _, _ = loss_and_grads_bn(X, Y, W, b, gamma, beta, hidden)
    else:
        _, dW, _ = network.loss_and_grads(X, Y, W, b, network.Spec(hidden))
    return np.array([np.linalg.norm(dW[j]) for j in sorted(dW)])


# --- batch normalisation ---------------------------------------------------------

def batchnorm_forward(Z, gamma, beta, eps=BN_EPS):
    """U = gamma * (Z - mean) / sqrt(var + eps) + beta, statistics over the batch (rows).

    Returns (U, cache); the cache holds what :func:`batchnorm_backward` needs.
    """
    Z = np.asarray(Z, dtype=float)
    if Z.ndim != 2 or Z.shape[0] < 2:
        raise ValueError(f"batch normalisation needs a batch of shape (m >= 2, n); got {Z.shape}")
    if np.shape(gamma) != Z.shape[1:] or np.shape(beta) != Z.shape[1:]:
        raise ValueError(f"gamma and beta must have shape {Z.shape[1:]}; "
                         f"got {np.shape(gamma)} and {np.shape(beta)}")
    inv_std = 1.0 / np.sqrt(Z.var(axis=0) + eps)
    Z_hat = (Z - Z.mean(axis=0)) * inv_std
    return gamma * Z_hat + beta, (Z_hat, inv_std, np.asarray(gamma, dtype=float))


def batchnorm_backward(dU, cache):
    """(dZ, dgamma, dbeta) from dU = dL/dU and the forward cache.

    Every row's normalised value depends on the whole batch through the mean and
    variance, so dZ is dZ_hat minus its projections on the constant vector and on
    Z_hat (both lie in the directions the normalisation removes), scaled by 1/std.
    """
    Z_hat, inv_std, gamma = cache
    dU = np.asarray(dU, dtype=float)
    if dU.shape != Z_hat.shape:
        raise ValueError(f"dU must have the shape of the forward output {Z_hat.shape}; got {dU.shape}")
    dbeta = dU.sum(axis=0)
    dgamma = (dU * Z_hat).sum(axis=0)
    dZ_hat = dU * gamma
    dZ = inv_std * (dZ_hat - dZ_hat.mean(axis=0) - Z_hat * (dZ_hat * Z_hat).mean(axis=0))
    return dZ, dgamma, dbeta


def bn_params(W):
    """gamma = 1 and beta = 0 for every hidden layer 1..N-1 (the identity transform)."""
    N = len(W)
    return ({j: np.ones(W[j].shape[1]) for j in range(1, N)},
            {j: np.zeros(W[j].shape[1]) for j in range(1, N)})


def forward_bn(X, W, b, gamma, beta, hidden="relu"):
    """Forward pass with batch normalisation between every hidden affine map and its activation.

    Z[j] = H[j-1] @ W[j] + b[j];  U[j] = BN(Z[j]);  H[j] = f(U[j]) for j < N, and
    an identity output layer H[N] = Z[N]. Returns (Z, U, H, caches).
    """
    network.check_params(W, b)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != W[1].shape[0]:
        raise ValueError(f"X must be a batch of shape (m, {W[1].shape[0]}); got {X.shape}")
    U, caches = {}, {}

    def normalise(j, Z_j):
        U[j], caches[j] = batchnorm_forward(Z_j, gamma[j], beta[j])
        return U[j]

    Z, H = network.layer_loop(X, W, b, activations.get(hidden).f, lambda Z_L: Z_L, between=normalise)
    return Z, U, H, caches


def backward_bn(Y, Z, U, H, caches, W, hidden="relu"):
    """Gradients (dW, db, dgamma, dbeta) of the batch MSE for :func:`forward_bn`.

    db[j] of a normalised layer comes out zero: adding a constant to every row of
    Z[j] is undone by subtracting the batch mean, so b[j] has no effect there
    (beta takes over its role).
    """
    phi = activations.get(hidden)
    delta = np.asarray(losses.mse_grad(Y, H[len(W)]))      # dL/dZ[N], identity output
    dgamma, dbeta = {}, {}

    def through(j, dH):                                    # dL/dH[j] -> dL/dZ[j], through f and BN
        dZ, dgamma[j], dbeta[j] = batchnorm_backward(dH * phi.df(U[j]), caches[j])
        return dZ

    dW, db = network.backprop(delta, H, W, through)
    return dW, db, dgamma, dbeta


def loss_and_grads_bn(X, Y, W, b, gamma, beta, hidden="relu"):
    """(loss, H[N], dW, db, dgamma, dbeta) for the batch-normalised network."""
    Z, U, H, caches = forward_bn(X, W, b, gamma, beta, hidden)
    N = len(W)
    loss = losses.mse(Y, H[N])
    return (loss, H[N]) + backward_bn(Y, Z, U, H, caches, W, hidden)


# --- saddles outnumber minima --------------------------------------------------------

def random_symmetric(N, samples, rng):
    """``samples`` random symmetric N x N matrices (G + G^T) / sqrt(2N), G standard normal.

    This is the Gaussian orthogonal ensemble, scaled so that the eigenvalues fill
    roughly [-2, 2] whatever N is: a crude model of a Hessian at a random
    critical point, with no preference for up or down.
    """
    N, samples = int(N), int(samples)
    if N < 1 or samples < 1:
        raise ValueError(f"N and samples must be >= 1; got N={N}, samples={samples}")
    G = rng.normal(size=(samples, N, N))
    return (G + np.swapaxes(G, 1, 2)) / np.sqrt(2.0 * N)


def fraction_positive_definite(N, samples, rng, chunk=20000):
    """Fraction of random symmetric N x N matrices whose eigenvalues are all positive.

    At a critical point with such a Hessian every direction curves upward (a
    minimum); any negative eigenvalue makes it a saddle (or a maximum).
    """
    hits, left = 0, int(samples)
    while left > 0:
        size = min(chunk, left)
        smallest = np.linalg.eigvalsh(random_symmetric(N, size, rng))[:, 0]
        hits += int(np.count_nonzero(smallest > 0))
        left -= size
    return hits / int(samples)


# --- the price of curvature ----------------------------------------------------------

def count_params(sizes):
    """Number of weights and biases of a fully connected network with layer sizes n_0..n_L."""
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least two layers, all >= 1; got {sizes}")
    return sum(sizes[j - 1] * sizes[j] + sizes[j] for j in range(1, len(sizes)))


def hessian_bytes(n, bytes_per_entry=8):
    """Memory of a dense n x n Hessian in float64 (8 bytes an entry): 8 n^2 bytes."""
    n = np.asarray(n, dtype=float)
    if np.any(n < 1):
        raise ValueError(f"the number of parameters must be >= 1; got {n}")
    return bytes_per_entry * n ** 2


def solve_seconds(sizes, rng, repeats=3):
    """Best-of-``repeats`` wall time of ``np.linalg.solve(H, g)`` for a random n x n H, each n.

    H is a random matrix plus n times the identity, so it is safely invertible and
    cheap to make; ``np.linalg.solve`` factorises it (LU, about 2 n^3 / 3 flops)
    whatever its entries, so its time is the time of a Newton step of that size.
    The best of a few runs is the least disturbed by whatever else the machine does; an
    untimed solve first keeps the first size from paying for the warm-up alone.
    """
    times = []
    for n in sizes:
        n = int(n)
        if n < 1:
            raise ValueError(f"sizes must be >= 1; got {n}")
        H = rng.normal(size=(n, n)) + n * np.eye(n)
        g = rng.normal(size=n)
        np.linalg.solve(H, g)          # warm-up: the first call pays for page faults and caches
        best = np.inf
        for _ in range(int(repeats)):
            start = time.perf_counter()
            np.linalg.solve(H, g)
            best = min(best, time.perf_counter() - start)
        times.append(best)
    return np.array(times)


def fit_cubic(sizes, seconds):
    """c in seconds ~ c n^3, fitted to the largest half of the measurements.

    Small solves are dominated by fixed overheads, not by the n^3 work, so only
    the larger sizes say anything about the constant.
    """
    sizes, seconds = np.asarray(sizes, dtype=float), np.asarray(seconds, dtype=float)
    if sizes.shape != seconds.shape or sizes.size < 2:
        raise ValueError(f"need matching arrays of >= 2 sizes and times; got {sizes.shape} and {seconds.shape}")
    top = sizes >= np.median(sizes)
    return float(np.exp(np.mean(np.log(seconds[top]) - 3 * np.log(sizes[top]))))
