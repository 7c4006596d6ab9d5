"""Figures of the second-order chapter: the quadratic model, Newton against gradient descent,
and what a Hessian costs.

* :func:`quadratic_model`: a surface near a point, its second-order Taylor model, and the
  Newton step to the model's minimum;
* :func:`newton_vs_descent`: paths on the contours and the loss against the iteration;
* :func:`hessian_cost`: memory of a dense Hessian and time to solve with it, measured
  for small n and extrapolated as n^2 and n^3.
"""

from dataclasses import replace

import numpy as np

from .loss_landscapes import FLOOR, draw_landscape, draw_path
from .style import COLORS, CYCLE, new_figure

GB = 1e9
YEAR = 365.25 * 24 * 3600
MEMORY_MARKS = {"laptop, 16 GB": 16 * GB, "largest GPU, 80 GB": 80 * GB}
TIME_MARKS = {"1 second": 1.0, "1 day": 24 * 3600.0, "1 year": YEAR}


def sci_tex(value, digits=2):
    """A positive number in TeX scientific notation, e.g. 8.1 \\times 10^{-11}."""
    exponent = int(np.floor(np.log10(value)))
    return rf"{value / 10.0 ** exponent:.{digits}g}\times 10^{{{exponent}}}"


def quadratic_model(surface, point, window=None, figsize=(6.0, 4.8)):
    """Contours of ``surface`` (filled) and of its quadratic model at ``point`` (dashed),
    with the Newton step from the point to the model's stationary point."""
    point = np.asarray(point, dtype=float)
    g, H = surface.grad(point), surface.hess(point)
    step = np.linalg.solve(H, -g)
    fig, ax = new_figure(figsize=figsize)
    if window is not None:
        surface = replace(surface, xlim=window[0], ylim=window[1])
    draw_landscape(ax, surface)
    X, Y, _ = surface.grid(121)
    D = np.stack([X - point[0], Y - point[1]], axis=-1)
    model = surface.f(point) + D @ g + 0.5 * np.einsum("...i,ij,...j->...", D, H, D)
    lowest = surface.f(point) + 0.5 * g @ step       # the model's value at its stationary point
    ax.contour(X, Y, model, levels=lowest + 4.0 ** np.arange(5), colors=COLORS["purple"],
               linewidths=1.2, linestyles="dashed", negative_linestyles="dashed")
    ax.plot([], [], "--", color=COLORS["purple"], label="quadratic model")
    ax.annotate("", xy=point + step, xytext=point,
                arrowprops={"arrowstyle": "->", "color": COLORS["vermillion"], "linewidth": 1.8})
    ax.plot(*point, "o", color=COLORS["blue"], markersize=8, markeredgecolor="white",
            label=r"$\boldsymbol{\theta}$", zorder=5)
    ax.plot(*(point + step), "o", color=COLORS["vermillion"], markersize=8,
            markeredgecolor="white", label=r"Newton step $\boldsymbol{\theta}^+$", zorder=5)
    ax.legend(loc="upper right", fontsize=8, frameon=True, framealpha=0.85)
    ax.set_title(surface.title)
    return fig


def newton_vs_descent(surface, runs, minimum=0.0, window=None, figsize=(9.0, 3.8)):
    """Left: the paths of several runs on the contours. Right: L - L* against the iteration
    (both axes logarithmic, so six Newton steps and twenty thousand gradient steps fit).

    ``runs`` maps a label to a :class:`nnlearn.optim.Trajectory` recorded with losses.
    """
    if not runs:
        raise ValueError("newton_vs_descent needs at least one run; got none")
    if window is not None:
        surface = replace(surface, xlim=window[0], ylim=window[1])
    fig, (left, right) = new_figure(figsize=figsize, ncols=2, width_ratios=(1, 1.2))
    draw_landscape(left, surface)
    colors = [COLORS["orange"], COLORS["purple"], COLORS["green"], COLORS["black"]]
    for (label, run), color in zip(runs.items(), colors):
        if run.loss is None:
            raise ValueError(f"run {label!r} has no losses: pass f= to the optimiser")
        draw_path(left, run.x, color, f"{label}: {run.steps} steps")
        t = np.arange(1, len(run.loss) + 1)
        right.loglog(t, np.maximum(run.loss - minimum, FLOOR), "-o" if run.steps < 50 else "-",
                     color=color, markersize=4, label=label)
    left.set_title(surface.title)
    left.legend(loc="lower right", fontsize=8, frameon=True, framealpha=0.85)
    right.set_xlabel("iteration $t + 1$")
    right.set_title(r"$L(\boldsymbol{\theta}_t) - L^*$")
    right.legend(fontsize=8)
    return fig


def hessian_cost(sizes, seconds, per_cube, figsize=(9.0, 3.6)):
    """Memory of a dense float64 Hessian (8 n^2 bytes) and the time of one solve with it,
    against the number of parameters n: measured points, and c n^3 extrapolated.

    ``per_cube`` is c in seconds ~ c n^3 (see :func:`nnlearn.deep.fit_cubic`).
    """
    sizes, seconds = np.asarray(sizes, dtype=float), np.asarray(seconds, dtype=float)
    if sizes.shape != seconds.shape or sizes.size == 0:
        raise ValueError(f"sizes and seconds must be matching non-empty arrays; "
                         f"got {sizes.shape} and {seconds.shape}")
    n = np.logspace(1, 9, 200)
    fig, (memory, time) = new_figure(figsize=figsize, ncols=2)
    memory.loglog(n, 8 * n ** 2, color=COLORS["blue"], label=r"$8P^2$ bytes")
    for (label, value), color in zip(MEMORY_MARKS.items(), CYCLE[1:]):
        memory.axhline(value, color=color, linestyle=":", linewidth=1.2, label=label)
    memory.set_xlabel("parameters $P$")
    memory.set_ylabel("bytes")
    memory.set_title("memory of the Hessian")
    memory.legend(fontsize=8)
    time.loglog(n, per_cube * n ** 3, color=COLORS["blue"], label=rf"${sci_tex(per_cube)}\,P^3$ s")
    time.loglog(sizes, seconds, "o", color=COLORS["vermillion"], label="measured here")
    for (label, value), color in zip(TIME_MARKS.items(), CYCLE[1:]):
        time.axhline(value, color=color, linestyle=":", linewidth=1.2, label=label)
    time.set_xlabel("parameters $P$")
    time.set_ylabel("seconds")
    time.set_title(r"one solve $\nabla^2 L\,\mathbf{d} = -\nabla L$")
    time.legend(fontsize=8)
    return fig
