"""Chapter 2 (smoothness): the sharp softplus, the probes of nnlearn.smooth, figures and demos."""

import warnings

import numpy as np
import pytest

from conftest import draw_without_warnings
from nnlearn import activations, smooth
from nnlearn.demos import smoothness as demos
from nnlearn.gradcheck import numerical_derivative, relative_error
from nnlearn.plots import smoothness as plots

BETAS = [0.5, 1.0, 5.0, 50.0]


# --- the sharp softplus ----------------------------------------------------------------------

@pytest.mark.parametrize("beta", BETAS)
def test_softplus_beta_prime_matches_finite_differences(beta, rng):
    z = rng.uniform(-5, 5, 300)
    numeric = numerical_derivative(lambda t: smooth.softplus_beta(t, beta), z)
    assert relative_error(smooth.softplus_beta_prime(z, beta), numeric) < 1e-7


def test_softplus_beta_with_beta_one_is_the_softplus(rng):
    z = rng.normal(scale=4, size=100)
    assert np.allclose(smooth.softplus_beta(z, 1.0), activations.softplus(z), rtol=1e-14)


@pytest.mark.parametrize("beta", BETAS + [1e3])
def test_softplus_beta_lies_above_relu_by_at_most_log2_over_beta(beta):
    z = np.linspace(-10, 10, 2001)           # contains z = 0, where the gap is largest
    gap = smooth.softplus_beta(z, beta) - activations.relu(z)
    assert np.all(gap >= 0)
    assert np.max(gap) == pytest.approx(np.log(2) / beta, rel=1e-12)


def test_softplus_beta_is_stable_for_huge_arguments():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = smooth.softplus_beta(np.array([-1e3, 1e3]), beta=1e3)
        slopes = smooth.softplus_beta_prime(np.array([-1e3, 1e3]), beta=1e3)
    assert values[0] == 0.0 and values[1] == 1e3
    assert slopes[0] == 0.0 and slopes[1] == 1.0


@pytest.mark.parametrize("beta", [0, -1.0, np.inf, np.nan, "5", [1.0], True])
def test_bad_beta_raises(beta):
    with pytest.raises(ValueError, match="beta"):
        smooth.softplus_beta(1.0, beta)
    with pytest.raises(ValueError, match="beta"):
        smooth.softplus_beta_prime(1.0, beta)
    with pytest.raises(ValueError, match="beta"):
        smooth.examples(beta)


# --- x|x| and the examples -------------------------------------------------------------------

def _away_from_zero(rng, size=300):
    z = rng.uniform(-3, 3, size)
    return z[np.abs(z) > 1e-3]


def test_signed_square_derivatives_match_finite_differences(rng):
    x = _away_from_zero(rng)
    assert relative_error(smooth.signed_square_prime(x),
                          numerical_derivative(smooth.signed_square, x)) < 1e-7
    assert relative_error(smooth.signed_square_second(x),
                          numerical_derivative(smooth.signed_square_prime, x)) < 1e-7


def test_signed_square_is_c1_at_zero_but_its_second_derivative_jumps():
    h = 1e-6
    left, right = smooth.one_sided_quotients(smooth.signed_square, 0.0, h)
    assert abs(left) < 1e-5 and abs(right) < 1e-5            # f'(0) = 0 from both sides
    left, right = smooth.one_sided_quotients(smooth.signed_square_prime, 0.0, h)
    assert left == pytest.approx(-2.0) and right == pytest.approx(2.0)


@pytest.mark.parametrize("beta", BETAS)
def test_every_example_derivative_matches_finite_differences(beta, rng):
    for name, example in smooth.examples(beta).items():
        x = _away_from_zero(rng)
        numeric = numerical_derivative(example.f, x)
        assert relative_error(example.df(x), numeric) < 1e-7, name


def test_one_sided_derivatives_at_kinks_and_smooth_points():
    ex = smooth.examples(3.0)
    assert ex["|x|"].one_sided_derivatives(0.0) == (-1.0, 1.0)
    assert ex["ReLU"].one_sided_derivatives(0.0) == (0.0, 1.0)
    assert ex["|x|"].one_sided_derivatives(-0.7) == (-1.0, -1.0)
    for name in ("e^x", "softplus", "x|x|"):
        left, right = ex[name].one_sided_derivatives(0.3)
        assert left == pytest.approx(right, rel=1e-12), name
    assert ex["e^x"].one_sided_derivatives(1.0)[0] == pytest.approx(np.e)


def test_examples_declare_their_kinks():
    for name, example in smooth.examples().items():
        left, right = example.one_sided_derivatives(0.0)
        assert (0.0 in example.kinks) == (not np.isclose(left, right)), name


# --- the probes ------------------------------------------------------------------------------

@pytest.mark.parametrize("h", [1.0, 0.1, 1e-3, 1e-6])
def test_central_difference_at_a_kink_is_the_average_of_the_one_sided_slopes(h):
    ex = smooth.examples()
    for name in ("|x|", "ReLU"):
        left, right = ex[name].one_sided_derivatives(0.0)
        assert smooth.central_difference(ex[name].f, 0.0, h) == pytest.approx((left + right) / 2)
    leaky = lambda z: activations.leaky_relu(z, 0.2)
    assert smooth.central_difference(leaky, 0.0, h) == pytest.approx(0.6)


def test_central_difference_error_shrinks_like_h_squared():
    x = np.array([-1.0, 0.3, 1.5])
    errors = [np.max(np.abs(smooth.central_difference(np.exp, x, h) - np.exp(x))) for h in (1e-1, 1e-2)]
    assert 80 < errors[0] / errors[1] < 120          # ten times smaller h, a hundred times smaller error


def test_one_sided_quotients_of_abs_at_zero_do_not_depend_on_h():
    for h in (1.0, 1e-2, 1e-5):
        assert smooth.one_sided_quotients(np.abs, 0.0, h) == (-1.0, 1.0)


def test_magnified_kink_looks_the_same_at_every_zoom():
    u = np.linspace(-1, 1, 11)
    for width in (1.0, 1e-2, 1e-4):
        assert np.allclose(smooth.magnify(np.abs, 0.0, width, u), np.abs(u))
        assert smooth.gap_from_line(np.abs, 0.0, width) == pytest.approx(1.0)
        assert smooth.gap_from_line(activations.relu, 0.0, width) == pytest.approx(0.5, abs=1e-3)


def test_magnified_smooth_graph_tends_to_its_tangent():
    u = np.linspace(-1, 1, 11)
    assert np.allclose(smooth.magnify(np.exp, 0.5, 1e-6, u), np.exp(0.5) * u, atol=1e-5)
    gaps = [smooth.gap_from_line(np.exp, 0.5, w) for w in (1e-1, 1e-2, 1e-3)]
    assert 8 < gaps[0] / gaps[1] < 12 and 8 < gaps[1] / gaps[2] < 12   # shrinks like the width


def test_sharp_softplus_looks_like_a_kink_until_the_window_is_narrower_than_one_over_beta():
    sp = lambda z: smooth.softplus_beta(z, 100.0)
    wide = smooth.gap_from_line(sp, 0.0, 1.0)                   # window 100 times wider than 1/beta
    narrow = smooth.gap_from_line(sp, 0.0, 1e-4)                # window 100 times narrower
    assert wide > 0.4                                           # nearly ReLU's 0.5
    assert narrow < wide / 200                                  # straightens like the width


@pytest.mark.parametrize("call", [
    lambda: smooth.central_difference(np.exp, 0.0, 0.0),
    lambda: smooth.central_difference(np.exp, 0.0, -1e-3),
    lambda: smooth.one_sided_quotients(np.exp, 0.0, np.inf),
    lambda: smooth.magnify(np.exp, 0.0, 0.0, [0.5]),
    lambda: smooth.gap_from_line(np.exp, 0.0, -1.0),
])
def test_probes_reject_bad_steps(call):
    with pytest.raises(ValueError, match="must be a finite number > 0"):
        call()


# --- figures ---------------------------------------------------------------------------------

FIGURES = {
    "exp_and_derivative": plots.exp_and_derivative,
    "abs_and_derivative": plots.abs_and_derivative,
    "relu_and_derivative": plots.relu_and_derivative,
    "softplus_family": plots.softplus_family,
    "c1_not_c2": plots.c1_not_c2,
    "descent_on_kink": plots.descent_on_kink,
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_is_drawn_without_warnings(name):
    draw_without_warnings(FIGURES[name])


def _xy(line):
    return np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)


def test_softplus_figure_plots_the_derivative_of_each_curve():
    betas = (0.7, 3.0, 12.0)
    left, right = plots.softplus_family(betas).axes
    curves = [line for line in left.lines if line.get_label().startswith(r"$\beta")]
    slopes = [line for line in right.lines if line.get_label().startswith(r"$\sigma")]
    assert len(curves) == len(slopes) == len(betas)
    for beta, curve, slope in zip(betas, curves, slopes):
        x, y = _xy(curve)
        assert np.allclose(y, smooth.softplus_beta(x, beta))
        x, dy = _xy(slope)
        numeric = numerical_derivative(lambda t: smooth.softplus_beta(t, beta), x)
        assert relative_error(dy, numeric) < 1e-7


def test_c1_figure_plots_each_panel_as_the_derivative_of_the_previous():
    axes = plots.c1_not_c2().axes
    x, f = _xy(axes[0].lines[0])
    away = np.abs(x) > 1e-3
    _, df = _xy(axes[1].lines[0])
    assert relative_error(df[away], numerical_derivative(smooth.signed_square, x[away])) < 1e-7
    for piece in axes[2].lines[:2]:                       # two pieces, either side of 0
        xs, d2f = _xy(piece)
        assert relative_error(d2f, numerical_derivative(smooth.signed_square_prime, xs)) < 1e-7


def test_exp_figure_marks_central_differences_on_the_curve():
    ax = plots.exp_and_derivative().axes[0]
    marks = [line for line in ax.lines if line.get_label().startswith("central")][0]
    x, y = _xy(marks)
    assert np.allclose(y, np.exp(x), rtol=1e-6)


def test_descent_figure_shows_convergence_on_the_smooth_function_only():
    right = plots.descent_on_kink(lr=0.3, steps=20).axes[1]
    smooth_path, kink_path = (np.abs(_xy(line)[1]) for line in right.lines)
    assert smooth_path[-1] < 1e-3 and np.all(np.diff(smooth_path) < 0)
    assert kink_path[-6:].min() > 0.05                       # still bouncing at the end


@pytest.mark.parametrize("call", [
    lambda: plots.softplus_family([]),
    lambda: plots.softplus_family([1.0, 0.0]),
    lambda: plots.descent_on_kink(lr=0.0),
    lambda: plots.exp_and_derivative(h=0.0),
])
def test_figures_reject_bad_arguments(call):
    with pytest.raises(ValueError):
        call()


# --- demos -----------------------------------------------------------------------------------

FACTORIES = [demos.finite_differences, demos.zoom_in]
PNG = b"\x89PNG\r\n\x1a\n"


# Every control of every demo rendering at its extremes and moving the picture is
# checked for all registered demos at once, in tests/test_demos.py.


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_every_menu_choice_gives_a_different_frame(factory):
    demo = factory()
    for name, control in demo.controls.items():
        if control.kind == "choice":
            frames = {demo.frame(**{name: option}) for option in control.options}
            assert len(frames) == len(control.options), name


def test_finite_difference_demo_renders_every_function_at_every_extreme_point():
    demo = demos.finite_differences()
    for function in demos.FD_FUNCTIONS:
        for x0 in (-1.5, 0.0, 1.5):
            for log_h in (-3.0, 0.0):
                assert demo.frame(function=function, x0=x0, log_h=log_h).startswith(PNG)


def test_zoom_demo_renders_every_function_at_every_point_and_zoom():
    demo = demos.zoom_in()
    for function in demos.ZOOM_FUNCTIONS:
        for point in demos.ZOOM_POINTS:
            for zoom in (0.0, demos.MAX_ZOOM):
                assert demo.frame(function=function, point=point, zoom=zoom).startswith(PNG)


@pytest.mark.parametrize("factory, bad", [
    (demos.finite_differences, {"log_h": -4.0}), (demos.finite_differences, {"log_h": 0.5}),
    (demos.finite_differences, {"beta": 0.0}), (demos.finite_differences, {"x0": 2.0}),
    (demos.finite_differences, {"function": "sin"}), (demos.zoom_in, {"zoom": 5.0}),
    (demos.zoom_in, {"point": 0.25}), (demos.zoom_in, {"function": "tanh"}),
])
def test_demo_rejects_values_out_of_range(factory, bad):
    with pytest.raises(ValueError):
        factory().frame(**bad)


def test_finite_difference_readout_reports_the_average_at_a_kink():
    demo = demos.finite_differences()
    text = demo.describe(function="ReLU", x0=0.0, log_h=-2.0)
    assert "central difference 0.5000" in text
    assert "from the left 0.0000, from the right 1.0000" in text
    text = demo.describe(function="e^x", x0=1.0, log_h=-3.0)
    assert f"central difference {np.e:.4f}" in text
