# Mistake: the arguments in the other order, cross_entropy(y_hat, y): it computes
# -sum y_hat log y for the grader's call cross_entropy(y, y_hat).
# Loses: test_cross_entropy
# Message: the arguments are the other way round
def cross_entropy(y_hat, y):
    y = np.asarray(y, dtype=float)
    y_hat = np.asarray(y_hat, dtype=float)
    used = y > 0
    return -float(np.sum(y[used] * np.log(y_hat[used])))
