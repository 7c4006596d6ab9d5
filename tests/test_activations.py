"""Every activation's derivative against central finite differences, and the stated conventions."""

import warnings

import numpy as np
import pytest

from nnlearn import activations
from nnlearn.gradcheck import numerical_derivative, relative_error

ALL = sorted(activations.ACTIVATIONS)


def away_from_kinks(name, rng, size=200):
    """Random points at least 1e-3 away from every point where phi' is undefined."""
    z = rng.uniform(-8, 8, size)
    if name in ("relu", "leaky_relu"):
        z = z[np.abs(z) > 1e-3]
    if name in ("triangle", "sawtooth", "square"):
        # corners of the triangle at pi/2 + k pi; jumps of the sawtooth at pi + 2k pi,
        # of the square at k pi: stay 1e-3 away from every multiple of pi/2
        distance = np.abs((z + np.pi / 4) % (np.pi / 2) - np.pi / 4)
        z = z[distance > 1e-3]
    return z


@pytest.mark.parametrize("name", ALL)
def test_derivative_matches_finite_differences(name, rng):
    act = activations.get(name)
    z = away_from_kinks(name, rng)
    analytic = act.df(z)
    numeric = numerical_derivative(act.f, z)
    assert relative_error(analytic, numeric) < 1e-7, name


@pytest.mark.parametrize("name", ALL)
def test_elementwise_keeps_shape_and_does_not_modify_input(name, rng):
    act = activations.get(name)
    z = rng.normal(size=(3, 4, 2))
    before = z.copy()
    assert act.f(z).shape == z.shape
    assert act.df(z).shape == z.shape
    np.testing.assert_array_equal(z, before)
    assert np.ndim(act.f(0.5)) == 0


@pytest.mark.parametrize("name", ALL)
def test_values_stay_in_the_stated_range(name, rng):
    act = activations.get(name)
    low, high = act.output_range
    values = act.f(rng.uniform(-50, 50, 1000))
    assert np.all(values >= low) and np.all(values <= high)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus", "relu", "leaky_relu"])
def test_extreme_inputs_are_finite_and_silent(name):
    act = activations.get(name)
    z = np.array([-1e4, -745.2, -50.0, 0.0, 50.0, 745.2, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values, slopes = act.f(z), act.df(z)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(slopes))


def test_sigmoid_tails_are_exact():
    z = np.array([-1e4, 1e4, -40.0, 40.0])
    s = activations.sigmoid(z)
    assert s[0] == 0.0 and s[1] == 1.0
    # e^-40 ~ 4.2e-18: the small tail keeps its digits instead of rounding to 0
    assert s[2] == pytest.approx(np.exp(-40.0), rel=1e-12)
    assert activations.sigmoid_prime(40.0) == pytest.approx(np.exp(-40.0), rel=1e-12)


def test_sigmoid_matches_the_textbook_formula_where_that_is_safe(rng):
    z = rng.uniform(-30, 30, 500)
    np.testing.assert_allclose(activations.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14)


def test_softplus_large_input_equals_input():
    assert activations.softplus(1e4) == 1e4
    assert activations.softplus(-1e4) == 0.0


def test_conventions_where_the_derivative_does_not_exist():
    assert activations.relu_prime(0.0) == 0.0
    assert activations.leaky_relu_prime(0.0) == activations.LEAKY_SLOPE
    # triangle corners: average of the one-sided slopes
    corners = np.array([np.pi / 2, -np.pi / 2, 3 * np.pi / 2])
    np.testing.assert_array_equal(activations.triangle_prime(corners), 0.0)
    # sawtooth and square jumps: the slope of the pieces
    assert activations.sawtooth_prime(np.pi) == pytest.approx(1 / np.pi)
    assert activations.square_prime(np.pi) == 0.0


def test_periodic_waves_have_period_two_pi_and_match_sine_in_sign(rng):
    z = rng.uniform(-10, 10, 300)
    for name in ("sine", "triangle", "sawtooth", "square"):
        f = activations.get(name).f
        np.testing.assert_allclose(f(z + 2 * np.pi), f(z), atol=1e-12, err_msg=name)
    for name in ("triangle", "square"):
        f = activations.get(name).f
        away = z[np.abs(np.sin(z)) > 1e-6]
        assert np.all(np.sign(f(away)) == np.sign(np.sin(away))), name


def test_triangle_peaks_and_zeros():
    np.testing.assert_allclose(activations.triangle(np.array([0.0, np.pi / 2, np.pi, -np.pi / 2])),
                               [0.0, 1.0, 0.0, -1.0], atol=1e-15)


def test_unknown_activation_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'.*sigmoid"):
        activations.get("sigmod")


def test_registry_facts():
    smooth = {n for n, a in activations.ACTIVATIONS.items() if a.smooth}
    assert smooth == {"identity", "sigmoid", "tanh", "softplus", "sine"}
    periodic = {n for n, a in activations.ACTIVATIONS.items() if a.periodic}
    assert periodic == {"sine", "triangle", "sawtooth", "square"}
