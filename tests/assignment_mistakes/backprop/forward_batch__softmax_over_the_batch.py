# Mistake: normalises the softmax over the batch (axis 0, the columns) instead of over each row.
# Loses: test_forward_batch, test_digits, test_digits_selection, test_forward_batch_stable
# Message: should sum to 1
def forward_batch(X, W, b, phi):
    N = len(W)
    Z, H = {}, {0: X}
    for j in range(1, N + 1):
        Z[j] = H[j - 1] @ W[j] + b[j]
        if j < N:
            H[j] = phi(Z[j])
        else:
            E = np.exp(Z[j] - np.max(Z[j], axis=0, keepdims=True))
            H[j] = E / np.sum(E, axis=0, keepdims=True)
    return Z, H
