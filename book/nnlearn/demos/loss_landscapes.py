"""Demos of chapter 7, loss landscapes.

* :func:`landscape_explorer`: gradient descent on a surface with a hard feature (several
  minima, a saddle, a plateau, a narrow valley, Rosenbrock's curved valley); the learning
  rate (on a log scale), the number of steps and the start point are sliders.
* :func:`gradient_flow`: ||dL/dW^(j-1,j)|| for every layer of a deep network, for a
  choice of depth, activation, initialisation and batch normalisation.
"""

import numpy as np

from .. import deep, landscapes
from ..optim import gradient_descent
from ..plots.loss_landscapes import draw_landscape, draw_path, move_path
from ..plots.style import COLORS
from . import register
from .core import Demo, int_slider, menu, slider

SURFACES = {
    "local_minima": landscapes.local_minima(),
    "saddle": landscapes.saddle(),
    "plateau": landscapes.plateau(),
    "narrow_valley": landscapes.narrow_valley(25.0),
    "rosenbrock": landscapes.rosenbrock(),
}


def start_point(surface, sx, sy):
    """The start for relative slider positions sx, sy in [-1, 1] (-1: left/bottom edge,
    0: the centre, 1: right/top edge of the surface's window)."""
    (x0, x1), (y0, y1) = surface.xlim, surface.ylim
    return np.array([(x0 + x1) / 2 + sx * (x1 - x0) / 2, (y0 + y1) / 2 + sy * (y1 - y0) / 2])


def explorer_run(params):
    """The gradient-descent run a set of :func:`landscape_explorer` controls asks for."""
    surface = SURFACES[params["surface"]]
    start = start_point(surface, params["sx"], params["sy"])
    # A run that diverges on a quartic surface overflows inside grad and f before the
    # optimiser sees a non-finite iterate; that overflow is the expected outcome.
    with np.errstate(over="ignore", invalid="ignore"):
        return gradient_descent(surface.grad, start, 10.0 ** params["log_lr"], params["steps"],
                                f=surface.f)


@register
def landscape_explorer():
    """Gradient descent on the hard surfaces of the chapter."""

    def setup(fig, p):
        surface = SURFACES[p["surface"]]
        ax = fig.subplots()
        draw_landscape(ax, surface)
        ax.set_title(surface.title)
        path = draw_path(ax, [[0.0, 0.0]], COLORS["orange"], animated=True)
        info = ax.text(0.02, 0.02, "", transform=ax.transAxes, fontsize=8, animated=True,
                       zorder=6, bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        return {"path": path, "info": info}

    def update(state, p):
        run = explorer_run(p)
        move_path(state["path"], run.x)
        state["info"].set_text(rf"$\alpha$ = {10.0 ** p['log_lr']:.2g};  " + run.summary())

    return Demo(
        "Gradient descent on a hard landscape",
        [menu("surface", "surface", list(SURFACES)),
         slider("log_lr", "log₁₀ α", -4.0, 0.5, -1.0, step=0.1),
         int_slider("steps", "steps", 0, 400, 100),
         slider("sx", "start x (−1 left … 1 right)", -1.0, 1.0, 0.9, step=0.01),
         slider("sy", "start y (−1 bottom … 1 top)", -1.0, 1.0, 0.5, step=0.01)],
        setup, update, figsize=(5.6, 4.8),
        alt="Contour lines of the chosen surface, its minima marked with stars and its saddle "
            "with a cross, and the path of gradient descent from a blue start point to a "
            "vermillion end point.")


# --- gradient norms layer by layer ------------------------------------------------------

DEPTHS = (5, 10, 15, 20)
ACTIVATIONS = ("sigmoid", "tanh", "relu")
WIDTH, BATCH = 64, 64


def flow_table():
    """{(depth, activation, init, batchnorm): norms} for every combination the demo offers.

    About a hundred forward and backward passes of at most 20 layers: well under a second,
    done once, so that moving a control only looks a profile up.
    """
    return {(d, a, i, bn): deep.gradient_norms(d, WIDTH, a, i, bn == "on", BATCH)
            for d in DEPTHS for a in ACTIVATIONS for i in deep.INITS for bn in ("off", "on")}


def norm_axes(fig, table, activation, depth):
    """Log axes for per-layer gradient norms of up to ``depth`` layers, shared by the two
    gradient-flow demos. One vertical range per activation, wide enough for all its profiles
    in ``table`` (keyed with the activation second): a single range for all would run from
    1e-13 to 1e57 (ReLU with a large init) and flatten the rest."""
    values = np.concatenate([v for k, v in table.items() if k[1] == activation])
    ax = fig.subplots()
    ax.set_yscale("log")
    ax.set_xlim(0.3, depth + 0.7)
    low, high = np.log10(values.min()), np.log10(values.max())
    ax.set_ylim(10.0 ** (low - 0.05 * (high - low)), 10.0 ** (high + 0.3 * (high - low)))
    ax.set_xlabel(r"layer $j$  (the backward pass runs right to left)")
    ax.set_ylabel(r"$\|\partial L / \partial \mathbf{W}^{(j-1,j)}\|$")
    ax.axhline(1.0, color="0.5", linewidth=0.8)
    return ax


@register
def gradient_flow():
    """Per-layer gradient norms of a deep network: vanishing, exploding, and their cures."""
    table = flow_table()

    def setup(fig, p):
        ax = norm_axes(fig, table, p["activation"], max(DEPTHS))
        ax.set_xticks(range(1, max(DEPTHS) + 1))
        line, = ax.plot([], [], "-o", color=COLORS["blue"], markersize=5, animated=True)
        first, = ax.plot([], [], "o", color=COLORS["vermillion"], markersize=9, animated=True)
        info = ax.text(0.02, 0.97, "", transform=ax.transAxes, fontsize=8, va="top",
                       animated=True, bbox={"facecolor": "white", "alpha": 0.85,
                                            "edgecolor": "none"})
        return {"line": line, "first": first, "info": info}

    def update(state, p):
        norms = table[(p["depth"], p["activation"], p["init"], p["batchnorm"])]
        layers = np.arange(1, norms.size + 1)
        state["line"].set_data(layers, norms)
        state["first"].set_data(layers[:1], norms[:1])
        state["info"].set_text(
            f"{p['depth']} layers of {WIDTH}, {p['activation']}, {p['init']} init, "
            f"batch norm {p['batchnorm']}\n"
            f"first layer / last layer = {norms[0] / norms[-1]:.1e}")

    return Demo(
        "Gradient norms, layer by layer",
        [menu("depth", "depth", DEPTHS, value=15, rebuild=False),
         menu("activation", "activation", ACTIVATIONS),
         menu("init", "initialisation", list(deep.INITS), rebuild=False),
         menu("batchnorm", "batch norm", ["off", "on"], rebuild=False)],
        setup, update, figsize=(6.4, 4.0),
        alt="The norm of the weight gradient of each layer of a deep network on a log scale, "
            "layer 1 highlighted; lines that fall to the left show vanishing gradients, lines "
            "that rise to the left exploding ones.")


# --- skip connections ---------------------------------------------------------------------

RESIDUAL_DEPTHS = (5, 10, 20, 30)


def residual_table():
    """{(depth, activation, init, skip): norms}, with skip "on" or "off", for every combination
    the residual demo offers: computed once, so a control only looks a profile up."""
    from .. import practice

    return {(d, a, i, s): practice.residual_gradient_norms(d, WIDTH, a, i, s == "on", BATCH)
            for d in RESIDUAL_DEPTHS for a in ACTIVATIONS for i in ("small", "xavier", "he")
            for s in ("off", "on")}


@register
def residual_flow():
    """Per-layer gradient norms of the same deep network without and with skip connections."""
    table = residual_table()

    def setup(fig, p):
        ax = norm_axes(fig, table, p["activation"], max(RESIDUAL_DEPTHS))
        plain, = ax.plot([], [], "-o", color=COLORS["vermillion"], markersize=4, animated=True,
                         label="plain: $h^{(j)} = f(z^{(j)})$")
        skip, = ax.plot([], [], "-s", color=COLORS["blue"], markersize=4, animated=True,
                        label="with skips: $h^{(j)} = h^{(j-1)} + f(z^{(j)})$")
        ax.legend(loc="lower right", fontsize=8)
        info = ax.text(0.02, 0.97, "", transform=ax.transAxes, fontsize=8, va="top",
                       animated=True, bbox={"facecolor": "white", "alpha": 0.85,
                                            "edgecolor": "none"})
        return {"plain": plain, "skip": skip, "info": info}

    def update(state, p):
        key = (p["depth"], p["activation"], p["init"])
        plain, skip = table[key + ("off",)], table[key + ("on",)]
        layers = np.arange(1, plain.size + 1)
        state["plain"].set_data(layers, plain)
        state["skip"].set_data(layers, skip)
        state["info"].set_text(
            f"{p['depth']} layers of {WIDTH}, {p['activation']}, {p['init']} init\n"
            f"first / last layer: plain {plain[0] / plain[-1]:.1e}, with skips {skip[0] / skip[-1]:.1e}")

    return Demo(
        "Gradient norms with and without skip connections",
        [menu("depth", "depth", RESIDUAL_DEPTHS, value=20, rebuild=False),
         menu("activation", "activation", ACTIVATIONS),
         menu("init", "initialisation", ["small", "xavier", "he"], value="xavier", rebuild=False)],
        setup, update, figsize=(6.4, 4.0),
        alt="The norm of the weight gradient of each layer of a deep network on a log scale, "
            "for the plain network (vermillion circles) and the same weights with a skip "
            "connection around every hidden layer (blue squares).")
