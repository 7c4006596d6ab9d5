"""A small least-squares problem with data, for mini-batch gradient descent.

Fit a line y = theta_1 x + theta_2 to M noisy points. The loss is the average of M
example losses, l_r(theta) = (theta_1 x_r + theta_2 - y_r)^2 / 2, so a mini-batch of
m rows gives a cheap, noisy, unbiased estimate of the gradient. With two parameters
the loss is a surface over (theta_1, theta_2) and every path can be drawn on it.
"""

from dataclasses import dataclass

import numpy as np

from .landscapes import Surface


@dataclass(frozen=True)
class LineFit:
    x: np.ndarray          # (M,) inputs
    y: np.ndarray          # (M,) targets

    @property
    def size(self):
        """M, the number of examples."""
        return len(self.x)

    @property
    def design(self):
        """The M x 2 matrix with rows (x_r, 1): the prediction is design @ theta."""
        return np.stack([self.x, np.ones_like(self.x)], axis=1)

    def residuals(self, theta, rows=None):
        """theta_1 x_r + theta_2 - y_r for the given rows (all by default); theta may be (..., 2)."""
        theta = np.asarray(theta, dtype=float)
        if theta.shape[-1:] != (2,):
            raise ValueError(f"theta must have shape (2,) or (..., 2); got {theta.shape}")
        rows = slice(None) if rows is None else rows
        return theta @ self.design[rows].T - self.y[rows]

    def f(self, theta):
        """L(theta) = (1/M) sum_r (theta_1 x_r + theta_2 - y_r)^2 / 2; theta of shape (2,) or (..., 2)."""
        return 0.5 * np.mean(self.residuals(theta) ** 2, axis=-1)

    def batch_grad(self, theta, rows):
        """The mean gradient of the example losses of ``rows``: (1/m) sum_r e_r (x_r, 1)."""
        rows = np.asarray(rows)
        if rows.ndim != 1 or rows.size == 0:
            raise ValueError(f"rows must be a non-empty 1-D array of example indices; got shape {rows.shape}")
        return self.residuals(theta, rows) @ self.design[rows] / rows.size

    def grad(self, theta):
        """The full gradient, over all M examples."""
        return self.batch_grad(theta, np.arange(self.size))

    def example_grads(self, theta):
        """(M, 2): the gradient of each example loss at theta."""
        return self.residuals(theta)[:, None] * self.design

    def hess(self, theta=None):
        """(1/M) design^T design: the same everywhere, since the loss is quadratic."""
        return self.design.T @ self.design / self.size

    def minimiser(self):
        """theta* from the normal equations (least squares), independent of any descent."""
        return np.linalg.lstsq(self.design, self.y, rcond=None)[0]

    def batch_noise(self, theta, batch_size):
        """E ||g_B - grad L||^2 for a batch of m distinct rows drawn at random:
        tr(Sigma) / m * (M - m) / (M - 1), with Sigma the covariance of the example gradients."""
        if int(batch_size) != batch_size or not 1 <= batch_size <= self.size:
            raise ValueError(f"batch_size must be a whole number from 1 to M = {self.size}; got {batch_size!r}")
        g = self.example_grads(theta)
        spread = np.mean(np.sum((g - g.mean(axis=0)) ** 2, axis=1))
        return spread / batch_size * (self.size - batch_size) / (self.size - 1)

    def surface(self, start=(-0.5, 2.5), margin=2.5):
        """The loss as a :class:`~nnlearn.landscapes.Surface` over (theta_1, theta_2), for contour plots."""
        best = self.minimiser()
        hess = self.hess()
        return Surface(
            "line_fit", "Least squares: fit a line to data",
            f=self.f, grad=self.grad, hess=lambda p: hess,
            xlim=(best[0] - margin, best[0] + margin), ylim=(best[1] - margin, best[1] + margin),
            minima=(tuple(best),), start=tuple(start),
            note="a quadratic average of example losses",
        )


def line_fit(size=64, slope=1.0, intercept=0.5, noise=0.5, seed=0):
    """M = ``size`` points x_r uniform on [0, 2], y_r = slope x_r + intercept + Gaussian noise.

    The inputs are not centred, so the two parameters are coupled: the loss is a
    tilted, elongated valley rather than a round bowl.
    """
    if int(size) != size or size < 2:
        raise ValueError(f"size must be a whole number >= 2; got {size!r}")
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0; got {noise!r}")
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 2.0, int(size))
    return LineFit(x, slope * x + intercept + noise * rng.normal(size=int(size)))
