# Mistake: multiplies the output delta by the softmax's "slope" Y_hat (1 - Y_hat), as for a
# sigmoid: with the cross-entropy the softmax's Jacobian already gives (Y_hat - Y) / m.
# Loses: test_backward_batch
# Message: dW[2] is wrong
def backward_batch(Y, Z, H, W, dphi):
    N = len(W)
    m = len(Y)
    dW, db = {}, {}
    delta = (H[N] - Y) / m * H[N] * (1 - H[N])
    for j in range(N, 0, -1):
        dW[j] = H[j - 1].T @ delta
        db[j] = np.sum(delta, axis=0)
        if j > 1:
            delta = (delta @ W[j].T) * dphi(Z[j - 1])
    return dW, db
