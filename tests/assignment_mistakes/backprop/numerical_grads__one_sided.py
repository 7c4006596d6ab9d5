# Mistake: a one-sided difference (L(w + eps) - L(w)) / eps, accurate to about eps only.
# Loses: test_numerical_grads
# Message: use central differences
def numerical_grads(loss, W, b, eps=1e-6):
    W = {j: np.array(w, dtype=float) for j, w in W.items()}
    b = {j: np.array(v, dtype=float) for j, v in b.items()}
    base = loss(W, b)
    grads = []
    for params in (W, b):
        g = {}
        for j, P in params.items():
            g[j] = np.zeros_like(P)
            for i in np.ndindex(P.shape):
                saved = P[i]
                P[i] = saved + eps
                g[j][i] = (loss(W, b) - base) / eps
                P[i] = saved
        grads.append(g)
    return grads[0], grads[1]
