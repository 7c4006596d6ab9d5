"""Figures and the comparison table of chapter 3, "Activation functions".

Every function returns a ``Figure`` (or, for the table, a Markdown string) and
takes everything it draws from :mod:`nnlearn.activations`, so that the pictures
show exactly the functions the rest of the course uses.
"""

import numpy as np

from .. import activations, network
from .style import COLORS, new_figure

MONOTONIC = ("sigmoid", "tanh", "relu", "leaky_relu", "softplus")
PERIODIC = ("sine", "triangle", "sawtooth", "square")
SATURATION = 0.01            # |phi'| below this counts as saturated, in the text and figures


def saturated(dphi, threshold=SATURATION):
    """Boolean mask of where |phi'| < threshold (the grey bands of the figures)."""
    return np.abs(np.asarray(dphi, dtype=float)) < threshold


def _shade(ax, z, mask, color="0.5", alpha=0.18, label=None):
    """Grey vertical bands over the runs of z where mask is True."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    for k, (start, stop) in enumerate(zip(edges[::2], edges[1::2])):
        ax.axvspan(z[start], z[stop - 1], color=color, alpha=alpha, lw=0,
                   label=label if k == 0 else None)


# --- the galleries ------------------------------------------------------------------

def monotonic_gallery(z_max=6.0):
    """phi and phi' for the five monotonic activations, saturated regions shaded."""
    fig, axes = new_figure(figsize=(10.0, 2.7), ncols=len(MONOTONIC), sharey=True)
    z = np.linspace(-z_max, z_max, 1201)
    for ax, name in zip(axes, MONOTONIC):
        act = activations.get(name)
        dphi = act.df(z)
        _shade(ax, z, saturated(dphi), label=r"$|\varphi'| < 0.01$")
        ax.plot(z, act.f(z), color=COLORS["blue"], lw=2, label=r"$\varphi(z)$")
        ax.plot(z, dphi, color=COLORS["vermillion"], lw=1.6, ls="--", label=r"$\varphi'(z)$")
        ax.set_title(name)
        ax.set_xlabel("$z$")
        ax.set_xlim(-z_max, z_max)
        ax.set_ylim(-1.3, 2.3)
    axes[0].legend(loc="upper left", fontsize=8)
    return fig


def periodic_gallery(periods=2):
    """phi and phi' for the four periodic activations; where phi' is undefined, the
    convention nnlearn.activations uses is marked with a dot."""
    fig, axes = new_figure(figsize=(10.0, 2.9), ncols=len(PERIODIC), sharey=True)
    z = np.linspace(-periods * np.pi, periods * np.pi, 2001)
    special = {
        "triangle": np.pi / 2 + np.pi * np.arange(-periods, periods),       # corners
        "sawtooth": np.pi * np.arange(-periods + 1, periods, 2),             # jumps
        "square": np.pi * np.arange(-periods, periods + 1),                  # jumps
    }
    for ax, name in zip(axes, PERIODIC):
        act = activations.get(name)
        f, dphi = act.f(z), act.df(z)
        if name in ("sawtooth", "square"):          # do not draw the vertical jumps
            jumps = np.flatnonzero(np.abs(np.diff(f)) > 0.5) + 1
            f = np.insert(f, jumps, np.nan)
            zf = np.insert(z, jumps, np.nan)
        else:
            zf = z
        ax.plot(zf, f, color=COLORS["blue"], lw=2, label=r"$\varphi(z)$")
        if name == "triangle":                      # phi' jumps at the corners
            steps = np.flatnonzero(np.abs(np.diff(dphi)) > 0.1) + 1
            dz, dphi_drawn = np.insert(z, steps, np.nan), np.insert(dphi, steps, np.nan)
        else:
            dz, dphi_drawn = z, dphi
        ax.plot(dz, dphi_drawn, color=COLORS["vermillion"], lw=1.6, ls="--",
                label=r"$\varphi'(z)$")
        if name in special:
            points = special[name]
            ax.plot(points, act.df(points), "o", ms=5, color=COLORS["vermillion"],
                    label=r"convention where $\varphi'$ is undefined")
            for p in points:
                ax.axvline(p, color="0.6", lw=0.8, ls=":")
        if name == "square":
            _shade(ax, z, saturated(dphi))
        ax.set_title(name)
        ax.set_xlabel("$z$")
        ax.set_xticks(np.pi * np.arange(-periods, periods + 1))
        ax.set_xticklabels([_pi_label(k) for k in range(-periods, periods + 1)])
        ax.set_ylim(-1.35, 1.6)
    axes[0].legend(loc="upper left", fontsize=7, ncols=1)
    axes[1].legend(handles=axes[1].lines[2:3], loc="upper left", fontsize=7)
    return fig


def _pi_label(k):
    return {0: "0", 1: r"$\pi$", -1: r"$-\pi$"}.get(k, rf"${k}\pi$")


# --- universal approximation: a staircase of sigmoids ----------------------------------

def staircase_target(x):
    """The continuous function the universal-approximation figure approximates on [0, 1]."""
    x = np.asarray(x, dtype=float)
    return 0.6 * np.sin(2 * np.pi * x) + 0.8 * x ** 2


def staircase_network(steps, steepness=None):
    """(W, b) of a one-hidden-layer sigmoid network that climbs ``staircase_target``
    in ``steps`` steps on [0, 1].

    Hidden neuron k is a steep sigmoid switching on at t_k = (k - 1/2) / steps;
    its output weight is the rise of the target between grid points k-1 and k,
    and the output bias is the target at 0. This is the construction behind the
    universal approximation theorem, written as an ordinary network.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1; got {steps}")
    steepness = 20.0 * steps if steepness is None else steepness
    grid = np.linspace(0.0, 1.0, steps + 1)
    switch = (np.arange(1, steps + 1) - 0.5) / steps
    rises = np.diff(staircase_target(grid))
    W = {1: np.full((1, steps), steepness), 2: rises[:, None]}
    b = {1: -steepness * switch, 2: np.array([staircase_target(0.0)])}
    return W, b


def universal_approximation(step_counts=(3, 10, 40)):
    """The target and the staircase networks with 3, 10 and 40 hidden sigmoids."""
    fig, axes = new_figure(figsize=(9.0, 2.9), ncols=len(step_counts), sharey=True)
    x = np.linspace(0, 1, 801)
    for ax, steps in zip(axes, step_counts):
        W, b = staircase_network(steps)
        y_hat = network.predict(x[:, None], W, b, network.Spec(hidden="sigmoid"))[:, 0]
        error = np.max(np.abs(y_hat - staircase_target(x)))
        ax.plot(x, staircase_target(x), color=COLORS["black"], lw=1.2, label="target $g(x)$")
        ax.plot(x, y_hat, color=COLORS["blue"], lw=2, label="network")
        ax.set_title(f"{steps} hidden sigmoids\nlargest error {error:.3f}")
        ax.set_xlabel("$x$")
    axes[0].legend(loc="upper left", fontsize=8)
    return fig


# --- the geometric view: a tanh layer untangles XOR -------------------------------------

# h1 = tanh(x1 + 0.8 x2 + 1) is on unless both inputs are negative (an OR),
# h2 = tanh(0.8 x1 + x2 - 1) is on only when both are positive (an AND);
# the two directions differ slightly so that the map is one-to-one: it bends the
# plane without folding it.
XOR_W = np.array([[1.0, 0.8], [0.8, 1.0]])
XOR_B = np.array([1.0, -1.0])
XOR_THRESHOLD = 0.9        # class 1 where h1 - h2 > 0.9: a straight line in hidden space


def xor_points(rng, per_cluster=40, spread=0.25):
    """Noisy XOR: clusters at (+-1, +-1); label 1 where the signs of x1 and x2 differ."""
    centres = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=float)
    labels = np.repeat([0, 0, 1, 1], per_cluster)
    X = np.repeat(centres, per_cluster, axis=0) + rng.normal(0, spread, (4 * per_cluster, 2))
    return X, labels


def tanh_layer(X):
    """h = tanh(W^T x + b) for the rows of X, with the hand-picked XOR weights."""
    return activations.tanh(X @ XOR_W + XOR_B)


def geometry(seed=3):
    """Input space (no line separates the classes) and the hidden space of a tanh
    layer (the line h1 - h2 = 0.9 does), with a grid showing how the plane is bent."""
    rng = np.random.default_rng(seed)
    X, labels = xor_points(rng)
    H = tanh_layer(X)
    fig, (left, right) = new_figure(figsize=(8.4, 3.9), ncols=2)
    colours = [COLORS["blue"], COLORS["orange"]]
    markers = ["o", "s"]
    t = np.linspace(-2.2, 2.2, 300)
    for c in np.linspace(-2, 2, 11):           # grid lines x1 = c and x2 = c, in both spaces
        for line in (np.column_stack([np.full_like(t, c), t]),
                     np.column_stack([t, np.full_like(t, c)])):
            left.plot(*line.T, color="0.82", lw=0.7)
            right.plot(*tanh_layer(line).T, color="0.82", lw=0.7)
    for k in (0, 1):
        rows = labels == k
        name = "same signs (class 0)" if k == 0 else "different signs (class 1)"
        left.scatter(*X[rows].T, s=14, color=colours[k], marker=markers[k], label=name, zorder=3)
        right.scatter(*H[rows].T, s=14, color=colours[k], marker=markers[k], zorder=3)
    u = np.linspace(-1.1, 1.1, 2)
    right.plot(u, u - XOR_THRESHOLD, color=COLORS["vermillion"], lw=2,
               label=f"$h_1 - h_2 = {XOR_THRESHOLD}$")
    # the same boundary pulled back to the input plane
    g = np.linspace(-2.2, 2.2, 301)
    G1, G2 = np.meshgrid(g, g)
    Hg = tanh_layer(np.stack([G1, G2], axis=-1))
    left.contour(G1, G2, Hg[..., 0] - Hg[..., 1], levels=[XOR_THRESHOLD],
                 colors=[COLORS["vermillion"]], linewidths=2)
    left.plot([], [], color=COLORS["vermillion"], lw=2, label="the same boundary")
    left.set(xlim=(-2.2, 2.2), ylim=(-2.2, 2.2), xlabel="$x_1$", ylabel="$x_2$",
             title="input space")
    right.set(xlim=(-1.1, 1.1), ylim=(-1.1, 1.1), xlabel="$h_1$", ylabel="$h_2$",
              title=r"hidden space, $\mathbf{h} = \tanh(\mathbf{W}^\top\mathbf{x} + \mathbf{b})$")
    for ax in (left, right):
        ax.set_aspect("equal")
        ax.grid(False)
    left.legend(loc="lower left", fontsize=7, framealpha=0.9, frameon=True)
    right.legend(loc="upper left", fontsize=8, framealpha=0.9, frameon=True)
    return fig


# --- periodicity: many minima ---------------------------------------------------------------

def periodic_fit_loss(w, frequency=3.0, samples=400):
    """Mean squared error of the one-neuron model sin(w x) against sin(frequency x) on [-pi, pi]."""
    x = np.linspace(-np.pi, np.pi, samples)
    w = np.asarray(w, dtype=float)
    fit = activations.sine(w[..., None] * x)
    return np.mean((fit - np.sin(frequency * x)) ** 2, axis=-1)


def periodic_landscape(frequency=3.0, w_max=8.0):
    """The loss of sin(w x) against sin(3x) as a function of the single weight w."""
    fig, ax = new_figure(figsize=(7.0, 3.0))
    w = np.linspace(-w_max, w_max, 1601)
    loss = periodic_fit_loss(w, frequency)
    inner = np.flatnonzero((loss[1:-1] < loss[:-2]) & (loss[1:-1] < loss[2:])) + 1
    ax.plot(w, loss, color=COLORS["blue"], lw=2)
    best = inner[np.argmin(loss[inner])]
    others = inner[inner != best]
    ax.plot(w[others], loss[others], "o", color=COLORS["orange"], ms=5, label="local minima")
    ax.plot(w[best], loss[best], "*", color=COLORS["vermillion"], ms=13,
            label=f"global minimum, $w = {w[best]:.2f}$")
    ax.set(xlabel="$w$", ylabel="loss", xlim=(-w_max, w_max),
           title=r"fitting $\sin(3x)$ with one neuron $\sin(wx)$")
    ax.legend(loc="upper right", fontsize=8, frameon=True, framealpha=0.9)
    return fig


# --- the comparison table -------------------------------------------------------------------
# Each row states phi' twice: as the LaTeX the reader sees, and as the numpy
# expression of that same formula, written independently of nnlearn.activations.
# The tests check every expression against finite differences of the
# activation, so a wrong formula in the table fails the suite.

def _sigma(z):
    return 1.0 / (1.0 + np.exp(-z))


COMPARISON = [
    dict(name="sigmoid",
         f=_sigma,
         formula=r"$\sigma(z) = \dfrac{1}{1+e^{-z}}$",
         derivative=r"$\sigma(z)\,(1-\sigma(z))$", df=lambda z: _sigma(z) * (1 - _sigma(z)),
         range=r"$(0, 1)$", saturates=r"both sides ($\lvert z\rvert > 4.6$)",
         cost="one exp, one division", use="binary output (a probability); gates"),
    dict(name="tanh",
         f=lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
         formula=r"$\tanh z = \dfrac{e^{z}-e^{-z}}{e^{z}+e^{-z}}$",
         derivative=r"$1-\tanh^2 z$", df=lambda z: 1 - np.tanh(z) ** 2,
         range=r"$(-1, 1)$", saturates=r"both sides ($\lvert z\rvert > 3.0$)",
         cost="exponentials", use="hidden layers needing zero-centred outputs; recurrent nets"),
    dict(name="relu",
         f=lambda z: np.maximum(0.0, z),
         formula=r"$\max(0, z)$",
         derivative=r"$1$ if $z>0$, $0$ if $z<0$", df=lambda z: np.where(z > 0, 1.0, 0.0),
         range=r"$[0, \infty)$", saturates=r"left side: $\varphi' = 0$ for $z < 0$",
         cost="one comparison", use="default for hidden layers of deep networks"),
    dict(name="leaky_relu",
         f=lambda z: np.where(z > 0, z, 0.01 * z),
         formula=r"$z$ if $z>0$, $0.01\,z$ if $z \le 0$",
         derivative=r"$1$ if $z>0$, $0.01$ if $z<0$", df=lambda z: np.where(z > 0, 1.0, 0.01),
         range=r"$(-\infty, \infty)$", saturates="no (slope $0.01$ on the left)",
         cost="one comparison, one product", use="deep networks where ReLUs die"),
    dict(name="softplus",
         f=lambda z: np.log(1 + np.exp(z)),
         formula=r"$\log(1 + e^{z})$",
         derivative=r"$\sigma(z)$", df=_sigma,
         range=r"$(0, \infty)$", saturates="left side ($z < -4.6$)",
         cost="one exp, one log", use="smooth ReLU; positive outputs (scales, rates)"),
    dict(name="sine",
         f=np.sin,
         formula=r"$\sin z$",
         derivative=r"$\cos z$", df=np.cos,
         range=r"$[-1, 1]$", saturates="no (zero only at isolated points)",
         cost="one sine", use="implicit neural representations (SIREN), signals"),
    dict(name="triangle",
         f=lambda z: 2 / np.pi * np.arcsin(np.sin(z)),
         formula=r"$\tfrac{2}{\pi}\arcsin(\sin z)$",
         derivative=r"$\tfrac{2}{\pi}\,\mathrm{sign}(\cos z)$",
         df=lambda z: 2 / np.pi * np.sign(np.cos(z)),
         range=r"$[-1, 1]$", saturates=r"no ($\lvert\varphi'\rvert = 2/\pi$)",
         cost="a remainder, an absolute value", use="research: piecewise-linear periodic unit"),
    dict(name="sawtooth",
         f=lambda z: np.mod(z + np.pi, 2 * np.pi) / np.pi - 1,
         formula=r"$\tfrac{1}{\pi}\big((z+\pi) \bmod 2\pi\big) - 1$",
         derivative=r"$\tfrac{1}{\pi}$ (jumps ignored)", df=lambda z: np.full_like(z, 1 / np.pi),
         range=r"$[-1, 1)$", saturates=r"no, but the jumps are invisible to $\varphi'$",
         cost="a remainder", use="rare; research"),
    dict(name="square",
         f=lambda z: np.sign(np.sin(z)),
         formula=r"$\mathrm{sign}(\sin z)$, right-continuous",
         derivative=r"$0$ (jumps ignored)", df=np.zeros_like,
         range=r"$\{-1, 1\}$", saturates=r"everywhere: $\varphi' = 0$",
         cost="a remainder, a comparison", use="not trainable by gradient descent"),
]


def comparison_table():
    """The chapter's comparison table as Markdown (MyST), one row per activation.

    Cells never contain a bare "|" (it would end the cell): absolute values are
    written with \\lvert and \\rvert.
    """
    header = ("| activation | $\\varphi(z)$ | $\\varphi'(z)$ | range | smooth? | monotonic? "
              "| saturates? | cost | typical use |")
    lines = [header, "|" + "---|" * 9]
    for row in COMPARISON:
        act = activations.get(row["name"])
        lines.append(
            f"| {row['name']} | {row['formula']} | {row['derivative']} | {row['range']} "
            f"| {'yes' if act.smooth else 'no'} | {'no' if act.periodic else 'yes'} "
            f"| {row['saturates']} | {row['cost']} | {row['use']} |"
        )
    return "\n".join(lines)
