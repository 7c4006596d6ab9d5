# Attack: (an honest one) correct functions that also print debugging lines to
# stderr. A stock kernel would give every test cell with stderr output 0 points.
# Inject: replace-all
# Status: ok
# Passes: all
import sys

import numpy as np


def sigmoid(z):
    print("debug: sigmoid", file=sys.stderr)
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z):
    print("debug: sigmoid_prime", file=sys.stderr)
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh_prime(z):
    print("debug: tanh_prime", file=sys.stderr)
    return 1.0 - np.tanh(np.asarray(z, dtype=float)) ** 2


def relu(z):
    print("debug: relu", file=sys.stderr)
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def relu_prime(z):
    print("debug: relu_prime", file=sys.stderr)
    return (np.asarray(z) > 0).astype(float)
