"""Chapter 7: batch normalisation against finite differences, the vanishing and exploding
gradient claims, the random-Hessian counting, and the chapter's figures and demos."""

import io
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from nnlearn import deep, landscapes, network, optim
from nnlearn.demos import loss_landscapes as demos
from nnlearn.gradcheck import numerical_gradient, relative_error
from nnlearn.plots import loss_landscapes as plots


def pixels(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=float)


# --- batch normalisation -------------------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 1), (5, 3), (16, 7)])
def test_batchnorm_backward_matches_finite_differences(rng, shape):
    Z = rng.normal(size=shape) * 3 + 1
    gamma, beta = rng.normal(size=shape[1]), rng.normal(size=shape[1])
    G = rng.normal(size=shape)                                   # dL/dU of L = sum(G * U)
    loss = lambda Z, gamma, beta: np.sum(G * deep.batchnorm_forward(Z, gamma, beta)[0])
    _, cache = deep.batchnorm_forward(Z, gamma, beta)
    dZ, dgamma, dbeta = deep.batchnorm_backward(G, cache)
    assert relative_error(dZ, numerical_gradient(lambda v: loss(v, gamma, beta), Z)) < 1e-7
    assert relative_error(dgamma, numerical_gradient(lambda v: loss(Z, v, beta), gamma)) < 1e-7
    assert relative_error(dbeta, numerical_gradient(lambda v: loss(Z, gamma, v), beta)) < 1e-7


def test_batchnorm_output_has_the_mean_beta_and_the_scale_gamma(rng):
    Z = rng.normal(size=(50, 4)) * np.array([0.003, 1.0, 30.0, 5.0]) + np.array([3, -1, 100, 0])
    gamma, beta = np.array([1.0, 2.0, 0.5, 3.0]), np.array([0.0, -1.0, 4.0, 2.0])
    U, _ = deep.batchnorm_forward(Z, gamma, beta)
    np.testing.assert_allclose(U.mean(axis=0), beta, atol=1e-12)
    # the standard deviation is gamma * sqrt(var / (var + eps)): below gamma, and far below
    # it only for a column whose variance is not large against eps (the first, var ~ 1e-5)
    var = Z.var(axis=0)
    np.testing.assert_allclose(U.std(axis=0), gamma * np.sqrt(var / (var + deep.BN_EPS)), rtol=1e-10)
    np.testing.assert_allclose(U.std(axis=0)[1:], gamma[1:], rtol=1e-4)


def test_batchnorm_ignores_the_scale_and_shift_of_its_input(rng):
    Z = rng.normal(size=(10, 3))
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    U, _ = deep.batchnorm_forward(Z, gamma, beta)
    U_scaled, _ = deep.batchnorm_forward(7 * Z - 2, gamma, beta)
    np.testing.assert_allclose(U_scaled, U, atol=1e-4)          # only eps tells them apart
    U_exact, _ = deep.batchnorm_forward(7 * Z - 2, gamma, beta, eps=0.0)
    np.testing.assert_allclose(U_exact, deep.batchnorm_forward(Z, gamma, beta, eps=0.0)[0],
                               atol=1e-12)


def test_batchnorm_rejects_bad_input(rng):
    with pytest.raises(ValueError, match=r"batch of shape \(m >= 2, n\); got \(1, 3\)"):
        deep.batchnorm_forward(np.ones((1, 3)), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"gamma and beta must have shape \(3,\)"):
        deep.batchnorm_forward(np.ones((4, 3)), np.ones(2), np.zeros(3))
    _, cache = deep.batchnorm_forward(rng.normal(size=(4, 3)), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"dU must have the shape of the forward output \(4, 3\)"):
        deep.batchnorm_backward(np.ones((3, 3)), cache)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
def test_batchnorm_network_gradients_match_finite_differences(rng, hidden):
    sizes = [3, 4, 5, 2]
    W, b = network.init_params(sizes, rng, "xavier")
    b = {j: rng.normal(size=v.shape) for j, v in b.items()}
    gamma, beta = deep.bn_params(W)
    gamma = {j: g + rng.uniform(0.2, 0.8, g.shape) for j, g in gamma.items()}
    beta = {j: rng.normal(size=v.shape) for j, v in beta.items()}
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    _, _, dW, db, dgamma, dbeta = deep.loss_and_grads_bn(X, Y, W, b, gamma, beta, hidden)

    def loss_with(group, j, value):
        params = {"W": dict(W), "b": dict(b), "gamma": dict(gamma), "beta": dict(beta)}
        params[group][j] = value
        return deep.loss_and_grads_bn(X, Y, params["W"], params["b"], params["gamma"],
                                      params["beta"], hidden)[0]

    for group, values, grads in [("W", W, dW), ("gamma", gamma, dgamma), ("beta", beta, dbeta)]:
        for j in values:
            numeric = numerical_gradient(lambda v: loss_with(group, j, v), values[j])
            assert relative_error(grads[j], numeric) < 1e-7, f"d{group}[{j}] ({hidden})"
    # the output bias matters; the biases of normalised layers are cancelled by the mean
    N = len(W)
    assert relative_error(db[N], numerical_gradient(lambda v: loss_with("b", N, v), b[N])) < 1e-7
    for j in range(1, N):
        np.testing.assert_allclose(db[j], 0.0, atol=1e-12)
        np.testing.assert_allclose(numerical_gradient(lambda v: loss_with("b", j, v), b[j]), 0.0,
                                   atol=1e-8)


def test_batchnorm_network_makes_weight_gradients_scale_like_one_over_the_weights(rng):
    sizes = [4, 6, 6, 3]
    W, b = network.init_params(sizes, rng, "he")
    gamma, beta = deep.bn_params(W)
    X, Y = rng.normal(size=(12, 4)), rng.normal(size=(12, 3))
    loss, _, dW, _, _, _ = deep.loss_and_grads_bn(X, Y, W, b, gamma, beta, "tanh")
    scaled = {j: (5.0 * w if j < len(W) else w) for j, w in W.items()}
    loss_scaled, _, dW_scaled, _, _, _ = deep.loss_and_grads_bn(X, Y, scaled, b, gamma, beta, "tanh")
    assert loss_scaled == pytest.approx(loss, rel=1e-4)
    for j in range(1, len(W)):
        np.testing.assert_allclose(dW_scaled[j], dW[j] / 5.0, rtol=1e-3, atol=1e-9)


# --- vanishing and exploding gradients --------------------------------------------------

def ratio(norms):
    return norms[0] / norms[-1]


def test_gradient_norms_match_the_network_module_without_batchnorm():
    norms = deep.gradient_norms(6, 8, "tanh", "xavier", batch=5, seed=3)
    rng = np.random.default_rng(3)
    W, b = deep.deep_network(6, 8, "xavier", rng)
    X, Y = deep.random_batch(8, 5, rng)
    _, dW, _ = network.loss_and_grads(X, Y, W, b, network.Spec(hidden="tanh"))
    np.testing.assert_allclose(norms, [np.linalg.norm(dW[j]) for j in range(1, 7)])


def test_deep_sigmoid_with_small_weights_vanishes():
    norms = deep.gradient_norms(15, 64, "sigmoid", "small")
    assert norms.shape == (15,)
    assert ratio(norms) < 1e-6, "the first layer's gradient should be orders of magnitude smaller"
    assert np.all(np.diff(np.log(norms)) > 0), "and shrink at every layer on the way back"


def test_deep_sigmoid_vanishes_even_with_xavier_but_not_with_batchnorm():
    assert ratio(deep.gradient_norms(15, 64, "sigmoid", "xavier")) < 1e-5
    assert 1e-2 < ratio(deep.gradient_norms(15, 64, "sigmoid", "xavier", batchnorm=True)) < 10


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh"])
def test_large_weights_explode_and_batchnorm_tames_them(hidden):
    assert ratio(deep.gradient_norms(15, 64, hidden, "large")) > 10
    assert 1e-2 < ratio(deep.gradient_norms(15, 64, hidden, "large", batchnorm=True)) < 10


def test_relu_with_he_init_keeps_every_layer_within_a_modest_factor():
    norms = deep.gradient_norms(15, 64, "relu", "he")
    assert norms.max() / norms.min() < 10
    assert 0.2 < ratio(norms) < 5


def test_relu_scale_moves_every_layer_together():
    small, he, large = (deep.gradient_norms(15, 64, "relu", init) for init in ("small", "he", "large"))
    for norms in (small, he, large):
        assert 0.2 < ratio(norms) < 5                 # the same shape across layers ...
    assert small.max() < 1e-2 * he.min()              # ... at wildly different levels
    assert large.min() > 1e20 * he.max()


def test_deep_network_rejects_bad_arguments(rng):
    with pytest.raises(ValueError, match="unknown initialisation 'huge'; expected one of: small"):
        deep.deep_network(3, 4, "huge", rng)
    with pytest.raises(ValueError, match="depth and width must be >= 1; got depth=0"):
        deep.deep_network(0, 4, "he", rng)


# --- saddles outnumber minima ----------------------------------------------------------

def test_random_symmetric_matrices_are_symmetric(rng):
    A = deep.random_symmetric(5, 7, rng)
    assert A.shape == (7, 5, 5)
    np.testing.assert_array_equal(A, np.swapaxes(A, 1, 2))
    with pytest.raises(ValueError, match="N and samples must be >= 1; got N=0"):
        deep.random_symmetric(0, 3, rng)


def test_fraction_positive_definite_small_cases(rng):
    # N = 1: a symmetric normal number is positive half the time
    assert deep.fraction_positive_definite(1, 40_000, rng) == pytest.approx(0.5, abs=0.015)
    # N = 2: the exact value for this ensemble is (2 - sqrt 2) / 4
    assert deep.fraction_positive_definite(2, 40_000, rng) == pytest.approx(
        (2 - np.sqrt(2)) / 4, abs=0.01)


def test_minima_become_rarer_than_coin_flips(rng):
    fractions = [deep.fraction_positive_definite(N, 20_000, rng) for N in range(1, 6)]
    assert all(a >= b for a, b in zip(fractions, fractions[1:]))
    for N, fraction in zip(range(3, 6), fractions[2:]):
        assert fraction < 0.5 * 2.0 ** -N


# --- the hard surfaces -----------------------------------------------------------------

def test_gradient_descent_lingers_at_the_saddle_in_proportion_to_log_one_over_y0():
    saddle = landscapes.saddle()
    counts = []
    for y0 in (1e-2, 1e-4, 1e-6):
        run = optim.gradient_descent(saddle.grad, (1.0, y0), 0.1, 1000, f=saddle.f)
        counts.append(np.flatnonzero(run.loss < -0.25 + 1e-3)[0])
    per_factor_100 = np.log(100) / np.log(1.1)
    np.testing.assert_allclose(np.diff(counts), per_factor_100, rtol=0.05)
    on_ridge = optim.gradient_descent(saddle.grad, (1.0, 0.0), 0.1, 1000)
    np.testing.assert_allclose(on_ridge.x[-1], [0.0, 0.0], atol=1e-12)


def test_explorer_start_point_maps_the_window():
    surface = demos.SURFACES["rosenbrock"]
    np.testing.assert_allclose(demos.start_point(surface, -1, -1), [-2, -1])
    np.testing.assert_allclose(demos.start_point(surface, 1, 1), [2, 3])
    np.testing.assert_allclose(demos.start_point(surface, 0, 0), [0, 1])


# --- figures -------------------------------------------------------------------------

def figures():
    saddle, valley = landscapes.saddle(), landscapes.narrow_valley(25)
    run = optim.gradient_descent(saddle.grad, (1.8, 1e-3), 0.1, 80, f=saddle.f)
    with np.errstate(over="ignore", invalid="ignore"):
        wild = optim.gradient_descent(valley.grad, valley.start, 0.5, 400, f=valley.f)
    yield plots.landscape_gallery([(saddle, [(run.x, "a"), (wild.x, "diverges")], "t"),
                                   (landscapes.plateau(), [], "plateau"),
                                   (landscapes.rosenbrock(), [(run.x, None)], "r")])
    yield plots.descent_progress({"saddle": (run, -0.25)})
    yield plots.positive_definite_fraction(np.arange(1, 6), [0.5, 0.1, 0.01, 0.0, 0.0], 1000)
    yield plots.gradient_norm_profiles({"a": [1e-9, 1e-3, 1.0], "b": [1e30, 1e10, 1.0]}, "t")


def test_every_figure_is_a_figure_and_warns_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        made = list(figures())
        for fig in made:
            assert isinstance(fig, Figure)
            fig.canvas.draw()


def test_figures_name_their_bad_input():
    with pytest.raises(ValueError, match="at least one panel"):
        plots.landscape_gallery([])
    with pytest.raises(ValueError, match="at least one run"):
        plots.descent_progress({})
    run = optim.gradient_descent(landscapes.bowl().grad, (1.0, 1.0), 0.1, 3)
    with pytest.raises(ValueError, match="has no losses: pass f="):
        plots.descent_progress({"no loss": (run, 0.0)})
    with pytest.raises(ValueError, match=r"sizes and fractions must match"):
        plots.positive_definite_fraction([1, 2], [0.5], 10)
    with pytest.raises(ValueError, match="at least one profile"):
        plots.gradient_norm_profiles({})


def test_finite_points_drop_the_diverged_tail():
    points = np.array([[0.0, 1.0], [1e6, -2.0], [np.inf, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(plots.finite_points(points), [[0.0, 1.0], [1e4, -2.0]])


# --- demos ---------------------------------------------------------------------------

def test_landscape_explorer_renders_every_surface_at_extreme_controls():
    demo = demos.landscape_explorer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for surface in demos.SURFACES:
            frames = {demo.frame(surface=surface, log_lr=log_lr, steps=steps, sx=s, sy=s)
                      for log_lr in (-4.0, 0.5) for steps in (0, 400) for s in (-1.0, 1.0)}
            assert len(frames) > 1, f"{surface}: the controls change nothing"


@pytest.mark.parametrize("control, values", [("log_lr", (-2.0, -1.0)), ("steps", (5, 50)),
                                             ("sx", (0.2, 0.8)), ("sy", (0.2, 0.8))])
def test_landscape_explorer_sliders_move_the_frame(control, values):
    demo = demos.landscape_explorer()
    first, second = (pixels(demo.frame(surface="local_minima", **{control: v})) for v in values)
    assert np.abs(first - second).mean() > 0.05


def test_gradient_flow_renders_every_combination_and_each_menu_moves_it():
    demo = demos.gradient_flow()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for activation in demos.ACTIVATIONS:
            for depth in demos.DEPTHS:
                demo.frame(activation=activation, depth=depth, init="large", batchnorm="off")
                demo.frame(activation=activation, depth=depth, init="small", batchnorm="on")
    base = demo.frame()
    for control, value in [("depth", 5), ("activation", "relu"), ("init", "large"),
                           ("batchnorm", "on")]:
        assert demo.frame(**{control: value}) != base, f"{control} does not change the frame"


def test_gradient_flow_table_holds_the_measured_profiles():
    table = demos.flow_table()
    assert len(table) == len(demos.DEPTHS) * len(demos.ACTIVATIONS) * len(deep.INITS) * 2
    np.testing.assert_array_equal(table[(10, "tanh", "he", "on")],
                                  deep.gradient_norms(10, demos.WIDTH, "tanh", "he", True,
                                                      demos.BATCH))


# --- residual connections, gradient clipping, symmetric starts (nnlearn.practice) ----------

from nnlearn import practice  # noqa: E402


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("skip", [True, False])
def test_residual_backward_matches_finite_differences(rng, hidden, skip):
    sizes = [4, 4, 4, 4, 3]                                  # three skips, then the output layer
    W, b = network.init_params(sizes, rng, "xavier")
    b = {j: rng.normal(0.0, 0.3, v.shape) for j, v in b.items()}
    X, Y = rng.normal(size=(6, 4)), rng.normal(size=(6, 3))
    loss, dW, db = practice.residual_loss_and_grads(X, Y, W, b, hidden, skip)
    loss_of = lambda theta: practice.residual_loss_and_grads(
        X, Y, *network.unflatten(theta, sizes), hidden, skip)[0]
    theta = network.flatten(W, b)
    assert loss_of(theta) == loss
    assert relative_error(network.flatten(dW, db), numerical_gradient(loss_of, theta)) < 1e-7
    # dX, the gradient handed to whatever came before the network
    Z, H = practice.residual_forward(X, W, b, hidden, skip)
    _, _, dX = practice.residual_backward(Y, Z, H, W, hidden, skip)
    numeric_dX = numerical_gradient(lambda v: practice.residual_loss_and_grads(v, Y, W, b, hidden, skip)[0], X)
    assert relative_error(dX, numeric_dX) < 1e-7


def test_residual_network_for_one_example_matches_finite_differences(rng):
    sizes = [3, 3, 2]
    W, b = network.init_params(sizes, rng, "he")
    x, y = rng.normal(size=3), rng.normal(size=2)
    _, dW, db = practice.residual_loss_and_grads(x, y, W, b, "relu", True)
    loss_of = lambda theta: practice.residual_loss_and_grads(x, y, *network.unflatten(theta, sizes), "relu")[0]
    assert relative_error(network.flatten(dW, db),
                          numerical_gradient(loss_of, network.flatten(W, b))) < 1e-7


def test_without_skips_the_residual_code_is_the_plain_network(rng):
    sizes = [3, 5, 4, 2]                                      # widths may change without skips
    W, b = network.init_params(sizes, rng)
    X, Y = rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    loss, dW, db = practice.residual_loss_and_grads(X, Y, W, b, "tanh", skip=False)
    loss_ref, dW_ref, db_ref = network.loss_and_grads(X, Y, W, b, network.Spec("tanh"))
    assert loss == pytest.approx(loss_ref, rel=1e-14)
    np.testing.assert_allclose(network.flatten(dW, db), network.flatten(dW_ref, db_ref), rtol=1e-12)
    np.testing.assert_array_equal(practice.residual_gradient_norms(8, 16, "sigmoid", "xavier", False, 8, 2),
                                  deep.gradient_norms(8, 16, "sigmoid", "xavier", batch=8, seed=2))


def test_a_skip_adds_its_input_to_the_branch(rng):
    W, b = network.init_params([2, 2, 1], rng)
    x = np.array([1.0, -2.0])
    Z, H = practice.residual_forward(x, W, b, "tanh", skip=True)
    np.testing.assert_allclose(H[1], x + np.tanh(W[1].T @ x + b[1]))
    np.testing.assert_allclose(H[2], W[2].T @ H[1] + b[2])


def test_skips_stop_the_sigmoid_gradient_from_vanishing():
    plain = practice.residual_gradient_norms(30, 64, "sigmoid", "xavier", skip=False)
    skipped = practice.residual_gradient_norms(30, 64, "sigmoid", "xavier", skip=True)
    assert ratio(plain) < 1e-15                               # 29 factors of about 1/4
    assert ratio(skipped) > 1e-3                              # at most a factor ~depth apart
    assert skipped.min() > 1.0


def test_residual_rejects_bad_input(rng):
    W, b = network.init_params([3, 4, 2], rng)
    with pytest.raises(ValueError, match=r"needs layer 1 as wide as layer 0; W\[1\] has shape \(3, 4\)"):
        practice.residual_forward(np.ones(3), W, b, "relu", skip=True)
    with pytest.raises(ValueError, match=r"X must have shape \(3,\) for one example or \(m, 3\)"):
        practice.residual_forward(np.ones(4), W, b, "relu", skip=False)


def test_clipping_keeps_the_direction_and_caps_the_norm(rng):
    grads = [{1: rng.normal(size=(3, 4)), 2: rng.normal(size=(4, 1))}, {1: rng.normal(size=4)}]
    norm = np.sqrt(sum(np.sum(a ** 2) for a in [grads[0][1], grads[0][2], grads[1][1]]))
    assert practice.global_norm(grads) == pytest.approx(norm, rel=1e-14)
    clipped, reported = practice.clip_by_global_norm(grads, norm / 3)
    assert reported == pytest.approx(norm, rel=1e-14)
    assert practice.global_norm(clipped) == pytest.approx(norm / 3, rel=1e-12)
    for before, after in [(grads[0][1], clipped[0][1]), (grads[0][2], clipped[0][2]),
                          (grads[1][1], clipped[1][1])]:
        np.testing.assert_allclose(after, before / 3, rtol=1e-12)   # same direction, one factor
    same, _ = practice.clip_by_global_norm(grads, 2 * norm)          # short enough: unchanged
    np.testing.assert_array_equal(same[0][1], grads[0][1])
    assert same[0][1] is not grads[0][1]                              # a copy, input untouched
    zero, n0 = practice.clip_by_global_norm(np.zeros(3), 1.0)
    assert n0 == 0.0 and not zero.any()


def test_clipping_rejects_bad_input():
    with pytest.raises(ValueError, match="max_norm must be a positive number; got 0"):
        practice.clip_by_global_norm(np.ones(2), 0)
    with pytest.raises(ValueError, match="non-finite entry"):
        practice.clip_by_global_norm({1: np.array([1.0, np.inf])}, 1.0)


def test_clipped_descent_never_steps_further_than_lr_times_max_norm(rng):
    W, b = deep.deep_network(6, 8, "large", rng)
    X, Y = deep.random_batch(8, 16, rng)
    W_end, b_end, history = practice.descend(X, Y, W, b, 0.1, 1, "tanh", max_norm=0.5)
    moved = practice.global_norm([{j: W_end[j] - W[j] for j in W}, {j: b_end[j] - b[j] for j in b}])
    assert history["grad_norm"][0] > 0.5                      # the clip was active ...
    assert moved == pytest.approx(0.1 * 0.5, rel=1e-10)       # ... and the step is lr * max_norm
    _, _, free = practice.descend(X, Y, W, b, 0.1, 1, "tanh")
    assert free["grad_norm"][0] == history["grad_norm"][0]


def test_clipping_rescues_a_run_that_diverges():
    runs = practice.clipping_runs()
    plain, clipped = runs["no clipping, α = 0.4"], runs["clipped at 1, α = 0.4"]
    assert not np.isfinite(plain["loss"][-1])                 # the unclipped run blew up
    assert np.isfinite(clipped["loss"]).all() and clipped["loss"][-1] < 0.5 * clipped["loss"][0]


def test_a_symmetric_start_keeps_every_hidden_unit_identical(rng):
    X = np.linspace(-3, 3, 20)[:, None]
    Y = np.sin(X)
    for value in (0.0, 0.5):
        W, b = practice.constant_params([1, 5, 1], value)
        W_end, b_end, history = practice.descend(X, Y, W, b, 0.1, 200, "tanh")
        assert practice.unit_spread(W_end, b_end) < 1e-12     # 0 but for rounding
    W, b = practice.constant_params([1, 5, 1], 0.5)
    W_end, _, _ = practice.descend(X, Y, W, b, 0.1, 200, "tanh")
    assert not np.allclose(W_end[1], 0.5)                     # it did learn, as one unit
    W_zero, b_zero, hist = practice.descend(X, Y, *practice.constant_params([1, 5, 1]), 0.1, 50, "tanh")
    assert not W_zero[1].any() and not W_zero[2].any()        # all zero: tanh(0) = 0 freezes W
    W, b = network.init_params([1, 5, 1], rng)
    assert practice.unit_spread(*practice.descend(X, Y, W, b, 0.1, 50, "tanh")[:2]) > 0.1


def test_symmetry_helpers_reject_bad_input():
    with pytest.raises(ValueError, match="at least two layers"):
        practice.constant_params([3])
    W, b = practice.constant_params([2, 3, 1])
    with pytest.raises(ValueError, match=r"j must name a hidden layer, 1..1; got 2"):
        practice.unit_spread(W, b, 2)
    with pytest.raises(ValueError, match="learning rate must be positive"):
        practice.descend(np.ones((2, 2)), np.ones((2, 1)), W, b, 0.0, 1)


def test_practice_figures_draw_without_warnings_and_name_bad_input():
    from conftest import draw_without_warnings

    runs = {"blows up": {"loss": np.array([1.0, 10.0, 1e6, np.inf]), "grad_norm": np.array([1.0, 5.0, 1e8, np.nan])},
            "fine": {"loss": np.array([1.0, 0.5, 0.25, 0.1]), "grad_norm": np.array([2.0, 1.0, 0.5, 0.2])}}
    draw_without_warnings(lambda: plots.clipping_progress(runs, max_norm=1.0))
    X, Y = practice.symmetry_data(10)
    W, b = practice.constant_params([1, 3, 1], 0.5)
    draw_without_warnings(lambda: plots.symmetry_fits({"a": (W, b, {"loss": np.array([1.0])})}, X, Y))
    with pytest.raises(ValueError, match="at least one run"):
        plots.clipping_progress({})
    with pytest.raises(ValueError, match="at least one run"):
        plots.symmetry_fits({}, X, Y)
