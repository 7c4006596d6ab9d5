# Mistake: least squares against the identity (the inverse, column by column), then a product.
# Loses: test_newton_step_solves
# Message: through an inverse
def newton_step(grad, hess, x):
    x = np.asarray(x, dtype=float)
    H = np.asarray(hess(x), dtype=float)
    H_inv = np.linalg.lstsq(H, np.eye(len(x)), rcond=None)[0]
    return x - H_inv @ grad(x)
