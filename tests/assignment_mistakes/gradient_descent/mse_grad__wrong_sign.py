# Mistake: the gradient with respect to y instead of y_hat (wrong sign).
# Loses: test_mse_grad
def mse_grad(y_hat, y):
    return y - y_hat
