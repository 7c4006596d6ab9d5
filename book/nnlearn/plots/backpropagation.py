"""Figures of chapter 6, backpropagation.

* :func:`draw_network` and :func:`paint_pass`: a network diagram whose nodes and edges
  show the forward values, the local errors delta and the gradients (shared with the demo);
* :func:`worked_example`: the 2-2-1 example of the chapter, forward and backward, side by side;
* :func:`cost_comparison`: measured time of backpropagation and of finite differences
  against the number of parameters;
* :func:`digit_samples`: a few handwritten digits with their labels.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import TwoSlopeNorm
from matplotlib import colormaps

from .style import COLORS, DIVERGING, new_figure, styled

NODE_SIZE = 1100         # scatter marker area (points^2) of a neuron
IDLE_EDGE = "0.75"       # colour of an edge whose gradient is not known yet


def layout(sizes):
    """{(j, k): (x, y)}: layer j at x = j, its n_j neurons centred on y = 0, one unit apart."""
    return {(j, k): (float(j), (n - 1) / 2 - k) for j, n in enumerate(sizes) for k in range(n)}


def edges(sizes):
    """[(j, i, k)]: the edge from neuron i of layer j-1 to neuron k of layer j, weight W[j][i, k]."""
    return [(j, i, k) for j in range(1, len(sizes)) for i in range(sizes[j - 1])
            for k in range(sizes[j])]


@dataclass
class NetworkArtists:
    """The artists of a network diagram, keyed like the maths."""

    sizes: list
    edges: list               # [(j, i, k)], in the order of the segments of ``lines``
    lines: LineCollection
    nodes: object             # the PathCollection of the neurons, in the order of ``keys``
    keys: list                # [(j, k)]
    value: dict               # (j, k) -> Text inside the node: x_k or h_k
    pre: dict                 # (j, k) -> Text below the node: z_k
    error: dict               # (j, k) -> Text above the node: delta_k
    weight: dict              # (j, i, k) -> Text on the edge: w or dL/dw (empty if not labelled)


def draw_network(ax, sizes, edge_labels=None, animated=False):
    """Nodes, edges and (empty) labels of a fully connected network; returns :class:`NetworkArtists`.

    Edges are labelled when ``edge_labels`` is true, by default when there are at most 8.
    """
    sizes = [int(n) for n in sizes]
    where = layout(sizes)
    links = edges(sizes)
    edge_labels = len(links) <= 8 if edge_labels is None else edge_labels
    segments = [[where[j - 1, i], where[j, k]] for j, i, k in links]
    lines = LineCollection(segments, colors=IDLE_EDGE, linewidths=1.0, zorder=1, animated=animated)
    ax.add_collection(lines)
    keys = list(where)
    xy = np.array([where[key] for key in keys])
    nodes = ax.scatter(xy[:, 0], xy[:, 1], s=NODE_SIZE, facecolors="white", edgecolors="black",
                       linewidths=1.0, zorder=2, animated=animated)
    text = {"fontsize": 8, "ha": "center", "animated": animated, "zorder": 3}
    box = {"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85}
    value = {key: ax.text(*where[key], "", va="center", bbox=box, **{**text, "fontsize": 7})
             for key in keys}
    pre = {key: ax.text(where[key][0], where[key][1] - 0.27, "", va="top", **text) for key in keys}
    error = {key: ax.text(where[key][0], where[key][1] + 0.27, "", va="bottom", fontweight="bold",
                          **text) for key in keys}
    weight = {}
    if edge_labels:
        for j, i, k in links:
            (x0, y0), (x1, y1) = where[j - 1, i], where[j, k]
            # edges from the upper sources labelled near their start, from the lower ones
            # near their end, so that labels of crossing edges never land on each other
            s = 0.3 + 0.4 * i / max(sizes[j - 1] - 1, 1)
            weight[j, i, k] = ax.text(x0 + s * (x1 - x0), y0 + s * (y1 - y0), "", va="center",
                                      bbox=box, **{**text, "fontsize": 7})
    for label in [*value.values(), *pre.values(), *error.values(), *weight.values()]:
        label.set_in_layout(False)     # the limits below leave room for them
    depth, height = len(sizes) - 1, max(sizes)
    ax.set_xlim(-0.5, depth + 0.5)
    ax.set_ylim(-(height - 1) / 2 - 0.7, (height - 1) / 2 + 0.7)
    ax.set_xticks(range(depth + 1))
    ax.set_xticklabels(["input"] + [f"layer {j}" for j in range(1, depth)] + ["output"])
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return NetworkArtists(sizes, links, lines, nodes, keys, value, pre, error, weight)


def _fmt(v):
    return f"{v:.3f}" if abs(v) >= 1e-3 or v == 0 else f"{v:.1e}"


def paint_pass(art, h, z, W, delta=None, dW=None, known=()):
    """Write forward values on every node and, for the layers in ``known``, delta on the
    nodes (colour = sign and size) and dL/dW on the edges into them (colour and width).

    ``h``, ``z``, ``W``, ``delta`` and ``dW`` are the dicts of :mod:`nnlearn.network`
    (one example); ``known`` lists the layers whose backward step is done.
    """
    known = set(known)
    cmap = colormaps[DIVERGING]
    top_delta = max((np.abs(delta[j]).max() for j in known), default=0.0) if delta else 0.0
    node_norm = TwoSlopeNorm(0.0, -top_delta - 1e-12, top_delta + 1e-12)
    faces = []
    for j, k in art.keys:
        art.value[j, k].set_text(_fmt(h[j][k]))
        art.pre[j, k].set_text("" if j == 0 else f"z={_fmt(z[j][k])}")
        if j in known:
            art.error[j, k].set_text(f"δ={_fmt(delta[j][k])}")
            faces.append(cmap(node_norm(delta[j][k])))
        else:
            art.error[j, k].set_text("")
            faces.append((1.0, 1.0, 1.0, 1.0))
    art.nodes.set_facecolors(faces)
    top_grad = max((np.abs(dW[j]).max() for j in known), default=0.0) if dW else 0.0
    edge_norm = TwoSlopeNorm(0.0, -top_grad - 1e-12, top_grad + 1e-12)
    colors, widths = [], []
    for j, i, k in art.edges:
        if j in known:
            g = dW[j][i, k]
            colors.append(cmap(edge_norm(g)))
            widths.append(0.8 + 5.0 * abs(g) / (top_grad + 1e-12))
            label = _fmt(g)
        else:
            colors.append(IDLE_EDGE)
            widths.append(1.0)
            label = _fmt(W[j][i, k])
        if (j, i, k) in art.weight:
            art.weight[j, i, k].set_text(label)
    art.lines.set_colors(colors)
    art.lines.set_linewidths(widths)


@styled
def worked_example(x, y, W, b, hidden="sigmoid", output="identity", loss="mse"):
    """Top: the forward pass (weights on the edges, h in and z under the nodes). Bottom: the
    backward pass (delta above the nodes, dL/dW on the edges, coloured by sign and size)."""
    from .. import network

    z, h = network.forward(x, W, b, hidden, output)
    dW, deltas = network.backward(y, z, h, W, hidden, output, loss)   # for one example, db[j] = delta[j]
    sizes = network.layer_sizes(W)
    fig, (top, bottom) = new_figure(figsize=(7.5, 6.4), nrows=2)
    paint_pass(draw_network(top, sizes), h, z, W)
    top.set_title("forward pass: $h$ in each neuron, $z$ below it, the weight $w$ on each edge")
    paint_pass(draw_network(bottom, sizes), h, z, W, deltas, dW, known=range(1, len(sizes)))
    bottom.set_title(r"backward pass: $\delta$ above each neuron, $\partial L/\partial w$ on each edge")
    return fig


@styled
def cost_comparison(parameters, forward, backprop, finite_differences):
    """Seconds against the number of parameters P, log-log: one loss evaluation (a forward
    pass), backpropagation (a forward and a backward pass) and central finite differences
    (2P loss evaluations); and the last two in units of the first."""
    P = np.asarray(parameters, dtype=float)
    series = {"one loss evaluation (forward pass)": (forward, COLORS["green"], "s"),
              "backpropagation (forward + backward)": (backprop, COLORS["blue"], "o"),
              "finite differences (2P forward passes)": (finite_differences, COLORS["vermillion"], "^")}
    for name, (values, _, _) in series.items():
        if np.shape(values) != P.shape:
            raise ValueError(
                f"{name}: expected {P.shape[0]} timings, one per network; got {np.shape(values)}"
            )
    fig, (left, right) = new_figure(figsize=(9.0, 3.6), ncols=2)
    for name, (values, color, marker) in series.items():
        left.loglog(P, values, marker=marker, color=color, label=name)
    left.set_xlabel("number of parameters $P$")
    left.set_ylabel("seconds")
    left.legend(loc="upper left", fontsize=8)
    left.set_title("time for one loss or one gradient")
    right.semilogx(P, np.asarray(backprop) / np.asarray(forward), "o-", color=COLORS["blue"],
                   label="backpropagation / loss evaluation")
    right.semilogx(P, np.asarray(finite_differences) / np.asarray(forward), "^-",
                   color=COLORS["vermillion"], label="finite differences / loss evaluation")
    right.semilogx(P, 2 * P, ":", color="0.4", label="$2P$")
    right.set_yscale("log")
    right.set_xlabel("number of parameters $P$")
    right.set_ylabel("cost in loss evaluations")
    right.legend(loc="upper left", fontsize=8)
    right.set_title("the same, in units of one loss evaluation")
    return fig


@styled
def digit_samples(images, labels, columns=10):
    """The first ``columns`` images (8 x 8, values in [0, 1]) with their labels above."""
    images = np.asarray(images, dtype=float)
    if images.ndim != 2 or images.shape[1] != 64:
        raise ValueError(f"images must be rows of 64 pixels, shape (m, 64); got {images.shape}")
    count = min(columns, len(images))
    fig, axes = new_figure(figsize=(1.0 * count, 1.3), ncols=count, squeeze=False)
    for ax, image, label in zip(axes[0], images, labels):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(str(label), fontsize=10)
        ax.set_axis_off()
    return fig


def _vector(v):
    v = np.atleast_1d(np.asarray(v, dtype=float))
    if v.ndim == 2:
        return "[" + "; ".join(" ".join(f"{e:g}" for e in row) for row in v) + "]"
    return "(" + ", ".join(f"{e:g}" for e in v) + ")" if v.size > 1 else f"{v[0]:g}"


# where each node of practice.block_graph sits, and the operations between them
GRAPH_LAYOUT = {"x": (0.0, 0.0), "W1": (0.9, 1.25), "b1": (0.9, -1.25), "z1": (2.4, 0.0),
                "a1": (4.2, 0.0), "h1": (6.0, 0.0), "W2": (6.9, 1.25), "b2": (6.9, -1.25),
                "y_hat": (8.4, 0.0), "L": (10.2, 0.0)}
GRAPH_OPS = {"affine": (1.3, 0.0), "f": (3.3, 0.0), "+": (5.1, 0.0), "affine ": (7.3, 0.0),
             "loss": (9.3, 0.0)}
GRAPH_EDGES = [("x", "affine"), ("W1", "affine"), ("b1", "affine"), ("affine", "z1"),
               ("z1", "f"), ("f", "a1"), ("a1", "+"), ("+", "h1"), ("h1", "affine "),
               ("W2", "affine "), ("b2", "affine "), ("affine ", "y_hat"), ("y_hat", "loss"),
               ("loss", "L")]
GRAPH_NAMES = {"x": r"$\mathbf{x}$", "W1": r"$\mathbf{W}^{(0,1)}$", "b1": r"$\mathbf{b}^{(1)}$",
               "z1": r"$\mathbf{z}^{(1)}$", "a1": r"$f(\mathbf{z}^{(1)})$", "h1": r"$\mathbf{h}^{(1)}$",
               "W2": r"$\mathbf{W}^{(1,2)}$", "b2": r"$b^{(2)}$", "y_hat": r"$\hat y$", "L": "$L$"}


@styled
def computational_graph(graph, activation="ReLU", figsize=(11.0, 4.2)):
    """The graph of one residual block (:func:`nnlearn.practice.block_graph`): values in
    boxes with their forward value (black) and their gradient dL/d(value) (vermillion),
    operations in circles, and the skip edge from x to the sum curving below."""
    missing = [k for k in GRAPH_LAYOUT if k not in graph]
    if missing:
        raise ValueError(f"graph lacks the nodes {missing}: pass practice.block_graph(...)")
    fig, ax = new_figure(figsize=figsize)
    where = {**GRAPH_LAYOUT, **GRAPH_OPS}
    arrow = {"arrowstyle": "-|>", "color": "0.35", "linewidth": 1.1, "shrinkA": 22, "shrinkB": 22}
    for start, end in GRAPH_EDGES:
        ax.annotate("", xy=where[end], xytext=where[start], arrowprops=arrow)
    ax.annotate("", xy=where["+"], xytext=where["x"],
                arrowprops={**arrow, "color": COLORS["blue"], "linewidth": 1.6,
                            "connectionstyle": "arc3,rad=0.38"})
    ax.text(3.3, -1.2, "skip: x is used twice, so its gradient is a sum", color=COLORS["blue"],
            fontsize=8, ha="center")
    for name, (x, y) in GRAPH_OPS.items():
        ax.scatter([x], [y], s=900, facecolors=COLORS["yellow"], edgecolors="black", zorder=3)
        label = activation if name == "f" else name.strip()
        ax.text(x, y, label, ha="center", va="center", fontsize=8, zorder=4)
    box = {"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "0.3"}
    for name, (x, y) in GRAPH_LAYOUT.items():
        value, grad = graph[name]
        ax.text(x, y, GRAPH_NAMES[name], ha="center", va="center", fontsize=10, bbox=box, zorder=4)
        side = -1.0 if y < 0 else 1.0          # labels away from the main line
        ax.text(x, y + side * 0.62, _vector(value), ha="center", va="center", fontsize=7.5,
                zorder=4)
        ax.text(x, y + side * 0.36, _vector(grad), ha="center", va="center", fontsize=7.5,
                color=COLORS["vermillion"], fontweight="bold", zorder=4)
    ax.text(10.7, 1.95, "black: forward value", fontsize=8, ha="right")
    ax.text(10.7, 1.7, r"vermillion: gradient $\partial L/\partial(\cdot)$", fontsize=8,
            ha="right", color=COLORS["vermillion"])
    ax.set_xlim(-0.6, 10.8)
    ax.set_ylim(-2.0, 2.25)
    ax.set_axis_off()
    return fig
