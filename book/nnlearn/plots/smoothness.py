"""Figures of chapter 2, smoothness: e^x against |x|, ReLU's kink, the sharp softplus.

Every function returns a ``matplotlib.figure.Figure``. The functions and their
derivatives come from :mod:`nnlearn.smooth` and :mod:`nnlearn.activations`;
nothing is differentiated here.
"""

import numpy as np

from .. import activations, optim, smooth
from .style import COLORS, new_figure, styled

X = np.linspace(-2.0, 2.0, 801)


def _open_dot(ax, x, y, color):
    ax.plot([x], [y], "o", ms=6, mfc="white", mec=color, mew=1.5, zorder=4)


def _filled_dot(ax, x, y, color):
    ax.plot([x], [y], "o", ms=6, color=color, zorder=4)


def _split_at_zero(ax, y, color, label=None, **kwargs):
    """Plot y(X) as two pieces, so that a jump at 0 is not drawn as a vertical line."""
    left, right = X < 0, X > 0
    ax.plot(X[left], y[left], color=color, label=label, **kwargs)
    ax.plot(X[right], y[right], color=color, **kwargs)


@styled
def exp_and_derivative(points=(-1.5, -0.5, 0.5, 1.5), h=1e-3):
    """e^x, its derivative e^x, and central differences at a few points landing on both."""
    fig, ax = new_figure(figsize=(6.0, 3.4))
    ax.plot(X, np.exp(X), color=COLORS["blue"], lw=4, alpha=0.5, label="$f(x) = e^x$")
    ax.plot(X, np.exp(X), color=COLORS["vermillion"], lw=1.5, ls="--", label="$f'(x) = e^x$")
    points = np.asarray(points, dtype=float)
    ax.plot(points, smooth.central_difference(np.exp, points, h), "o", color=COLORS["black"], ms=5,
            label=f"central difference, $h = 10^{{{np.log10(h):.0f}}}$")
    ax.set(xlabel="$x$", ylabel="value", title="$e^x$ is its own derivative, at every order")
    ax.legend(loc="upper left")
    return fig


@styled
def abs_and_derivative():
    """|x| with its two one-sided tangents at 0, and its derivative with the hole at 0."""
    fig, (left, right) = new_figure(figsize=(8.0, 3.2), ncols=2)
    left.plot(X, np.abs(X), color=COLORS["blue"], lw=2, label="$f(x) = |x|$")
    t = np.linspace(-1.2, 1.2, 2)
    left.plot(t, -t, color=COLORS["orange"], ls=":", lw=1.5, label="slope from the left: $-1$")
    left.plot(t, t, color=COLORS["green"], ls="--", lw=1.5, label="slope from the right: $+1$")
    left.set(xlabel="$x$", ylabel="$f(x)$", title="continuous, with a corner at 0", ylim=(-1.3, 2.2))
    left.legend(loc="upper center", fontsize=8)

    _split_at_zero(right, np.sign(X), COLORS["blue"], label="$f'(x)$", lw=2)
    _open_dot(right, 0, -1, COLORS["orange"])
    _open_dot(right, 0, 1, COLORS["green"])
    right.annotate("no derivative at 0:\nthe one-sided limits\nare $-1$ and $+1$", xy=(0.05, 0.0),
                   xytext=(0.35, -0.1), fontsize=8.5, va="center")
    right.set(xlabel="$x$", ylabel="$f'(x)$", title="the derivative jumps", ylim=(-1.5, 1.5))
    return fig


@styled
def relu_and_derivative():
    """ReLU with a fan of lines touching it at 0 (its subgradients), and the derivative used in practice."""
    fig, (left, right) = new_figure(figsize=(8.0, 3.2), ncols=2)
    relu = activations.relu(X)
    left.plot(X, relu, color=COLORS["blue"], lw=2.5, label="ReLU$(z) = \\max(0, z)$")
    t = np.linspace(-1.5, 1.5, 2)
    for s in np.linspace(0, 1, 5):
        left.plot(t, s * t, color=COLORS["purple"], lw=0.8, alpha=0.8,
                  label="lines of slope $s \\in [0, 1]$ through 0" if s == 0 else None)
    left.set(xlabel="$z$", ylabel="ReLU$(z)$", title="many lines touch the corner", ylim=(-1.2, 2.1))
    left.legend(loc="upper left", fontsize=8)

    _split_at_zero(right, activations.relu_prime(X), COLORS["blue"], label="ReLU$'(z)$", lw=2)
    right.plot([0, 0], [0, 1], color=COLORS["purple"], lw=5, alpha=0.35,
               label="the one-sided slopes and all between")
    _filled_dot(right, 0, 0, COLORS["vermillion"])
    _open_dot(right, 0, 1, COLORS["blue"])
    right.annotate("convention: ReLU$'(0) = 0$", xy=(0.05, 0.0), xytext=(0.25, 0.3), fontsize=8.5,
                   color=COLORS["vermillion"],
                   arrowprops=dict(arrowstyle="-", color=COLORS["vermillion"]))
    right.set(xlabel="$z$", ylabel="derivative", title="the derivative used in practice", ylim=(-0.3, 1.4))
    right.legend(loc="upper left", fontsize=8)
    return fig


def _check_betas(betas):
    betas = [float(beta) for beta in betas]
    if not betas or min(betas) <= 0:
        raise ValueError(f"betas must be a non-empty list of positive numbers; got {betas}")
    return betas


@styled
def softplus_family(betas=(1.0, 2.0, 5.0, 20.0)):
    """softplus_beta for several sharpness values beta, closing in on ReLU; derivatives sigmoid(beta z)."""
    betas = _check_betas(betas)
    fig, (left, right) = new_figure(figsize=(8.0, 3.3), ncols=2)
    colors = [COLORS[c] for c in ("sky", "blue", "green", "vermillion", "purple", "orange")]
    left.plot(X, activations.relu(X), color=COLORS["black"], lw=1.2, ls="--", label="ReLU")
    _split_at_zero(right, activations.relu_prime(X), COLORS["black"], label="ReLU$'$", lw=1.2, ls="--")
    for beta, color in zip(betas, colors * len(betas)):
        left.plot(X, smooth.softplus_beta(X, beta), color=color, label=rf"$\beta = {beta:g}$")
        right.plot(X, smooth.softplus_beta_prime(X, beta), color=color, label=rf"$\sigma({beta:g}z)$")
    left.set(xlabel="$z$", ylabel=r"softplus$_\beta(z)$",
             title="sharp softplus", ylim=(-0.1, 2.1))
    right.set(xlabel="$z$", ylabel="derivative", title="its derivative: a sigmoid in $\\beta z$")
    left.legend(loc="upper left", fontsize=8)
    right.legend(loc="upper left", fontsize=8)
    return fig


@styled
def c1_not_c2():
    """x|x|, its derivative 2|x| (continuous, with a kink) and second derivative 2 sign(x) (a jump)."""
    fig, axes = new_figure(figsize=(8.4, 2.8), ncols=3)
    axes[0].plot(X, smooth.signed_square(X), color=COLORS["blue"], lw=2)
    axes[0].set(title="$f(x) = x|x|$: smooth-looking")
    axes[1].plot(X, smooth.signed_square_prime(X), color=COLORS["orange"], lw=2)
    axes[1].set(title="$f'(x) = 2|x|$: continuous, a kink")
    _split_at_zero(axes[2], smooth.signed_square_second(X), COLORS["vermillion"], lw=2)
    _open_dot(axes[2], 0, -2, COLORS["vermillion"])
    _open_dot(axes[2], 0, 2, COLORS["vermillion"])
    axes[2].set(title="$f''(x) = 2\\,\\mathrm{sign}(x)$: a jump", ylim=(-2.6, 2.6))
    for ax in axes:
        ax.set_xlabel("$x$")
    return fig


@styled
def descent_on_kink(lr=0.3, x0=1.0, steps=15):
    """Gradient descent with a fixed step on x^2/2 (settles) and on |x| (bounces around 0 forever)."""
    if not lr > 0:
        raise ValueError(f"the learning rate lr must be > 0; got {lr!r}")
    runs = {
        r"$x^2/2$ (gradient $x$)": (lambda x: 0.5 * x[0] ** 2, lambda x: x, COLORS["blue"], "o"),
        r"$|x|$ (gradient sign $x$)": (lambda x: abs(x[0]), np.sign, COLORS["vermillion"], "s"),
    }
    fig, (left, right) = new_figure(figsize=(8.0, 3.2), ncols=2)
    grid = np.linspace(-1.2, 1.2, 401)
    for label, (f, grad, color, marker) in runs.items():
        path = optim.gradient_descent(grad, [x0], lr, steps, f=f)
        left.plot(grid, [f([g]) for g in grid], color=color, lw=1.2, alpha=0.6)
        left.plot(path.x[:, 0], path.loss, marker, color=color, ms=4, label=label)
        right.semilogy(np.arange(path.steps + 1), np.abs(path.x[:, 0]), marker + "-", color=color,
                       ms=4, label=label)
    left.set(xlabel="$x$", ylabel="$f(x)$", title=f"iterates, step size {lr:g}")
    right.set(xlabel="step $t$", ylabel="$|x_t|$", title="distance to the minimum")
    left.legend(loc="upper center", fontsize=8)
    return fig
