"""The demo framework, and every registered demo of every chapter.

For each demo: the fast (blitted) frame equals a full redraw, every control moves the
picture, the static face is a self-contained player, and bad control values are named.
"""

import re
import warnings

import numpy as np
import pytest

from conftest import pixels
from nnlearn.demos import all_demos, core

DEMOS = all_demos()


def toy():
    def setup(fig, p):
        ax = fig.subplots()
        ax.set_xlim(-3, 3)
        ax.set_ylim(-2, 2)
        ax.plot([-3, 3], [0, 0], color="0.6")
        line, = ax.plot([], [], animated=True)
        return {"line": line, "x": np.linspace(-3, 3, 100), "ax": ax}

    def update(state, p):
        state["line"].set_data(state["x"], np.sin(p["w"] * state["x"]) * p["a"])

    return core.Demo("Toy", [core.slider("w", "w", 0.5, 3.0, 1.0),
                             core.int_slider("a", "a", 1, 2, 1),
                             core.menu("style", "style", ["x", "y"])],
                     setup, update, describe=lambda p: f"<p>w={p['w']:.2f}</p>")


def test_toy_frames_move_and_match_a_full_redraw():
    demo = toy()
    first, second = demo.frame(w=1.0), demo.frame(w=2.0)
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert first != second
    assert np.abs(pixels(second) - pixels(demo.naive_frame(w=2.0))).mean() < 0.5
    assert demo.frame(w=1.0) == first                       # the cached background is reused
    assert len(demo._canvases) == 1
    demo.frame(style="y")                                    # a rebuild control: a new background
    assert len(demo._canvases) == 2


def test_toy_static_face_is_self_contained():
    html = toy().static(sweep="w", values=[0.5, 1.0, 2.0])._repr_html_()
    assert html.count("data:image/jpeg;base64,") == 4      # first frame inline + 3 in the data
    assert 'data-frames="3"' in html
    assert "http://" not in html and "https://" not in html
    assert "<p>w=0.50</p>" in html and "w=2.00" in html     # first text inline, others in data
    assert re.search(r"<script type=\"application/json\">", html)


def test_toy_show_carries_both_faces():
    bundle = toy().show(sweep="w", values=[1.0, 2.0])._repr_mimebundle_()
    assert core.WIDGET_MIME in bundle and "text/html" in bundle


def test_bad_control_values_are_named():
    demo = toy()
    with pytest.raises(ValueError, match=r"w must lie in \[0.5, 3.0\]; got 9"):
        demo.frame(w=9)
    with pytest.raises(ValueError, match=r"style must be one of \['x', 'y'\]; got 'z'"):
        demo.frame(style="z")
    with pytest.raises(ValueError, match=r"unknown control\(s\) \['v'\]"):
        demo.frame(v=1)
    with pytest.raises(ValueError, match="cannot sweep 'v'"):
        demo.static(sweep="v")


def test_chapter_demos_are_registered():
    assert DEMOS, "no demo registered: chapter modules in nnlearn/demos must use @register"


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_every_control_renders_at_its_extremes_and_moves_the_picture(name):
    demo = DEMOS[name]()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for control in demo.controls.values():
            extremes = control.values(2)
            frames = [demo.frame(**{control.name: value}) for value in extremes]
            assert all(f[:8] == b"\x89PNG\r\n\x1a\n" for f in frames)
            if len(set(frames)) == 1:      # a control may matter only for some menu choice
                frames = [demo.frame(**{menu.name: option, control.name: value})
                          for menu in demo.controls.values() if menu.kind == "choice"
                          for option in menu.options for value in extremes]
                pairs = zip(frames[::2], frames[1::2])
                assert any(a != b for a, b in pairs), f"{name}: moving {control.name} changes nothing"


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_every_blitted_frame_equals_a_full_redraw(name):
    demo = DEMOS[name]()
    for control in demo.controls.values():
        value = control.values(3)[-1]
        fast = pixels(demo.frame(**{control.name: value}))
        full = pixels(demo.naive_frame(**{control.name: value}))
        assert fast.shape == full.shape
        assert np.abs(fast - full).mean() < 1.0, f"{name}: blitted frame differs from a redraw ({control.name})"


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_every_demo_has_a_static_face(name):
    demo = DEMOS[name]()
    first = next(iter(demo.controls))
    html = demo.static(sweep=first, values=demo.controls[first].values(3))._repr_html_()
    assert "data:image/jpeg;base64," in html and "https://" not in html
