"""Demos of chapter 5, gradient descent.

* :func:`descent_explorer`: pick a surface, a learning rate, a number of steps and a
  start point; the path is drawn on the contours and the first iterations are tabulated.
* :func:`learning_rate_curves`: the loss against the iteration, on a log scale, for
  several learning rates at once, one of them highlighted and moved by a slider; beside
  it, the factor by which one step shrinks the slowest part of the error.
"""

from dataclasses import replace

import numpy as np

from .. import landscapes
from ..optim import gradient_descent
from ..plots.gradient_descent import (LOSS_FLOOR, draw_path, draw_surface, iteration_table_html,
                                      loss_history, rate)
from ..plots.style import COLORS, END, START
from . import register
from .core import Demo, int_slider, menu, slider

VALLEY_KAPPA = 10.0

# Windows wide enough for every start the sliders allow (|x0|, |y0| <= 2.5).
SURFACES = {
    "bowl": landscapes.bowl(),
    "narrow_valley": replace(landscapes.narrow_valley(VALLEY_KAPPA), ylim=(-3.0, 3.0)),
    "local_minima": replace(landscapes.local_minima(), xlim=(-2.6, 2.6), ylim=(-2.6, 2.6)),
}
FAR = 1e4    # coordinates beyond this are off every window: clip them so the renderer never sees 1e300


def _run(params):
    surface = SURFACES[params["surface"]]
    start = (params["x0"], params["y0"])
    # A diverging run on a quartic surface overflows inside grad and f before optim sees
    # a non-finite iterate; the overflow is the expected outcome, reported as "diverged".
    with np.errstate(over="ignore", invalid="ignore"):
        run = gradient_descent(surface.grad, start, params["lr"], params["steps"], f=surface.f)
    return surface, run


@register
def descent_explorer():
    """Gradient descent on a surface, from a start point, with a table of the iterations."""

    def setup(fig, p):
        surface = SURFACES[p["surface"]]
        ax = fig.subplots()
        draw_surface(ax, surface)
        ax.set_title(surface.title)
        line, start, end = draw_path(ax, [[0.0, 0.0]], label="path", animated=True)
        ax.legend(loc="upper left", fontsize=8, framealpha=0.8)
        info = ax.text(0.02, 0.02, "", transform=ax.transAxes, fontsize=8, animated=True,
                       bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        return {"line": line, "start": start, "end": end, "info": info}

    def update(state, p):
        _, run = _run(p)
        points = np.clip(np.where(np.isfinite(run.x), run.x, np.nan), -FAR, FAR)
        last = points[np.isfinite(points).all(axis=1)][-1]
        state["line"].set_data(points[:, 0], points[:, 1])
        state["start"].set_data([p["x0"]], [p["y0"]])
        state["end"].set_data([last[0]], [last[1]])
        state["info"].set_text(rf"$\alpha$ = {p['lr']:.3g}; " + run.summary())

    def describe(p):
        _, run = _run(p)
        return (f"<p>{run.summary()}. The first iterations:</p>"
                + iteration_table_html(run, ("x", "y"), max_rows=11))

    return Demo(
        "Gradient descent on a surface",
        [menu("surface", "surface", list(SURFACES)),
         slider("lr", "learning rate α", 0.01, 1.1, 0.1, step=0.01),
         int_slider("steps", "steps", 0, 40, 10),
         slider("x0", "start x₀", -2.5, 2.5, 2.5, step=0.1),
         slider("y0", "start y₀", -2.5, 2.5, 2.0, step=0.1)],
        setup, update, describe, figsize=(5.6, 5.0),
        alt="Contour lines of the chosen surface with the path of gradient descent from a blue "
            "start point to a vermillion end point.")


# --- loss against iteration, several learning rates ------------------------------------

CURVE_SURFACES = {"bowl": landscapes.bowl(), "narrow_valley": landscapes.narrow_valley(VALLEY_KAPPA)}
CURVE_STEPS = 40
REFERENCE_FRACTIONS = (0.05, 0.2, 0.5, 0.7, 0.97, 1.05)


def curvatures(surface):
    """The Hessian eigenvalues at the surface's (first) minimum, smallest first."""
    return np.linalg.eigvalsh(surface.hess(np.array(surface.minima[0])))


def stability_limit(surface):
    """2 / lambda_max: gradient descent converges on a quadratic exactly for 0 < alpha below this."""
    return 2.0 / curvatures(surface).max()


def _lowest_loss(surface):
    """The loss after CURVE_STEPS steps at the best fixed alpha, 2 / (lambda_min + lambda_max):
    no curve of the demo goes lower, so the axis need not either."""
    eigenvalues = curvatures(surface)
    best = float(rate(2.0 / (eigenvalues.min() + eigenvalues.max()), eigenvalues))
    start = float(surface.f(np.array(surface.start)))
    return max(LOSS_FLOOR, start * best ** (2 * CURVE_STEPS))


@register
def learning_rate_curves():
    """Loss per iteration (log scale) for several alpha, one highlighted; the rate per step beside."""

    def setup(fig, p):
        surface = CURVE_SURFACES[p["surface"]]
        limit = stability_limit(surface)
        left, right = fig.subplots(ncols=2, width_ratios=(3, 2))
        t = np.arange(CURVE_STEPS + 1)
        colors = [COLORS[c] for c in ("blue", "sky", "green", "orange", "purple", "vermillion")]
        for fraction, color in zip(REFERENCE_FRACTIONS, colors):
            lr = fraction * limit
            left.semilogy(t, loss_history(surface, surface.start, lr, CURVE_STEPS), color=color,
                          linewidth=1, alpha=0.6, label=rf"$\alpha = {lr:.3g}$")
        highlight, = left.semilogy(t, np.ones_like(t, dtype=float), color="black", linewidth=2.5,
                                   animated=True)
        left.set_ylim(_lowest_loss(surface) / 10, 1e6)
        left.set_xlim(0, CURVE_STEPS)
        left.set_xlabel("iteration $t$")
        left.set_ylabel("loss")
        left.set_title(surface.title, fontsize=10)
        left.legend(loc="upper right", fontsize=7, ncols=2)

        eigenvalues = curvatures(surface)
        fractions = np.linspace(0, 1.1, 400)
        right.plot(fractions, rate(fractions * limit, eigenvalues), color="black")
        right.axhline(1.0, color="0.4", linestyle="--", linewidth=1)
        right.axvspan(1.0, 1.1, color=COLORS["vermillion"], alpha=0.12, lw=0)
        right.set_xlim(0, 1.1)
        right.set_ylim(0, 1.3)
        right.set_xlabel(r"$\alpha\,/\,(2/\lambda_{max})$")
        right.set_ylabel("slowest factor per step")
        marker, = right.plot([0.5], [0.5], "o", color=COLORS["vermillion"], markersize=9,
                             animated=True)
        info = right.text(0.03, 0.04, "", transform=right.transAxes, fontsize=8, animated=True)
        return {"highlight": highlight, "marker": marker, "info": info, "surface": surface,
                "limit": limit, "eigenvalues": eigenvalues}

    def update(state, p):
        lr = p["fraction"] * state["limit"]
        loss = loss_history(state["surface"], state["surface"].start, lr, CURVE_STEPS)
        state["highlight"].set_ydata(np.clip(loss, LOSS_FLOOR, 1e30))
        factor = float(rate(lr, state["eigenvalues"]))
        state["marker"].set_data([p["fraction"]], [min(factor, 1.28)])
        verdict = "converges" if factor < 1 else "does not converge"
        state["info"].set_text(rf"$\alpha$ = {lr:.3g}: factor {factor:.3f}, {verdict}")

    return Demo(
        "Loss per iteration for several learning rates",
        [menu("surface", "surface", list(CURVE_SURFACES)),
         slider("fraction", "α as a fraction of 2/λ_max", 0.02, 1.1, 0.3, step=0.01)],
        setup, update, figsize=(8.0, 3.6),
        alt="Left: loss against iteration on a logarithmic axis, straight lines for several "
            "learning rates, one highlighted in black. Right: the factor per step against the "
            "learning rate, a V shape on the bowl, with a dot at the highlighted rate.")


# --- what practitioners use next -----------------------------------------------------------

MOMENTUM_SURFACES = {"narrow_valley": landscapes.narrow_valley(VALLEY_KAPPA), "bowl": landscapes.bowl()}
MOMENTUM_STEPS = 40
MOMENTUM_TITLES = {"narrow_valley": rf"narrow valley $(\theta_1^2 + {VALLEY_KAPPA:g}\,\theta_2^2)/2$",
                   "bowl": r"bowl $\theta_1^2 + \theta_2^2$"}


@register
def momentum_explorer():
    """Gradient descent and the heavy ball from the same start with the same alpha; beta is a slider."""
    from ..optim import momentum

    def setup(fig, p):
        surface = MOMENTUM_SURFACES[p["surface"]]
        left, right = fig.subplots(ncols=2, width_ratios=(3, 2))
        draw_surface(left, surface, count=10)
        left.set_xlabel(r"$\theta_1$")
        left.set_ylabel(r"$\theta_2$")
        left.set_title(MOMENTUM_TITLES[p["surface"]], fontsize=10)
        plain, = left.plot([], [], "-o", color="0.45", markersize=2, linewidth=1,
                           label="gradient descent", animated=True, zorder=4)
        heavy, = left.plot([], [], "-o", color="black", markersize=3, linewidth=1.2,
                           label="momentum", animated=True, zorder=4.5)
        # drawn over the moving paths, so animated too (blitting keeps the z-order of those only)
        left.plot(*surface.start, "o", color=START, markersize=8, zorder=6, animated=True)
        left.legend(loc="lower right", fontsize=7, framealpha=0.8).set_animated(True)
        t = np.arange(MOMENTUM_STEPS + 1)
        plain_loss, = right.semilogy(t, np.ones(len(t)), color="0.45", animated=True)
        heavy_loss, = right.semilogy(t, np.ones(len(t)), color="black", linewidth=2, animated=True)
        right.set_xlim(0, MOMENTUM_STEPS)
        right.set_ylim(LOSS_FLOOR, 1e4)
        right.set_xlabel("iteration $t$")
        right.set_ylabel("loss")
        info = right.text(0.03, 0.04, "", transform=right.transAxes, fontsize=8, animated=True,
                          va="bottom", in_layout=False,
                          bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        return {"surface": surface, "plain": plain, "heavy": heavy, "plain_loss": plain_loss,
                "heavy_loss": heavy_loss, "info": info}

    def update(state, p):
        surface = state["surface"]
        with np.errstate(over="ignore", invalid="ignore"):
            plain = gradient_descent(surface.grad, surface.start, p["lr"], MOMENTUM_STEPS, f=surface.f)
            heavy = momentum(surface.grad, surface.start, p["lr"], p["beta"], MOMENTUM_STEPS, f=surface.f)
        for key, run in (("plain", plain), ("heavy", heavy)):
            points = np.clip(run.x, -FAR, FAR)
            state[key].set_data(points[:, 0], points[:, 1])
            loss = np.full(MOMENTUM_STEPS + 1, np.nan)
            loss[:len(run.loss)] = run.loss
            state[key + "_loss"].set_ydata(np.clip(loss, LOSS_FLOOR, 1e30))
        state["info"].set_text(rf"$\alpha$ = {p['lr']:.3g}, $\beta$ = {p['beta']:.2f}" + "\n"
                               + f"gradient descent: L = {_short_loss(plain)}\n"
                               + f"momentum: L = {_short_loss(heavy)}")

    return Demo(
        "Momentum against gradient descent",
        [menu("surface", "surface", list(MOMENTUM_SURFACES)),
         slider("beta", "momentum β", 0.0, 0.95, 0.5, step=0.05),
         slider("lr", "step size α", 0.02, 0.3, 0.15, step=0.01)],
        setup, update, figsize=(8.0, 3.8),
        alt="Left: contour lines with two paths from the same start, gradient descent in grey and "
            "momentum in black. Right: the loss of both runs against the iteration on a log axis.")


def _short_loss(run):
    return "diverged" if run.stopped == "diverged" else f"{run.loss[-1]:.2g} after {run.steps} steps"


NOISE_STEPS = 150


def _noise_problem():
    from ..regression import line_fit

    problem = line_fit()
    return problem, problem.surface()


@register
def minibatch_noise():
    """Mini-batch SGD on a least-squares fit: the batch size sets how much the path jitters."""
    from ..optim import sgd

    problem, surface = _noise_problem()
    best = problem.minimiser()

    def setup(fig, p):
        left, right = fig.subplots(ncols=2, width_ratios=(3, 2))
        draw_surface(left, surface, count=12)
        left.set_xlabel(r"$\theta_1$ (slope)")
        left.set_ylabel(r"$\theta_2$ (intercept)")
        left.set_title(f"fit a line to M = {problem.size} points", fontsize=10)
        path, = left.plot([], [], "-o", color="black", markersize=2, linewidth=1, animated=True,
                          zorder=4, label="mini-batch SGD")
        end, = left.plot([], [], "o", color=END, markersize=8, markeredgecolor="white",
                         animated=True, zorder=5)
        left.plot(*surface.start, "o", color=START, markersize=8, markeredgecolor="white", zorder=6,
                  animated=True)
        left.legend(loc="upper right", fontsize=7, framealpha=0.8).set_animated(True)
        t = np.arange(NOISE_STEPS + 1)
        distance, = right.semilogy(t, np.ones(len(t)), color="black", linewidth=1.5, animated=True)
        right.set_xlim(0, NOISE_STEPS)
        right.set_ylim(1e-6, 10)
        right.set_xlabel("step $t$")
        right.set_ylabel(r"$\|\theta^{(t)} - \theta^\star\|$")
        info = right.text(0.03, 0.04, "", transform=right.transAxes, fontsize=8, animated=True,
                          va="bottom", in_layout=False,
                          bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        return {"path": path, "end": end, "distance": distance, "info": info}

    def update(state, p):
        run = sgd(problem.batch_grad, problem.size, surface.start, p["lr"], NOISE_STEPS,
                  p["batch_size"], seed=p["seed"])
        state["path"].set_data(run.x[:, 0], run.x[:, 1])
        state["end"].set_data([run.x[-1, 0]], [run.x[-1, 1]])
        gap = np.linalg.norm(run.x - best, axis=1)
        state["distance"].set_ydata(np.clip(gap, 1e-12, None))
        noise = np.sqrt(problem.batch_noise(run.x[-1], p["batch_size"]))
        state["info"].set_text(f"batch size m = {p['batch_size']}, " + rf"$\alpha$ = {p['lr']:.2g}"
                               + f"\nlast 50 steps: mean distance {gap[-50:].mean():.2g}"
                               + f"\ngradient noise at the end: {noise:.2g}")

    return Demo(
        "Batch size against the noise of the path",
        [int_slider("batch_size", "batch size m", 1, problem.size, 1),
         slider("lr", "step size α", 0.05, 0.9, 0.3, step=0.05),
         int_slider("seed", "random seed", 0, 9, 0)],
        setup, update, figsize=(8.0, 3.8),
        alt="Left: elongated elliptical contour lines of a least-squares loss with the path of "
            "mini-batch gradient descent from a blue start; small batches make a jittery path "
            "that wanders around the minimum, large ones a smooth path onto it. Right: the "
            "distance to the minimiser against the step on a log axis.")
