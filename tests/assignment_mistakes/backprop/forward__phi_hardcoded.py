# Mistake: ignores the phi argument and always uses tanh.
# Loses: test_forward_deep
# Message: with phi = sin
def forward(x, W, b, phi):
    L = len(W)
    z, h = {}, {0: x}
    for j in range(1, L + 1):
        z[j] = W[j].T @ h[j - 1] + b[j]
        h[j] = np.tanh(z[j]) if j < L else z[j]
    return z, h
