"""Chapter 3, "Activation functions": its table, figures, demos and the claims of its text."""

import re
import warnings

import numpy as np
import pytest

from conftest import draw_without_warnings, pixels
from nnlearn import activations, network
from nnlearn.demos import activation_functions as demos
from nnlearn.gradcheck import numerical_derivative, relative_error
from nnlearn.plots import activation_functions as plots

TABLE = {row["name"]: row for row in plots.COMPARISON}


def away_from_kinks(name, z, margin=1e-3):
    """Drop the points within ``margin`` of where phi' is undefined (0 for the ReLUs,
    the multiples of pi/2 for the piecewise periodic waves)."""
    if name in ("relu", "leaky_relu"):
        return z[np.abs(z) > margin]
    if name in ("triangle", "sawtooth", "square"):
        distance = np.abs((z + np.pi / 4) % (np.pi / 2) - np.pi / 4)
        return z[distance > margin]
    return z


@pytest.fixture
def points(rng):
    return rng.uniform(-8, 8, 400)


# --- the comparison table -------------------------------------------------------------------

def test_table_covers_every_activation_but_the_identity():
    assert set(TABLE) == set(activations.ACTIVATIONS) - {"identity"}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_table_derivative_matches_finite_differences(name, points):
    """The derivative formula printed in the table (its numpy transcription) against
    central differences of the course's activation, away from kinks and jumps."""
    z = away_from_kinks(name, points)
    numeric = numerical_derivative(activations.get(name).f, z)
    assert relative_error(TABLE[name]["df"](z), numeric) < 1e-7


@pytest.mark.parametrize("name", sorted(TABLE))
def test_table_formula_is_the_activation(name, points):
    z = away_from_kinks(name, points)
    np.testing.assert_allclose(TABLE[name]["f"](z), activations.get(name).f(z), atol=1e-12)


def test_table_columns_agree_with_the_registry():
    table = plots.comparison_table()
    rows = table.splitlines()
    assert all(row.count("|") == 10 for row in rows), "a '|' inside a cell splits the row"
    for row in rows[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        act = activations.get(cells[0])
        assert cells[4] == ("yes" if act.smooth else "no")
        assert cells[5] == ("no" if act.periodic else "yes")


def saturation_edge(dphi, lo, hi):
    """The z in [lo, hi] where |phi'| crosses 0.01, by bisection (|phi'| monotone there)."""
    f = lambda z: abs(dphi(np.array(z))) - plots.SATURATION
    assert np.sign(f(lo)) != np.sign(f(hi))
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.sign(f(mid)) == np.sign(f(lo)) else (lo, mid)
    return (lo + hi) / 2


@pytest.mark.parametrize("name, lo, hi", [("sigmoid", 0.0, 10.0), ("tanh", 0.0, 10.0),
                                          ("softplus", -10.0, 0.0)])
def test_quoted_saturation_thresholds(name, lo, hi):
    edge = saturation_edge(activations.get(name).df, lo, hi)
    quoted = float(re.search(r"(-?\d+\.\d)", TABLE[name]["saturates"]).group(1))
    assert abs(edge) == pytest.approx(abs(quoted), abs=0.05)


def test_sigmoid_saturation_formula_of_the_exercise():
    s_plus = (1 + np.sqrt(0.96)) / 2
    assert saturation_edge(activations.sigmoid_prime, 0.0, 10.0) == pytest.approx(
        np.log(s_plus / (1 - s_plus)), abs=1e-9)
    assert saturation_edge(activations.tanh_prime, 0.0, 10.0) == pytest.approx(
        np.arctanh(np.sqrt(0.99)), abs=1e-9)


def test_facts_stated_in_the_text(points):
    z = np.linspace(-10, 10, 200001)
    assert activations.sigmoid_prime(z).max() == pytest.approx(0.25)
    assert activations.tanh_prime(z).max() == pytest.approx(1.0)
    np.testing.assert_allclose(activations.tanh(points), 2 * activations.sigmoid(2 * points) - 1,
                               atol=1e-12)
    gap = activations.softplus(points) - activations.relu(points)
    np.testing.assert_allclose(gap, np.log1p(np.exp(-np.abs(points))), atol=1e-12)
    assert gap.max() <= np.log(2)


# --- the scaled activation of the explorer -------------------------------------------------------

@pytest.mark.parametrize("name", demos.HIDDEN)
@pytest.mark.parametrize("amplitude, frequency", [(1.0, 1.0), (0.3, 2.7), (2.0, 0.25)])
def test_scaled_derivative_matches_finite_differences(name, amplitude, frequency, points):
    # kinks of phi(omega z) sit at the kinks of phi divided by omega
    z = away_from_kinks(name, points * frequency) / frequency
    g = lambda v: demos.scaled(name, amplitude, frequency, v)[0]
    _, dg = demos.scaled(name, amplitude, frequency, z)
    assert relative_error(dg, numerical_derivative(g, z)) < 1e-7


# --- the numbers behind the figures --------------------------------------------------------------

def test_linear_layers_collapse_to_one(rng):
    W, b = network.init_params([2, 4, 3, 1], rng, scheme="normal", scale=1.0)
    b = {j: rng.normal(size=v.shape) for j, v in b.items()}
    X = rng.normal(size=(10, 2))
    _, h = network.forward(X, W, b, network.Spec(hidden="identity"))
    np.testing.assert_allclose(h[3], X @ (W[1] @ W[2] @ W[3]) + (b[1] @ W[2] + b[2]) @ W[3] + b[3])
    _, h = network.forward(X, W, b, network.Spec(hidden="relu"))
    assert not np.allclose(h[3], X @ (W[1] @ W[2] @ W[3]) + (b[1] @ W[2] + b[2]) @ W[3] + b[3])


def test_staircase_network_is_the_staircase_and_improves():
    x = np.linspace(0, 1, 801)
    errors = []
    for steps in (3, 10, 40):
        W, b = plots.staircase_network(steps)
        y_hat = network.predict(x[:, None], W, b, network.Spec(hidden="sigmoid"))[:, 0]
        grid = np.linspace(0, 1, steps + 1)
        # written out independently: steep logistic steps, exp clipped where it would overflow
        steepness = 20.0 * steps
        manual = plots.staircase_target(0.0) + sum(
            (plots.staircase_target(grid[k + 1]) - plots.staircase_target(grid[k]))
            / (1 + np.exp(np.minimum(-steepness * (x - (k + 0.5) / steps), 700.0)))
            for k in range(steps))
        np.testing.assert_allclose(y_hat, manual, atol=1e-12)
        errors.append(np.abs(y_hat - plots.staircase_target(x)).max())
    assert errors[0] > errors[1] > errors[2] and errors[2] < 0.05
    with pytest.raises(ValueError, match="steps must be at least 1"):
        plots.staircase_network(0)


def test_tanh_layer_separates_xor_with_the_drawn_line(rng):
    X, labels = plots.xor_points(np.random.default_rng(3))
    H = plots.tanh_layer(X)
    assert np.all((H[:, 0] - H[:, 1] > plots.XOR_THRESHOLD) == (labels == 1))
    # and in the input plane, the labels are not a linear function's sign: the best
    # least-squares linear classifier misclassifies many points
    design = np.column_stack([X, np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(design, 2.0 * labels - 1, rcond=None)
    assert np.mean((design @ coef > 0) == (labels == 1)) < 0.75


def test_periodic_loss_has_many_minima_and_descent_gets_stuck():
    w = np.linspace(-8, 8, 1601)
    loss = plots.periodic_fit_loss(w)
    inner = np.flatnonzero((loss[1:-1] < loss[:-2]) & (loss[1:-1] < loss[2:])) + 1
    assert len(inner) >= 5
    assert w[inner[np.argmin(loss[inner])]] == pytest.approx(3.0, abs=0.01)
    v = 0.5                                   # the text: from w = 0.5 descent stops near 0.1
    for _ in range(2000):
        v -= 0.05 * numerical_derivative(plots.periodic_fit_loss, v)
    assert abs(v) < 0.2 and plots.periodic_fit_loss(v) > 0.4


def test_shifting_a_periodic_bias_by_two_pi_changes_nothing(rng):
    X = rng.normal(size=(20, 3))
    for name, same in (("sine", True), ("triangle", True), ("tanh", False)):
        W, b = network.init_params([3, 5, 2], rng)
        b[1] = rng.normal(size=5)
        shifted = {1: b[1] + 2 * np.pi * np.array([1, 0, -3, 0, 2]), 2: b[2]}
        spec = network.Spec(name)
        same_output = np.allclose(network.predict(X, W, b, spec), network.predict(X, W, shifted, spec), atol=1e-9)
        assert same_output == same, name


# --- the fitting demo's training ---------------------------------------------------------------

def test_fit_snapshots_record_and_improve():
    snaps = demos.fit_snapshots("tanh", 4, steps=500, record=100)
    assert sorted(snaps) == [0, 100, 200, 300, 400, 500]
    assert snaps[500][2] < 0.5 * snaps[0][2]
    again = demos.fit_snapshots("tanh", 4, steps=500, record=100)
    np.testing.assert_array_equal(again[500][0][1], snaps[500][0][1])   # reproducible


def test_square_wave_units_never_learn():
    snaps = demos.fit_snapshots("square", 6, steps=200, record=200)
    (W0, b0, _), (W1, b1, _) = snaps[0], snaps[200]
    np.testing.assert_array_equal(W0[1], W1[1])
    np.testing.assert_array_equal(b0[1], b1[1])
    assert not np.allclose(W0[2], W1[2])


def test_fit_learning_rate_keeps_wide_relu_layers_stable():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        snaps = demos.fit_snapshots("relu", 32, steps=1000, record=500)
    assert np.isfinite(snaps[1000][2]) and snaps[1000][2] < snaps[0][2]


def test_bad_fit_arguments_are_named():
    with pytest.raises(ValueError, match="width must be a whole number >= 1; got 0"):
        demos.fit_snapshots("relu", 0)
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        demos.fit_snapshots("swish", 3)


# --- figures and demos -------------------------------------------------------------------------

FIGURES = ["monotonic_gallery", "periodic_gallery", "universal_approximation", "geometry",
           "periodic_landscape"]


@pytest.mark.parametrize("name", FIGURES)
def test_figures_render_without_warnings(name):
    draw_without_warnings(getattr(plots, name))


@pytest.mark.parametrize("factory", [demos.activation_explorer, demos.hidden_layer_fit])
def test_demos_render_at_extremes_and_every_control_moves_the_frame(factory):
    demo = factory()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for control in demo.controls.values():
            values = control.values(2)
            if control.kind == "choice":
                values = [values[0], values[-1]]
            low, high = (demo.frame(**{control.name: v}) for v in values)
            assert np.abs(pixels(low) - pixels(high)).mean() > 0.1, control.name


@pytest.mark.parametrize("name", demos.HIDDEN)
def test_explorer_renders_every_activation_at_extreme_scales(name):
    demo = demos.activation_explorer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for a, w in ((0.25, 0.25), (2.0, 3.0)):
            assert demo.frame(activation=name, amplitude=a, frequency=w)[:4] == b"\x89PNG"


def test_square_wave_is_saturated_everywhere_and_sawtooth_nowhere():
    z = np.linspace(-demos.Z_MAX, demos.Z_MAX, 1001)
    assert np.all(np.abs(demos.scaled("square", 2.0, 3.0, z)[1]) < demos.SATURATION)
    assert not np.any(np.abs(demos.scaled("sawtooth", 1.0, 1.0, z)[1]) < demos.SATURATION)
