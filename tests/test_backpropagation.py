"""Chapter 6: the worked 2-2-1 example (by hand, by the package, by finite differences, and as
printed in the chapter), the digits loader and training run, and the chapter's figures and demos."""

import io
import json
import math
import warnings

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT, draw_without_warnings
from nnlearn import data, network
from nnlearn.demos import backpropagation as demos
from nnlearn.gradcheck import numerical_gradient, relative_error
from nnlearn.plots import backpropagation as plots

CHAPTER = ROOT / "book" / "06_backpropagation.ipynb"


# --- the worked example, by hand: scalars and math.exp only, no nnlearn --------------------

def by_hand():
    """Every number of the 2-2-1 example, computed one scalar at a time."""
    def sigmoid(t):
        return 1.0 / (1.0 + math.exp(-t))

    x1, x2, y = 1.0, 2.0, 1.0
    z11 = 0.5 * x1 + 0.2 * x2 + 0.1              # column 1 of W^(0,1) feeds hidden neuron 1
    z12 = -0.3 * x1 + 0.4 * x2 - 0.5
    h11, h12 = sigmoid(z11), sigmoid(z12)
    y_hat = 0.6 * h11 - 0.4 * h12 + 0.2
    loss = 0.5 * (y - y_hat) ** 2
    d2 = y_hat - y
    s1, s2 = h11 * (1 - h11), h12 * (1 - h12)     # sigmoid'(z) = sigmoid(z)(1 - sigmoid(z))
    back1, back2 = 0.6 * d2, -0.4 * d2            # W^(1,2) delta^(2), entry by entry
    d11, d12 = back1 * s1, back2 * s2
    return {
        "z1": [z11, z12], "h1": [h11, h12], "y_hat": y_hat, "loss": loss,
        "delta2": d2, "dW2": [h11 * d2, h12 * d2], "db2": d2,
        "sigmoid_prime": [s1, s2], "W2_delta2": [back1, back2],
        "delta1": [d11, d12], "dW1": [[x1 * d11, x1 * d12], [x2 * d11, x2 * d12]], "db1": [d11, d12],
    }


def test_worked_example_has_the_parameters_the_chapter_states():
    e = demos.worked_example()
    np.testing.assert_array_equal(e["x"], [1.0, 2.0])
    np.testing.assert_array_equal(e["y"], [1.0])
    np.testing.assert_array_equal(e["W"][1], [[0.5, -0.3], [0.2, 0.4]])
    np.testing.assert_array_equal(e["W"][2], [[0.6], [-0.4]])
    np.testing.assert_array_equal(e["b"][1], [0.1, -0.5])
    np.testing.assert_array_equal(e["b"][2], [0.2])
    assert (e["hidden"], e["output"], e["loss"]) == ("sigmoid", "identity", "mse")


def package_run():
    e = demos.worked_example()
    z, h = network.forward(e["x"], e["W"], e["b"], e["hidden"], e["output"])
    dW, db = network.backward(e["y"], z, h, e["W"], e["hidden"], e["output"], e["loss"])
    loss = network.loss_value(e["y"], h[2], z[2], e["output"], e["loss"])
    return e, z, h, dW, db, loss


def test_worked_example_package_matches_the_hand_computation():
    hand = by_hand()
    _, z, h, dW, db, loss = package_run()
    np.testing.assert_allclose(z[1], hand["z1"], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(h[1], hand["h1"], rtol=1e-14)
    np.testing.assert_allclose(h[2], [hand["y_hat"]], rtol=1e-14)
    assert loss == pytest.approx(hand["loss"], rel=1e-13)
    np.testing.assert_allclose(db[2], [hand["delta2"]], rtol=1e-13)
    np.testing.assert_allclose(dW[2], np.array(hand["dW2"])[:, None], rtol=1e-13)
    np.testing.assert_allclose(db[1], hand["delta1"], rtol=1e-12)
    np.testing.assert_allclose(dW[1], hand["dW1"], rtol=1e-12)


def test_worked_example_gradients_match_finite_differences():
    e, _, _, dW, db, _ = package_run()
    loss_of = network.flat_loss(e["x"], e["y"], [2, 2, 1], e["hidden"], e["output"], e["loss"])
    numeric = numerical_gradient(loss_of, network.flatten(e["W"], e["b"]))
    assert relative_error(network.flatten(dW, db), numeric) < 1e-7
    hand = by_hand()
    by_hand_flat = np.concatenate([np.ravel(hand["dW1"]), hand["db1"], hand["dW2"], [hand["db2"]]])
    assert relative_error(by_hand_flat, numeric) < 1e-7


def chapter_markdown():
    cells = json.loads(CHAPTER.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_the_chapter_prints_the_hand_computed_numbers():
    text = chapter_markdown()
    hand = by_hand()
    values = [*hand["z1"], *hand["h1"], hand["y_hat"], hand["loss"], hand["delta2"], *hand["dW2"],
              *hand["sigmoid_prime"], *hand["W2_delta2"], *hand["delta1"], *np.ravel(hand["dW1"])]
    missing = [f"{v:.4f}" for v in values if f"{v:.4f}" not in text]
    assert not missing, f"numbers of the worked example missing from the chapter: {missing}"


def test_the_chapter_states_the_corrected_recursion():
    text = chapter_markdown()
    assert r"\mathbf{W}^{(j-1,j)}\,\boldsymbol\delta^{(j)}\Big)\odot f^{(j-1)\prime}" in text
    assert "[errata](errata)" in text


# --- flat_loss and a deeper network ---------------------------------------------------------

def test_flat_loss_is_the_network_loss(rng):
    sizes = [3, 4, 2]
    W, b = network.init_params(sizes, rng)
    x, y = rng.normal(size=3), rng.normal(size=2)
    loss, _, _ = network.loss_and_grads(x, y, W, b, "tanh")
    assert network.flat_loss(x, y, sizes, "tanh")(network.flatten(W, b)) == loss


def test_the_demo_network_gradients_match_finite_differences():
    e = demos._wide_example()
    sizes = network.layer_sizes(e["W"])
    _, dW, db = network.loss_and_grads(e["x"], e["y"], e["W"], e["b"], e["hidden"], e["output"], e["loss"])
    loss_of = network.flat_loss(e["x"], e["y"], sizes, e["hidden"], e["output"], e["loss"])
    numeric = numerical_gradient(loss_of, network.flatten(e["W"], e["b"]))
    assert relative_error(network.flatten(dW, db), numeric) < 1e-7


# --- the digits loader ------------------------------------------------------------------------

def test_load_digits_shapes_ranges_and_labels():
    split = data.load_digits()
    assert split.X_train.shape == (1347, 64) and split.X_test.shape == (450, 64)
    assert split.Y_train.shape == (1347, 10) and split.Y_test.shape == (450, 10)
    for X in (split.X_train, split.X_test):
        assert X.dtype == np.float64 and X.min() == 0.0 and X.max() == 1.0
    for Y in (split.Y_train, split.Y_test):
        assert set(np.unique(Y)) == {0.0, 1.0}
        np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    np.testing.assert_array_equal(split.labels_train, split.Y_train.argmax(1))


def test_load_digits_is_a_stratified_partition_of_all_images():
    from sklearn.datasets import load_digits

    raw = load_digits()
    split = data.load_digits(test_fraction=0.25, seed=0)
    for digit in range(10):
        total = np.sum(raw.target == digit)
        assert np.sum(split.labels_test == digit) == round(0.25 * total)
    # every image on exactly one side: the two sides together are the raw data, reordered
    ours = np.vstack([split.X_train, split.X_test]) * 16
    labels = np.concatenate([split.labels_train, split.labels_test])
    key = lambda X, t: np.lexsort(np.column_stack([X, t]).T)   # noqa: E731
    np.testing.assert_array_equal(ours[key(ours, labels)], raw.data[key(raw.data, raw.target)])


def test_load_digits_is_reproducible_and_seeded():
    a, b, c = data.load_digits(seed=3), data.load_digits(seed=3), data.load_digits(seed=4)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.Y_test, b.Y_test)
    assert not np.array_equal(a.X_train, c.X_train)
    assert data.load_digits(test_fraction=0.5).X_test.shape[0] in range(895, 904)


@pytest.mark.parametrize("call,message", [
    (lambda: data.load_digits(test_fraction=0), r"strictly between 0 and 1; got 0"),
    (lambda: data.load_digits(test_fraction=1.5), r"strictly between 0 and 1; got 1.5"),
    (lambda: data.one_hot([0, 10]), r"labels must lie in 0..9; got values from 0 to 10"),
    (lambda: data.one_hot(np.array([0.5])), r"1-D array of integers; got float64"),
])
def test_bad_loader_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- the recorded training run ------------------------------------------------------------

def test_digits_history_records_every_epoch_consistently():
    history = demos.digits_history(**demos.DIGITS_RUN)
    E = demos.DIGITS_RUN["epochs"]
    assert history.epochs == E and history.predictions.shape == (E + 1, 450)
    accuracy = (history.predictions == history.labels_test).mean(axis=1)
    np.testing.assert_allclose(accuracy, history.test_accuracy)
    wrong = history.misclassified(E, count=500)
    assert len(wrong) == round((1 - history.test_accuracy[E]) * 450)
    assert np.all(history.predictions[E, wrong] != history.labels_test[wrong])
    # the chapter says: from chance to about 95 % on the test set, the loss down by far
    assert history.test_accuracy[0] < 0.3 and history.test_accuracy[E] >= 0.95
    assert history.train_loss[E] < history.train_loss[0] / 10


# --- figures ---------------------------------------------------------------------------------

def worked_figure():
    e = demos.worked_example()
    return plots.worked_example(e["x"], e["y"], e["W"], e["b"])


FIGURES = {
    "worked_example": worked_figure,
    "cost_comparison": lambda: plots.cost_comparison([10, 100, 1000], [1e-5, 2e-5, 3e-5],
                                                     [3e-5, 5e-5, 9e-5], [2e-4, 4e-3, 6e-2]),
    "digit_samples": lambda: plots.digit_samples(data.load_digits().X_train[:10], list(range(10))),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_draws_without_warnings(name):
    draw_without_warnings(FIGURES[name])


def test_network_diagram_has_one_edge_per_weight():
    sizes = [3, 4, 2]
    assert len(plots.edges(sizes)) == 3 * 4 + 4 * 2
    where = plots.layout(sizes)
    assert len(where) == 9 and where[0, 0] == (0.0, 1.0) and where[2, 1] == (2.0, -0.5)


def test_bad_figure_input_is_named():
    with pytest.raises(ValueError, match=r"expected 2 timings, one per network; got \(3,\)"):
        plots.cost_comparison([1, 2], [1, 2], [1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match=r"shape \(m, 64\); got \(3, 8\)"):
        plots.digit_samples(np.zeros((3, 8)), [0, 1, 2])


# --- demos -----------------------------------------------------------------------------------

def pixels(image):
    return np.asarray(Image.open(io.BytesIO(image)).convert("RGB"), dtype=float)


DEMOS = {"backward_steps": demos.backward_steps, "digits_training": demos.digits_training}


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_demo_renders_at_extreme_values_and_every_slider_moves_it(name):
    demo = DEMOS[name]()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for control in demo.controls.values():
            values = control.options if control.kind == "choice" else [control.min, control.max]
            frames = [demo.frame(**{control.name: v}) for v in values]
            for v in values:
                demo.describe(**{control.name: v})
            if control.kind != "choice":
                assert np.abs(pixels(frames[0]) - pixels(frames[-1])).mean() > 0.01, control.name


def test_backward_steps_reveal_one_layer_per_step():
    demo = demos.backward_steps()
    fig, state, *_ = demo._canvas(demo.params())
    art = state["art"]
    shown = []
    for step in range(demos.MAX_STEP + 1):
        demo.frame(step=step)
        shown.append({key for key, text in art.error.items() if text.get_text()})
    assert shown[0] == set()
    assert {j for j, _ in shown[1]} == {2} and {j for j, _ in shown[2]} == {1, 2}
    assert shown[3] == shown[2]                      # the 2-2-1 network ends after two steps
    hand = by_hand()
    assert f"{hand['delta2']:.4f}" in demo.describe(step=1)
    assert f"({hand['delta1'][0]:.4f}, {hand['delta1'][1]:.4f})" in demo.describe(step=2)


def test_digits_demo_shows_the_misclassified_digits_of_the_epoch():
    demo = demos.digits_training()
    history = demos.digits_history(**demos.DIGITS_RUN)
    fig, state, *_ = demo._canvas(demo.params())
    for epoch in (0, 5, history.epochs):
        demo.frame(epoch=epoch)
        wrong = history.misclassified(epoch, demos.SHOWN)
        first = state["titles"][0].get_text()
        assert first == f"{history.labels_test[wrong[0]]} → {history.predictions[epoch, wrong[0]]}"
        np.testing.assert_array_equal(state["images"][0].get_array(),
                                      history.X_test[wrong[0]].reshape(8, 8))
        assert f"{history.test_accuracy[epoch]:.1%}" in demo.describe(epoch=epoch)


# --- the computational graph and the four conventions ------------------------------------------

from nnlearn import practice  # noqa: E402


def test_worked_graph_has_the_numbers_the_chapter_states():
    e = practice.worked_block()
    g = practice.block_graph(e["x"], e["y"], e["W"], e["b"])
    # by hand, scalar by scalar: z1 = W1^T x + b1, ReLU, skip, output, MSE
    z = [0.5 * 1 + 0.25 * 2 - 0.5, -0.5 * 1 + 0.25 * 2 - 0.5]
    a = [max(v, 0.0) for v in z]
    h = [1 + a[0], 2 + a[1]]
    y_hat = 1.0 * h[0] - 0.5 * h[1] + 0.5
    gy = y_hat - 2.0
    gh = [1.0 * gy, -0.5 * gy]
    gz = [gh[k] * (z[k] > 0) for k in range(2)]
    gx = [gh[0] + 0.5 * gz[0] - 0.5 * gz[1], gh[1] + 0.25 * gz[0] + 0.25 * gz[1]]
    np.testing.assert_allclose(g["z1"][0], z)
    np.testing.assert_allclose(g["h1"][0], h)
    assert g["L"][0] == pytest.approx(0.5 * (y_hat - 2.0) ** 2)
    np.testing.assert_allclose(g["z1"][1], gz)
    np.testing.assert_allclose(g["W1"][1], [[1 * gz[0], 1 * gz[1]], [2 * gz[0], 2 * gz[1]]])
    np.testing.assert_allclose(g["W2"][1].ravel(), [h[0] * gy, h[1] * gy])
    np.testing.assert_allclose(g["x"][1], gx)
    assert gx == [-1.5, 0.25] and gz == [-1.0, 0.0]


def test_graph_adjoints_match_finite_differences_and_the_residual_backward(rng):
    for hidden in ("relu", "tanh"):
        W, b = network.init_params([3, 3, 2], rng)
        b = {j: rng.normal(0, 0.5, v.shape) for j, v in b.items()}
        x, y = rng.normal(size=3), rng.normal(size=2)
        g = practice.block_graph(x, y, W, b, hidden)
        loss = lambda x_, W_, b_: practice.residual_loss_and_grads(x_, y, W_, b_, hidden)[0]
        assert relative_error(g["x"][1], numerical_gradient(lambda v: loss(v, W, b), x)) < 1e-7
        for j in (1, 2):
            assert relative_error(g[f"W{j}"][1], numerical_gradient(lambda v: loss(x, {**W, j: v}, b), W[j])) < 1e-7
            assert relative_error(g[f"b{j}"][1], numerical_gradient(lambda v: loss(x, W, {**b, j: v}), b[j])) < 1e-7
    with pytest.raises(ValueError, match=r"W must have keys \[1, 2\]"):
        practice.block_graph(x, y, {1: W[1]}, {1: b[1]})


def conventions_setup(rng):
    sizes = [3, 4, 2]
    W, b = network.init_params(sizes, rng)
    b = {j: rng.normal(0, 0.5, v.shape) for j, v in b.items()}
    return W, b


def sigma(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_nielsen_convention_gives_the_transposed_gradients(rng):
    W, b = conventions_setup(rng)
    x, y = rng.normal(size=3), rng.normal(size=2)
    _, dW, db = network.loss_and_grads(x, y, W, b, "sigmoid")
    # Nielsen: w^l = W^(l-1,l)^T (n_l x n_{l-1}), column vectors, z^l = w^l a^{l-1} + b^l,
    # BP1 delta^L = (a^L - y) * f'(z^L) with an identity output (f' = 1),
    # BP2 delta^l = ((w^{l+1})^T delta^{l+1}) * sigma'(z^l), BP4 dC/dw^l = delta^l (a^{l-1})^T
    w = {layer: W[layer].T for layer in W}
    a, z = {0: x[:, None]}, {}
    for layer in (1, 2):
        z[layer] = w[layer] @ a[layer - 1] + b[layer][:, None]
        a[layer] = sigma(z[layer]) if layer == 1 else z[layer]
    delta = {2: a[2] - y[:, None]}
    delta[1] = (w[2].T @ delta[2]) * sigma(z[1]) * (1 - sigma(z[1]))
    for layer in (1, 2):
        grad_w = delta[layer] @ a[layer - 1].T
        assert grad_w.shape == w[layer].shape
        np.testing.assert_allclose(grad_w, dW[layer].T, rtol=1e-12)            # the transpose of ours
        np.testing.assert_allclose(delta[layer].ravel(), db[layer], rtol=1e-12)
        numeric = numerical_gradient(
            lambda v: network.loss_and_grads(x, y, {**W, layer: v.T}, b, "sigmoid")[0], w[layer])
        assert relative_error(grad_w, numeric) < 1e-7


def test_goodfellow_convention_gives_the_transposed_gradients(rng):
    W, b = conventions_setup(rng)
    x, y = rng.normal(size=3), rng.normal(size=2)
    _, dW, db = network.loss_and_grads(x, y, W, b, "sigmoid")
    # Goodfellow et al., Algorithms 6.3 and 6.4: a^(k) = b^(k) + W^(k) h^(k-1), h^(k) = f(a^(k));
    # backward: g <- g * f'(a^(k)); grad b = g; grad W = g h^(k-1)^T; g <- W^(k)^T g
    Wk = {k: W[k].T for k in W}
    h, a = {0: x}, {}
    for k in (1, 2):
        a[k] = b[k] + Wk[k] @ h[k - 1]
        h[k] = sigma(a[k]) if k == 1 else a[k]
    g = h[2] - y                                                            # grad of J w.r.t. y_hat
    for k in (2, 1):
        fprime = sigma(a[k]) * (1 - sigma(a[k])) if k == 1 else np.ones_like(a[k])
        g = g * fprime
        np.testing.assert_allclose(g, db[k], rtol=1e-12)
        np.testing.assert_allclose(np.outer(g, h[k - 1]), dW[k].T, rtol=1e-12)
        g = Wk[k].T @ g


def test_pytorch_linear_convention_gives_the_transposed_gradients(rng):
    W, b = conventions_setup(rng)
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    _, dW, db = network.loss_and_grads(X, Y, W, b, "sigmoid")
    # nn.Linear(in, out): weight (out, in) = W^T, Z = X @ weight.T + bias; for G = dL/dZ,
    # weight.grad = G.T @ X, bias.grad = G.sum(0), X.grad = G @ weight
    weight = {j: W[j].T.copy() for j in W}
    Z1 = X @ weight[1].T + b[1]
    H1 = sigma(Z1)
    Z2 = H1 @ weight[2].T + b[2]
    G2 = (Z2 - Y) / len(X)                                                  # MSE averaged over the batch
    G1 = (G2 @ weight[2]) * H1 * (1 - H1)
    for j, G, H in [(2, G2, H1), (1, G1, X)]:
        assert weight[j].shape == (W[j].shape[1], W[j].shape[0])
        np.testing.assert_allclose(G.T @ H, dW[j].T, rtol=1e-12)
        np.testing.assert_allclose(G.sum(0), db[j], rtol=1e-12)
    X_grad = G1 @ weight[1]
    numeric = numerical_gradient(lambda v: network.loss_and_grads(v, Y, W, b, "sigmoid")[0], X)
    assert relative_error(X_grad, numeric) < 1e-7


def test_computational_graph_figure_draws_and_names_bad_input():
    e = practice.worked_block()
    draw_without_warnings(lambda: plots.computational_graph(
        practice.block_graph(e["x"], e["y"], e["W"], e["b"])))
    with pytest.raises(ValueError, match=r"graph lacks the nodes \['W1'"):
        plots.computational_graph({"x": (e["x"], e["x"])})
