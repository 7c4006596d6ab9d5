"""Demos of chapter 8, second-order methods.

* :func:`condition_race`: gradient descent and Newton-Raphson on the narrow valley
  (x^2 + kappa y^2) / 2, for a choice of condition number kappa and step size.
* :func:`hessian_cost_explorer`: memory of the Hessian and time of one Newton solve for
  a network of n parameters, from solve times measured when the demo is built.
"""

import numpy as np

from .. import deep, landscapes
from ..optim import gradient_descent, newton_raphson
from ..plots.loss_landscapes import draw_landscape, draw_path, move_path
from ..plots.second_order import MEMORY_MARKS, TIME_MARKS, YEAR, sci_tex
from ..plots.style import COLORS, CYCLE
from . import register
from .core import Demo, int_slider, menu, slider

KAPPAS = (1, 4, 16, 64, 256)
TOL = 1e-8


def descent_steps_to_tol(kappa, lr, start, tol=TOL, max_steps=200_000):
    """Steps gradient descent needs on (x^2 + kappa y^2) / 2 until ||grad|| < tol, or None.

    On this quadratic each coordinate evolves on its own: x_t = (1 - lr)^t x_0 and
    y_t = (1 - lr kappa)^t y_0, so the gradient (x_t, kappa y_t) is known in closed form
    for every t at once. Computed in logarithms, so that a diverging run (a factor
    above 1 in size) never overflows.
    """
    kappa, lr = float(kappa), float(lr)
    if not (kappa >= 1 and lr > 0):
        raise ValueError(f"need kappa >= 1 and lr > 0; got kappa={kappa}, lr={lr}")
    x0, y0 = np.asarray(start, dtype=float)
    t = np.arange(int(max_steps) + 1)
    with np.errstate(divide="ignore", invalid="ignore"):   # log 0 = -inf: that coordinate is solved
        log_x = t * np.log(abs(1 - lr)) + np.log(abs(x0))
        log_y = t * np.log(abs(1 - lr * kappa)) + np.log(kappa * abs(y0))
    log_x[0], log_y[0] = np.log(abs(x0) + 0.0), np.log(kappa * abs(y0) + 0.0)
    below = np.flatnonzero(0.5 * np.logaddexp(2 * log_x, 2 * log_y) < np.log(tol))
    return int(below[0]) if below.size else None


def race_runs(p, start):
    """The gradient-descent and Newton runs of :func:`condition_race` for controls ``p``."""
    surface = landscapes.narrow_valley(p["kappa"])
    lr = p["lr_kappa"] / p["kappa"]
    with np.errstate(over="ignore", invalid="ignore"):
        descent = gradient_descent(surface.grad, start, lr, p["steps"], f=surface.f)
    newton = newton_raphson(surface.grad, surface.hess, start, min(p["steps"], 1), f=surface.f)
    return lr, descent, newton


@register
def condition_race():
    """Newton against gradient descent on a quadratic valley of condition number kappa."""
    start = np.array([-2.8, 1.0])

    def setup(fig, p):
        surface = landscapes.narrow_valley(p["kappa"])
        ax = fig.subplots()
        draw_landscape(ax, surface)
        ax.set_title(surface.title)
        gd = draw_path(ax, [start], COLORS["orange"], "gradient descent", animated=True)
        nr = draw_path(ax, [start], COLORS["purple"], "Newton", animated=True)
        ax.legend(loc="upper right", fontsize=8, frameon=True, framealpha=0.85)
        info = ax.text(0.02, 0.02, "", transform=ax.transAxes, fontsize=8, animated=True,
                       zorder=6, bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        return {"gd": gd, "nr": nr, "info": info}

    def update(state, p):
        lr, descent, newton = race_runs(p, start)
        move_path(state["gd"], descent.x)
        move_path(state["nr"], newton.x)
        needed = descent_steps_to_tol(p["kappa"], lr, start)
        state["info"].set_text(
            rf"$\alpha$ = {lr:.3g} ($\alpha\kappa$ = {p['lr_kappa']:.2f});  "
            f"to ‖∇L‖ < {TOL:g}:\n"
            f"gradient descent {'never (it diverges)' if needed is None else f'{needed} steps'}"
            f",  Newton 1 step")

    return Demo(
        "Newton against gradient descent on a narrow valley",
        [menu("kappa", "condition number κ", KAPPAS, value=16),
         slider("lr_kappa", "α × κ", 0.1, 2.1, 1.0, step=0.05),
         int_slider("steps", "steps", 0, 60, 20)],
        setup, update, figsize=(5.8, 3.8),
        alt="Elliptic contours of a quadratic valley; the path of gradient descent zig-zags or "
            "creeps towards the minimum while Newton's method reaches it in one straight step.")


# --- the cost of the Hessian -------------------------------------------------------

SIZES = (100, 200, 300, 500, 700, 1000)     # measured when no measurements are passed in


def _readable(seconds):
    for unit, size in (("years", YEAR), ("days", 86400.0), ("hours", 3600.0),
                       ("minutes", 60.0), ("s", 1.0), ("ms", 1e-3)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds * 1e6:.3g} µs"


def _bytes(count):
    for unit, size in (("EB", 1e18), ("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6),
                       ("kB", 1e3)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count:.3g} bytes"


@register
def hessian_cost_explorer(sizes=None, seconds=None):
    """Memory of a dense Hessian and time of a Newton solve, for n parameters.

    Solve times are measured once, here (a fraction of a second, for n up to 1000), unless
    a chapter passes the measurements it already made (the chapter goes up to 2000);
    beyond the measured sizes the time is extrapolated as c n^3, the memory is exactly
    8 n^2 bytes.
    """
    if sizes is None or seconds is None:
        sizes = SIZES
        seconds = deep.solve_seconds(sizes, np.random.default_rng(0), repeats=2)
    sizes, seconds = np.asarray(sizes, dtype=float), np.asarray(seconds, dtype=float)
    per_cube = deep.fit_cubic(sizes, seconds)
    grid = np.logspace(1, 9, 200)

    def setup(fig, p):
        memory, time = fig.subplots(ncols=2)
        memory.loglog(grid, deep.hessian_bytes(grid), color=COLORS["blue"])
        time.loglog(grid, per_cube * grid ** 3, color=COLORS["blue"])
        time.loglog(sizes, seconds, "o", color=COLORS["vermillion"], markersize=4)
        for ax, marks in ((memory, MEMORY_MARKS), (time, TIME_MARKS)):
            for k, ((label, value), color) in enumerate(zip(marks.items(), CYCLE[1:])):
                ax.axhline(value, color=color, linestyle=":", linewidth=1.2)
                ax.text(grid[0], value, label, fontsize=7, color=color,
                        va="top" if k == 0 else "bottom")
            ax.set_xlabel("parameters $P$")
        memory.set_title("Hessian memory, $8P^2$ bytes")
        time.set_title(rf"one solve, $\approx {sci_tex(per_cube)}\,P^3$ s")
        state = {}
        for name, ax in (("memory", memory), ("time", time)):
            state[name + "_line"] = ax.axvline(10.0, color=COLORS["black"], linewidth=1,
                                               animated=True)
            state[name + "_dot"], = ax.plot([], [], "o", color=COLORS["black"], markersize=7,
                                            animated=True)
            state[name + "_info"] = ax.text(0.03, 0.97, "", transform=ax.transAxes, va="top",
                                            fontsize=8, animated=True,
                                            bbox={"facecolor": "white", "alpha": 0.85,
                                                  "edgecolor": "none"})
        return state

    def update(state, p):
        n = 10.0 ** p["log_n"]
        need, take = float(deep.hessian_bytes(n)), per_cube * n ** 3
        for name, value in (("memory", need), ("time", take)):
            state[name + "_line"].set_xdata([n, n])
            state[name + "_dot"].set_data([n], [value])
        state["memory_info"].set_text(f"P = {n:.3g}\nHessian: {_bytes(need)}")
        state["time_info"].set_text(f"P = {n:.3g}\none solve ≈ {_readable(take)}")

    return Demo(
        "What a Newton step costs",
        [slider("log_n", "log₁₀ P (parameters)", 1.0, 9.0, 4.0, step=0.25)],
        setup, update, figsize=(7.6, 3.4),
        alt="Two log-log plots against the number of parameters: the memory of the Hessian, "
            "8 P squared bytes, crossing the size of a laptop's and a GPU's memory; and the "
            "time of one linear solve, measured up to two thousand parameters and extrapolated "
            "as P cubed past a second, a day and a year.")
