# Mistake: the pseudo-inverse, then a product.
# Loses: test_newton_step_solves
# Message: through an inverse
def newton_step(grad, hess, x):
    x = np.asarray(x, dtype=float)
    return x - np.linalg.pinv(hess(x)) @ grad(x)
