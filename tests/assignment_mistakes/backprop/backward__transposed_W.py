# Mistake: the notes' misprint, W[j].T @ delta; undefined unless the layers are square.
# Loses: test_backward_hidden, test_backward_deep
# Message: raised ValueError
# Message: the shapes in a matrix product do not match
def backward(y, z, h, W, dphi):
    L = len(W)
    dW, db = {}, {}
    delta = h[L] - y
    for j in range(L, 0, -1):
        dW[j] = np.outer(h[j - 1], delta)
        db[j] = delta
        if j > 1:
            delta = (W[j].T @ delta) * dphi(z[j - 1])
    return dW, db
