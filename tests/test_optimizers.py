"""Momentum, Adam, learning-rate schedules and mini-batch SGD (chapter 5, "what practitioners
use next"), each against an independent oracle: a closed form, a hand computation, the
eigenvalues of the iteration matrix, finite differences, or a Monte Carlo estimate."""

import numpy as np
import pytest

from nnlearn import landscapes, optim, regression
from nnlearn.gradcheck import numerical_gradient, relative_error

BOWL = landscapes.bowl()
VALLEY = landscapes.narrow_valley(10)


# --- momentum ------------------------------------------------------------------------------

@pytest.mark.parametrize("surface", [BOWL, VALLEY, landscapes.rosenbrock()], ids=lambda s: s.name)
def test_momentum_with_beta_zero_is_gradient_descent(surface):
    lr = 0.001 if surface.name == "rosenbrock" else 0.1
    plain = optim.gradient_descent(surface.grad, surface.start, lr, 50, f=surface.f)
    heavy = optim.momentum(surface.grad, surface.start, lr, 0.0, 50, f=surface.f)
    np.testing.assert_array_equal(heavy.x, plain.x)
    np.testing.assert_array_equal(heavy.loss, plain.loss)


def test_momentum_follows_polyaks_two_step_recursion(rng):
    """theta_{t+1} = theta_t - lr grad(theta_t) + beta (theta_t - theta_{t-1}), written out here."""
    A = rng.normal(size=(3, 3))
    A = A @ A.T + np.eye(3)
    grad = lambda x: A @ x
    lr, beta, x0 = 0.05, 0.7, rng.normal(size=3)
    expected = [x0, x0 - lr * grad(x0)]
    for _ in range(30):
        current, previous = expected[-1], expected[-2]
        expected.append(current - lr * grad(current) + beta * (current - previous))
    run = optim.momentum(grad, x0, lr, beta, 31)
    np.testing.assert_allclose(run.x, np.array(expected), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("lr,beta", [(0.1, 0.5), (0.15, 0.3), (0.05, 0.9), (0.3, 0.8)])
def test_momentum_rate_on_a_quadratic_is_the_spectral_radius(lr, beta):
    """On L = lambda theta^2 / 2 the error shrinks like rho^t, rho the largest |eigenvalue| of
    [[1 + beta - lr lambda, -beta], [1, 0]]; measured over many steps of the actual run."""
    lam = 10.0
    rho = optim.momentum_rate(lr, beta, [lam])
    run = optim.momentum(lambda x: lam * x, [1.0], lr, beta, 400)
    path = np.abs(run.x[:, 0])
    # the envelope of the error: the largest |theta| in windows far from the start
    late = np.max(path[300:320]) / np.max(path[200:220])
    np.testing.assert_allclose(late ** (1 / 100), rho, rtol=2e-2)
    # and the eigenvalues themselves solve z^2 - (1 + beta - lr lambda) z + beta = 0
    z = np.linalg.eigvals(optim.momentum_matrix(lr, beta, lam))
    np.testing.assert_allclose(z ** 2 - (1 + beta - lr * lam) * z + beta, 0, atol=1e-12)


def test_tuned_momentum_reaches_the_square_root_rate_and_beats_gradient_descent():
    lam = np.array([1.0, 10.0])
    lr, beta = optim.tuned_momentum(1.0, 10.0)
    kappa = 10.0
    np.testing.assert_allclose(np.sqrt(beta), (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1))
    np.testing.assert_allclose(optim.momentum_rate(lr, beta, lam), np.sqrt(beta), rtol=1e-6)
    best_gd = (kappa - 1) / (kappa + 1)          # gradient descent at alpha = 2 / (lmin + lmax)
    heavy = optim.momentum(VALLEY.grad, VALLEY.start, lr, beta, 60, f=VALLEY.f)
    plain = optim.gradient_descent(VALLEY.grad, VALLEY.start, 2 / 11, 60, f=VALLEY.f)
    assert heavy.loss[-1] < 1e-6 * plain.loss[-1]
    np.testing.assert_allclose((plain.loss[-1] / plain.loss[-3]) ** 0.25, best_gd, rtol=1e-6)


def test_momentum_diverges_beyond_its_stability_region():
    # for one curvature the heavy ball is stable iff 0 < lr lambda < 2 (1 + beta)
    lam, beta = 2.0, 0.5
    inside = optim.momentum(lambda x: lam * x, [1.0], 0.99 * 2 * (1 + beta) / lam, beta, 3000)
    outside = optim.momentum(lambda x: lam * x, [1.0], 1.01 * 2 * (1 + beta) / lam, beta, 3000)
    assert abs(inside.x[-1, 0]) < 1e-3
    assert outside.stopped == "diverged" or abs(outside.x[-1, 0]) > 1e3


# --- Adam ----------------------------------------------------------------------------------

def test_adams_first_two_steps_by_hand():
    g0 = BOWL.grad(np.array([2.5, 2.0]))                   # (5, 4)
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    run = optim.adam(BOWL.grad, [2.5, 2.0], lr, 2, beta1=b1, beta2=b2, eps=eps)
    # step 1: m_hat = g, v_hat = g^2, so the step is lr * g / (|g| + eps) = lr * sign(g)
    theta1 = np.array([2.5, 2.0]) - lr * g0 / (np.abs(g0) + eps)
    np.testing.assert_allclose(run.x[1], theta1, rtol=1e-15)
    np.testing.assert_allclose(run.x[1], [2.4, 1.9], rtol=1e-8)
    # step 2, written out
    g1 = 2 * theta1
    m = b1 * (1 - b1) * g0 + (1 - b1) * g1
    v = b2 * (1 - b2) * g0 ** 2 + (1 - b2) * g1 ** 2
    theta2 = theta1 - lr * (m / (1 - b1 ** 2)) / (np.sqrt(v / (1 - b2 ** 2)) + eps)
    np.testing.assert_allclose(run.x[2], theta2, rtol=1e-14)


def test_adams_step_ignores_the_scale_of_the_gradient():
    """Multiplying the loss by 1000 leaves Adam's path unchanged (up to eps); GD's is not."""
    big = lambda x: 1000 * VALLEY.grad(x)
    small = optim.adam(VALLEY.grad, VALLEY.start, 0.05, 40, eps=0.0)
    large = optim.adam(big, VALLEY.start, 0.05, 40, eps=0.0)
    np.testing.assert_allclose(large.x, small.x, rtol=1e-10)


def test_adam_converges_on_the_valley():
    run = optim.adam(VALLEY.grad, VALLEY.start, 0.1, 2000, f=VALLEY.f)
    assert run.loss[-1] < 1e-6 * run.loss[0]


# --- schedules -----------------------------------------------------------------------------

def test_schedules_follow_their_formulas():
    np.testing.assert_array_equal(optim.constant_schedule(0.3, 4), [0.3] * 4)
    np.testing.assert_allclose(optim.step_decay(1.0, 7, every=3, drop=0.1),
                               [1, 1, 1, 0.1, 0.1, 0.1, 0.01])
    cosine = optim.cosine_schedule(2.0, 4, lr_min=0.5)
    np.testing.assert_allclose(cosine, [2.0, 0.5 + 1.5 * (1 + np.sqrt(0.5)) / 2, 1.25,
                                        0.5 + 1.5 * (1 - np.sqrt(0.5)) / 2])
    np.testing.assert_allclose(optim.inverse_time(1.0, 4, decay=0.5), [1, 1 / 1.5, 0.5, 1 / 2.5])


@pytest.mark.parametrize("call,message", [
    (lambda: optim.momentum(BOWL.grad, [1.0, 1.0], 0.1, 1.0, 3), r"beta must lie in \[0, 1\); got 1.0"),
    (lambda: optim.momentum(BOWL.grad, [1.0, 1.0], -1, 0.5, 3), "lr must be a positive number"),
    (lambda: optim.adam(BOWL.grad, [1.0, 1.0], 0.1, 3, beta2=1.5), r"beta2 must lie in \[0, 1\)"),
    (lambda: optim.adam(BOWL.grad, [1.0, 1.0], 0.1, 3, eps=-1), "eps must be a number >= 0"),
    (lambda: optim.step_decay(0.1, 5, every=0), "every must be a whole number >= 1"),
    (lambda: optim.step_decay(0.1, 5, every=2, drop=2), "drop must lie strictly between 0 and 1"),
    (lambda: optim.cosine_schedule(0.1, 5, lr_min=0.2), r"lr_min must lie in \[0, lr\]"),
    (lambda: optim.inverse_time(0.1, 5, decay=0), "decay must be a positive number"),
    (lambda: optim.sgd(lambda x, r: x, 10, [1.0], 0.1, 5, batch_size=11), "batch_size must be .* 1 to size = 10"),
    (lambda: optim.sgd(lambda x, r: x, 10, [1.0], [0.1, 0.1], 5, batch_size=2), "must hold 5 positive rates"),
    (lambda: regression.line_fit(size=1), "size must be a whole number >= 2"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- mini-batches on a least-squares problem -----------------------------------------------

FIT = regression.line_fit()


def test_line_fit_gradients_match_finite_differences(rng):
    for _ in range(5):
        theta = rng.normal(size=2)
        assert relative_error(FIT.grad(theta), numerical_gradient(FIT.f, theta)) < 1e-7
        rows = rng.choice(FIT.size, 7, replace=False)
        batch_loss = lambda t: 0.5 * np.mean(FIT.residuals(t, rows) ** 2)
        assert relative_error(FIT.batch_grad(theta, rows), numerical_gradient(batch_loss, theta)) < 1e-7
        np.testing.assert_allclose(FIT.example_grads(theta).mean(axis=0), FIT.grad(theta))


def test_line_fit_minimiser_hessian_and_surface():
    best = FIT.minimiser()
    np.testing.assert_allclose(FIT.grad(best), 0, atol=1e-12)
    theta = np.array([0.3, -0.2])
    np.testing.assert_allclose(FIT.grad(theta), FIT.hess() @ (theta - best), rtol=1e-10)
    grid = np.stack(np.meshgrid([0.0, 1.0], [2.0, 3.0]), axis=-1)
    np.testing.assert_allclose(FIT.f(grid), [[FIT.f(p) for p in row] for row in grid])


def test_sgd_with_the_whole_batch_is_gradient_descent():
    plain = optim.gradient_descent(FIT.grad, [0.0, 0.0], 0.3, 40, f=FIT.f)
    full = optim.sgd(FIT.batch_grad, FIT.size, [0.0, 0.0], 0.3, 40, batch_size=FIT.size, f=FIT.f)
    np.testing.assert_allclose(full.x, plain.x, rtol=1e-12)


def test_sgd_follows_a_schedule_and_a_seed():
    rates = optim.step_decay(0.3, 30, every=10)
    full = optim.sgd(FIT.batch_grad, FIT.size, [0.0, 0.0], rates, 30, batch_size=FIT.size)
    x = np.zeros(2)
    for alpha in rates:
        x = x - alpha * FIT.grad(x)
    np.testing.assert_allclose(full.x[-1], x, rtol=1e-12)
    a = optim.sgd(FIT.batch_grad, FIT.size, [0.0, 0.0], 0.1, 20, batch_size=4, seed=3)
    b = optim.sgd(FIT.batch_grad, FIT.size, [0.0, 0.0], 0.1, 20, batch_size=4, seed=3)
    c = optim.sgd(FIT.batch_grad, FIT.size, [0.0, 0.0], 0.1, 20, batch_size=4, seed=4)
    np.testing.assert_array_equal(a.x, b.x)
    assert not np.array_equal(a.x, c.x)
    np.testing.assert_allclose(a.grad, [FIT.grad(p) for p in a.x])    # the full gradient is recorded


@pytest.mark.parametrize("m", [1, 4, 16, 63])
def test_batch_noise_formula_matches_monte_carlo(m):
    rng = np.random.default_rng(m)
    theta = np.array([0.2, -0.4])
    full = FIT.grad(theta)
    draws = [FIT.batch_grad(theta, rng.choice(FIT.size, m, replace=False)) for _ in range(20000)]
    measured = np.mean(np.sum((np.array(draws) - full) ** 2, axis=1))
    np.testing.assert_allclose(measured, FIT.batch_noise(theta, m), rtol=0.05)
    assert FIT.batch_noise(theta, FIT.size) == 0.0


def test_smaller_batches_hover_farther_from_the_minimum():
    best = FIT.minimiser()
    spread = {}
    for m in (1, 8, 64):
        run = optim.sgd(FIT.batch_grad, FIT.size, [0.0, 0.0], 0.3, 2000, batch_size=m, seed=1)
        spread[m] = np.mean(np.linalg.norm(run.x[1000:] - best, axis=1))
    assert spread[1] > 2 * spread[8] > 0 and spread[64] < 1e-9     # the whole batch: no noise


def test_a_decaying_rate_beats_the_noise_floor():
    best = FIT.minimiser()
    constant = optim.sgd(FIT.batch_grad, FIT.size, [0.0, 0.0], 0.2, 2000, batch_size=1, seed=2)
    decayed = optim.sgd(FIT.batch_grad, FIT.size, [0.0, 0.0], optim.inverse_time(0.2, 2000, 0.01),
                        2000, batch_size=1, seed=2)
    far = lambda run: np.mean(np.linalg.norm(run.x[-200:] - best, axis=1))
    assert far(decayed) < 0.5 * far(constant)
