# Mistake: perturbs the caller's arrays and leaves the last perturbation in place.
# Loses: test_numerical_grads
# Message: numerical_grads left W or b changed
def numerical_grads(loss, W, b, eps=1e-6):
    grads = []
    for params in (W, b):
        g = {}
        for j, P in params.items():
            g[j] = np.zeros_like(P, dtype=float)
            for i in np.ndindex(P.shape):
                saved = P[i]
                P[i] = saved + eps
                up = loss(W, b)
                P[i] = saved - eps
                down = loss(W, b)
                g[j][i] = (up - down) / (2 * eps)
        grads.append(g)
    return grads[0], grads[1]
