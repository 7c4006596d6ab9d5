# Mistake: an off-by-one loop that never computes the output layer.
# Loses: test_forward, test_forward_deep
# Message: z should have the keys
def forward(x, W, b, phi):
    z, h = {}, {0: x}
    for j in range(1, len(W)):
        z[j] = W[j].T @ h[j - 1] + b[j]
        h[j] = phi(z[j])
    return z, h
