"""One look for every figure: colour-blind-safe colours, readable sizes, no pyplot state.

Colours are the Okabe-Ito palette (Okabe & Ito, 2008), distinguishable under
the common forms of colour blindness. Figures are plain ``matplotlib.figure.Figure``
objects with an Agg canvas: no global pyplot state, nothing to close, and the
same object serves a static figure, a widget frame and a benchmark.
"""

import io

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = [COLORS[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]
START, END = COLORS["blue"], COLORS["vermillion"]   # start and end points of a path
SEQUENTIAL = "viridis"                              # perceptually uniform, colour-blind safe
DIVERGING = "PuOr"

STYLE = {
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "axes.titlesize": 11,
    "legend.frameon": False,
    "image.cmap": SEQUENTIAL,
}


def new_figure(figsize=(6.4, 4.0), dpi=100, **subplots):
    """(fig, axes) with the course style; ``subplots`` go to ``Figure.subplots``."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(**subplots) if subplots else fig.subplots()
    return fig, axes


def styled(function):
    """Run a drawing function under the course style (rc settings apply at draw-call time)."""
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(STYLE):
            return function(*args, **kwargs)
    wrapper.__name__, wrapper.__doc__ = function.__name__, function.__doc__
    return wrapper


def to_png(fig, dpi=None):
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi or fig.dpi)
    return buffer.getvalue()
