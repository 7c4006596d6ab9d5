"""The package learns a real task: handwritten digits (sklearn's bundled load_digits)."""

import numpy as np
from sklearn.datasets import load_digits

from nnlearn import network


def test_mlp_reaches_95_percent_on_digits():
    rng = np.random.default_rng(0)
    digits = load_digits()
    X = digits.data / 16.0                     # pixel intensities 0..16 -> [0, 1]
    Y = np.eye(10)[digits.target]
    order = rng.permutation(len(X))
    train, test = order[:1400], order[1400:]   # 397 held-out digits
    W, b = network.init_params([64, 32, 10], rng, scheme="he")
    W, b, history = network.train(X[train], Y[train], W, b, lr=0.1, epochs=30, rng=rng,
                                  spec=network.Spec(hidden="relu", output="softmax", loss="cross_entropy"),
                                  X_test=X[test], Y_test=Y[test])
    accuracy = network.accuracy(X[test], Y[test], W, b, network.Spec("relu", "softmax"))
    assert accuracy >= 0.95, f"test accuracy {accuracy:.3f}"
    assert history["test_accuracy"][-1] == accuracy
    assert history["loss"][-1] < history["loss"][0] / 5    # training actually went down
