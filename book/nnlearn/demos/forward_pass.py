"""Demos of chapter 4, "Loss and forward propagation".

* :func:`forward_network`: the chapter's 2-3-1 worked example, with sliders for
  four of its parameters; every node shows its value and the loss updates.
* :func:`loss_tangents`: squared error and cross-entropy as functions of the
  prediction, for a chosen target, with the gradient drawn as a tangent line.

:func:`nnlearn.examples.forward_example` holds the numbers of the chapter's hand
computation, so that the text, the demo and the tests use one set of parameters.
"""

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize

from .. import losses, network
from ..examples import forward_example
from ..plots.forward_pass import (binary_cross_entropy, binary_cross_entropy_slope,
                                  draw_network, layer_positions, mse_curve)
from ..plots.style import COLORS, DIVERGING
from . import register
from .core import Demo, slider


# the four parameters the sliders move: (control name, label, layer j, row i, column k)
# W[j][i, k] is w^(j-1,j)_{i+1, k+1}; a column index None means the bias b[j][i]
FORWARD_CONTROLS = [
    ("w1_11", "w⁽⁰¹⁾₁₁", 1, 0, 0),
    ("w1_12", "w⁽⁰¹⁾₁₂", 1, 0, 1),
    ("w2_21", "w⁽¹²⁾₂₁", 2, 1, 0),
    ("b2", "b⁽²⁾", 2, 0, None),
]


def _parameters(p):
    """The worked example with the slider values written into W and b."""
    example = forward_example()
    W, b = example["W"], example["b"]
    for name, _, j, i, k in FORWARD_CONTROLS:
        if k is None:
            b[j][i] = p[name]
        else:
            W[j][i, k] = p[name]
    return example


@register
def forward_network():
    """The 2-3-1 network with its node values, edge weights and loss, for four sliders."""
    sizes = [2, 3, 1]
    gap = 1.7                                  # room for three lines of text above each node
    at = layer_positions(sizes, gap=gap)
    cmap, norm = colormaps[DIVERGING], Normalize(-3, 3)

    moved = {(j, i, k) for _, _, j, i, k in FORWARD_CONTROLS if k is not None}

    def setup(fig, p):
        # Only what a slider can change is animated (the moved edges and their labels, the
        # hidden and output nodes, the loss); the rest is drawn once, from the worked example,
        # so that a frame redraws a few texts rather than all of them.
        ax = fig.subplots()
        ex = forward_example()
        z, h = network.forward(ex["x"], ex["W"], ex["b"], ex["spec"])
        nodes, edges = draw_network(ax, sizes, gap=gap)
        box = dict(facecolor="white", alpha=0.85, lw=0, pad=1.5)
        texts, weight_texts = {}, {}
        for (j, k), (x, y) in at.items():
            if j == 0:
                nodes[(j, k)].set_facecolor(cmap(norm(h[0][k])))
                ax.text(x, y + 0.34, f"$x_{k + 1}$ = {h[0][k]:.2f}", ha="center", va="bottom",
                        fontsize=8.5, bbox=box, zorder=5)
                continue
            nodes[(j, k)].set_animated(True)
            texts[(j, k)] = ax.text(x, y + 0.34, "", ha="center", va="bottom", fontsize=8.5,
                                    animated=True, bbox=box, zorder=5)
            if j == 1:                          # hidden biases never move
                ax.text(x, y - 0.34, f"b = {ex['b'][1][k]:.2f}", ha="center", va="top",
                        fontsize=8, color="0.3", zorder=5)
        for (j, i, k), line in edges.items():
            (x0, y0), (x1, y1) = at[(j - 1, i)], at[(j, k)]
            t = 0.72 if j == 1 else 0.45        # near the receiving neuron, away from crossings
            label = ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), "", ha="center",
                            va="center", fontsize=7.5, bbox=box, zorder=4,
                            fontweight="bold" if (j, i, k) in moved else "normal")
            if (j, i, k) in moved:
                line.set_animated(True)
                label.set_animated(True)
                weight_texts[(j, i, k)] = label
            else:
                _style_edge(line, label, ex["W"][j][i, k])
        for j in (1, 2):
            ax.text(at[(j, 0)][0], -2.55, f"layer {j}: " + ("ReLU" if j == 1 else "identity"),
                    ha="center", fontsize=8.5, color="0.3")
        ax.text(at[(0, 0)][0], -2.55, "input", ha="center", fontsize=8.5, color="0.3")
        loss_text = ax.text(at[(2, 0)][0], -1.0, "", ha="center", va="top", fontsize=9,
                            animated=True, color=COLORS["black"])
        ax.set_xlim(-0.7, at[(2, 0)][0] + 1.0)
        ax.set_ylim(-2.7, 2.75)
        for text in [*texts.values(), *weight_texts.values(), loss_text]:
            text.set_in_layout(False)       # changing text must never move the axes
        return {"nodes": nodes, "edges": edges, "texts": texts, "weights": weight_texts,
                "loss": loss_text}

    def update(state, p):
        ex = _parameters(p)
        W, b = ex["W"], ex["b"]
        z, h = network.forward(ex["x"], W, b, ex["spec"])
        loss = losses.mse(ex["y"], h[2])
        for (j, k), text in state["texts"].items():
            state["nodes"][(j, k)].set_facecolor(cmap(norm(h[j][k])))
            if j == 1:
                text.set_text(f"z = {z[1][k]:.2f}\nh = {h[1][k]:.2f}")
            else:
                text.set_text(f"z = ŷ = {h[2][k]:.3f}\nb = {b[2][k]:.2f}")
        for (j, i, k), label in state["weights"].items():
            _style_edge(state["edges"][(j, i, k)], label, W[j][i, k])
        state["loss"].set_text(f"target y = {ex['y'][0]:g}\n"
                               f"L = ½(y − ŷ)² = {loss:.4f}")

    def describe(p):
        ex = _parameters(p)
        z, h = network.forward(ex["x"], ex["W"], ex["b"], ex["spec"])
        return ("<p>z⁽¹⁾ = (" + ", ".join(f"{v:.2f}" for v in z[1]) + "), "
                "h⁽¹⁾ = (" + ", ".join(f"{v:.2f}" for v in h[1]) + f"), ŷ = {h[2][0]:.3f}</p>")

    example = forward_example()
    start = {name: float(example["b"][j][i] if k is None else example["W"][j][i, k])
             for name, _, j, i, k in FORWARD_CONTROLS}
    return Demo(
        "A 2-3-1 network, forward",
        [slider(name, label, -2.0, 2.0, start[name], step=0.05)
         for name, label, *_ in FORWARD_CONTROLS],
        setup, update, describe, figsize=(6.4, 4.8),
        alt="A network with two inputs, three ReLU neurons and one output; each node shows "
            "its value, each edge its weight (solid blue positive, dashed red negative), "
            "and the squared-error loss is printed under the output.",
    )


def _style_edge(line, label, w):
    """Colour, width and dash of an edge for weight w (solid blue positive, dashed red
    negative, thicker for larger), and its label."""
    line.set_color(COLORS["blue"] if w >= 0 else COLORS["vermillion"])
    line.set_linewidth(0.5 + 2.5 * min(abs(w), 2.0) / 2.0)
    line.set_linestyle("-" if w >= 0 else "--")
    label.set_text(f"{w:.2f}")


# --- the two losses against the prediction ---------------------------------------------------

@register
def loss_tangents():
    """MSE (left) and cross-entropy (right) as the prediction moves, with tangent lines."""
    y_hat = np.linspace(-0.5, 1.5, 301)
    p_grid = np.linspace(0.005, 0.995, 300)
    span = 0.35                                  # half-width of the drawn tangent segments

    def setup(fig, p):
        left, right = fig.subplots(1, 2)
        state = {}
        for ax, key, xlim, ylim in ((left, "mse", (-0.5, 1.5), (-0.05, 1.2)),
                                    (right, "ce", (0.0, 1.0), (-0.1, 5.0))):
            ax.set_xlim(*xlim)
            ax.set_ylim(*ylim)
            state[key + "_curve"], = ax.plot([], [], color=COLORS["blue"], lw=2, animated=True)
            state[key + "_tangent"], = ax.plot([], [], color=COLORS["vermillion"], lw=2,
                                               animated=True)
            state[key + "_point"], = ax.plot([], [], "o", color=COLORS["vermillion"], ms=7,
                                             animated=True)
            state[key + "_target"] = ax.axvline(0, color="0.5", lw=1, ls=":", animated=True)
            state[key + "_text"] = ax.text(0.03, 0.97, "", transform=ax.transAxes, va="top",
                                           fontsize=9, animated=True,
                                           bbox=dict(facecolor="white", alpha=0.85, lw=0))
        left.set(xlabel=r"prediction $\hat y$", ylabel="loss",
                 title=r"squared error $\frac{1}{2}(y-\hat y)^2$")
        right.set(xlabel=r"prediction $p$ ($\hat{\mathbf{y}} = (p, 1-p)$)",
                  title=r"cross-entropy $-y\log p-(1-y)\log(1-p)$")
        return state

    def update(state, p):
        y, q = p["target"], p["prediction"]
        # squared error: a tangent with slope dL/dy_hat from nnlearn.losses
        slope = losses.mse_grad(np.array([y]), np.array([q]))[0]
        value = losses.mse(np.array([y]), np.array([q]))
        state["mse_curve"].set_data(y_hat, mse_curve(y, y_hat))
        _tangent(state, "mse", q, value, slope, span)
        state["mse_target"].set_xdata([y, y])
        state["mse_text"].set_text(f"y = {y:.2f}, ŷ = {q:.2f}\nL = {value:.3f}\n"
                                   f"∂L/∂ŷ = ŷ − y = {slope:.3f}")
        # cross-entropy along y_hat = (p, 1 - p)
        value = float(binary_cross_entropy(y, q))
        slope = float(binary_cross_entropy_slope(y, q))
        state["ce_curve"].set_data(p_grid, binary_cross_entropy(y, p_grid))
        _tangent(state, "ce", q, value, slope, span / max(1.0, abs(slope) / 4))
        state["ce_target"].set_xdata([y, y])
        state["ce_text"].set_text(f"y = {y:.2f}, p = {q:.2f}\nL = {value:.3f}\n"
                                  f"dL/dp = (p − y)/(p(1 − p)) = {slope:.3f}")

    return Demo(
        "Squared error and cross-entropy against the prediction",
        [slider("prediction", "prediction ŷ = p", 0.02, 0.98, 0.3, step=0.02),
         slider("target", "target y", 0.0, 1.0, 1.0, step=0.05)],
        setup, update, figsize=(8.6, 3.6),
        alt="Two panels: the squared error as a function of the prediction and the "
            "cross-entropy as a function of the predicted probability, for the chosen "
            "target, each with a red tangent line at the current prediction.",
    )


def _tangent(state, key, at, value, slope, half_width):
    """Place the tangent segment of slope ``slope`` through (at, value)."""
    xs = np.array([at - half_width, at + half_width])
    state[key + "_tangent"].set_data(xs, value + slope * (xs - at))
    state[key + "_point"].set_data([at], [value])
