# Mistake: drops the 1/2.
# Loses: test_mse
def mse(y_hat, y):
    return float(np.sum((y - y_hat) ** 2))
