# Mistake: a mean instead of a sum (they agree only for one output).
# Loses: test_mse
# Message: half the sum of squares
def mse(y, y_hat):
    return 0.5 * float(np.mean((y - y_hat) ** 2))
