# Mistake: keeps the Hessian of the starting point for every step.
# Loses: test_newton, test_rosenbrock
# Message: newton is wrong on Rosenbrock
def newton(grad, hess, x0, steps):
    x = np.array(x0, dtype=float)
    H = hess(x)
    path = [x]
    for _ in range(steps):
        x = x - np.linalg.solve(H, grad(x))
        path.append(x)
    return np.array(path)
