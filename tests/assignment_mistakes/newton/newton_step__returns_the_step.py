# Mistake: returns the step d instead of the new point x - d.
# Loses: test_newton_step, test_newton, test_newton_robust, test_newton_step_solves, test_quadratic, test_rosenbrock
def newton_step(grad, hess, x):
    return np.linalg.solve(hess(x), grad(x))
