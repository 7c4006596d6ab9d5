# Mistake: W[j] @ h[j-1] instead of W[j].T @ h[j-1]; undefined unless the layers are square.
# Loses: test_forward, test_forward_deep
# Message: forward raised ValueError
# Message: the shapes in a matrix product do not match
def forward(x, W, b, phi):
    L = len(W)
    z, h = {}, {0: x}
    for j in range(1, L + 1):
        z[j] = W[j] @ h[j - 1] + b[j]
        h[j] = phi(z[j]) if j < L else z[j]
    return z, h
