# Mistake: the gradient with respect to y instead of y_hat (wrong sign).
# Loses: test_mse_grad
# Message: the wrong sign
def mse_grad(y, y_hat):
    return y - y_hat
