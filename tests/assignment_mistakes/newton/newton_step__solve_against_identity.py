# Mistake: builds the inverse with np.linalg.solve(H, I), then multiplies: an inverse by
# another name (a name check that looks for "solve" lets it through).
# Loses: test_newton_step_solves
# Message: through an inverse
def newton_step(grad, hess, x):
    x = np.asarray(x, dtype=float)
    H = np.asarray(hess(x), dtype=float)
    H_inv = np.linalg.solve(H, np.eye(len(x)))
    return x - H_inv @ grad(x)
