# Mistake: the loop stops at layer 2 and never fills in layer 1.
# Loses: test_backward_output, test_backward_hidden, test_backward_deep
# Message: should have the key
def backward(y, z, h, W, dphi):
    L = len(W)
    dW, db = {}, {}
    delta = h[L] - y
    for j in range(L, 1, -1):
        dW[j] = np.outer(h[j - 1], delta)
        db[j] = delta
        delta = (W[j] @ delta) * dphi(z[j - 1])
    return dW, db
