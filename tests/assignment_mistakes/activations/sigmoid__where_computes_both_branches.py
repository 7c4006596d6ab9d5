# Mistake: a "stable" sigmoid through np.where, which evaluates both branches everywhere.
# Loses: test_sigmoid_stable
# Message: gave a warning
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))
