# Mistake: an in-place update of a copy of x0, which fails when x0 holds integers.
# Loses: test_gradient_descent_robust
# Message: for an integer x0
def gradient_descent(grad, x0, lr, steps):
    x = x0.copy()
    path = [x.copy()]
    for _ in range(steps):
        x -= lr * grad(x)
        path.append(x.copy())
    return np.array(path)
