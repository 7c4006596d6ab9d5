"""What practitioners add to a deep network: skip connections, gradient clipping, random starts.

Chapter 7 measures each of them; chapter 6 works one residual block by hand as a
computational graph.

* :func:`residual_forward` / :func:`residual_backward` / :func:`residual_loss_and_grads`:
  a network whose hidden layers carry a skip connection (He et al., 2016),
  h^(j) = h^(j-1) + f(z^(j)), z^(j) = W^(j-1,j)T h^(j-1) + b^(j), for j = 1..N-1, and an
  identity output layer h^(N) = z^(N) under the MSE. With ``skip=False`` the same code is
  the plain network of :mod:`nnlearn.network`, so the two can be compared weight for weight.
* :func:`residual_gradient_norms`: ||dL/dW^(j-1,j)|| layer by layer, with or without skips,
  on the networks and batches of :func:`nnlearn.deep.gradient_norms`.
* :func:`global_norm` / :func:`clip_by_global_norm`: gradient clipping by the norm of all
  gradients together (Pascanu et al., 2013): the direction is kept, the length capped.
* :func:`descend`: full-batch gradient descent on such a network, optionally clipped,
  recording the loss and the gradient norm of every step.
* :func:`constant_params` and :func:`unit_spread`: a symmetric start, and how far apart
  the hidden units of a layer are (zero as long as the symmetry holds).

Batches hold examples as rows, as in :mod:`nnlearn.network`: Z[j] = H[j-1] @ W[j] + b[j];
a single example (1-D) works too, since h @ W is W.T @ h.
"""

import numpy as np

from . import activations, deep, losses, network


# --- residual networks -----------------------------------------------------------------

def _check_residual(X, W, b, skip):
    network.check_params(W, b)
    X = np.asarray(X, dtype=float)
    n0 = W[1].shape[0]
    if X.ndim not in (1, 2) or X.shape[-1] != n0:
        raise ValueError(f"X must have shape ({n0},) for one example or (m, {n0}) for a batch; "
                         f"got {X.shape}")
    if skip:
        N = len(W)
        for j in range(1, N):
            if W[j].shape[0] != W[j].shape[1]:
                raise ValueError(
                    f"a skip connection h^({j}) = h^({j-1}) + f(z^({j})) needs layer {j} as wide as "
                    f"layer {j-1}; W[{j}] has shape {W[j].shape}. Use square hidden layers "
                    "or skip=False")
    return X


def residual_forward(X, W, b, hidden="relu", skip=True):
    """The forward pass: dicts Z (keys 1..N) and H (keys 0..N, H[0] = X).

    Hidden layers j = 1..N-1: Z[j] = H[j-1] @ W[j] + b[j] and H[j] = H[j-1] + f(Z[j])
    (``skip=True``) or H[j] = f(Z[j]) (``skip=False``); output layer H[N] = Z[N].
    """
    X = _check_residual(X, W, b, skip)
    phi = activations.get(hidden)
    N = len(W)
    Z, H = {}, {0: X}
    for j in range(1, N + 1):
        Z[j] = H[j - 1] @ W[j] + b[j]
        if j == N:
            H[j] = Z[j]
        else:
            H[j] = H[j - 1] + phi.f(Z[j]) if skip else phi.f(Z[j])
    return Z, H


def residual_backward(Y, Z, H, W, hidden="relu", skip=True):
    """Gradients (dW, db, dX) of the MSE for :func:`residual_forward`.

    G = dL/dH[j] is carried backwards, one vector-Jacobian product per operation. At a
    skip connection H[j] = H[j-1] + f(Z[j]) the value H[j-1] is used twice, so its
    gradient is the sum of two paths: the identity hands G on unchanged, and the branch
    adds Delta[j] @ W[j].T with Delta[j] = G * f'(Z[j]). Without skips only the branch
    is there, and Delta[j] is the delta of :mod:`nnlearn.network`.
    """
    phi = activations.get(hidden)
    N = len(W)
    delta = np.asarray(losses.mse_grad(Y, H[N]))            # dL/dZ[N], identity output
    if np.shape(delta) != np.shape(Z[N]):
        raise ValueError(f"Y must have the shape of the output {np.shape(Z[N])}; got {np.shape(Y)}")
    batch = delta.ndim == 2
    dW, db, G = {}, {}, None
    for j in range(N, 0, -1):
        if j < N:
            delta = G * phi.df(Z[j])                          # dL/dZ[j], through the branch
        dW[j] = H[j - 1].T @ delta if batch else np.outer(H[j - 1], delta)
        db[j] = delta.sum(axis=0) if batch else delta.copy()
        back = delta @ W[j].T                                 # W[j] delta: the affine map's VJP
        G = G + back if (skip and j < N) else back            # dL/dH[j-1]: skip path + branch
    return dW, db, G


def residual_loss_and_grads(X, Y, W, b, hidden="relu", skip=True):
    """(loss, dW, db) of the MSE for one example or a batch: a forward then a backward pass."""
    Z, H = residual_forward(X, W, b, hidden, skip)
    dW, db, _ = residual_backward(Y, Z, H, W, hidden, skip)
    return losses.mse(Y, H[len(W)]), dW, db


def residual_gradient_norms(depth=15, width=64, hidden="sigmoid", init="xavier", skip=True,
                            batch=64, seed=0):
    """||dL/dW^(j-1,j)||, j = 1..depth, as :func:`nnlearn.deep.gradient_norms` measures them.

    The same seed draws the same weights and the same batch, so ``skip=False`` gives
    exactly the plain network's profile, and ``skip=True`` the same network with a skip
    connection around every hidden layer.
    """
    rng = np.random.default_rng(seed)
    W, b = deep.deep_network(depth, width, init, rng)
    X, Y = deep.random_batch(width, batch, rng)
    _, dW, _ = residual_loss_and_grads(X, Y, W, b, hidden, skip)
    return np.array([np.linalg.norm(dW[j]) for j in sorted(dW)])


# --- gradient clipping ---------------------------------------------------------------------

def _arrays(grads):
    if isinstance(grads, dict):
        return [np.asarray(v, dtype=float) for _, v in sorted(grads.items())]
    if isinstance(grads, (list, tuple)):
        return [a for g in grads for a in _arrays(g)]
    return [np.asarray(grads, dtype=float)]


def global_norm(grads):
    """sqrt of the sum of squares of every entry of every gradient: the length of the whole
    gradient as one vector. ``grads`` is an array, a dict of arrays, or a list of those."""
    return float(np.sqrt(sum(np.sum(a * a) for a in _arrays(grads))))


def _scaled(grads, factor):
    if isinstance(grads, dict):
        return {k: _scaled(v, factor) for k, v in grads.items()}
    if isinstance(grads, (list, tuple)):
        return type(grads)(_scaled(g, factor) for g in grads)
    return np.asarray(grads, dtype=float) * factor


def clip_by_global_norm(grads, max_norm):
    """(clipped, norm): every gradient times min(1, max_norm / norm), with norm the global norm.

    A gradient no longer than ``max_norm`` comes back unchanged; a longer one is shrunk to
    length ``max_norm`` in the same direction (Pascanu et al., 2013). The input is not
    modified; the result has its structure (array, dict, or list of those).
    """
    if not np.isfinite(max_norm) or max_norm <= 0:
        raise ValueError(f"max_norm must be a positive number; got {max_norm}")
    norm = global_norm(grads)
    if not np.isfinite(norm):
        raise ValueError(f"the gradient has a non-finite entry (global norm {norm}); clipping "
                         "cannot give it a direction: lower the learning rate or check the loss")
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return _scaled(grads, factor), norm


# --- training, and the symmetry of a constant start -----------------------------------------

def descend(X, Y, W, b, lr, steps, hidden="tanh", skip=False, max_norm=None):
    """Full-batch gradient descent on :func:`residual_loss_and_grads`, optionally clipped.

    Returns (W, b, history) with history["loss"] and history["grad_norm"] (the global
    norm before clipping) for every step, and leaves the inputs untouched. A step whose
    loss is no longer finite ends the run (the history then ends with it).
    """
    if not lr > 0:
        raise ValueError(f"learning rate must be positive; got {lr}")
    W = {j: w.copy() for j, w in W.items()}
    b = {j: v.copy() for j, v in b.items()}
    history = {"loss": [], "grad_norm": []}
    for _ in range(int(steps)):
        with np.errstate(over="ignore", invalid="ignore"):   # a diverging run overflows: recorded
            loss, dW, db = residual_loss_and_grads(X, Y, W, b, hidden, skip)
            norm = global_norm([dW, db])
        history["loss"].append(float(loss))
        history["grad_norm"].append(norm)
        if not (np.isfinite(loss) and np.isfinite(norm)):
            break
        if max_norm is not None:
            (dW, db), _ = clip_by_global_norm([dW, db], max_norm)
        for j in W:
            W[j] -= lr * dW[j]
            b[j] -= lr * db[j]
    return W, b, {k: np.array(v) for k, v in history.items()}


def constant_params(sizes, value=0.0):
    """Every weight equal to ``value`` and every bias zero: a perfectly symmetric start."""
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least two layers, all >= 1; got {sizes}")
    W = {j: np.full((sizes[j - 1], sizes[j]), float(value)) for j in range(1, len(sizes))}
    b = {j: np.zeros(sizes[j]) for j in range(1, len(sizes))}
    return W, b


def unit_spread(W, b, j=1):
    """How different the neurons of layer j are: the largest difference between any two of
    them in their incoming weights, bias and outgoing weights (0 while they are copies)."""
    network.check_params(W, b)
    if not 1 <= j < len(W):
        raise ValueError(f"j must name a hidden layer, 1..{len(W) - 1}; got {j}")
    units = np.vstack([W[j], b[j][None, :], W[j + 1].T])      # column k: everything of neuron k
    return float(np.max(units.max(axis=1) - units.min(axis=1)))


# --- the chapter's two experiments --------------------------------------------------------

def clipping_runs(depth=10, width=16, batch=64, steps=300, lrs=(0.2, 0.4), max_norm=1.0, seed=0):
    """{label: history} of full-batch descent on a deep tanh network (Xavier start, random
    regression batch) for each step size in ``lrs``, without and with clipping at
    ``max_norm``: the runs of chapter 7's clipping figure."""
    rng = np.random.default_rng(seed)
    W, b = deep.deep_network(depth, width, "xavier", rng)
    X, Y = deep.random_batch(width, batch, rng)
    runs = {}
    for lr in lrs:
        runs[f"no clipping, α = {lr:g}"] = descend(X, Y, W, b, lr, steps, "tanh")[2]
        runs[f"clipped at {max_norm:g}, α = {lr:g}"] = descend(X, Y, W, b, lr, steps, "tanh",
                                                              max_norm=max_norm)[2]
    return runs


def symmetry_data(m=64):
    """The regression task of the symmetry experiment: y = sin(x) on m points of [-3, 3]."""
    X = np.linspace(-3.0, 3.0, int(m))[:, None]
    return X, np.sin(X)


def symmetry_runs(width=8, steps=2000, lr=0.1, seed=0):
    """{name: (W, b, history)} after training a 1-width-1 tanh network on :func:`symmetry_data`
    from three starts: all zero, all weights 0.5, and Xavier-random."""
    X, Y = symmetry_data()
    starts = {"all zero": constant_params([1, width, 1], 0.0),
              "all 0.5": constant_params([1, width, 1], 0.5),
              "random (Xavier)": network.init_params([1, width, 1], np.random.default_rng(seed))}
    return {name: descend(X, Y, W, b, lr, steps, "tanh") for name, (W, b) in starts.items()}


# --- one residual block as a computational graph (chapter 6) -----------------------------

GRAPH_NODES = ("x", "W1", "b1", "z1", "a1", "h1", "W2", "b2", "y_hat", "L")


def block_graph(x, y, W, b, hidden="relu"):
    """{node: (value, dL/dnode)} for one example through one residual block and an identity
    output layer, node by node, as reverse-mode differentiation computes it.

    The graph: z1 = W1^T x + b1, a1 = f(z1), h1 = x + a1, y_hat = W2^T h1 + b2,
    L = ||y_hat - y||^2 / 2. Every adjoint comes from one vector-Jacobian product per
    operation; x feeds two operations (the affine map and the sum), so its adjoint is the
    sum of the two. The keys are :data:`GRAPH_NODES`.
    """
    if sorted(W) != [1, 2]:
        raise ValueError(f"block_graph draws one residual block and an output layer: W must have "
                         f"keys [1, 2]; got {sorted(W)}")
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"block_graph works on one example, a 1-D x; got shape {x.shape}")
    Z, H = residual_forward(x, W, b, hidden, skip=True)
    phi = activations.get(hidden)
    a1 = phi.f(Z[1])
    # backward, one vector-Jacobian product per operation
    g_yhat = np.asarray(losses.mse_grad(y, H[2]))        # loss:       dL/dy_hat = y_hat - y
    g_W2, g_b2 = np.outer(H[1], g_yhat), g_yhat.copy()    # affine 2:   h1 g^T, g
    g_h1 = W[2] @ g_yhat                                  #             W2 g
    g_a1 = g_h1                                           # sum:        both inputs get g_h1
    g_z1 = g_a1 * phi.df(Z[1])                            # activation: f'(z1) * g
    g_W1, g_b1 = np.outer(x, g_z1), g_z1.copy()           # affine 1:   x g^T, g
    g_x = g_h1 + W[1] @ g_z1                              # x is used twice: the skip + the branch
    return {"x": (x, g_x), "W1": (W[1], g_W1), "b1": (b[1], g_b1), "z1": (Z[1], g_z1),
            "a1": (a1, g_a1), "h1": (H[1], g_h1), "W2": (W[2], g_W2), "b2": (b[2], g_b2),
            "y_hat": (H[2], g_yhat), "L": (float(losses.mse(y, H[2])), 1.0)}


def worked_block():
    """The numbers of chapter 6's computational-graph example: x, y, W, b (one ReLU block)."""
    W = {1: np.array([[0.5, -0.5], [0.25, 0.25]]), 2: np.array([[1.0], [-0.5]])}
    b = {1: np.array([-0.5, -0.5]), 2: np.array([0.5])}
    return {"x": np.array([1.0, 2.0]), "y": np.array([2.0]), "W": W, "b": b}
