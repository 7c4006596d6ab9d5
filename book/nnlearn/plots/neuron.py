"""Figures of chapter 1, the neuron: from the biological cell to h = phi(w^T x + b).

Every function returns a ``matplotlib.figure.Figure`` drawn with the course style.
The diagrams are drawn from numbers (positions, weights, layer sizes), never from
image files, so that they can be regenerated with other values.
"""

import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Polygon

from .. import activations
from .style import COLORS, new_figure, styled

GREY = "#777777"
STEP = "step"               # the McCulloch-Pitts threshold, H(z) = 1 if z >= 0 else 0


def activation_function(name):
    """phi for a name: an activation of :mod:`nnlearn.activations`, or "step", the threshold
    of McCulloch and Pitts (H(z) = 1 for z >= 0, else 0)."""
    if name == STEP:
        return lambda z: np.heaviside(np.asarray(z, dtype=float), 1.0)
    return activations.get(name).f


def _arrow(ax, start, end, color=GREY, width=1.2, style="-|>", **kwargs):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12,
                                 color=color, linewidth=width, shrinkA=0, shrinkB=0, **kwargs))


# --- the biological neuron ---------------------------------------------------------------

def _branch(ax, start, angle, length, depth, color, tips):
    """A dendrite: a line that forks in two, ``depth`` times, with a fixed spread (deterministic)."""
    end = (start[0] + length * np.cos(angle), start[1] + length * np.sin(angle))
    ax.plot([start[0], end[0]], [start[1], end[1]], color=color, lw=1.0 + 1.2 * depth,
            solid_capstyle="round")
    if depth == 0:
        tips.append(end)
        return
    for turn in (-0.45, 0.45):
        _branch(ax, end, angle + turn, 0.65 * length, depth - 1, color, tips)


@styled
def biological_neuron():
    """A schematic neuron, labelled with the part of the artificial neuron each piece inspired."""
    fig, ax = new_figure(figsize=(8.0, 3.8))
    ax.set_axis_off()
    ax.set_aspect("equal")
    dendrite, soma, axon = COLORS["blue"], COLORS["orange"], COLORS["green"]

    tips = []
    for angle in (2.25, 2.85, 3.45, 4.05):
        _branch(ax, (0.5 * np.cos(angle), 0.5 * np.sin(angle)), angle, 0.6, 2, dendrite, tips)
    # other neurons' axon terminals meet the dendrite tips at synapses
    for x, y in tips[::2]:
        ax.add_patch(Circle((x - 0.08, y), 0.07, color=COLORS["purple"], zorder=3))

    ax.add_patch(Circle((0, 0), 0.55, color=soma, zorder=2))
    ax.add_patch(Circle((-0.08, 0.05), 0.2, color="white", alpha=0.6, zorder=3))      # nucleus
    ax.add_patch(Polygon([(0.45, 0.28), (0.45, -0.28), (0.95, -0.06), (0.95, 0.06)],
                         closed=True, color=soma, zorder=2))                             # hillock

    ax.plot([0.95, 5.2], [0, 0], color=axon, lw=2.5, zorder=1)
    for start in np.arange(1.15, 4.9, 0.75):                                              # myelin
        ax.add_patch(FancyBboxPatch((start, -0.11), 0.55, 0.22, boxstyle="round,pad=0,rounding_size=0.1",
                                    color=axon, alpha=0.45, zorder=2))
    for dy in (-0.5, -0.2, 0.2, 0.5):                                                    # terminals
        ax.plot([5.2, 5.8], [0, dy], color=axon, lw=1.5)
        ax.add_patch(Circle((5.86, dy), 0.08, color=axon, zorder=3))

    _arrow(ax, (1.3, 0.55), (3.6, 0.55), color=COLORS["black"], width=1.0)
    ax.text(2.45, 0.65, "action potential travels this way", ha="center", va="bottom", fontsize=8.5)

    labels = [
        ((-2.3, 1.55), tips[1], "dendrites: receive signals\n" r"$\approx$ inputs $x_i$", dendrite),
        ((-2.3, -1.6), (tips[-4][0] - 0.08, tips[-4][1]), "synapses: strong or weak,\nexciting or inhibiting\n"
         r"$\approx$ weights $w_i$", COLORS["purple"]),
        ((0.2, -1.5), (0.1, -0.5), "soma: adds up the inputs\n" r"$\approx z = \mathbf{w}^\top\mathbf{x} + b$", soma),
        ((1.65, 1.4), (0.8, 0.15), "axon hillock: fires if the sum\npasses a threshold "
         r"$\approx \varphi$", soma),
        ((3.1, -1.2), (3.1, -0.12), "axon: carries the spike\n" r"$\approx$ output $h = \varphi(z)$", axon),
        ((5.2, 1.2), (5.8, 0.55), "synaptic terminals:\npass $h$ on to the next cells", axon),
    ]
    for text_at, point, text, color in labels:
        ax.annotate(text, xy=point, xytext=text_at, fontsize=8.5, ha="center", va="center",
                    color="black", arrowprops=dict(arrowstyle="-", color=color, lw=1.0))
    ax.set_xlim(-3.4, 6.3)
    ax.set_ylim(-2.2, 2.0)
    return fig


# --- the artificial neuron ------------------------------------------------------------------

def _check_neuron(x, w, b):
    if x is None and w is None and b is None:
        return None
    if x is None or w is None or b is None:
        raise ValueError("give all of x, w and b (to print numbers) or none of them (for symbols)")
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    if x.ndim != 1 or w.shape != x.shape or not 1 <= x.size <= 6:
        raise ValueError(
            f"x and w must be vectors of the same length, 1 to 6; got shapes {x.shape} and {w.shape}"
        )
    if not np.isscalar(b):
        raise ValueError(f"the bias b must be a number; got {b!r}")
    return x, w, float(b)


@styled
def neuron_diagram(x=None, w=None, b=None, activation="sigmoid", d=3):
    """One artificial neuron: inputs, weights, weighted sum z, activation phi, output h.

    Without numbers it is drawn with symbols for ``d`` inputs; with ``x``, ``w`` and
    ``b`` it shows the numbers and the values of z and h that they give. ``activation``
    is a name from :mod:`nnlearn.activations` or "step"; its graph is drawn in its box.
    """
    numbers = _check_neuron(x, w, b)
    phi = activation_function(activation)
    if numbers is not None:
        x, w, b = numbers
        d = x.size
    fig, ax = new_figure(figsize=(7.2, 3.2))
    ax.set_axis_off()
    ax.set_aspect("equal")

    ys = np.linspace(1.2, -1.2, d) if d > 1 else np.zeros(1)
    total, box, out = (2.6, 0.0), (4.4, 0.0), (6.2, 0.0)
    for i, y in enumerate(ys):
        ax.add_patch(Circle((0, y), 0.28, facecolor="white", edgecolor=COLORS["blue"], lw=1.5))
        name = f"$x_{i + 1}$" if numbers is None else f"$x_{i + 1}$\n{x[i]:g}"
        ax.text(-0.5, y, name, ha="right", va="center", fontsize=9)
        _arrow(ax, (0.28, y), (total[0] - 0.42, total[1] + 0.25 * y / 1.2), color=COLORS["blue"])
        weight = f"$w_{i + 1}$" if numbers is None else f"$w_{i + 1} = {w[i]:g}$"
        ax.text(1.1, y * 0.72 + 0.12, weight, ha="center", va="bottom", fontsize=9,
                color=COLORS["blue"])
    bias = "$b$" if numbers is None else f"$b = {b:g}$"
    _arrow(ax, (total[0], -1.5), (total[0], -0.4), color=COLORS["purple"])
    ax.text(total[0], -1.6, bias, ha="center", va="top", fontsize=9, color=COLORS["purple"])

    ax.add_patch(Circle(total, 0.4, facecolor="white", edgecolor=COLORS["black"], lw=1.5))
    ax.text(*total, r"$\Sigma$", ha="center", va="center", fontsize=15)
    _arrow(ax, (total[0] + 0.4, 0), (box[0] - 0.55, 0))
    ax.text((total[0] + box[0]) / 2 - 0.08, 0.12, "$z$", ha="center", va="bottom", fontsize=10)

    ax.add_patch(FancyBboxPatch((box[0] - 0.55, -0.45), 1.1, 0.9, boxstyle="round,pad=0.02",
                                facecolor="white", edgecolor=COLORS["orange"], lw=1.5))
    zs = np.linspace(-4, 4, 101)
    hs = np.asarray(phi(zs), dtype=float)
    hs = (hs - hs.min()) / max(np.ptp(hs), 1e-12)           # fit the glyph into the box
    ax.plot(box[0] + zs / 4 * 0.42, -0.32 + 0.64 * hs, color=COLORS["orange"], lw=1.5)
    ax.text(box[0], 0.52, rf"$\varphi$ ({activation})", ha="center", va="bottom", fontsize=9,
            color=COLORS["orange"])
    _arrow(ax, (box[0] + 0.55, 0), (out[0] - 0.3, 0))
    ax.text(out[0] - 0.2, 0, "$h$", ha="left", va="center", fontsize=12)

    if numbers is None:
        lines = [r"$z = \mathbf{w}^\top\mathbf{x} + b = \sum_i w_i x_i + b$", r"$h = \varphi(z)$"]
    else:
        z = float(w @ x + b)
        h = float(phi(z))
        terms = " + ".join(f"({wi:g})({xi:g})" for wi, xi in zip(w, x))
        lines = [f"$z = {terms} + ({b:g}) = {z:.4g}$", rf"$h = \varphi({z:.4g}) = {h:.4g}$"]
    ax.text(4.6, -1.25, "\n".join(lines), ha="center", va="top", fontsize=9.5, linespacing=1.6)
    ax.set_xlim(-1.3, 7.0)
    ax.set_ylim(-2.0, 1.7)
    return fig


# --- from threshold to smooth ------------------------------------------------------------

@styled
def threshold_versus_smooth(sharpness=(1.0, 3.0, 10.0)):
    """The step of McCulloch-Pitts and the perceptron against sigmoids sigma(k z), with derivatives."""
    sharpness = [float(k) for k in sharpness]
    if not sharpness or min(sharpness) <= 0:
        raise ValueError(f"sharpness values must be positive numbers; got {sharpness}")
    fig, (left, right) = new_figure(figsize=(8.0, 3.2), ncols=2)
    z = np.linspace(-4, 4, 801)
    step = np.heaviside(z, 1.0)
    left.plot(z[z < 0], step[z < 0], color=COLORS["black"], lw=2.2, label="step $H(z)$")
    left.plot(z[z >= 0], step[z >= 0], color=COLORS["black"], lw=2.2)
    right.plot(z, np.zeros_like(z), color=COLORS["black"], lw=2.2, label="$H'(z) = 0$ for $z \\neq 0$")
    right.plot([0], [0], "o", mfc="white", mec=COLORS["black"], ms=6, zorder=4)
    colors = [COLORS["sky"], COLORS["blue"], COLORS["vermillion"], COLORS["green"], COLORS["purple"]]
    for k, color in zip(sharpness, colors * len(sharpness)):
        left.plot(z, activations.sigmoid(k * z), color=color, label=rf"$\sigma({k:g}z)$")
        right.plot(z, k * activations.sigmoid_prime(k * z), color=color,
                   label=rf"$\frac{{d}}{{dz}}\sigma({k:g}z)$")
    left.set(xlabel="$z$", ylabel="output", title="threshold and its smooth versions")
    right.set(xlabel="$z$", ylabel="derivative", title="their derivatives")
    right.set_ylim(-0.1, max(sharpness) / 4 * 1.1)
    left.legend(loc="upper left", fontsize=8)
    right.legend(loc="upper left", fontsize=8)
    return fig


# --- logic gates and linear separability --------------------------------------------------

GATES = {
    "AND": ((0, 0, 0, 1), (1.0, 1.0, -1.5)),
    "OR": ((0, 1, 1, 1), (1.0, 1.0, -0.5)),
    "XOR": ((0, 1, 1, 0), None),
}
CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


@styled
def logic_gates():
    """AND and OR with a separating line w^T x + b = 0; XOR, which no line separates."""
    fig, axes = new_figure(figsize=(8.4, 3.3), ncols=3)
    t = np.linspace(-0.5, 1.5, 2)
    for ax, (name, (outputs, line)) in zip(axes, GATES.items()):
        outputs = np.array(outputs)
        ax.scatter(*CORNERS[outputs == 1].T, s=90, color=COLORS["vermillion"], marker="o",
                   label="output 1", zorder=3)
        ax.scatter(*CORNERS[outputs == 0].T, s=90, facecolor="white", edgecolor=COLORS["blue"],
                   linewidth=2, marker="s", label="output 0", zorder=3)
        if line is not None:
            w1, w2, b = line
            ax.plot(t, -(w1 * t + b) / w2, color=COLORS["black"], lw=1.5)
            ax.text(-0.35, -0.35, f"line: $x_1 + x_2 = {-b:g}$", fontsize=8.5, va="bottom")
            ax.set_title(f"{name}: separable")
        else:
            ax.set_title(f"{name}: no line separates")
        ax.set(xlim=(-0.4, 1.4), ylim=(-0.4, 1.4), xlabel="$x_1$", ylabel="$x_2$", aspect="equal",
               xticks=[0, 1], yticks=[0, 1])
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=9)
    return fig


# --- a feedforward network ----------------------------------------------------------------

def _check_sizes(sizes, highlight):
    sizes = list(sizes)
    if len(sizes) < 2 or any(int(n) != n or not 1 <= n <= 8 for n in sizes):
        raise ValueError(f"sizes must list at least 2 layer widths, each a whole number 1..8; got {sizes}")
    sizes = [int(n) for n in sizes]
    if highlight is not None:
        j, k = highlight
        if not (1 <= j < len(sizes) and 0 <= k < sizes[j]):
            raise ValueError(
                f"highlight must be (layer j in 1..{len(sizes) - 1}, neuron k in 0..n_j - 1); "
                f"got {highlight}"
            )
    return sizes


@styled
def feedforward_diagram(sizes=(3, 4, 4, 2), highlight=(1, 0)):
    """Layers of neurons, every neuron of a layer feeding every neuron of the next.

    ``highlight = (j, k)`` colours the weights into neuron k (counted from 0) of
    layer j: column k of W^(j-1,j).
    """
    sizes = _check_sizes(sizes, highlight)
    L = len(sizes) - 1
    fig, ax = new_figure(figsize=(7.6, 3.8))
    ax.set_axis_off()
    positions = [[(2.2 * j, y) for y in (np.arange(n) - (n - 1) / 2)[::-1] * 0.9] for j, n in enumerate(sizes)]
    for j in range(1, L + 1):
        for k, (xk, yk) in enumerate(positions[j]):
            lit = highlight is not None and (j, k) == tuple(highlight)
            for xi, yi in positions[j - 1]:
                ax.plot([xi, xk], [yi, yk], color=COLORS["vermillion"] if lit else GREY,
                        lw=1.8 if lit else 0.6, alpha=1.0 if lit else 0.6, zorder=1 + lit)
    for j, layer in enumerate(positions):
        color = COLORS["blue"] if j == 0 else COLORS["green"] if j == L else COLORS["orange"]
        for k, (x, y) in enumerate(layer):
            lit = highlight is not None and (j, k) == tuple(highlight)
            ax.add_patch(Circle((x, y), 0.24, facecolor=color if lit else "white", edgecolor=color,
                                lw=1.8, zorder=3))
        bottom = min(y for _, y in layer) - 0.45
        top_of_all = (max(sizes) - 1) / 2 * 0.9 + 0.5
        name = ("input layer" if j == 0 else "output layer" if j == L else f"hidden layer {j}")
        vector = (r"$\mathbf{h}^{(0)} = \mathbf{x}$" if j == 0 else
                  rf"$\hat{{\mathbf{{y}}}} = \mathbf{{h}}^{{({j})}}$" if j == L else
                  rf"$\mathbf{{h}}^{{({j})}}$")
        ax.text(2.2 * j, top_of_all, name, ha="center", va="bottom", fontsize=9, color=color)
        ax.text(2.2 * j, bottom, f"{vector}\n$n_{j} = {sizes[j]}$", ha="center", va="top", fontsize=9)
        if j > 0:
            ax.text(2.2 * j - 1.1, -top_of_all - 0.1,
                    rf"$\mathbf{{W}}^{{({j - 1},{j})}}$: ${sizes[j - 1]} \times {sizes[j]}$",
                    ha="center", va="top", fontsize=9, color=GREY)
    if highlight is not None:
        j, k = highlight
        top_of_all = (max(sizes) - 1) / 2 * 0.9 + 0.5
        ax.text(1.1 * L, top_of_all + 0.45,
                rf"filled: neuron {k + 1} of layer {j}, $h = \varphi(\mathbf{{w}}^\top\mathbf{{h}}^{{({j - 1})}} + b)$,"
                "\n" rf"where $\mathbf{{w}}$ (the thick edges) is column {k + 1} of $\mathbf{{W}}^{{({j - 1},{j})}}$",
                ha="center", va="bottom", fontsize=8.5, color=COLORS["vermillion"])
    ax.set_aspect("equal")
    extent = (max(sizes) - 1) / 2 * 0.9
    ax.set_xlim(-0.9, 2.2 * L + 0.9)
    ax.set_ylim(-extent - 1.3, extent + (2.1 if highlight is not None else 1.0))
    return fig
