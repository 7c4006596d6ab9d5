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
from ..optim import LOSS_FLOOR, gradient_descent, loss_history, rate
from ..plots.gradient_descent import draw_path, draw_surface, iteration_table_html
from ..plots.style import COLORS
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
