# Mistake: updates x0 itself in place.
# Loses: test_gradient_descent_robust, test_gradient_descent
# Message: gradient_descent changed x0
def gradient_descent(grad, x0, lr, steps):
    x = x0
    path = [x0.copy()]
    for _ in range(steps):
        x -= lr * grad(x)
        path.append(x.copy())
    return np.array(path)
