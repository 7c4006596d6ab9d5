# Mistake: forms the inverse Hessian instead of solving.
# Loses: test_newton_step_solves
# Message: use np.linalg.solve
def newton_step(grad, hess, x):
    x = np.asarray(x, dtype=float)
    return x - np.linalg.inv(hess(x)) @ grad(x)
