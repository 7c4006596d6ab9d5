# Mistake: takes the bias gradient as the column sums of dW (a batch formula misapplied).
# Loses: test_backward_output, test_backward_hidden, test_backward_deep
# Message: db[
def backward(y, z, h, W, dphi):
    L = len(W)
    dW, db = {}, {}
    delta = h[L] - y
    for j in range(L, 0, -1):
        dW[j] = np.outer(h[j - 1], delta)
        db[j] = dW[j].sum(axis=0)
        if j > 1:
            delta = (W[j] @ delta) * dphi(z[j - 1])
    return dW, db
