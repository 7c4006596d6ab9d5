# Mistake: forms the inverse Hessian with np.linalg.inv instead of solving.
# Loses: test_newton_step_solves
# Message: through an inverse
def newton_step(grad, hess, x):
    x = np.asarray(x, dtype=float)
    return x - np.linalg.inv(hess(x)) @ grad(x)
