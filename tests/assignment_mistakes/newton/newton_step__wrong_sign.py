# Mistake: x + d, a step uphill along the Newton direction.
# Loses: test_newton_step, test_newton, test_newton_robust, test_newton_step_solves, test_quadratic, test_rosenbrock
def newton_step(grad, hess, x):
    x = np.asarray(x, dtype=float)
    return x + np.linalg.solve(hess(x), grad(x))
