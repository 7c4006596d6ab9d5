# Mistake: computes the gradient once, at x0, and reuses it for every step.
# Loses: test_gradient_descent, test_bowl_table, test_gradient_descent_robust
# Message: is the gradient taken at the current point
def gradient_descent(grad, x0, lr, steps):
    x = np.array(x0, dtype=float)
    g = grad(x)
    path = [x]
    for _ in range(steps):
        x = x - lr * g
        path.append(x)
    return np.array(path)
