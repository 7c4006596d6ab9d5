# Mistake: returns the steps after x0 only, one row short.
# Loses: test_gradient_descent, test_bowl_table, test_gradient_descent_robust
# Message: should give an array of shape (4, 2)
def gradient_descent(grad, x0, lr, steps):
    x = np.array(x0, dtype=float)
    path = []
    for _ in range(steps):
        x = x - lr * grad(x)
        path.append(x)
    return np.array(path)
