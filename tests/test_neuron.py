"""Chapter 1 (the neuron): its figures, its demos and the numbers they show."""

import numpy as np
import pytest

from conftest import draw_without_warnings
from nnlearn import activations
from nnlearn.demos import neuron as demos
from nnlearn.gradcheck import numerical_derivative, relative_error
from nnlearn.plots import neuron as plots

FIGURES = {
    "biological_neuron": lambda: plots.biological_neuron(),
    "neuron_diagram, symbols": lambda: plots.neuron_diagram(),
    "neuron_diagram, numbers": lambda: plots.neuron_diagram([2, -1, 0.5], [0.5, 1, -2], 0.5, "relu"),
    "neuron_diagram, step": lambda: plots.neuron_diagram(activation="step", d=2),
    "threshold_versus_smooth": lambda: plots.threshold_versus_smooth(),
    "logic_gates": lambda: plots.logic_gates(),
    "feedforward_diagram": lambda: plots.feedforward_diagram(),
    "feedforward_diagram, no highlight": lambda: plots.feedforward_diagram((2, 3, 1), None),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_is_drawn_without_warnings(name):
    draw_without_warnings(FIGURES[name])


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_neuron_diagram_prints_the_right_z_and_h(rng):
    x, w, b = rng.normal(size=3).round(2), rng.normal(size=3).round(2), 0.25
    z = sum(wi * xi for wi, xi in zip(w, x)) + b
    for name, h in [("sigmoid", 1 / (1 + np.exp(-z))), ("relu", max(z, 0.0)), ("tanh", np.tanh(z))]:
        text = "\n".join(_texts(plots.neuron_diagram(x, w, b, name)))
        assert f"= {z:.4g}$" in text, (name, text)
        assert f"= {h:.4g}$" in text, (name, text)


@pytest.mark.parametrize("bad", [
    dict(x=[1, 2], w=[1], b=0),           # lengths differ
    dict(x=[1, 2], w=None, b=0),          # half the numbers
    dict(x=[[1, 2]], w=[[1, 2]], b=0),    # not vectors
    dict(x=[1, 2], w=[1, 2], b=[0, 1]),   # bias not a number
    dict(x=list(range(7)), w=list(range(7)), b=0),
])
def test_neuron_diagram_rejects_bad_numbers(bad):
    with pytest.raises(ValueError):
        plots.neuron_diagram(**bad)


def test_neuron_diagram_rejects_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation"):
        plots.neuron_diagram(activation="swish-ish")


@pytest.mark.parametrize("sizes, highlight", [((3,), None), ((3, 0, 2), None), ((3, 2.5), None),
                                              ((3, 4, 2), (0, 0)), ((3, 4, 2), (1, 4)),
                                              ((3, 4, 2), (3, 0)), ((3, 9), None)])
def test_feedforward_diagram_rejects_bad_sizes(sizes, highlight):
    with pytest.raises(ValueError):
        plots.feedforward_diagram(sizes, highlight)


@pytest.mark.parametrize("sizes, highlight", [((3, 4, 4, 2), (1, 0)), ((2, 5, 1), (2, 0)),
                                              ((4, 3), (1, 2))])
def test_feedforward_diagram_draws_every_weight_and_highlights_one_column(sizes, highlight):
    fig = plots.feedforward_diagram(sizes, highlight)
    edges = [line for line in fig.axes[0].lines if len(line.get_xdata()) == 2]
    assert len(edges) == sum(a * b for a, b in zip(sizes, sizes[1:]))
    thick = [line for line in edges if line.get_linewidth() > 1]
    j, k = highlight
    assert len(thick) == sizes[j - 1]                  # one weight per neuron of layer j-1
    ends = {(line.get_xdata()[1], line.get_ydata()[1]) for line in thick}
    assert len(ends) == 1                              # all into the same neuron


def test_threshold_figure_plots_the_derivative_of_each_sigmoid():
    fig = plots.threshold_versus_smooth((0.5, 2.0, 7.0))
    left, right = fig.axes
    curves = [line for line in left.lines if line.get_label().startswith(r"$\sigma(")]
    slopes = [line for line in right.lines if "sigma" in line.get_label()]
    assert len(curves) == len(slopes) == 3
    for k, slope in zip((0.5, 2.0, 7.0), slopes):
        z = np.asarray(slope.get_xdata(), dtype=float)
        expected = numerical_derivative(lambda t: activations.sigmoid(k * t), z)
        assert relative_error(np.asarray(slope.get_ydata(), dtype=float), expected) < 1e-7


@pytest.mark.parametrize("bad", [(), (0.0,), (1.0, -2.0)])
def test_threshold_figure_rejects_bad_sharpness(bad):
    with pytest.raises(ValueError):
        plots.threshold_versus_smooth(bad)


def test_logic_gate_lines_separate_and_and_or():
    for name, (outputs, (w1, w2, b)) in [(n, g) for n, g in plots.GATES.items() if g[1] is not None]:
        z = plots.CORNERS @ np.array([w1, w2]) + b
        assert np.array_equal(z > 0, np.array(outputs) == 1), name


# --- demos -----------------------------------------------------------------------------


# Every control of every demo rendering at its extremes and moving the picture is
# checked for all registered demos at once, in tests/test_demos.py.


def test_every_activation_choice_changes_the_frame():
    demo = demos.neuron_plane()
    frames = {demo.frame(activation=choice) for choice in demos.PHI_CHOICES}
    assert len(frames) == len(demos.PHI_CHOICES)


@pytest.mark.parametrize("factory, bad", [
    (demos.neuron_plane, {"w1": 3.5}), (demos.neuron_plane, {"b": -10}),
    (demos.neuron_plane, {"activation": "cosh"}), (demos.neuron_plane, {"bias": 0}),
    (demos.xor_network, {"sharpness": 0.0}), (demos.xor_network, {"out_weight": 2}),
])
def test_demo_rejects_values_out_of_range(factory, bad):
    with pytest.raises(ValueError):
        factory().frame(**bad)


def test_boundary_points_lie_on_the_line(rng):
    for w1, w2, b in rng.uniform(-3, 3, size=(50, 3)):
        x1, x2 = demos.boundary(w1, w2, b)
        assert len(x1) == 2
        assert np.allclose(w1 * x1 + w2 * x2 + b, 0.0, atol=1e-9)
        assert np.max(np.abs(np.concatenate([x1, x2]))) >= demos.LIMIT - 1e-9   # spans the view
    assert [len(a) for a in demos.boundary(0.0, 0.0, 1.0)] == [0, 0]
    x1, x2 = demos.boundary(2.0, 0.0, -1.0)                                     # vertical line
    assert np.allclose(x1, 0.5)


def test_xor_network_computes_xor_and_matches_the_formula():
    X = demos.XOR_POINTS
    h1, h2, y_hat = demos.xor_forward(X, sharpness=10.0)
    assert np.array_equal(y_hat > 0.5, demos.XOR_TARGETS == 1)
    assert np.all(np.abs(y_hat - demos.XOR_TARGETS) < 0.05)
    # the same numbers written out neuron by neuron, without nnlearn.network
    s = lambda t: 1.0 / (1.0 + np.exp(-t))
    k, v = 3.0, -0.7
    h1, h2, y_hat = demos.xor_forward(X, k, v)
    e1 = s(k * (X[:, 0] + X[:, 1] - 0.5))
    e2 = s(k * (X[:, 0] + X[:, 1] - 1.5))
    assert np.allclose(h1, e1) and np.allclose(h2, e2)
    assert np.allclose(y_hat, s(k * (e1 + v * e2 - 0.5)))


def test_xor_network_with_zero_output_weight_is_or():
    y_hat = demos.xor_forward(demos.XOR_POINTS, 10.0, 0.0)[2]
    assert np.array_equal(y_hat > 0.5, np.array([False, True, True, True]))


def test_xor_params_follow_the_notation_and_reject_bad_sharpness():
    W, b = demos.xor_params(2.0)
    assert W[1].shape == (2, 2) and W[2].shape == (2, 1)     # (n_{j-1}, n_j)
    assert b[1].shape == (2,) and b[2].shape == (1,)
    with pytest.raises(ValueError, match="sharpness"):
        demos.xor_params(0.0)


def test_xor_table_lists_the_four_inputs():
    html = demos.xor_network().describe(sharpness=20.0)
    assert html.count("<tr>") == 5
    for a, b in demos.XOR_POINTS:
        assert f"({a:g}, {b:g})" in html
