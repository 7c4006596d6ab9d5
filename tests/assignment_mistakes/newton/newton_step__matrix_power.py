# Mistake: the inverse as the matrix to the power -1.
# Loses: test_newton_step_solves
# Message: through an inverse
def newton_step(grad, hess, x):
    x = np.asarray(x, dtype=float)
    return x - np.linalg.matrix_power(np.asarray(hess(x), dtype=float), -1) @ grad(x)
