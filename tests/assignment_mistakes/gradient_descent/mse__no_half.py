# Mistake: drops the 1/2.
# Loses: test_mse
def mse(y, y_hat):
    return float(np.sum((y - y_hat) ** 2))
