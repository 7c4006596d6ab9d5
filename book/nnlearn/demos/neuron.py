"""Demos of chapter 1: one neuron over the input plane, and three neurons that compute XOR.

Both draw images with ``imshow`` and move them with ``set_data``: re-filling a
contour plot on every slider move would cost a full redraw, an image costs a
copy of its pixels.
"""

import numpy as np
from matplotlib import patheffects

from .. import network
from ..plots.neuron import STEP, activation_function
from ..plots.style import COLORS, DIVERGING, SEQUENTIAL
from . import register
from .core import Demo, menu, slider

# --- (a) one neuron over the plane -----------------------------------------------------

LIMIT = 3.0                                   # the plane shown is [-3, 3] x [-3, 3]
GRID = np.linspace(-LIMIT, LIMIT, 161)
X1, X2 = np.meshgrid(GRID, GRID)              # rows follow x2, columns x1 (origin="lower")

PHI_CHOICES = ["sigmoid", "tanh", "relu", "softplus", "identity", STEP]
# colour range per activation: bounded ones show their whole range; unbounded ones are
# clipped (the colour bar says so with a pointed end)
COLOR_RANGE = {
    "sigmoid": (0.0, 1.0, "neither"), STEP: (0.0, 1.0, "neither"),
    "tanh": (-1.0, 1.0, "neither"), "relu": (0.0, 5.0, "max"),
    "softplus": (0.0, 5.0, "max"), "identity": (-5.0, 5.0, "both"),
}


def boundary(w1, w2, b, limit=LIMIT):
    """Two points of the line w1 x1 + w2 x2 + b = 0 spanning the square [-limit, limit]^2.

    Returns ([], []) when w = 0: then z = b everywhere and there is no line.
    """
    if w2 != 0 and abs(w2) >= abs(w1):          # solve for x2: the line is not steep
        x1 = np.array([-limit, limit])
        return x1, -(w1 * x1 + b) / w2
    if w1 != 0:                                 # solve for x1
        x2 = np.array([-limit, limit])
        return -(w2 * x2 + b) / w1, x2
    return np.array([]), np.array([])


def _outlined():
    """A black rim, so that a white line shows on every colour of the map."""
    return [patheffects.Stroke(linewidth=3.5, foreground="black"), patheffects.Normal()]


def _neuron_setup(fig, p):
    ax = fig.subplots()
    low, high, extend = COLOR_RANGE[p["activation"]]
    cmap = DIVERGING if low < 0 else SEQUENTIAL
    image = ax.imshow(np.zeros_like(X1), origin="lower", extent=(-LIMIT, LIMIT, -LIMIT, LIMIT),
                      vmin=low, vmax=high, cmap=cmap, interpolation="bilinear", animated=True)
    fig.colorbar(image, ax=ax, extend=extend, label=f"$h = \\varphi(z)$, {p['activation']}")
    line, = ax.plot([], [], color="white", lw=2, animated=True, path_effects=_outlined(),
                    label="$z = 0$")
    arrow = ax.quiver([0.0], [0.0], [1.0], [0.0], angles="xy", scale_units="xy", scale=1,
                      color=COLORS["vermillion"], width=0.012, animated=True)
    text = ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top", fontsize=9, animated=True,
                   bbox=dict(boxstyle="round", facecolor="white", alpha=0.85, edgecolor="none"))
    ax.set(xlim=(-LIMIT, LIMIT), ylim=(-LIMIT, LIMIT), xlabel="$x_1$", ylabel="$x_2$", aspect="equal",
           title=r"$h = \varphi(w_1 x_1 + w_2 x_2 + b)$ over the input plane")
    ax.grid(False)
    return {"image": image, "line": line, "arrow": arrow, "text": text,
            "phi": activation_function(p["activation"])}


def _neuron_update(state, p):
    w1, w2, b = p["w1"], p["w2"], p["b"]
    state["image"].set_data(state["phi"](w1 * X1 + w2 * X2 + b))
    state["line"].set_data(*boundary(w1, w2, b))
    norm2 = w1 * w1 + w2 * w2
    foot = (-b * w1 / norm2, -b * w2 / norm2) if norm2 > 0 else (0.0, 0.0)
    state["arrow"].set_offsets([foot])          # w drawn from the point of the line nearest 0
    state["arrow"].set_UVC(w1, w2)
    # plain text, not mathtext: parsing TeX on every frame would cost more than the rest
    if norm2 > 0:
        where = f"line z = 0 at distance {abs(b) / np.sqrt(norm2):.2f} from the origin"
    else:
        where = f"w = 0: z = b = {b:.2g} everywhere, no line"
    state["text"].set_text(f"w = ({w1:.2g}, {w2:.2g}) (arrow), b = {b:.2g}\n{where}")


@register
def neuron_plane():
    """A two-input neuron: its output over the plane, the line z = 0, and the weight vector."""
    return Demo(
        "One neuron over the input plane",
        [menu("activation", "activation φ", PHI_CHOICES),
         slider("w1", "w₁", -3, 3, 1.0, 0.1),
         slider("w2", "w₂", -3, 3, 2.0, 0.1),
         slider("b", "b", -3, 3, -1.0, 0.1)],
        _neuron_setup, _neuron_update, figsize=(6.0, 4.6),
        alt="The output of one neuron as a coloured image over the plane x1, x2 from -3 to 3, "
            "with the straight line where z = 0 and the weight vector drawn perpendicular to it.",
    )


# --- (b) three neurons compute XOR -------------------------------------------------------------

XOR_LIMITS = (-0.5, 1.5)
XOR_GRID = np.linspace(*XOR_LIMITS, 121)
XOR_POINTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_TARGETS = np.array([0, 1, 1, 0])


def xor_params(sharpness, out_weight=-1.0):
    """Weights (W, b) of the 2-2-1 network of chapter 1, in the notation of chapter 4.

    Hidden neuron 1 fires when x1 + x2 > 0.5 (an OR), hidden neuron 2 when
    x1 + x2 > 1.5 (an AND); the output fires when h1 + out_weight * h2 > 0.5.
    With out_weight = -1 that is "OR but not AND": XOR. Every weight and bias is
    multiplied by ``sharpness``, which makes each sigmoid closer to a step
    without moving its line z = 0.
    """
    if not sharpness > 0:
        raise ValueError(f"sharpness must be > 0; got {sharpness!r}")
    W = {1: sharpness * np.array([[1.0, 1.0],
                                  [1.0, 1.0]]),
         2: sharpness * np.array([[1.0],
                                  [out_weight]])}
    b = {1: sharpness * np.array([-0.5, -1.5]),
         2: sharpness * np.array([-0.5])}
    return W, b


def xor_forward(X, sharpness, out_weight=-1.0):
    """(h1, h2, y_hat) at the rows of X, from nnlearn.network.forward with sigmoid layers."""
    W, b = xor_params(sharpness, out_weight)
    _, h = network.forward(X, W, b, network.Spec(hidden="sigmoid", output="sigmoid"))
    return h[1][:, 0], h[1][:, 1], h[2][:, 0]


_XOR_PLANE = np.stack(np.meshgrid(XOR_GRID, XOR_GRID), axis=-1).reshape(-1, 2)


def _xor_setup(fig, p):
    axes = fig.subplots(1, 3, sharey=True)
    titles = ["hidden neuron 1: $x_1 + x_2 > 0.5$", "hidden neuron 2: $x_1 + x_2 > 1.5$",
              r"output: $h_1 + v\,h_2 > 0.5$"]
    t = np.array(XOR_LIMITS)
    images = []
    for k, (ax, title) in enumerate(zip(axes, titles)):
        images.append(ax.imshow(np.zeros((XOR_GRID.size, XOR_GRID.size)), origin="lower",
                                extent=XOR_LIMITS * 2, vmin=0, vmax=1, cmap=SEQUENTIAL,
                                interpolation="bilinear", animated=True))
        # The lines and points never move, but they must be drawn over the moving image:
        # a frame redraws the animated artists, in the order they were added, over the
        # background, so they are animated too.
        for offset, style in ((0.5, "-"), (1.5, "--")):
            if k == 2 or (k == 0) == (offset == 0.5):
                ax.plot(t, offset - t, color="white", lw=1.5, ls=style, path_effects=_outlined(),
                        animated=True)
        ones, zeros = XOR_POINTS[XOR_TARGETS == 1], XOR_POINTS[XOR_TARGETS == 0]
        ax.scatter(*ones.T, s=60, color=COLORS["vermillion"], edgecolor="white", animated=True)
        ax.scatter(*zeros.T, s=60, marker="s", facecolor="white", edgecolor=COLORS["blue"],
                   linewidth=2, animated=True)
        ax.set(xlim=XOR_LIMITS, ylim=XOR_LIMITS, title=title, xlabel="$x_1$", aspect="equal",
               xticks=[0, 1], yticks=[0, 1])
        ax.title.set_fontsize(9)
        ax.grid(False)
    axes[0].set_ylabel("$x_2$")
    fig.colorbar(images[-1], ax=axes, shrink=0.8, label="neuron output")
    return {"images": images}


def _xor_update(state, p):
    outputs = xor_forward(_XOR_PLANE, p["sharpness"], p["out_weight"])
    for image, values in zip(state["images"], outputs):
        image.set_data(values.reshape(XOR_GRID.size, XOR_GRID.size))


def _xor_describe(p):
    y_hat = xor_forward(XOR_POINTS, p["sharpness"], p["out_weight"])[2]
    cells = "".join(f"<td>({a:g}, {b:g})</td><td>{t}</td><td>{y:.3f}</td></tr><tr>"
                    for (a, b), t, y in zip(XOR_POINTS, XOR_TARGETS, y_hat))
    return ("<table><tr><th>x</th><th>XOR</th><th>network output</th></tr><tr>"
            + cells.removesuffix("<tr>") + "</table>")


@register
def xor_network():
    """Two hidden neurons each cut the plane in two; the output neuron combines the halves."""
    return Demo(
        "Three neurons compute XOR",
        [slider("sharpness", "sharpness k", 0.5, 20, 10.0, 0.5),
         slider("out_weight", "output weight v on h₂", -2, 1, -1.0, 0.05)],
        _xor_setup, _xor_update, describe=_xor_describe, figsize=(9.0, 3.3),
        alt="Three square panels over x1, x2 from -0.5 to 1.5: the outputs of hidden neuron 1, "
            "hidden neuron 2 and the output neuron, with the four XOR input points marked.",
    )
