"""Every figure of the course. One module per chapter; ``style`` holds the shared look.

A plotting function returns a ``matplotlib.figure.Figure``. In a notebook,
ending a cell with that figure displays it (a PNG formatter for ``Figure`` is
registered below), so no pyplot state is ever needed.
"""

from .style import COLORS, new_figure, to_png  # noqa: F401


def _register_png_formatter():
    try:
        from IPython import get_ipython
    except ImportError:          # plain Python: nothing to register
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure
    shell.display_formatter.formatters["image/png"].for_type(Figure, to_png)


_register_png_formatter()
