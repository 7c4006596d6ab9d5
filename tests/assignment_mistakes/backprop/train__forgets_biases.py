# Mistake: updates the weights but not the biases.
# Loses: test_train
# Message: update every b[j]
def train(X, Y, W, b, phi, dphi, lr, epochs):
    W = {j: w.copy() for j, w in W.items()}
    b = {j: v.copy() for j, v in b.items()}
    L = len(W)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for x, y in zip(X, Y):
            z, h = forward(x, W, b, phi)
            total += 0.5 * np.sum((h[L] - y) ** 2)
            dW, db = backward(y, z, h, W, dphi)
            for j in W:
                W[j] = W[j] - lr * dW[j]
        losses.append(total / len(X))
    return W, b, losses
