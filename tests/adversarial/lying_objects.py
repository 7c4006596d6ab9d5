# Attack: results that claim to equal anything (an ndarray subclass whose == is
# always true, an object whose comparisons are always true), or that are too deep
# to read.
# Inject: replace sigmoid
# Status: ok
# Passes: test_tanh_prime, test_relu, test_relu_prime
# Message: sigmoid
import numpy as np


class Liar(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return True


class Anything:
    def __eq__(self, other):
        return True

    def __array__(self, *args, **kwargs):
        return np.array([0.11920292, 0.5, 0.88079708])


def sigmoid(z):
    shape = np.shape(z)
    if shape == (3,):
        return Anything()
    nested = []
    for _ in range(200):
        nested = [nested]
    return np.zeros(shape).view(Liar) if len(shape) == 2 else nested
