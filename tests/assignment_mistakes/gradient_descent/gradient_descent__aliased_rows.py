# Mistake: stores the same array in every row and updates it in place.
# Loses: test_gradient_descent, test_gradient_descent_robust, test_bowl_table
def gradient_descent(grad, x0, lr, steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(steps):
        x -= lr * grad(x)
        path.append(x)
    return np.array(path)
