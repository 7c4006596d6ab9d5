# Mistake: evaluates f' at h[j-1] instead of z[j-1].
# Loses: test_backward_hidden, test_backward_deep
# Message: dW[1] is wrong
def backward(y, z, h, W, dphi):
    L = len(W)
    dW, db = {}, {}
    delta = h[L] - y
    for j in range(L, 0, -1):
        dW[j] = np.outer(h[j - 1], delta)
        db[j] = delta
        if j > 1:
            delta = (W[j] @ delta) * dphi(h[j - 1])
    return dW, db
