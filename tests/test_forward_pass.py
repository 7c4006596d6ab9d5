"""Chapter 4, "Loss and forward propagation": the worked example, the loss gradients,
the batch form, and the chapter's figures and demos."""

import json
import re
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

from conftest import ROOT, draw_without_warnings, pixels
from nnlearn import examples, losses, network
from nnlearn.demos import forward_pass as demos
from nnlearn.gradcheck import numerical_derivative, numerical_gradient, relative_error
from nnlearn.plots import forward_pass as plots

NOTEBOOK = ROOT / "book" / "04_forward_pass.ipynb"


def by_hand(x, W, b):
    """The 2-3-1 forward pass with explicit loops over neurons and inputs: no nnlearn,
    no matrix products. Returns (products, z1, h1, z2) with products[j][i][k] the term
    W[j][i, k] * h[j-1][i] that enters neuron k of layer j."""
    products = {1: [[W[1][i][k] * x[i] for k in range(3)] for i in range(2)]}
    z1 = [sum(products[1][i][k] for i in range(2)) + b[1][k] for k in range(3)]
    h1 = [z if z > 0 else 0.0 for z in z1]
    products[2] = [[W[2][i][0] * h1[i]] for i in range(3)]
    z2 = sum(products[2][i][0] for i in range(3)) + b[2][0]
    return products, z1, h1, z2


@pytest.fixture
def example():
    return examples.forward_example()


def test_worked_example_by_hand_matches_nnlearn(example):
    x, W, b, y = example["x"], example["W"], example["b"], example["y"][0]
    _, z1, h1, z2 = by_hand(x.tolist(), {j: w.tolist() for j, w in W.items()},
                            {j: v.tolist() for j, v in b.items()})
    z, h = network.forward(x, W, b, example["spec"])
    np.testing.assert_allclose(z[1], z1, rtol=0, atol=1e-15)
    np.testing.assert_allclose(h[1], h1, rtol=0, atol=1e-15)
    np.testing.assert_allclose(z[2], [z2], rtol=0, atol=1e-15)
    np.testing.assert_allclose(h[2], [z2], rtol=0, atol=1e-15)
    loss = 0.5 * (y - z2) ** 2
    assert losses.mse(example["y"], h[2]) == pytest.approx(loss, abs=1e-15)
    assert losses.mse_grad(example["y"], h[2])[0] == pytest.approx(z2 - y, abs=1e-15)


def markdown_of(path):
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def shown(value):
    """A number as the text writes it: %g of the value rounded to 10 digits, no '-0'."""
    return f"{round(value, 10) + 0.0:g}"


def test_every_number_of_the_worked_example_is_in_the_text(example):
    """Each intermediate value computed by the loops appears in the chapter's markdown."""
    x, W, b, y = example["x"], example["W"], example["b"], example["y"][0]
    products, z1, h1, z2 = by_hand(x.tolist(), {j: w.tolist() for j, w in W.items()},
                                   {j: v.tolist() for j, v in b.items()})
    text = markdown_of(NOTEBOOK)
    start = text.index("## A 2-3-1 network by hand")
    section = text[start:text.index("## Many examples at once")]
    values = [p for row in products[1] for p in row] + [p[0] for p in products[2]]
    values += z1 + h1 + [z2, y - z2, (y - z2) ** 2, 0.5 * (y - z2) ** 2, z2 - y]
    numbers = set(re.findall(r"-?\d+(?:\.\d+)?", section))
    missing = [shown(v) for v in values if shown(v) not in numbers and shown(abs(v)) not in numbers]
    assert not missing, f"values computed by hand but not written in the text: {missing}"


def test_batch_form_is_the_single_example_form_transposed(example, rng):
    X = rng.normal(size=(7, 2))
    Z, H = network.forward(X, example["W"], example["b"], network.Spec(hidden="relu"))
    for i, x in enumerate(X):
        _, z1, h1, z2 = by_hand(x.tolist(), {j: w.tolist() for j, w in example["W"].items()},
                                {j: v.tolist() for j, v in example["b"].items()})
        np.testing.assert_allclose(Z[1][i], z1, atol=1e-12)
        np.testing.assert_allclose(H[1][i], h1, atol=1e-12)
        np.testing.assert_allclose(H[2][i], [z2], atol=1e-12)


# --- gradients of the losses ---------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1,), (4,), (5, 3)])
def test_mse_gradient_matches_finite_differences(shape, rng):
    y, y_hat = rng.normal(size=shape), rng.normal(size=shape)
    numeric = numerical_gradient(lambda v: losses.mse(y, v), y_hat)
    assert relative_error(losses.mse_grad(y, y_hat), numeric) < 1e-7


@pytest.mark.parametrize("rows", [None, 4])
def test_cross_entropy_gradient_matches_finite_differences(rows, rng):
    shape = (3,) if rows is None else (rows, 3)
    y_hat = losses.softmax(rng.normal(size=shape))          # strictly inside (0, 1)
    y = np.eye(3)[rng.integers(0, 3, size=shape[:-1])]
    numeric = numerical_gradient(lambda v: losses.cross_entropy(y, v), y_hat)
    assert relative_error(losses.cross_entropy_grad(y, y_hat), numeric) < 1e-7


@pytest.mark.parametrize("rows", [None, 4])
def test_softmax_cross_entropy_gradient_matches_finite_differences(rows, rng):
    shape = (5,) if rows is None else (rows, 5)
    z = 3 * rng.normal(size=shape)
    y = np.eye(5)[rng.integers(0, 5, size=shape[:-1])]
    numeric = numerical_gradient(lambda v: losses.softmax_cross_entropy(y, v), z)
    analytic = losses.softmax_cross_entropy_grad(y, z)
    assert relative_error(analytic, numeric) < 1e-7
    if rows is None:                                            # the text's form, y_hat - y
        np.testing.assert_allclose(analytic, losses.softmax(z) - y, atol=1e-15)


def test_softmax_example_numbers_of_the_text():
    y_hat = losses.softmax(np.array([2.0, 1.0, 0.1]))
    np.testing.assert_allclose(np.round(y_hat, 3), [0.659, 0.242, 0.099])
    assert -np.log(y_hat[0]) == pytest.approx(0.417, abs=5e-4)
    assert -np.log(y_hat[2]) == pytest.approx(2.317, abs=5e-4)
    np.testing.assert_allclose(np.round(y_hat - [1, 0, 0], 3), [-0.341, 0.242, 0.099])


def test_stable_softmax_and_cross_entropy_at_extreme_logits():
    z = np.array([1000.0, 999.0, 998.0])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(z) / np.exp(z).sum()
    assert np.all(np.isnan(naive))                              # what the text shows
    stable = losses.softmax(z)
    np.testing.assert_allclose(stable, losses.softmax(z - 1000.0))
    assert stable.sum() == pytest.approx(1.0)
    y = np.array([1.0, 0.0])
    assert losses.softmax_cross_entropy(y, np.array([-1000.0, 0.0])) == pytest.approx(1000.0)


def test_binary_cross_entropy_and_its_slope(rng):
    y, p = rng.uniform(0, 1, 50), rng.uniform(0.02, 0.98, 50)
    np.testing.assert_allclose(plots.binary_cross_entropy(y, p),
                               -y * np.log(p) - (1 - y) * np.log(1 - p), atol=1e-12)
    slope = plots.binary_cross_entropy_slope(y, p)
    np.testing.assert_allclose(slope, (p - y) / (p * (1 - p)), rtol=1e-12)
    numeric = np.array([numerical_derivative(lambda v: plots.binary_cross_entropy(yi, v), pi)
                        for yi, pi in zip(y, p)])
    assert relative_error(slope, numeric) < 1e-7


def test_mse_curve_and_its_tangent(rng):
    y, y_hat = 0.7, rng.uniform(-1, 2, 30)
    np.testing.assert_allclose(plots.mse_curve(y, y_hat), 0.5 * (y - y_hat) ** 2, atol=1e-15)
    numeric = numerical_derivative(lambda v: plots.mse_curve(y, v), y_hat)
    assert relative_error(y_hat - y, numeric) < 1e-7


@pytest.mark.parametrize("z, y", [(-5.0, 1.0), (0.3, 0.0), (2.0, 1.0)])
def test_sigmoid_output_gradients_of_the_exercise(z, y):
    sigma = lambda v: 1 / (1 + np.exp(-v))
    squared = lambda v: 0.5 * (y - sigma(v)) ** 2
    binary_ce = lambda v: -y * np.log(sigma(v)) - (1 - y) * np.log(1 - sigma(v))
    s = sigma(z)
    assert relative_error((s - y) * s * (1 - s), numerical_derivative(squared, z)) < 1e-7
    assert relative_error(s - y, numerical_derivative(binary_ce, z)) < 1e-7


def test_parameter_count_of_the_exercise():
    W, b = network.init_params([784, 128, 10], np.random.default_rng(0))
    count = network.flatten(W, b).size
    assert count == 784 * 128 + 128 + 128 * 10 + 10
    text = markdown_of(NOTEBOOK)
    assert f"{count:,}".replace(",", r"\,") in text


def test_learning_rate_figure_claims():
    """Factor |1 - 2 alpha| per step on L = w^2: slow, fast, divergent; and the text's
    'seven steps to halve, 44 to divide by a hundred' at alpha = 0.05."""
    assert int(np.ceil(np.log(0.5) / np.log(0.9))) == 7
    assert int(np.ceil(np.log(0.01) / np.log(0.9))) == 44
    from nnlearn import optim
    ends = [abs(optim.gradient_descent(lambda v: 2 * v, [2.0], lr, 6).x[-1, 0])
            for lr in (0.05, 0.4, 1.05)]
    assert ends[1] < 0.01 < ends[0] < 2.0 < ends[2]


# --- figures and demos ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["network_diagram", "loss_functions", "learning_rates"])
def test_figures_render_without_warnings(name):
    draw_without_warnings(getattr(plots, name))


@pytest.mark.parametrize("factory", [demos.forward_network, demos.loss_tangents])
def test_demos_render_at_extremes_and_every_slider_moves_the_frame(factory):
    demo = factory()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        everything_low = {c.name: c.min for c in demo.controls.values()}
        everything_high = {c.name: c.max for c in demo.controls.values()}
        demo.frame(**everything_low)
        demo.frame(**everything_high)
        for control in demo.controls.values():
            low, high = demo.frame(**{control.name: control.min}), demo.frame(**{control.name: control.max})
            assert np.abs(pixels(low) - pixels(high)).mean() > 0.1, control.name


def test_forward_demo_reports_the_hand_computed_values(example):
    """The demo's text for w_12 = 1.5 (which wakes hidden neuron 2) against the loops."""
    demo = demos.forward_network()
    W = {j: w.tolist() for j, w in example["W"].items()}
    W[1][0][1] = 1.5
    _, _, h1, z2 = by_hand(example["x"].tolist(), W, {j: v.tolist() for j, v in example["b"].items()})
    text = demo.describe(w1_12=1.5)
    assert "h⁽¹⁾ = (" + ", ".join(f"{v:.2f}" for v in h1) + ")" in text
    assert f"ŷ = {z2:.3f}" in text
    assert h1[1] > 0


def test_network_diagram_has_one_edge_per_weight():
    ax = Figure().subplots()
    nodes, edges = plots.draw_network(ax, [3, 4, 4, 2])
    assert len(nodes) == 3 + 4 + 4 + 2
    assert len(edges) == 3 * 4 + 4 * 4 + 4 * 2
