# Mistake: Z = W @ H, as if the examples were columns: the shapes do not fit a batch
# whose examples are rows.
# Loses: test_forward_batch, test_digits, test_digits_selection, test_forward_batch_stable
# Message: With examples as rows
def forward_batch(X, W, b, phi):
    N = len(W)
    Z, H = {}, {0: X}
    for j in range(1, N + 1):
        Z[j] = W[j] @ H[j - 1] + b[j]
        if j < N:
            H[j] = phi(Z[j])
        else:
            E = np.exp(Z[j] - np.max(Z[j], axis=1, keepdims=True))
            H[j] = E / np.sum(E, axis=1, keepdims=True)
    return Z, H
