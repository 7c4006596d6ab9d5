# Mistake: applies phi to the output layer too.
# Loses: test_forward, test_forward_deep
# Message: h[2] should equal z[2]
def forward(x, W, b, phi):
    z, h = {}, {0: x}
    for j in range(1, len(W) + 1):
        z[j] = W[j].T @ h[j - 1] + b[j]
        h[j] = phi(z[j])
    return z, h
