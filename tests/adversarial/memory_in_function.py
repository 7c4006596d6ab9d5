# Attack: a function that allocates far too much memory when a test calls it.
# Inject: replace relu
# Status: memory
# Passes: all except test_relu
# Message: MemoryError
import numpy as np


def relu(z):
    hog = np.ones(10**10)
    return np.maximum(z, 0.0)
