# Mistake: updates x0 in place.
# Loses: test_newton_robust
# Message: newton changed x0
def newton(grad, hess, x0, steps):
    x = x0
    path = [x0.copy()]
    for _ in range(steps):
        x -= np.linalg.solve(hess(x), grad(x))
        path.append(x.copy())
    return np.array(path)
