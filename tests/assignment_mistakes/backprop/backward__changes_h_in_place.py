# Mistake: delta = h[L], then delta -= y, which changes h[L] itself.
# Loses: test_backward_deep, test_backward_output
# Message: backward changed its inputs
def backward(y, z, h, W, dphi):
    L = len(W)
    dW, db = {}, {}
    delta = h[L]
    delta -= y
    for j in range(L, 0, -1):
        dW[j] = np.outer(h[j - 1], delta)
        db[j] = delta
        if j > 1:
            delta = (W[j] @ delta) * dphi(z[j - 1])
    return dW, db
