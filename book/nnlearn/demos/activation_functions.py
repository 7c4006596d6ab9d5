"""Demos of chapter 3, "Activation functions".

* :func:`activation_explorer`: an activation scaled as a * phi(omega z), with its
  derivative a * omega * phi'(omega z) and the saturated region shaded.
* :func:`hidden_layer_fit`: a one-hidden-layer network fitted to a 1-D target by
  full-batch gradient descent, for a chosen activation, width and number of steps.
"""

import numpy as np
from matplotlib.colors import to_rgba

from .. import activations, network
from ..plots.style import COLORS
from . import register
from .core import Demo, int_slider, menu, slider

HIDDEN = ("relu", "leaky_relu", "tanh", "sigmoid", "softplus",
          "sine", "triangle", "sawtooth", "square")
SATURATION = 0.01
Z_MAX = 2 * np.pi


def scaled(name, amplitude, frequency, z):
    """(g, g') for g(z) = a * phi(omega z): the chain rule gives g'(z) = a * omega * phi'(omega z)."""
    act = activations.get(name)
    return amplitude * act.f(frequency * z), amplitude * frequency * act.df(frequency * z)


def _broken(z, values, jump):
    """Insert NaN where consecutive values differ by more than ``jump``, so that a
    line plot shows a discontinuity as a gap instead of a vertical stroke."""
    cuts = np.flatnonzero(np.abs(np.diff(values)) > jump) + 1
    return np.insert(z, cuts, np.nan), np.insert(values, cuts, np.nan)


def _mask_image(mask, rgba):
    """A 1 x N RGBA strip: ``rgba`` where mask is True, transparent elsewhere."""
    image = np.zeros((1, mask.size, 4))
    image[0, mask] = rgba
    return image


@register
def activation_explorer():
    """phi and phi' under a * phi(omega z), with |g'| < 0.01 shaded as saturated."""
    z = np.linspace(-Z_MAX, Z_MAX, 1201)
    shade = to_rgba("0.5", 0.22)
    limits = {"g": (-2.3, 2.3), "dg": (-3.3, 3.3)}

    def setup(fig, p):
        top, bottom = fig.subplots(2, 1, sharex=True)
        act = activations.get(p["activation"])
        state = {"z": z}
        for ax, key, label, base in ((top, "g", r"$a\,\varphi(\omega z)$", act.f),
                                     (bottom, "dg", r"$a\,\omega\,\varphi'(\omega z)$", act.df)):
            ax.set_xlim(-Z_MAX, Z_MAX)
            ax.set_ylim(*limits[key])
            ax.set_ylabel(label)
            ax.axhline(0, color="0.6", lw=0.8)
            # the unscaled function, for reference (it changes only with the menu)
            ax.plot(*_broken(z, base(z), 0.5), color="0.7", lw=1.2, ls=":")
            state[key + "_strip"] = ax.imshow(
                np.zeros((1, z.size, 4)), extent=(-Z_MAX, Z_MAX, *limits[key]), aspect="auto",
                interpolation="nearest", origin="lower", animated=True, zorder=0)
            colour = COLORS["blue"] if key == "g" else COLORS["vermillion"]
            state[key + "_line"], = ax.plot([], [], color=colour, lw=2, animated=True)
        bottom.set_xlabel("$z$")
        bottom.set_xticks(np.pi * np.arange(-2, 3))
        bottom.set_xticklabels([r"$-2\pi$", r"$-\pi$", "0", r"$\pi$", r"$2\pi$"])
        top.set_title(f"{p['activation']}: grey = saturated, $|g'(z)| < {SATURATION}$; "
                      "dotted = $a = \\omega = 1$", fontsize=10)
        state["text"] = top.text(0.02, 0.95, "", transform=top.transAxes, va="top", fontsize=9,
                                 animated=True, bbox=dict(facecolor="white", alpha=0.8, lw=0))
        return state

    def update(state, p):
        g, dg = scaled(p["activation"], p["amplitude"], p["frequency"], state["z"])
        mask = np.abs(dg) < SATURATION
        for key, values in (("g", g), ("dg", dg)):
            # a jump of the unscaled function or derivative by more than 0.5 is drawn as a gap
            jump = 0.5 * p["amplitude"] * (p["frequency"] if key == "dg" else 1.0)
            state[key + "_line"].set_data(*_broken(state["z"], values, jump))
            state[key + "_strip"].set_data(_mask_image(mask, shade))
        state["text"].set_text(f"saturated on {100 * mask.mean():.0f}% of the window\n"
                               f"largest $|g'|$ = {np.abs(dg).max():.3g}")

    def describe(p):
        a, w = p["amplitude"], p["frequency"]
        return (f"<p>g(z) = {a:.3g} &middot; {p['activation']}({w:.3g} z), "
                f"g&prime;(z) = {a * w:.3g} &middot; {p['activation']}&prime;({w:.3g} z)</p>")

    return Demo(
        "Activation explorer: amplitude and frequency",
        [menu("activation", "activation", HIDDEN, value="sigmoid"),
         slider("frequency", "frequency ω", 0.25, 3.0, 1.0, step=0.05),
         slider("amplitude", "amplitude a", 0.25, 2.0, 1.0, step=0.05)],
        setup, update, describe, figsize=(7.0, 4.6),
        alt="Two panels sharing the z axis: the chosen activation scaled as a times phi of "
            "omega z, and its derivative; grey bands mark where the derivative is below 0.01.",
    )


# --- fitting a 1-D target with one hidden layer ---------------------------------------------

def sine_plus_step(x):
    """The target of the fitting demo: a smooth wave plus a jump at x = 1."""
    x = np.asarray(x, dtype=float)
    return 0.5 * np.sin(2 * x) + (x > 1.0)


FIT_X = np.linspace(-np.pi, np.pi, 121)[:, None]          # the training inputs, one per row
FIT_LR = 0.05
FIT_STEPS = 4000
FIT_RECORD = 250


def fit_learning_rate(width):
    """The step size for ``width`` hidden units: FIT_LR up to 8 units, then FIT_LR * 8 / width.

    The curvature of the loss along the output weights grows with the number of
    units (it is about width times the mean squared hidden output), so a fixed
    step that suits 8 units makes 32 ReLU units diverge.
    """
    return FIT_LR * min(1.0, 8.0 / width)


def fit_snapshots(activation, width, steps=FIT_STEPS, record=FIT_RECORD, lr=None, seed=0):
    """Train a 1-width-1 network on sine_plus_step by full-batch gradient descent.

    Returns ``{step: (W, b, loss)}`` for step = 0, record, 2 record, ..., steps.
    The step size is :func:`fit_learning_rate` unless ``lr`` is given.
    The first layer is drawn so that the hidden units' transitions are spread
    over [-pi, pi] (weights N(0, 1.5^2), biases uniform on [-pi, pi]); with the
    usual zero biases every unit would switch at x = 0. The output layer uses
    Xavier initialisation. The same seed gives the same start for every activation.
    """
    if int(width) < 1:
        raise ValueError(f"width must be a whole number >= 1; got {width!r}")
    activations.get(activation)                 # a clear error for an unknown name
    lr = fit_learning_rate(int(width)) if lr is None else lr
    rng = np.random.default_rng(seed)
    W, b = network.init_params([1, int(width), 1], rng, "xavier")
    W[1] = rng.normal(0.0, 1.5, (1, int(width)))
    b[1] = rng.uniform(-np.pi, np.pi, int(width))
    Y = sine_plus_step(FIT_X)
    snapshots = {}
    for step in range(steps + 1):
        loss, dW, db = network.loss_and_grads(FIT_X, Y, W, b, network.Spec(hidden=activation))
        if step % record == 0:
            snapshots[step] = ({j: w.copy() for j, w in W.items()},
                               {j: v.copy() for j, v in b.items()}, loss)
        if step < steps:
            for j in W:
                W[j] -= lr * dW[j]
                b[j] -= lr * db[j]
    return snapshots


@register
def hidden_layer_fit():
    """The fitted curve and each hidden unit's contribution, per activation, width and step."""
    cache = {}                                   # (activation, width) -> snapshots
    max_width = 32
    x = np.linspace(-np.pi, np.pi, 400)

    def snapshot(p):
        key = (p["activation"], p["width"])
        if key not in cache:
            cache[key] = fit_snapshots(*key)
        return cache[key][p["steps"] - p["steps"] % FIT_RECORD]   # the last recorded step

    def setup(fig, p):
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
        top.plot(FIT_X[:, 0], sine_plus_step(FIT_X[:, 0]), "o", ms=2.5, color="0.55",
                 label="training data")
        top.plot(x, sine_plus_step(x), color=COLORS["black"], lw=0.8, label="target")
        fitted, = top.plot([], [], color=COLORS["blue"], lw=2.2, animated=True, label="network")
        top.set(xlim=(-np.pi, np.pi), ylim=(-1.2, 2.0), ylabel=r"$\hat y(x)$")
        top.legend(loc="lower right", fontsize=8, ncols=3)
        text = top.text(0.02, 0.96, "", transform=top.transAxes, va="top", fontsize=9,
                        animated=True)
        palette = [COLORS[c] for c in ("orange", "green", "purple", "sky", "vermillion", "blue")]
        units = [bottom.plot([], [], lw=1, color=palette[k % len(palette)], animated=True)[0]
                 for k in range(max_width)]
        bottom.set(xlim=(-np.pi, np.pi), ylim=(-2.5, 2.5), xlabel="$x$",
                   ylabel="unit $k$: $w^{(1,2)}_{k}\\,h_k$")
        return {"fitted": fitted, "text": text, "units": units}

    def update(state, p):
        W, b, loss = snapshot(p)
        z, h = network.forward(x[:, None], W, b, network.Spec(hidden=p["activation"]))
        state["fitted"].set_data(x, h[2][:, 0])
        contributions = h[1] * W[2][:, 0]          # column k: w_k^(1,2) h_k(x)
        for k, line in enumerate(state["units"]):
            line.set_visible(k < p["width"])
            if k < p["width"]:
                line.set_data(x, contributions[:, k])
        state["text"].set_text(f"{p['activation']}, {p['width']} hidden units, "
                               f"{p['steps']} steps: loss {loss:.4f}")

    return Demo(
        "One hidden layer fitting a wave plus a step",
        [menu("activation", "hidden activation", HIDDEN, value="relu", rebuild=False),
         int_slider("width", "hidden units", 1, max_width, 8),
         int_slider("steps", "gradient-descent steps", 0, FIT_STEPS, FIT_STEPS, step=FIT_RECORD)],
        setup, update, figsize=(7.0, 4.8),
        alt="Top: training points of a wave with a jump, and the curve fitted by a network "
            "with one hidden layer. Bottom: the contribution of each hidden unit.",
    )
