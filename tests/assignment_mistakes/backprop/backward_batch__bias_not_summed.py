# Mistake: db[j] is the whole delta matrix, one row per example, instead of its sum over the rows.
# Loses: test_backward_batch, test_digits, test_digits_selection
# Message: db[2] has shape (5, 3), expected (3,)
def backward_batch(Y, Z, H, W, dphi):
    N = len(W)
    m = len(Y)
    dW, db = {}, {}
    delta = (H[N] - Y) / m
    for j in range(N, 0, -1):
        dW[j] = H[j - 1].T @ delta
        db[j] = delta
        if j > 1:
            delta = (delta @ W[j].T) * dphi(Z[j - 1])
    return dW, db
