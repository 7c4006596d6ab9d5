"""The two faces of every demo, from one drawing function.

A :class:`Demo` is a figure whose moving parts depend on a few parameters
(the controls). It is written once, as two functions:

``setup(fig, params) -> state``
    draws everything that does not move, creates the moving artists with
    ``animated=True`` and returns whatever ``update`` needs (usually a dict of
    artists). It is called again only when a control marked ``rebuild=True``
    changes (a different surface, a different activation).
``update(state, params) -> None``
    moves the animated artists for new parameter values (``set_data``,
    ``set_text``, ...). It never creates a figure and never changes axis limits.

An optional ``describe(params) -> str`` returns HTML shown under the figure
(a table of iterations, a few numbers).

From these, the demo offers:

* :meth:`Demo.frame`: one rendered frame. The static background is drawn once
  per rebuild key and cached; a frame only restores it and redraws the animated
  artists (blitting), which is what makes a slider feel immediate.
* :meth:`Demo.naive_frame`: the same picture drawn the naive way (a fresh figure
  per move, as ``interact`` around a plotting function does), for benchmarks.
* :meth:`Demo.live`: the ipywidgets face, for Jupyter.
* :meth:`Demo.static`: a self-contained HTML face for the website: precomputed
  frames with a real slider and a play button, in plain JavaScript, with no
  request outside the page.
* :meth:`Demo.show`: both at once, as one output. Jupyter shows the live widget;
  the website (which drops the widget mime type) shows the static face.
"""

import base64
import hashlib
import html
import io
import json
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ..plots.style import styled

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@dataclass
class Control:
    """One control: a slider (``kind`` "float" or "int") or a menu ("choice")."""

    name: str
    label: str
    kind: str
    value: Any
    min: Optional[float] = None
    max: Optional[float] = None
    step: Optional[float] = None
    options: Optional[list] = None
    rebuild: bool = False          # changing it redraws the static background

    def widget(self):
        import ipywidgets as w

        style = {"description_width": "initial"}
        layout = w.Layout(width="auto")
        if self.kind == "choice":
            return w.Dropdown(options=self.options, value=self.value, description=self.label,
                              style=style, layout=layout)
        cls = w.IntSlider if self.kind == "int" else w.FloatSlider
        extra = {} if self.kind == "int" else {"readout_format": ".3g"}
        return cls(value=self.value, min=self.min, max=self.max, step=self.step,
                   description=self.label, continuous_update=True, style=style,
                   layout=layout, **extra)

    def values(self, count=12):
        """Evenly spread values over the control's range (or all its options)."""
        if self.kind == "choice":
            return list(self.options)
        grid = np.linspace(self.min, self.max, count)
        if self.kind == "int":
            return sorted({int(round(v)) for v in grid})
        return [float(v) for v in grid]

    def check(self, value):
        if self.kind == "choice":
            if value not in self.options:
                raise ValueError(f"{self.name} must be one of {self.options}; got {value!r}")
        elif not (self.min <= value <= self.max):
            raise ValueError(f"{self.name} must lie in [{self.min}, {self.max}]; got {value!r}")


def slider(name, label, min, max, value, step=None, rebuild=False):
    """A float slider control."""
    step = step if step is not None else (max - min) / 100
    return Control(name, label, "float", float(value), float(min), float(max), float(step),
                   rebuild=rebuild)


def int_slider(name, label, min, max, value, step=1, rebuild=False):
    """An integer slider control."""
    return Control(name, label, "int", int(value), int(min), int(max), int(step), rebuild=rebuild)


def menu(name, label, options, value=None, rebuild=True):
    """A drop-down control; by default a new choice redraws the background."""
    options = list(options)
    return Control(name, label, "choice", options[0] if value is None else value,
                   options=options, rebuild=rebuild)


class Demo:
    """A figure driven by controls, drawn by ``setup`` once and ``update`` per move."""

    def __init__(self, title, controls, setup, update, describe=None, figsize=(6.4, 4.0),
                 dpi=72, alt=""):
        self.title = title
        self.controls = {c.name: c for c in controls}
        self._setup, self._update, self._describe = styled(setup), styled(update), describe
        self.figsize, self.dpi = figsize, dpi
        self.alt = alt or title
        self._canvases = {}        # rebuild key -> (fig, state, background, animated artists)

    # --- parameters ------------------------------------------------------------------
    @property
    def defaults(self):
        return {name: c.value for name, c in self.controls.items()}

    def params(self, **overrides):
        """Defaults updated with ``overrides``, each checked against its control."""
        unknown = set(overrides) - set(self.controls)
        if unknown:
            raise ValueError(
                f"{self.title}: unknown control(s) {sorted(unknown)}; "
                f"the controls are {sorted(self.controls)}"
            )
        params = {**self.defaults, **overrides}
        for name, value in overrides.items():
            self.controls[name].check(value)
        return params

    def _rebuild_key(self, params):
        return tuple((n, params[n]) for n, c in self.controls.items() if c.rebuild)

    # --- rendering -------------------------------------------------------------------
    def _new_figure(self, dpi):
        fig = Figure(figsize=self.figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        return fig

    def _canvas(self, params):
        key = self._rebuild_key(params)
        if key not in self._canvases:
            fig = self._new_figure(self.dpi)
            state = self._setup(fig, params)
            fig.canvas.draw()                       # lays out, then freezes the layout:
            fig.set_layout_engine("none")           # moving artists must not move the axes
            # drawn in z-order, as a full redraw would (findobj lists them in creation order)
            animated = sorted(fig.findobj(lambda a: a.get_animated()), key=lambda a: a.get_zorder())
            fig.canvas.draw()                       # animated artists are skipped here
            background = fig.canvas.copy_from_bbox(fig.bbox)
            self._canvases[key] = (fig, state, background, animated)
        return self._canvases[key]

    def frame(self, fmt="png", quality=85, **overrides):
        """One frame as image bytes (PNG, or JPEG for compact static faces)."""
        params = self.params(**overrides)
        fig, state, background, animated = self._canvas(params)
        self._update(state, params)
        canvas = fig.canvas
        canvas.restore_region(background)
        for artist in animated:
            if artist.get_visible():
                fig.draw_artist(artist)
        return _encode(canvas, fmt, quality)

    def naive_frame(self, **overrides):
        """The same frame drawn the naive way (a new figure, laid out and saved as PNG, per
        move), as an ``interact`` around a plotting function does. For benchmarks."""
        params = self.params(**overrides)
        fig = self._new_figure(self.dpi)
        state = self._setup(fig, params)
        self._update(state, params)
        for artist in fig.findobj(lambda a: a.get_animated()):
            artist.set_animated(False)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()

    def describe(self, **overrides):
        return self._describe(self.params(**overrides)) if self._describe else ""

    # --- the live face -----------------------------------------------------------------
    def live(self):
        """ipywidgets controls above the figure (and the description, if any)."""
        import ipywidgets as w

        inputs = {name: c.widget() for name, c in self.controls.items()}
        image = w.Image(value=self.frame(), format="png",
                        layout=w.Layout(width="100%", max_width=f"{self._pixels()[0]}px"))
        text = w.HTML(self.describe())

        def redraw(_change=None):
            values = {name: control.value for name, control in inputs.items()}
            image.value = self.frame(**values)
            if self._describe:
                text.value = self.describe(**values)

        for control in inputs.values():
            control.observe(redraw, names="value")
        box = w.VBox([w.HTML(f"<b>{html.escape(self.title)}</b>"),
                      w.HBox(list(inputs.values()), layout=w.Layout(flex_flow="row wrap")),
                      image, text])
        box.add_class("nnl-demo-live")
        return box

    # --- the static face ---------------------------------------------------------------
    def static(self, sweep=None, values=None, frames=None, labels=None, fmt="jpeg",
               quality=80, **fixed):
        """A self-contained HTML player of precomputed frames.

        Either sweep one control (``sweep="lr"``, ``values=[...]``, other
        controls fixed by keyword) or pass ``frames``, a list of parameter
        dicts, with their ``labels``.
        """
        if frames is None:
            sweep = sweep or next(iter(self.controls))
            if sweep not in self.controls:
                raise ValueError(f"cannot sweep {sweep!r}; the controls are {sorted(self.controls)}")
            control = self.controls[sweep]
            values = control.values() if values is None else list(values)
            frames = [{**fixed, sweep: v} for v in values]
            labels = labels or [f"{control.label} {_fmt(v)}" for v in values]
        if not frames:
            raise ValueError("a static demo needs at least one frame")
        labels = labels or [", ".join(f"{k} = {_fmt(v)}" for k, v in f.items()) for f in frames]
        mime = "image/jpeg" if fmt == "jpeg" else "image/png"
        images = [f"data:{mime};base64," + base64.b64encode(self.frame(fmt, quality, **f)).decode()
                  for f in frames]
        texts = [self.describe(**f) for f in frames] if self._describe else None
        return StaticDemo(self.title, self.alt, images, labels, texts, self._pixels())

    def show(self, **static_options):
        """Live widget in Jupyter, static player on the website, from one cell."""
        return TwoFaced(self, self.static(**static_options))

    def _pixels(self):
        return int(round(self.figsize[0] * self.dpi)), int(round(self.figsize[1] * self.dpi))


def _fmt(value):
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _encode(canvas, fmt, quality):
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    if fmt == "jpeg":
        image.convert("RGB").save(out, format="JPEG", quality=quality)
    elif fmt == "png":
        image.save(out, format="PNG", compress_level=1)
    else:
        raise ValueError(f"fmt must be 'png' or 'jpeg'; got {fmt!r}")
    return out.getvalue()


_PLAYER_JS = """
(function () {
  var root = document.getElementById(%(id)s);
  var data = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
  var img = root.querySelector('img'), slider = root.querySelector('input');
  var label = root.querySelector('output'), text = root.querySelector('.nnl-demo-text');
  var button = root.querySelector('button'), timer = null;
  function show(i) {
    img.src = data.images[i];
    label.textContent = data.labels[i];
    if (data.texts) { text.innerHTML = data.texts[i]; }
    slider.value = i;
    root.setAttribute('data-frame', i);
  }
  function stop() { clearInterval(timer); timer = null; button.textContent = '\\u25B6 Play'; }
  button.addEventListener('click', function () {
    if (timer) { stop(); return; }
    if (+slider.value >= data.images.length - 1) { show(0); }
    button.textContent = '\\u23F8 Pause';
    timer = setInterval(function () {
      var next = +slider.value + 1;
      if (next >= data.images.length) { stop(); } else { show(next); }
    }, 600);
  });
  slider.addEventListener('input', function () { stop(); show(+slider.value); });
  show(0);
})();
"""


class StaticDemo:
    """The website face: an HTML player over precomputed frames (no network, no widgets)."""

    def __init__(self, title, alt, images, labels, texts, pixels):
        self.title, self.alt, self.images, self.labels, self.texts = title, alt, images, labels, texts
        self.pixels = pixels

    def _repr_html_(self):
        payload = json.dumps({"images": self.images, "labels": self.labels, "texts": self.texts})
        uid = "nnl-demo-" + hashlib.sha1(payload.encode()).hexdigest()[:12]
        width, height = self.pixels
        last = len(self.images) - 1
        return (
            f'<div class="nnl-demo" id="{uid}" data-frame="0" data-frames="{len(self.images)}">'
            f'<div class="nnl-demo-title"><b>{html.escape(self.title)}</b></div>'
            f'<img src="{self.images[0]}" alt="{html.escape(self.alt)}" width="{width}" '
            f'height="{height}" style="max-width:100%;height:auto">'
            '<div class="nnl-demo-controls" style="display:flex;gap:0.6em;align-items:center">'
            '<button type="button">&#9654; Play</button>'
            f'<input type="range" min="0" max="{last}" value="0" step="1" '
            f'aria-label="{html.escape(self.title)}: frame" style="flex:1">'
            f'<output>{html.escape(self.labels[0])}</output></div>'
            f'<div class="nnl-demo-text">{self.texts[0] if self.texts else ""}</div>'
            '<p class="nnl-demo-note" style="font-size:0.85em;opacity:0.8">'
            "A static preview: drag the slider or press Play. To use every control live, "
            "download this page as a notebook (the download button above) and run it.</p>"
            f'<script type="application/json">{_script_safe(payload)}</script>'
            f"<script>{_PLAYER_JS % {'id': json.dumps(uid)}}</script></div>"
        )


def _script_safe(text):
    """JSON inside a <script> element must not contain '</'."""
    return text.replace("</", "<\\/")


class TwoFaced:
    """One output carrying both faces: the widget view for Jupyter, HTML for the website."""

    def __init__(self, demo, static):
        self.demo, self.static_face = demo, static

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.static_face._repr_html_(),
                  "text/plain": f"<demo: {self.demo.title}>"}
        try:
            widget_bundle = self.demo.live()._repr_mimebundle_()
        except ImportError:        # no ipywidgets: the static face alone
            return bundle
        bundle[WIDGET_MIME] = widget_bundle[WIDGET_MIME]
        return bundle
