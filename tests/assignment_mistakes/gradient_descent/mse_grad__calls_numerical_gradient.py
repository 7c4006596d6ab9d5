# Mistake: differentiates numerically with the setup cell's numerical_gradient instead of by hand.
# Loses: test_mse_grad
# Message: mse_grad uses numerical_gradient, which the notebook provides
def mse_grad(y_hat, y):
    y = np.asarray(y, dtype=float)
    return numerical_gradient(lambda v: 0.5 * float(np.sum((y - v) ** 2)), y_hat)
