# Mistake: W[j] -= ... on the caller's arrays, so training changes the W and b it was given.
# Loses: test_train
# Message: train changed the W or b it was given
def train(X, Y, W, b, phi, dphi, lr, epochs):
    L = len(W)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for x, y in zip(X, Y):
            z, h = forward(x, W, b, phi)
            total += 0.5 * np.sum((h[L] - y) ** 2)
            dW, db = backward(y, z, h, W, dphi)
            for j in W:
                W[j] -= lr * dW[j]
                b[j] -= lr * db[j]
        losses.append(total / len(X))
    return W, b, losses
