"""Optimisers that record their whole path: gradient descent and Newton-Raphson.

Both return a :class:`Trajectory`: the iterates theta_0..theta_T, the gradient
at each, and the loss if a function is given; ``Trajectory.table()`` gives the
per-iteration table of the notes' gradient-descent figure.
"""

from dataclasses import dataclass
from typing import Optional

import numpy as np


@dataclass
class Trajectory:
    x: np.ndarray                  # (T + 1, n): x[0] is the start
    grad: np.ndarray               # (T + 1, n): the gradient at each iterate
    loss: Optional[np.ndarray]     # (T + 1,) or None
    stopped: str                   # why it stopped: "steps", "tolerance" or "diverged"

    @property
    def steps(self):
        return len(self.x) - 1

    def summary(self):
        """One line on how the run ended, for a demo's caption or a table's heading."""
        if self.stopped == "diverged":
            return f"diverged (overflow) after {self.steps} steps"
        loss = "" if self.loss is None else f" L = {self.loss[-1]:.3g},"
        return f"after {self.steps} steps:{loss} ‖∇L‖ = {np.linalg.norm(self.grad[-1]):.3g}"

    def table(self, names=None, max_rows=None):
        """Rows (t, x_1, ..., grad_1, ..., [loss]) as a list of dicts, for display."""
        n = self.x.shape[1]
        names = names or [f"x{i + 1}" for i in range(n)]
        rows = []
        for t in range(len(self.x)):
            row = {"t": t}
            row.update({name: self.x[t, i] for i, name in enumerate(names)})
            row.update({f"dL/d{name}": self.grad[t, i] for i, name in enumerate(names)})
            if self.loss is not None:
                row["L"] = self.loss[t]
            rows.append(row)
        return rows if max_rows is None else rows[:max_rows]


def _start(x0):
    x0 = np.array(x0, dtype=float)
    if x0.ndim != 1:
        raise ValueError(f"x0 must be a 1-D vector of parameters; got shape {x0.shape}")
    return x0


def _steps(steps):
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0; got {steps!r}")
    return int(steps)


def _run(update, grad, x0, steps, f, tol):
    x = _start(x0)
    steps = _steps(steps)
    # A diverging run overflows on its way to inf; that is detected and reported as
    # stopped == "diverged", so numpy's overflow warnings would only be noise.
    with np.errstate(over="ignore", invalid="ignore"):
        xs, gs = [x], [np.asarray(grad(x), dtype=float)]
        stopped = "steps"
        for _ in range(steps):
            if tol is not None and np.linalg.norm(gs[-1]) < tol:
                stopped = "tolerance"
                break
            x = update(x, gs[-1])
            g = np.asarray(grad(x), dtype=float)
            xs.append(x)
            gs.append(g)
            if not (np.all(np.isfinite(x)) and np.all(np.isfinite(g))):
                stopped = "diverged"
                break
        loss = None if f is None else np.array([f(p) for p in xs], dtype=float)
    return Trajectory(np.array(xs), np.array(gs), loss, stopped)


def gradient_descent(grad, x0, lr, steps, f=None, tol=None):
    """theta_{t+1} = theta_t - lr * grad(theta_t), for ``steps`` steps.

    Stops early when ||grad|| < tol (if tol is given) or when an iterate
    overflows ("diverged"). ``x0`` is not modified.
    """
    if not np.isscalar(lr) or not lr > 0:
        raise ValueError(f"learning rate lr must be a positive number; got {lr!r}")
    return _run(lambda x, g: x - lr * g, grad, x0, steps, f, tol)


def _newton_update(H, g, x):
    H = np.asarray(H, dtype=float)
    if H.shape != (x.size, x.size):
        raise ValueError(f"hess(x) must be ({x.size}, {x.size}) for x of size {x.size}; got {H.shape}")
    try:
        return x - np.linalg.solve(H, g)       # solve H d = g; never form H^-1
    except np.linalg.LinAlgError:
        raise ValueError(
            f"the Hessian is singular at x = {x}; Newton's step is undefined there "
            "(start elsewhere, or add a multiple of the identity to H)"
        ) from None


def newton_step(grad, hess, x):
    """One Newton-Raphson step: theta - H^-1 g, computed by solving H d = g."""
    x = _start(x)
    return _newton_update(hess(x), np.asarray(grad(x), dtype=float), x)


def newton_raphson(grad, hess, x0, steps, f=None, tol=None):
    """theta_{t+1} = theta_t - H(theta_t)^-1 grad(theta_t), for ``steps`` steps."""
    return _run(lambda x, g: _newton_update(hess(x), g, x), grad, x0, steps, f, tol)


# --- what practitioners use next: momentum, Adam, schedules, mini-batches -----------------

def _positive(name, value):
    if not np.isscalar(value) or not value > 0:
        raise ValueError(f"{name} must be a positive number; got {value!r}")
    return float(value)


def _fraction(name, value):
    if not np.isscalar(value) or not 0 <= value < 1:
        raise ValueError(f"{name} must lie in [0, 1); got {value!r}")
    return float(value)


def momentum(grad, x0, lr, beta, steps, f=None, tol=None):
    """Polyak's heavy ball: v_{t+1} = beta v_t + grad(theta_t), theta_{t+1} = theta_t - lr v_{t+1}.

    v_0 = 0, so the first step is a plain gradient step. Eliminating v gives the
    equivalent form theta_{t+1} = theta_t - lr grad(theta_t) + beta (theta_t - theta_{t-1}).
    With beta = 0 this is :func:`gradient_descent`. Stops like it (``tol``, overflow).
    """
    lr, beta = _positive("learning rate lr", lr), _fraction("momentum beta", beta)
    velocity = [0.0]

    def update(x, g):
        velocity[0] = beta * velocity[0] + g
        return x - lr * velocity[0]

    return _run(update, grad, x0, steps, f, tol)


def adam(grad, x0, lr, steps, beta1=0.9, beta2=0.999, eps=1e-8, f=None, tol=None):
    """Adam (Kingma & Ba, 2015), per coordinate, with t counting steps from 1:

        m_t = beta1 m_{t-1} + (1 - beta1) g_t,     v_t = beta2 v_{t-1} + (1 - beta2) g_t**2,
        theta_t = theta_{t-1} - lr * m_hat / (sqrt(v_hat) + eps),
        m_hat = m_t / (1 - beta1**t),  v_hat = v_t / (1 - beta2**t)   (bias corrections).

    m_0 = v_0 = 0. The step of each coordinate is about ``lr`` in size whatever the scale
    of its gradient. Stops like :func:`gradient_descent` (``tol``, overflow).
    """
    lr = _positive("learning rate lr", lr)
    beta1, beta2 = _fraction("beta1", beta1), _fraction("beta2", beta2)
    if not np.isscalar(eps) or not eps >= 0:
        raise ValueError(f"eps must be a number >= 0; got {eps!r}")
    state = {"m": 0.0, "v": 0.0, "t": 0}

    def update(x, g):
        state["t"] += 1
        t = state["t"]
        state["m"] = beta1 * state["m"] + (1 - beta1) * g
        state["v"] = beta2 * state["v"] + (1 - beta2) * g ** 2
        m_hat = state["m"] / (1 - beta1 ** t)
        v_hat = state["v"] / (1 - beta2 ** t)
        return x - lr * m_hat / (np.sqrt(v_hat) + eps)

    return _run(update, grad, x0, steps, f, tol)


def momentum_matrix(lr, beta, curvature):
    """The 2 x 2 matrix that maps (theta_t, theta_{t-1}) to (theta_{t+1}, theta_t) for the
    heavy ball on the one-dimensional quadratic L = curvature * theta**2 / 2."""
    return np.array([[1.0 + beta - lr * curvature, -beta], [1.0, 0.0]])


def momentum_rate(lr, beta, eigenvalues):
    """The factor per step of the heavy ball on a quadratic with Hessian eigenvalues lambda_i:
    the largest spectral radius of :func:`momentum_matrix` over the eigenvalues (< 1: converges)."""
    return max(np.abs(np.linalg.eigvals(momentum_matrix(lr, beta, lam))).max()
               for lam in np.atleast_1d(eigenvalues))


def tuned_momentum(lambda_min, lambda_max):
    """Polyak's best (lr, beta) for a quadratic with curvatures in [lambda_min, lambda_max]:
    lr = 4 / (sqrt(lmax) + sqrt(lmin))^2, beta = ((sqrt(k) - 1) / (sqrt(k) + 1))^2, k = lmax/lmin.
    The factor per step is then sqrt(beta) = (sqrt(k) - 1) / (sqrt(k) + 1)."""
    if not 0 < lambda_min <= lambda_max:
        raise ValueError(f"need 0 < lambda_min <= lambda_max; got {lambda_min}, {lambda_max}")
    root_min, root_max = np.sqrt(lambda_min), np.sqrt(lambda_max)
    return 4.0 / (root_max + root_min) ** 2, ((root_max - root_min) / (root_max + root_min)) ** 2


# Learning-rate schedules: each returns the rates alpha_0 .. alpha_{steps-1} as an array.

def constant_schedule(lr, steps):
    """alpha_t = lr for every step."""
    return np.full(_steps(steps), _positive("learning rate lr", lr))


def step_decay(lr, steps, every, drop=0.5):
    """alpha_t = lr * drop**floor(t / every): the rate is cut by ``drop`` every ``every`` steps."""
    lr, every = _positive("learning rate lr", lr), _steps(every)
    if every == 0:
        raise ValueError("every must be a whole number >= 1; got 0")
    if not 0 < drop < 1:
        raise ValueError(f"drop must lie strictly between 0 and 1; got {drop!r}")
    return lr * drop ** (np.arange(_steps(steps)) // every)


def cosine_schedule(lr, steps, lr_min=0.0):
    """alpha_t = lr_min + (lr - lr_min) (1 + cos(pi t / steps)) / 2 (Loshchilov & Hutter, 2017,
    one cycle, no restart): from lr at t = 0 down towards lr_min at the end."""
    lr, steps = _positive("learning rate lr", lr), _steps(steps)
    if not 0 <= lr_min <= lr:
        raise ValueError(f"lr_min must lie in [0, lr]; got {lr_min!r}")
    t = np.arange(steps)
    return lr_min + (lr - lr_min) * (1 + np.cos(np.pi * t / max(steps, 1))) / 2


def inverse_time(lr, steps, decay):
    """alpha_t = lr / (1 + decay * t): the 1/t decay of stochastic approximation
    (Robbins & Monro, 1951): the rates sum to infinity, their squares do not."""
    lr, decay = _positive("learning rate lr", lr), _positive("decay", decay)
    return lr / (1.0 + decay * np.arange(_steps(steps)))


def _rates(lr, steps):
    """A constant or a schedule, as an array of ``steps`` positive rates."""
    if np.isscalar(lr):
        return constant_schedule(lr, steps)
    rates = np.asarray(lr, dtype=float)
    if rates.shape != (steps,) or not np.all(rates > 0):
        raise ValueError(f"a schedule must hold {steps} positive rates, one per step; "
                         f"got shape {rates.shape}")
    return rates


def sgd(batch_grad, size, x0, lr, steps, batch_size, seed=0, f=None, grad=None):
    """Mini-batch stochastic gradient descent on an average of ``size`` example losses.

    Every step draws ``batch_size`` distinct rows of 0..size-1 at random and moves by
    theta <- theta - alpha_t * batch_grad(theta, rows), where ``batch_grad`` returns the
    mean gradient over those rows. ``lr`` is a number or a schedule (one rate per step).
    With ``batch_size == size`` every step uses every row: plain gradient descent.
    The trajectory records ``grad(theta)`` (the full gradient, if given; otherwise the
    gradient of all rows through ``batch_grad``) at every iterate, not the noisy one.
    """
    steps = _steps(steps)
    if int(size) != size or size < 1:
        raise ValueError(f"size (the number of examples) must be a whole number >= 1; got {size!r}")
    if int(batch_size) != batch_size or not 1 <= batch_size <= size:
        raise ValueError(f"batch_size must be a whole number from 1 to size = {size}; got {batch_size!r}")
    rates = _rates(lr, steps)
    rng = np.random.default_rng(seed)
    everything = np.arange(int(size))
    full = grad or (lambda x: batch_grad(x, everything))

    def batch():
        if batch_size == size:
            return everything
        return rng.choice(int(size), size=int(batch_size), replace=False)

    step = iter(range(steps))

    def update(x, g):
        t = next(step)
        return x - rates[t] * np.asarray(batch_grad(x, batch()), dtype=float)

    return _run(update, full, x0, steps, f, None)
