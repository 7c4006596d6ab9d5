# Mistake: delta @ W[j] in the recursion: with examples as rows the one-example W delta
# becomes delta @ W[j].T; the shapes do not fit.
# Loses: test_backward_batch, test_digits, test_digits_selection
# Message: Check the shape of each product
def backward_batch(Y, Z, H, W, dphi):
    N = len(W)
    m = len(Y)
    dW, db = {}, {}
    delta = (H[N] - Y) / m
    for j in range(N, 0, -1):
        dW[j] = H[j - 1].T @ delta
        db[j] = np.sum(delta, axis=0)
        if j > 1:
            delta = (delta @ W[j]) * dphi(Z[j - 1])
    return dW, db
