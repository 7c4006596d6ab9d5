# Mistake: takes log(0) where y_hat = 0 and y = 0, giving warnings and nan.
# Loses: test_cross_entropy
# Message: gave a warning
def cross_entropy(y, y_hat):
    return -float(np.sum(y * np.log(y_hat)))
