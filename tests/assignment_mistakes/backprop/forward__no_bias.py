# Mistake: forgets the biases.
# Loses: test_forward, test_forward_deep
def forward(x, W, b, phi):
    L = len(W)
    z, h = {}, {0: x}
    for j in range(1, L + 1):
        z[j] = W[j].T @ h[j - 1]
        h[j] = phi(z[j]) if j < L else z[j]
    return z, h
