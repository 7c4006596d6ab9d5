# Mistake: the arguments in the other order, prediction first (mse_grad(y_hat, y)), so
# the returned y_hat - y is, for the grader's call mse_grad(y, y_hat), the wrong sign.
# Loses: test_mse_grad
# Message: check the sign and the argument order
def mse_grad(y_hat, y):
    return np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
