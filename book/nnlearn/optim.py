"""Optimisers that record their whole path: gradient descent and Newton-Raphson.

Both return a :class:`Trajectory`: the iterates theta_0..theta_T, the gradient
at each, and the loss if a function is given; ``Trajectory.table()`` gives the
per-iteration table of the notes' gradient-descent figure. :func:`rate` is how much
one step of gradient descent shrinks the error on a quadratic, and :func:`loss_history`
the loss of a run ready for a log axis.
"""

from dataclasses import dataclass
from typing import Optional

import numpy as np

LOSS_FLOOR = 1e-16     # a loss of exactly 0 cannot sit on a log axis: it is drawn here


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


# --- how fast gradient descent goes ----------------------------------------------------

def rate(lr, eigenvalues):
    """max_i |1 - lr * lambda_i|: the factor by which one step of gradient descent shrinks the
    slowest component of the error on a quadratic with Hessian eigenvalues lambda_i."""
    lr = np.asarray(lr, dtype=float)
    eigenvalues = np.asarray(eigenvalues, dtype=float)
    return np.max(np.abs(1.0 - lr[..., None] * eigenvalues), axis=-1)


def loss_history(surface, start, lr, steps):
    """The loss L_0..L_steps of gradient descent, with exact zeros raised to :data:`LOSS_FLOOR`."""
    run = gradient_descent(surface.grad, start, lr, steps, f=surface.f)
    loss = np.full(steps + 1, np.nan)
    loss[:len(run.loss)] = run.loss
    return np.maximum(loss, LOSS_FLOOR)
