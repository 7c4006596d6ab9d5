"""The numbers the chapters compute with: worked examples and a recorded training run.

The text, the demos and the tests of a chapter share them from here, so there is one
set of numbers for each.

* :func:`forward_example`: chapter 4's 2-3-1 network (ReLU hidden layer, identity output);
* :func:`backprop_example`: chapter 6's 2-2-1 network (sigmoid hidden layer, identity
  output, MSE), and :func:`softmax_example`, a 3-4-3-2 network with a softmax output;
* :func:`optimizer_runs`, :func:`schedules` and :func:`schedule_runs`: chapter 5's
  comparisons of gradient descent, momentum and Adam, and of step-size schedules;
* :func:`digits_history`: chapter 6's training run on the handwritten digits, recorded
  epoch by epoch as a :class:`History` (:data:`DIGITS_RUN` holds the chapter's settings).

An example is a dict: input ``x``, target ``y``, parameters ``W`` and ``b`` (keys 1..N) and
the network's :class:`~nnlearn.network.Spec` under ``spec``.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import data, network, optim


def forward_example():
    """The 2-3-1 network of chapter 4: ReLU hidden layer, identity output, MSE.

    W[1] is 2 x 3 and W[2] is 3 x 1, in the shapes of the course notation.
    """
    return {
        "x": np.array([1.0, 2.0]),
        "W": {1: np.array([[0.5, -1.0, 0.2],
                           [0.3, 0.4, 0.6]]),
              2: np.array([[0.7],
                           [-0.4],
                           [0.5]])},
        "b": {1: np.array([0.1, -0.3, 0.0]), 2: np.array([0.2])},
        "y": np.array([1.5]),
        "spec": network.Spec(hidden="relu", output="identity", loss="mse"),
    }


def backprop_example():
    """The 2-2-1 network of chapter 6: sigmoid hidden layer, identity output, MSE.

    Chosen so that z^(1) = (1, 0) exactly: sigmoid(0) = 1/2 and sigmoid'(0) = 1/4 keep
    the hand computation short, and W^(0,1) is not symmetric, so W and W^T differ.
    """
    return {
        "x": np.array([1.0, 2.0]),
        "y": np.array([1.0]),
        "W": {1: np.array([[0.5, -0.3],
                           [0.2, 0.4]]),
              2: np.array([[0.6],
                           [-0.4]])},
        "b": {1: np.array([0.1, -0.5]), 2: np.array([0.2])},
        "spec": network.Spec(hidden="sigmoid", output="identity", loss="mse"),
    }


def softmax_example():
    """A 3-4-3-2 network with tanh hidden layers and a softmax output under cross-entropy."""
    rng = np.random.default_rng(6)
    W, b = network.init_params([3, 4, 3, 2], rng, scheme="xavier")
    b = {j: rng.normal(0.0, 0.3, v.shape) for j, v in b.items()}
    return {"x": np.array([0.5, -1.0, 1.5]), "y": np.array([0.0, 1.0]), "W": W, "b": b,
            "spec": network.Spec(hidden="tanh", output="softmax", loss="cross_entropy")}


# --- chapter 5: what practitioners use next ----------------------------------------------

def optimizer_runs(surface, steps, lr, beta, adam_lr):
    """{name: Trajectory} for gradient descent, the heavy ball and Adam from the surface's start."""
    start = surface.start
    return {
        "gradient descent": optim.gradient_descent(surface.grad, start, lr, steps, f=surface.f),
        "momentum": optim.momentum(surface.grad, start, lr, beta, steps, f=surface.f),
        "Adam": optim.adam(surface.grad, start, adam_lr, steps, f=surface.f),
    }


def schedules(lr, steps):
    """The four schedules the chapter compares, {name: rates}, all starting at ``lr``."""
    return {"constant": optim.constant_schedule(lr, steps),
            "step decay": optim.step_decay(lr, steps, every=max(steps // 4, 1), drop=0.3),
            "cosine": optim.cosine_schedule(lr, steps),
            "1/t": optim.inverse_time(lr, steps, decay=20.0 / steps)}


def schedule_runs(problem, start, lr, steps, batch_size, seed=0):
    """{name: Trajectory} of mini-batch SGD on ``problem`` (a LineFit) under each schedule,
    with the same batches (same seed) for all of them."""
    return {name: optim.sgd(problem.batch_grad, problem.size, start, rates, steps, batch_size,
                            seed=seed, f=problem.f)
            for name, rates in schedules(lr, steps).items()}


# --- training on the digits ------------------------------------------------------------

@dataclass(frozen=True)
class History:
    """A training run recorded at every epoch; index t is the state after t epochs."""

    train_loss: np.ndarray        # (E + 1,)
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    predictions: np.ndarray       # (E + 1, m_test): predicted digit of each test image
    X_test: np.ndarray            # (m_test, 64)
    labels_test: np.ndarray       # (m_test,)

    @property
    def epochs(self):
        return len(self.train_loss) - 1

    def misclassified(self, epoch, count=8):
        """Indices of the first ``count`` test images the network gets wrong after ``epoch`` epochs."""
        return np.flatnonzero(self.predictions[epoch] != self.labels_test)[:count]


DIGITS_RUN = {"hidden_size": 32, "hidden": "tanh", "lr": 0.1, "epochs": 30, "batch_size": 32,
              "seed": 0}


@lru_cache(maxsize=4)
def digits_history(hidden_size=32, hidden="tanh", lr=0.1, epochs=30, batch_size=32, seed=0):
    """Train a 64-``hidden_size``-10 network (softmax, cross-entropy) on the digits with
    mini-batch gradient descent, keeping loss, accuracy and every test prediction per epoch.

    Runs one epoch at a time through :func:`nnlearn.network.train`, so the recorded run is
    exactly the package's training loop. Takes well under a second; cached.
    """
    split = data.load_digits(seed=seed)
    rng = np.random.default_rng(seed)
    W, b = network.init_params([64, hidden_size, 10], rng, scheme="xavier")
    spec = network.Spec(hidden=hidden, output="softmax", loss="cross_entropy")
    rows = []

    def record():
        row = {}
        for side, X, Y in (("train", split.X_train, split.Y_train), ("test", split.X_test, split.Y_test)):
            z, h = network.forward(X, W, b, spec)
            row[f"{side}_loss"] = network.loss_value(Y, h[2], z[2], spec)
            row[f"{side}_accuracy"] = float(np.mean(h[2].argmax(1) == Y.argmax(1)))
            if side == "test":
                row["predictions"] = h[2].argmax(1).astype(np.int8)
        rows.append(row)

    record()
    for _ in range(epochs):
        W, b, _ = network.train(split.X_train, split.Y_train, W, b, lr, 1, rng, batch_size, spec)
        record()
    column = {key: np.array([row[key] for row in rows]) for key in rows[0]}
    return History(column["train_loss"], column["test_loss"], column["train_accuracy"],
                   column["test_accuracy"], column["predictions"], split.X_test, split.labels_test)
