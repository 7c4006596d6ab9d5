"""Demos of chapter 2: finite differences across a kink, and zooming in on a point.

The functions come from :mod:`nnlearn.smooth`; only lines, markers and text move
from frame to frame. Text that changes per frame is plain text: parsing TeX on
every move would cost more than drawing the rest.
"""

import numpy as np
from matplotlib.patches import Rectangle

from .. import smooth
from ..plots.style import COLORS
from . import register
from .core import Demo, menu, slider

X = np.linspace(-2.0, 2.0, 801)

# --- (a) the central difference, and where it fails to converge --------------------------------

FD_FUNCTIONS = ["e^x", "|x|", "ReLU", "softplus"]
H_GRID = np.logspace(-3, 0, 121)               # the step sizes of the right-hand panel
# fixed vertical ranges per function (axis limits never change within a frame)
FD_LIMITS = {
    "e^x": ((-0.3, 7.6), (-0.3, 8.0), (-0.2, 5.6)),
    "|x|": ((-0.3, 2.2), (-1.4, 1.4), (-1.4, 1.4)),
    "ReLU": ((-0.3, 2.2), (-0.25, 1.25), (-0.25, 1.25)),
    "softplus": ((-0.3, 2.6), (-0.1, 1.1), (-0.1, 1.1)),
}


def _fd_setup(fig, p):
    name = p["function"]
    example = smooth.examples(p["beta"])[name]
    graph, slopes, steps = fig.subplots(1, 3)
    f_lim, df_lim, h_lim = FD_LIMITS[name]
    moving = {}
    moving["f"], = graph.plot([], [], color=COLORS["blue"], lw=2, animated=True, label="$f$")
    moving["secant"], = graph.plot([], [], color=COLORS["vermillion"], lw=1.2, animated=True,
                                   label="secant over $[x_0 - h, x_0 + h]$")
    moving["ends"], = graph.plot([], [], "o", color=COLORS["vermillion"], ms=4, animated=True)
    graph.set(xlim=(-2, 2), ylim=f_lim, xlabel="$x$", title=f"$f(x)$: {example.label}")
    graph.legend(loc="upper left", fontsize=7.5)

    moving["df"], = slopes.plot([], [], color=COLORS["blue"], lw=3, alpha=0.45, animated=True,
                                label="$f'$ (exact)")
    moving["fd"], = slopes.plot([], [], color=COLORS["vermillion"], lw=1.2, animated=True,
                                label="central difference")
    moving["x0_line"] = slopes.axvline(0.0, color=COLORS["black"], lw=0.8, ls=":", animated=True)
    slopes.set(xlim=(-2, 2), ylim=df_lim, xlabel="$x$", title="exact slope and estimate")
    slopes.legend(loc="upper left", fontsize=7.5)

    moving["left"] = steps.axhline(0.0, color=COLORS["orange"], ls=":", lw=1.5, animated=True,
                                   label="$f'(x_0^-)$")
    moving["right"] = steps.axhline(0.0, color=COLORS["green"], ls="--", lw=1.5, animated=True,
                                    label="$f'(x_0^+)$")
    moving["curve"], = steps.semilogx([], [], color=COLORS["vermillion"], lw=1.5, animated=True,
                                      label="estimate at $x_0$")
    moving["now"], = steps.plot([], [], "o", color=COLORS["vermillion"], ms=6, animated=True)
    steps.set(xlim=(H_GRID[0], H_GRID[-1]), ylim=h_lim, xlabel="step $h$",
              title="estimate at $x_0$ against $h$")
    steps.legend(loc="upper right", fontsize=7.5)
    return {"name": name, **moving}


def _fd_update(state, p):
    example = smooth.examples(p["beta"])[state["name"]]
    f, df, x0, h = example.f, example.df, p["x0"], 10.0 ** p["log_h"]
    state["f"].set_data(X, f(X))
    slope = float(smooth.central_difference(f, x0, h))
    reach = np.array([x0 - h - 0.6, x0 + h + 0.6])
    middle = 0.5 * (f(x0 - h) + f(x0 + h))      # the secant passes through both end points
    state["secant"].set_data(reach, middle + slope * (reach - x0))
    state["ends"].set_data([x0 - h, x0 + h], [f(x0 - h), f(x0 + h)])

    state["df"].set_data(X, df(X))
    state["fd"].set_data(X, smooth.central_difference(f, X, h))
    state["x0_line"].set_xdata([x0, x0])

    left, right = example.one_sided_derivatives(x0)
    state["left"].set_ydata([left, left])
    state["right"].set_ydata([right, right])
    estimates = [float(smooth.central_difference(f, x0, step)) for step in H_GRID]
    state["curve"].set_data(H_GRID, estimates)
    state["now"].set_data([h], [slope])


def _fd_describe(p):
    example = smooth.examples(p["beta"])[p["function"]]
    x0, h = p["x0"], 10.0 ** p["log_h"]
    estimate = float(smooth.central_difference(example.f, x0, h))
    left, right = example.one_sided_derivatives(x0)
    return (f"<p>At x₀ = {x0:.2f} with h = {h:.3g}: central difference {estimate:.4f}; "
            f"slope from the left {left:.4f}, from the right {right:.4f}; "
            f"their average {(left + right) / 2:.4f}.</p>")


@register
def finite_differences():
    """The central difference of e^x, |x|, ReLU and softplus_beta, as the step h shrinks."""
    return Demo(
        "The central difference at a kink",
        [menu("function", "function f", FD_FUNCTIONS),
         slider("log_h", "step: log₁₀ h", -3, 0, -0.5, 0.05),
         slider("x0", "point x₀", -1.5, 1.5, 0.0, 0.05),
         slider("beta", "softplus sharpness β", 1, 40, 5.0, 0.5)],
        _fd_setup, _fd_update, describe=_fd_describe, figsize=(10.0, 3.4),
        alt="Three panels: the chosen function with a secant through x0 - h and x0 + h; the exact "
            "derivative with the central-difference estimate for step h; and the estimate at x0 "
            "against h on a log scale, with the left and right derivatives as horizontal lines.",
    )


# --- (b) zooming in on a point ------------------------------------------------------------------

ZOOM_FUNCTIONS = {                     # menu entry -> (name in smooth.examples, beta)
    "e^x": ("e^x", 1.0),
    "|x|": ("|x|", 1.0),
    "ReLU": ("ReLU", 1.0),
    "x|x|": ("x|x|", 1.0),
    "softplus, β = 1": ("softplus", 1.0),
    "softplus, β = 100": ("softplus", 100.0),
}
ZOOM_POINTS = [0.0, 0.5, -1.0]
MAX_ZOOM = 4.0                         # the window half-width goes from 1 down to 10^-4
U = np.linspace(-1.0, 1.0, 401)        # window coordinates


def _zoom_example(choice):
    name, beta = ZOOM_FUNCTIONS[choice]
    return smooth.examples(beta)[name]


def _zoom_setup(fig, p):
    example, x0 = _zoom_example(p["function"]), p["point"]
    whole, near = fig.subplots(1, 2, width_ratios=[1, 1.25])
    f0 = float(example.f(x0))
    # the magnified graph's range over every zoom level, so that its axes can stay fixed
    views = [smooth.magnify(example.f, x0, 10.0 ** -k, U) for k in np.linspace(0, MAX_ZOOM, 9)]
    low, high = min(v.min() for v in views), max(v.max() for v in views)
    pad = 0.1 * max(high - low, 0.5)
    low, high = low - pad, high + pad

    whole.plot(X, example.f(X), color=COLORS["blue"], lw=2)
    whole.plot([x0], [f0], "o", color=COLORS["vermillion"], ms=5)
    window = Rectangle((x0 - 1, f0 + low), 2, high - low, fill=False, edgecolor=COLORS["vermillion"],
                       lw=1.5, animated=True)
    whole.add_patch(window)
    whole.set(xlim=(-2, 2), ylim=(float(np.min(example.f(X))) - 1.0, float(np.max(example.f(X))) + 1.0),
              xlabel="$x$", title=f"{example.label} and the window around $x_0 = {x0:g}$")

    left, right = example.one_sided_derivatives(x0)
    half = np.array([-1.0, 0.0, 1.0])
    kink = not np.isclose(left, right, rtol=1e-6, atol=1e-9)
    near.plot(half, [-left, 0.0, right], color=COLORS["black"], ls="--", lw=1,
              label="one-sided tangents" if kink else "tangent line")
    curve, = near.plot([], [], color=COLORS["blue"], lw=2.5, animated=True, label="$f$ in the window")
    text = near.text(0.03, 0.97, "", transform=near.transAxes, va="top", fontsize=8.5, animated=True,
                     bbox=dict(boxstyle="round", facecolor="white", alpha=0.85, edgecolor="none"))
    near.set(xlim=(-1, 1), ylim=(low, high), xlabel="$(x - x_0)\\,/\\,$width",
             ylabel="$(f(x) - f(x_0))\\,/\\,$width", title="inside the window, magnified")
    near.legend(loc="lower right", fontsize=8)
    return {"example": example, "x0": x0, "f0": f0, "low": low, "high": high,
            "window": window, "curve": curve, "text": text}


def _zoom_update(state, p):
    width = 10.0 ** -p["zoom"]
    example, x0 = state["example"], state["x0"]
    state["curve"].set_data(U, smooth.magnify(example.f, x0, width, U))
    state["window"].set_bounds(x0 - width, state["f0"] + width * state["low"], 2 * width,
                               width * (state["high"] - state["low"]))
    gap = smooth.gap_from_line(example.f, x0, width)
    state["text"].set_text(f"window: x0 ± {width:.1e}\nmagnified {1 / width:.3g} times\n"
                           f"gap from a straight line: {gap:.2g}")


@register
def zoom_in():
    """Magnify the graph around a point: a smooth graph straightens, a kink stays a kink."""
    return Demo(
        "Zooming in on a point",
        [menu("function", "function f", list(ZOOM_FUNCTIONS)),
         menu("point", "point x₀", ZOOM_POINTS),
         slider("zoom", "zoom: log₁₀ magnification", 0, MAX_ZOOM, 0.0, 0.1)],
        _zoom_setup, _zoom_update, figsize=(8.6, 3.5),
        alt="Left, the graph of the chosen function with a small rectangle around the point x0; "
            "right, the part of the graph inside the rectangle, magnified so that the rectangle fills "
            "the panel, with the tangent line or the two one-sided tangents dashed.",
    )
