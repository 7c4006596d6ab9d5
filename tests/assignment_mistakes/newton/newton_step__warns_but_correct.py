# Mistake: none: a correct newton_step whose code raises a DeprecationWarning (as a NumPy
# upgrade might). It keeps its marks: only a floating-point warning from a function whose
# task demands numerical stability costs points.
# Loses: nothing
import warnings


def newton_step(grad, hess, x):
    warnings.warn("this call style is deprecated", DeprecationWarning)
    x = np.asarray(x, dtype=float)
    return x - np.linalg.solve(np.asarray(hess(x), dtype=float), np.asarray(grad(x), dtype=float))
