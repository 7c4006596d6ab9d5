"""Chapter 8: Newton's method on quadratics, saddles and maxima; the cost helpers; the
closed-form step count of the condition-number demo; the chapter's figures and demos."""

import io
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from nnlearn import deep, landscapes, network, optim
from nnlearn.demos import second_order as demos
from nnlearn.gradcheck import numerical_jacobian, relative_error
from nnlearn.plots import second_order as plots


def pixels(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=float)


# --- Newton on quadratics: one step --------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 5, 30])
def test_one_newton_step_minimises_any_convex_quadratic(rng, n):
    G = rng.normal(size=(n, n))
    A = G @ G.T + 1e-2 * np.eye(n)                     # symmetric positive definite, ill-conditioned
    c = rng.normal(size=n)
    grad, hess = (lambda t: A @ t - c), (lambda t: A)
    theta = optim.newton_step(grad, hess, rng.normal(size=n) * 10)
    np.testing.assert_allclose(theta, np.linalg.solve(A, c), rtol=1e-8, atol=1e-10)
    assert np.linalg.norm(grad(theta)) < 1e-8 * (1 + np.linalg.norm(c))


@pytest.mark.parametrize("kappa", [1.0, 25.0, 1e3, 1e6])
def test_newton_solves_the_narrow_valley_in_one_step_whatever_kappa(kappa):
    valley = landscapes.narrow_valley(kappa)
    run = optim.newton_raphson(valley.grad, valley.hess, valley.start, 10, f=valley.f, tol=1e-12)
    np.testing.assert_allclose(run.x[1], [0.0, 0.0], atol=1e-14)
    assert run.steps == 1 and run.stopped == "tolerance"


def test_newton_step_of_a_linear_neuron_is_least_squares(rng):
    X = rng.normal(size=(40, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 + 0.1 * rng.normal(size=40)
    sizes = [3, 1]
    grad = lambda t: network.flatten(*network.loss_and_grads(
        X, y[:, None], *network.unflatten(t, sizes), network.Spec(output="identity"))[1:])
    H = numerical_jacobian(grad, np.zeros(4))
    # for the mean 1/2 squared error the Hessian is [X 1]^T [X 1] / m exactly
    design = np.column_stack([X, np.ones(40)])
    assert relative_error(H, design.T @ design / 40) < 1e-7
    theta = optim.newton_step(grad, lambda t: H, np.zeros(4))
    np.testing.assert_allclose(theta, np.linalg.lstsq(design, y, rcond=None)[0], atol=1e-7)


# --- Newton where H is not positive definite --------------------------------------------

def test_newton_walks_into_the_saddle_where_descent_and_damping_escape():
    saddle = landscapes.saddle()
    newton = optim.newton_raphson(saddle.grad, saddle.hess, (1.0, 0.4), 30, tol=1e-12)
    np.testing.assert_allclose(newton.x[-1], [0.0, 0.0], atol=1e-10)
    eigenvalues = np.linalg.eigvalsh(saddle.hess(newton.x[-1]))
    assert eigenvalues.min() < 0 < eigenvalues.max()
    descent = optim.gradient_descent(saddle.grad, (1.0, 0.4), 0.1, 1000, tol=1e-10)
    damped = optim.newton_raphson(saddle.grad, lambda p: saddle.hess(p) + 1.5 * np.eye(2),
                                  (1.0, 0.4), 1000, tol=1e-10)
    for run in (descent, damped):
        np.testing.assert_allclose(run.x[-1], [0.0, 1.0], atol=1e-8)


def test_newton_climbs_to_a_maximum_from_near_the_hill():
    hills = landscapes.local_minima()
    run = optim.newton_raphson(hills.grad, hills.hess, (0.3, -0.3), 30, f=hills.f, tol=1e-12)
    assert np.linalg.eigvalsh(hills.hess(run.x[-1])).max() < 0
    assert run.loss[-1] > run.loss[0], "Newton went uphill"


def test_newton_beats_descent_on_rosenbrock_by_orders_of_magnitude():
    rosenbrock = landscapes.rosenbrock()
    newton = optim.newton_raphson(rosenbrock.grad, rosenbrock.hess, (-1.2, 1.0), 50, tol=1e-8)
    descent = optim.gradient_descent(rosenbrock.grad, (-1.2, 1.0), 0.0015, 5000, tol=1e-8)
    np.testing.assert_allclose(newton.x[-1], [1.0, 1.0], atol=1e-8)
    assert newton.steps < 10
    assert descent.stopped == "steps", "5000 gradient steps should not be enough"


def test_the_quadratic_model_error_is_cubic():
    rosenbrock = landscapes.rosenbrock()
    p, d = np.array([-1.0, 1.0]), np.array([0.3, -0.2])
    g, H = rosenbrock.grad(p), rosenbrock.hess(p)
    errors = [abs(rosenbrock.f(p + t * d) - (rosenbrock.f(p) + t * g @ d + 0.5 * t * t * d @ H @ d))
              for t in (0.02, 0.01)]
    assert errors[0] / errors[1] == pytest.approx(8.0, rel=0.05)


# --- the closed-form step count of the condition race ----------------------------------

@pytest.mark.parametrize("kappa, lr_kappa", [(1, 1.0), (1, 0.3), (4, 1.0), (16, 0.1), (16, 1.9),
                                             (64, 1.0), (64, 0.5)])
def test_descent_steps_to_tol_matches_running_gradient_descent(kappa, lr_kappa):
    start = (-2.8, 1.0)
    valley = landscapes.narrow_valley(kappa)
    run = optim.gradient_descent(valley.grad, start, lr_kappa / kappa, 50_000, tol=demos.TOL)
    assert run.stopped == "tolerance"
    assert demos.descent_steps_to_tol(kappa, lr_kappa / kappa, start) == run.steps


def test_descent_steps_to_tol_reports_divergence_as_none():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert demos.descent_steps_to_tol(16, 2.05 / 16, (-2.8, 1.0)) is None
    with pytest.raises(ValueError, match="need kappa >= 1 and lr > 0; got kappa=0.5"):
        demos.descent_steps_to_tol(0.5, 0.1, (1.0, 1.0))


# --- the price of curvature -------------------------------------------------------------

def test_parameter_counts_and_hessian_memory():
    # 2*3 + 3 + 3*1 + 1, and 784*100 + 100 + 100*10 + 10
    assert deep.count_params([2, 3, 1]) == 13
    assert deep.count_params([784, 100, 10]) == 79_510
    rng = np.random.default_rng(0)
    assert network.flatten(*network.init_params([5, 7, 2], rng)).size == deep.count_params([5, 7, 2])
    assert deep.hessian_bytes(1e6) == 8e12
    np.testing.assert_allclose(deep.hessian_bytes(np.array([1.0, 10.0])), [8.0, 800.0])
    with pytest.raises(ValueError, match="at least two layers"):
        deep.count_params([3])
    with pytest.raises(ValueError, match="number of parameters must be >= 1"):
        deep.hessian_bytes(0)


def test_fit_cubic_recovers_the_constant():
    sizes = np.array([10, 100, 400, 800, 1600])
    times = 3e-11 * sizes ** 3.0
    times[0] = 1e-3                                     # overhead at small n is ignored
    assert deep.fit_cubic(sizes, times) == pytest.approx(3e-11, rel=1e-12)
    with pytest.raises(ValueError, match="matching arrays"):
        deep.fit_cubic([1, 2], [1.0])


def test_solve_seconds_measures_each_size(rng):
    seconds = deep.solve_seconds([5, 50], rng, repeats=2)
    assert seconds.shape == (2,) and np.all(seconds > 0) and np.all(np.isfinite(seconds))
    with pytest.raises(ValueError, match="sizes must be >= 1; got 0"):
        deep.solve_seconds([0], rng)


def test_sci_tex():
    assert plots.sci_tex(2.54e-11) == r"2.5\times 10^{-11}"
    assert plots.sci_tex(1.0) == r"1\times 10^{0}"


# --- figures -------------------------------------------------------------------------

def test_every_figure_is_a_figure_and_warns_nothing():
    rosenbrock, saddle = landscapes.rosenbrock(), landscapes.saddle()
    runs = {"descent": optim.gradient_descent(rosenbrock.grad, (-1.2, 1.0), 0.0015, 3000,
                                              f=rosenbrock.f),
            "Newton": optim.newton_raphson(rosenbrock.grad, rosenbrock.hess, (-1.2, 1.0), 20,
                                           f=rosenbrock.f, tol=1e-8)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        made = [plots.quadratic_model(rosenbrock, (-1.0, 1.0), window=((-2, 2), (-3.5, 3))),
                plots.quadratic_model(saddle, (1.0, 0.4)),              # indefinite H
                plots.newton_vs_descent(rosenbrock, runs),
                plots.hessian_cost([100, 200, 400], [1e-4, 5e-4, 3e-3], 4e-11)]
        for fig in made:
            assert isinstance(fig, Figure)
            fig.canvas.draw()


def test_figures_name_their_bad_input():
    rosenbrock = landscapes.rosenbrock()
    with pytest.raises(ValueError, match="at least one run"):
        plots.newton_vs_descent(rosenbrock, {})
    run = optim.gradient_descent(rosenbrock.grad, (0.0, 0.0), 1e-3, 2)
    with pytest.raises(ValueError, match="has no losses"):
        plots.newton_vs_descent(rosenbrock, {"x": run})
    with pytest.raises(ValueError, match="matching non-empty arrays"):
        plots.hessian_cost([1, 2], [1.0], 1e-11)


# --- demos ---------------------------------------------------------------------------

def test_condition_race_renders_extremes_and_moves():
    demo = demos.condition_race()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for kappa in demos.KAPPAS:
            for lr_kappa in (0.1, 2.1):
                for steps in (0, 60):
                    demo.frame(kappa=kappa, lr_kappa=lr_kappa, steps=steps)
    for control, values in [("lr_kappa", (0.5, 1.5)), ("steps", (3, 30)), ("kappa", (4, 64))]:
        first, second = (pixels(demo.frame(**{control: v})) for v in values)
        assert np.abs(first - second).mean() > 0.05, f"{control} does not move the frame"


def test_hessian_cost_explorer_uses_given_measurements_and_moves():
    sizes, seconds = [100, 200, 400, 800], [1e-4, 6e-4, 4e-3, 3e-2]
    demo = demos.hessian_cost_explorer(sizes, seconds)
    assert "log_n" in demo.controls
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        low, high = demo.frame(log_n=1.0), demo.frame(log_n=9.0)
    assert np.abs(pixels(low) - pixels(high)).mean() > 0.05
