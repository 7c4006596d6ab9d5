# Attack: redefine the setup cell's helpers that the tests use (call, uses_nnlearn,
# reach) so that `call` returns the expected answers of the visible checks.
# Base: blank
# Inject: replace-all
# Status: ok
# Passes: none
import numpy as np

expected = {
    "sigmoid": np.array([0.11920292, 0.5, 0.88079708]),
    "sigmoid_prime": np.array([0.10499359, 0.25, 0.10499359]),
    "tanh_prime": np.array([0.41997434, 1.0, 0.41997434]),
    "relu": np.array([0.0, 0.0, 3.0]),
    "relu_prime": np.array([0.0, 1.0, 1.0]),
}


def call(f, *args, context=""):
    return expected.get(getattr(f, "__name__", ""), np.zeros(3))


def uses_nnlearn(f):
    return False


def reach(f):
    return set(), []


def sigmoid(z):
    return expected["sigmoid"]


def sigmoid_prime(z):
    return expected["sigmoid_prime"]


def tanh_prime(z):
    return expected["tanh_prime"]


def relu(z):
    return expected["relu"]


def relu_prime(z):
    return expected["relu_prime"]
