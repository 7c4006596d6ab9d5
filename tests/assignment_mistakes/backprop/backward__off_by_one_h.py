# Mistake: uses the layer's own output h[j] instead of its input h[j-1].
# Loses: test_backward_output, test_backward_hidden, test_backward_deep
# Message: dW[
def backward(y, z, h, W, dphi):
    L = len(W)
    dW, db = {}, {}
    delta = h[L] - y
    for j in range(L, 0, -1):
        dW[j] = np.outer(h[j], delta)
        db[j] = delta
        if j > 1:
            delta = (W[j] @ delta) * dphi(z[j - 1])
    return dW, db
