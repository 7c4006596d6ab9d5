# Mistake: a hand-written Gauss-Jordan inverse (with partial pivoting), then a product:
# no NumPy inverse function is named anywhere.
# Loses: test_newton_step_solves
# Message: through an inverse
def invert(A):
    n = len(A)
    M = np.hstack([np.array(A, dtype=float), np.eye(n)])
    for k in range(n):
        p = k + int(np.argmax(np.abs(M[k:, k])))
        M[[k, p]] = M[[p, k]]
        M[k] = M[k] / M[k, k]
        for i in range(n):
            if i != k:
                M[i] = M[i] - M[i, k] * M[k]
    return M[:, n:]


def newton_step(grad, hess, x):
    x = np.asarray(x, dtype=float)
    return x - invert(hess(x)) @ grad(x)
