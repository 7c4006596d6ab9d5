# Mistake: none: a correct, stable sigmoid that also emits a harmless warning. It keeps its marks.
# Loses: nothing
import warnings


def sigmoid(z):
    warnings.warn("sigmoid: a note the student left in")
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
