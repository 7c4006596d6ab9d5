# Mistake: outer(delta, h) instead of outer(h, delta): dW[j] has the shape of W[j].T.
# Loses: test_backward_output, test_backward_hidden, test_backward_deep
# Message: (transposed?)
def backward(y, z, h, W, dphi):
    L = len(W)
    dW, db = {}, {}
    delta = h[L] - y
    for j in range(L, 0, -1):
        dW[j] = np.outer(delta, h[j - 1])
        db[j] = delta
        if j > 1:
            delta = (W[j] @ delta) * dphi(z[j - 1])
    return dW, db
