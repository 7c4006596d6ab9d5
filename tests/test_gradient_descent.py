"""Chapter 5: the learning-rate thresholds of the bowl and of quadratics, and the chapter's
figures and demos."""

import io
import warnings

import numpy as np
import pytest
from PIL import Image

from conftest import draw_without_warnings
from nnlearn import landscapes, optim, regression
from nnlearn.demos import gradient_descent as demos
from nnlearn.gradcheck import numerical_gradient, relative_error
from nnlearn.plots import gradient_descent as plots

BOWL = landscapes.bowl()


def run_on_bowl(lr, steps, start=(2.5, 2.0)):
    return optim.gradient_descent(BOWL.grad, start, lr, steps, f=BOWL.f)


# --- the bowl: each step multiplies the point by (1 - 2 alpha) ----------------------------

@pytest.mark.parametrize("lr", [0.05, 0.3, 0.49, 0.51, 0.8, 0.99])
def test_bowl_converges_for_every_lr_below_one(lr):
    run = run_on_bowl(lr, steps=4000)
    assert run.stopped == "steps"
    assert run.loss[-1] < 1e-12 * run.loss[0]
    # and the loss falls at every step, by exactly (1 - 2 alpha)^2
    ratios = run.loss[1:11] / run.loss[:10]
    np.testing.assert_allclose(ratios, (1 - 2 * lr) ** 2, rtol=1e-10)


@pytest.mark.parametrize("lr", [1.01, 1.2, 2.0])
def test_bowl_diverges_for_every_lr_above_one(lr):
    run = run_on_bowl(lr, steps=60)
    distance = np.linalg.norm(run.x, axis=1)
    assert np.all(np.diff(distance) > 0), "the distance to the minimum must grow at every step"
    np.testing.assert_allclose(distance[1:] / distance[:-1], abs(1 - 2 * lr), rtol=1e-10)
    assert run.loss[-1] > run.loss[0]


def test_bowl_lr_one_bounces_forever():
    run = run_on_bowl(1.0, steps=50)
    np.testing.assert_array_equal(run.x[1::2], -run.x[0] + 0 * run.x[1::2])
    np.testing.assert_array_equal(run.x[::2], run.x[0] + 0 * run.x[::2])


@pytest.mark.parametrize("start", [(2.5, 2.0), (-1.0, 3.0), (0.3, -0.7)])
def test_bowl_lr_half_reaches_the_minimum_in_one_step(start):
    run = run_on_bowl(0.5, steps=3, start=start)
    np.testing.assert_array_equal(run.x[1], [0.0, 0.0])
    assert run.loss[1] == 0.0
    np.testing.assert_array_equal(run.x[2:], 0.0)


def test_bowl_is_monotone_below_half_and_oscillates_above():
    below, above = run_on_bowl(0.3, steps=20), run_on_bowl(0.7, steps=20)
    assert np.all(np.sign(below.x) == np.sign(below.x[0]))
    signs = np.sign(above.x[:, 0])
    assert np.all(signs[1:] == -signs[:-1])


# --- any quadratic: converges iff alpha < 2 / lambda_max ----------------------------------

def test_random_quadratic_threshold_is_two_over_lambda_max(rng):
    B = rng.normal(size=(5, 5))
    A = B @ B.T + 0.5 * np.eye(5)
    limit = 2.0 / np.linalg.eigvalsh(A).max()
    start = rng.normal(size=5)
    below = optim.gradient_descent(lambda t: A @ t, start, 0.98 * limit, 20000)
    above = optim.gradient_descent(lambda t: A @ t, start, 1.02 * limit, 3000)
    assert np.linalg.norm(below.x[-1]) < 1e-8 * np.linalg.norm(start)
    assert np.linalg.norm(above.x[-1]) > 1e3 * np.linalg.norm(start)


def test_valley_threshold_and_rate():
    valley = landscapes.narrow_valley(25)
    assert demos.stability_limit(valley) == pytest.approx(2 / 25)
    np.testing.assert_allclose(demos.curvatures(valley), [1.0, 25.0])
    for lr in [0.02, 2 / 26, 0.079]:
        run = optim.gradient_descent(valley.grad, valley.start, lr, 400)
        # after many steps the slowest direction dominates: the norm shrinks by rate() per step
        norms = np.linalg.norm(run.x, axis=1)
        assert norms[-1] / norms[-2] == pytest.approx(plots.rate(lr, [1.0, 25.0]), rel=1e-6)
    assert plots.rate(0.081, [1.0, 25.0]) > 1 > plots.rate(0.079, [1.0, 25.0])


def test_loss_history_puts_exact_zeros_on_the_floor_and_pads_diverged_runs():
    one_step = plots.loss_history(BOWL, BOWL.start, 0.5, 5)
    assert one_step[0] == 10.25 and np.all(one_step[1:] == plots.LOSS_FLOOR)
    with np.errstate(over="ignore"):
        blown = plots.loss_history(BOWL, BOWL.start, 1e150, 6)
    assert blown.shape == (7,) and np.isnan(blown[-1])


def test_rate_of_the_bowl_is_the_v_shape():
    lr = np.linspace(0, 1.5, 31)
    np.testing.assert_allclose(plots.rate(lr, [2.0]), np.abs(1 - 2 * lr))


# --- the directional derivative behind the steepest-ascent figure --------------------------

@pytest.mark.parametrize("name", ["bowl", "narrow_valley", "rosenbrock", "local_minima"])
def test_directional_derivatives_match_finite_differences(name, rng):
    surface = landscapes.get(name)
    point = rng.uniform(-1.5, 1.5, size=2)
    _, directions = plots.unit_directions(16)
    rates = plots.directional_derivatives(surface, point, directions)
    numeric = [numerical_gradient(lambda t: surface.f(point + t[0] * u), [0.0])[0] for u in directions]
    assert relative_error(rates, numeric) < 1e-7


def test_the_gradient_direction_has_the_largest_rate(rng):
    point = np.array([1.0, 2.0])
    angles, directions = plots.unit_directions(3600)
    rates = plots.directional_derivatives(BOWL, point, directions)
    g = BOWL.grad(point)
    assert rates.max() == pytest.approx(np.linalg.norm(g), rel=1e-6)
    assert rates.min() == pytest.approx(-np.linalg.norm(g), rel=1e-6)
    best = directions[rates.argmax()]
    assert best @ g / np.linalg.norm(g) == pytest.approx(1.0, abs=1e-6)
    assert np.all(rates <= np.linalg.norm(g) + 1e-12)            # Cauchy-Schwarz


# --- the table -------------------------------------------------------------------------------

def test_iteration_table_lists_the_run():
    run = run_on_bowl(0.1, steps=15)
    html = plots.iteration_table_html(run, max_rows=11)
    assert html.count("<tr>") == 12                               # header + 11 iterations
    for cell in ["2.5000", "5.0000", "10.2500", "2.0000", "1.6000", "6.5600", "4.1984"]:
        assert f"<td>{cell}</td>" in html
    assert "∂L/∂x" in html and "∂L/∂y" in html
    with np.errstate(over="ignore"):                              # the loss of a huge iterate
        diverged = plots.iteration_table_html(run_on_bowl(1e200, steps=3))
    assert "diverged" in diverged


# --- figures ---------------------------------------------------------------------------------

FIGURES = {
    "steepest_ascent": lambda: plots.steepest_ascent(BOWL, (1.0, 2.0)),
    "descent_path": lambda: plots.descent_path(BOWL, run_on_bowl(0.1, 15)),
    "learning_rate_paths": lambda: plots.learning_rate_paths(BOWL, BOWL.start, [0.1, 0.5, 0.8, 1.05], 12),
    "contraction_factor_bowl": lambda: plots.contraction_factor([2.0]),
    "contraction_factor_valley": lambda: plots.contraction_factor([1.0, 10.0], lr_max=0.25),
    "optimizer_paths": lambda: plots.optimizer_paths([BOWL, landscapes.narrow_valley(10)], 40, 0.15, 0.5, 0.15),
    "schedule_comparison": lambda: plots.schedule_comparison(
        regression.line_fit(), (-0.5, 2.5), lr=0.3, steps=200, batch_size=1),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_draws_without_warnings(name):
    draw_without_warnings(FIGURES[name])


def test_bad_figure_input_is_named():
    with pytest.raises(ValueError, match="at least one learning rate"):
        plots.learning_rate_paths(BOWL, BOWL.start, [], 5)
    with pytest.raises(ValueError, match=r"positive numbers; got \[-1.\]"):
        plots.contraction_factor([-1.0])


# --- demos -----------------------------------------------------------------------------------

def pixels(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=float)


DEMOS = {"descent_explorer": demos.descent_explorer, "learning_rate_curves": demos.learning_rate_curves,
         "momentum_explorer": demos.momentum_explorer, "minibatch_noise": demos.minibatch_noise}


def extremes(demo):
    """Every control at each end of its range (every option of a menu), the others at default."""
    for control in demo.controls.values():
        values = control.options if control.kind == "choice" else [control.min, control.max]
        for value in values:
            yield {control.name: value}


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_demo_renders_at_extreme_values_without_warnings(name):
    demo = DEMOS[name]()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for params in extremes(demo):
            assert demo.frame(**params)[:4] == b"\x89PNG"
            demo.describe(**params)
        # a diverging run on the steep quartic surface, the hardest case for the renderer
        if name == "descent_explorer":
            demo.frame(surface="local_minima", lr=1.1, steps=40, x0=2.5, y0=-2.5)
    for fig, *_ in demo._canvases.values():                   # update never moves the axes
        for ax in fig.axes:
            before = (ax.get_xlim(), ax.get_ylim())
            demo.frame(**{c.name: c.max for c in demo.controls.values() if c.kind != "choice"})
            assert (ax.get_xlim(), ax.get_ylim()) == before


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_every_slider_changes_the_frame(name):
    demo = DEMOS[name]()
    for control in demo.controls.values():
        if control.kind == "choice":
            continue
        low, high = demo.frame(**{control.name: control.min}), demo.frame(**{control.name: control.max})
        assert np.abs(pixels(low) - pixels(high)).mean() > 0.01, f"{name}: {control.name} moves nothing"


def test_explorer_table_follows_the_controls():
    demo = demos.descent_explorer()
    text = demo.describe(surface="bowl", lr=0.1, steps=15, x0=2.5, y0=2.0)
    assert text.count("<tr>") == 12 and "<td>4.1984</td>" in text
    assert demo.describe(steps=0).count("<tr>") == 2
    assert "diverged" in demo.describe(surface="local_minima", lr=1.1, steps=40, x0=2.5, y0=2.5)


def test_curves_demo_verdict_matches_the_threshold():
    demo = demos.learning_rate_curves()
    for surface in demos.CURVE_SURFACES:
        fig, state, *_ = demo._canvas(demo.params(surface=surface))
        for fraction, verdict in [(0.9, "converges"), (1.05, "does not converge")]:
            demo.frame(surface=surface, fraction=fraction)
            assert state["info"].get_text().endswith(verdict)


def test_noise_demo_reports_less_wander_for_larger_batches():
    demo = demos.minibatch_noise()
    wander = {}
    for m in (1, 8, 64):
        fig, state, *_ = demo._canvas(demo.params(batch_size=m))
        demo.frame(batch_size=m)
        line = state["info"].get_text().splitlines()[1]          # "last 50 steps: mean distance d"
        wander[m] = float(line.rsplit(" ", 1)[1])
    assert wander[1] > wander[8] > wander[64]


def test_schedules_of_the_figure_start_at_the_same_rate_and_decay():
    for name, rates in plots.schedules(0.3, 400).items():
        assert rates[0] == 0.3 and len(rates) == 400
        assert (rates[-1] == 0.3) if name == "constant" else (rates[-1] < 0.1 and np.all(np.diff(rates) <= 0))
