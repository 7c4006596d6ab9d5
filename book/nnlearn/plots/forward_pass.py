"""Figures of chapter 4, "Loss and forward propagation".

* :func:`network_diagram`: a multilayer network labelled in the course notation;
* :func:`loss_functions`: MSE and cross-entropy against the prediction, with slopes;
* :func:`learning_rates`: gradient descent on a parabola with three step sizes.

:func:`draw_network` is shared with the chapter's demo, which draws the same
picture and then only recolours it.
"""

import numpy as np

from .. import losses, optim
from .style import COLORS, new_figure


def layer_positions(sizes, spacing=2.2, gap=1.0):
    """{(j, k): (x, y)}: layer j at x = j * spacing, its n_j nodes centred on y = 0."""
    return {(j, k): (j * spacing, (n - 1) / 2 * gap - k * gap)
            for j, n in enumerate(sizes) for k in range(n)}


def draw_network(ax, sizes, radius=0.28, edge_color="0.75", animated=False, spacing=2.2, gap=1.0):
    """Edges and node circles of a fully connected network; returns (nodes, edges) dicts,
    nodes[(j, k)] a Circle and edges[(j, i, k)] the line from node i of layer j-1
    to node k of layer j (entry (i, k) of W^(j-1,j))."""
    from matplotlib.patches import Circle

    at = layer_positions(sizes, spacing, gap)
    edges, nodes = {}, {}
    for j in range(1, len(sizes)):
        for i in range(sizes[j - 1]):
            for k in range(sizes[j]):
                (x0, y0), (x1, y1) = at[(j - 1, i)], at[(j, k)]
                # from rim to rim, so that an edge redrawn on top never covers a node
                ux, uy = np.array([x1 - x0, y1 - y0]) / np.hypot(x1 - x0, y1 - y0) * radius
                edges[(j, i, k)], = ax.plot([x0 + ux, x1 - ux], [y0 + uy, y1 - uy],
                                            color=edge_color, lw=1, zorder=1, animated=animated)
    for (j, k), (x, y) in at.items():
        nodes[(j, k)] = ax.add_patch(Circle((x, y), radius, facecolor="white",
                                            edgecolor=COLORS["black"], lw=1.2, zorder=3,
                                            animated=animated))
    ax.set_aspect("equal")
    ax.axis("off")
    return nodes, edges


def network_diagram(sizes=(3, 4, 4, 2)):
    """A network with its layers labelled h^(j), the weight matrices W^(j-1,j) with
    their shapes, the biases b^(j), and column 1 of W^(0,1) highlighted."""
    fig, ax = new_figure(figsize=(8.0, 4.4))
    nodes, edges = draw_network(ax, sizes)
    at = layer_positions(sizes)
    N = len(sizes) - 1
    top = max(y for (_, y) in at.values()) + 0.75
    bottom = -top
    for (j, i, k), line in edges.items():     # column 0 of W^(0,1): the weights of neuron 1
        if j == 1 and k == 0:
            line.set(color=COLORS["orange"], lw=2.2)
    nodes[(1, 0)].set(facecolor=COLORS["orange"])
    for j, n in enumerate(sizes):
        x = at[(j, 0)][0]
        name = r"$\mathbf{h}^{(0)} = \mathbf{x}$" if j == 0 else (
            rf"$\mathbf{{h}}^{{({j})}} = \hat{{\mathbf{{y}}}}$" if j == N else rf"$\mathbf{{h}}^{{({j})}}$")
        ax.text(x, top, name, ha="center", va="bottom", fontsize=11)
        ax.text(x, top - 0.05, f"$n_{j} = {n}$", ha="center", va="top", fontsize=9, color="0.35")
        role = "input" if j == 0 else ("output" if j == N else "hidden")
        ax.text(x, bottom - 0.45, f"layer {j} ({role})", ha="center", va="top", fontsize=9)
        if j > 0:
            ax.text(x, bottom, rf"$\mathbf{{b}}^{{({j})}} \in \mathbb{{R}}^{{{n}}}$",
                    ha="center", va="top", fontsize=10, color=COLORS["green"])
            xm = (at[(j - 1, 0)][0] + x) / 2
            ax.text(xm, bottom, rf"$\mathbf{{W}}^{{({j - 1},{j})}}$" + "\n"
                    + rf"${sizes[j - 1]} \times {n}$",
                    ha="center", va="top", fontsize=10, color=COLORS["blue"])
    (x0, y0), (x1, y1) = at[(0, 0)], at[(1, 0)]
    ax.annotate(r"column 1 of $\mathbf{W}^{(0,1)}$:" + "\nthe weights\nof neuron 1",
                xy=(x0 + 0.35 * (x1 - x0), y0 + 0.35 * (y1 - y0)), xytext=(-0.45, y0 + 0.6),
                fontsize=9, color=COLORS["vermillion"], ha="right", va="center",
                arrowprops=dict(arrowstyle="->", color=COLORS["vermillion"]))
    ax.set_xlim(-2.4, at[(N, 0)][0] + 0.8)
    ax.set_ylim(bottom - 0.95, top + 0.55)
    return fig


# --- losses -----------------------------------------------------------------------------

def binary_cross_entropy(y, p):
    """Cross-entropy of the two-class prediction (p, 1 - p) against the target (y, 1 - y).

    Both may be arrays; this is L = -y log p - (1 - y) log(1 - p), through
    :func:`nnlearn.losses.cross_entropy` on the stacked pairs.
    """
    y, p = np.broadcast_arrays(np.asarray(y, float), np.asarray(p, float))
    Y = np.stack([y.ravel(), 1 - y.ravel()], axis=-1)
    P = np.stack([p.ravel(), 1 - p.ravel()], axis=-1)
    per_row = [losses.cross_entropy(Y[r], P[r]) for r in range(len(Y))]
    return np.reshape(per_row, y.shape)


def binary_cross_entropy_slope(y, p):
    """dL/dp along the path y_hat = (p, 1 - p): the chain rule through dy_hat/dp = (1, -1)
    applied to nnlearn.losses.cross_entropy_grad, which equals (p - y) / (p (1 - p))."""
    y, p = np.broadcast_arrays(np.asarray(y, float), np.asarray(p, float))
    out = np.empty(y.shape)
    for idx in np.ndindex(y.shape):
        g = losses.cross_entropy_grad(np.array([y[idx], 1 - y[idx]]), np.array([p[idx], 1 - p[idx]]))
        out[idx] = g[0] - g[1]
    return out


def mse_curve(y, y_hat):
    """1/2 (y - y_hat)^2 for a scalar target and an array of predictions."""
    y_hat = np.asarray(y_hat, dtype=float)
    return np.array([losses.mse(np.array([y]), np.array([v])) for v in y_hat.ravel()]).reshape(y_hat.shape)


def loss_functions(y=1.0):
    """Left: MSE against y_hat for target y, with its gradient y_hat - y. Right:
    cross-entropy against the predicted probability p of the true class, with its
    slope -1/p, beside the squared error of the same probability."""
    fig, (left, right) = new_figure(figsize=(9.0, 3.4), ncols=2)
    y_hat = np.linspace(y - 2, y + 2, 401)
    left.plot(y_hat, mse_curve(y, y_hat), color=COLORS["blue"], lw=2,
              label=r"$L = \frac{1}{2} (y - \hat y)^2$")
    left.plot(y_hat, y_hat - y, color=COLORS["vermillion"], lw=1.6, ls="--",
              label=r"$\partial L / \partial \hat y = \hat y - y$")
    left.axvline(y, color="0.6", lw=0.8, ls=":")
    left.set(xlabel=r"prediction $\hat y$", title=f"squared error, target $y = {y:g}$",
             ylim=(-2.1, 2.1))
    left.legend(loc="lower right", fontsize=8)
    p = np.linspace(0.005, 0.995, 400)
    right.plot(p, binary_cross_entropy(1.0, p), color=COLORS["blue"], lw=2,
               label=r"cross-entropy $-\log p$")
    right.plot(p, binary_cross_entropy_slope(1.0, p), color=COLORS["vermillion"], lw=1.6,
               ls="--", label=r"its slope $-1/p$")
    right.plot(p, mse_curve(1.0, p), color=COLORS["green"], lw=1.6,
               label=r"squared error $\frac{1}{2}(1-p)^2$")
    right.set(xlabel="predicted probability $p$ of the true class", ylim=(-5.2, 5.2),
              title="classification, true class predicted with $p$")
    right.axhline(0, color="0.6", lw=0.8)
    right.legend(loc="lower right", fontsize=8)
    return fig


# --- the learning rate ------------------------------------------------------------------------

def learning_rates(rates=(0.05, 0.4, 1.05), steps=6, start=2.0):
    """Gradient descent on L(w) = w^2 from w = 2 with a small, a good and a too large step."""
    fig, axes = new_figure(figsize=(9.0, 3.0), ncols=len(rates), sharey=True)
    w = np.linspace(-3.8, 3.8, 300)
    names = {0: "too small", 1: "about right", 2: "too large"}
    for k, (ax, lr) in enumerate(zip(axes, rates)):
        path = optim.gradient_descent(lambda v: 2 * v, [start], lr, steps, f=lambda v: float(v[0] ** 2))
        ws, ls = path.x[:, 0], path.loss
        ax.plot(w, w ** 2, color="0.6", lw=1.2)
        ax.plot(ws, ls, "-o", color=COLORS["blue"], ms=4, lw=1)
        ax.plot(ws[0], ls[0], "o", color=COLORS["blue"], ms=8, label="start")
        ax.plot(ws[-1], ls[-1], "o", color=COLORS["vermillion"], ms=8, label=f"after {steps} steps")
        ax.set(xlim=(-3.8, 3.8), ylim=(-0.3, 14.5), xlabel="$w$",
               title=rf"$\alpha = {lr:g}$: {names.get(k, '')}")
    axes[0].set_ylabel("$L(w) = w^2$")
    axes[0].legend(loc="upper center", fontsize=8)
    return fig
