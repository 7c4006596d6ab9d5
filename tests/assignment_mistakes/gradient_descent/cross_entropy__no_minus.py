# Mistake: forgets the minus sign.
# Loses: test_cross_entropy
def cross_entropy(y, y_hat):
    used = y > 0
    return float(np.sum(y[used] * np.log(y_hat[used])))
