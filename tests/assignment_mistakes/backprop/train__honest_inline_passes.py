# Mistake: none: an honest variant that names the loss's forward pass through a helper of its own
# and returns the losses as a NumPy array; it must keep full marks.
# Loses: nothing
def train(X, Y, W, b, phi, dphi, lr, epochs):
    def step(W, b, x, y):
        z, h = forward(x, W, b, phi)
        loss = 0.5 * np.sum((y - h[len(W)]) ** 2)
        dW, db = backward(y, z, h, W, dphi)
        return {j: W[j] - lr * dW[j] for j in W}, {j: b[j] - lr * db[j] for j in b}, loss

    losses = np.zeros(epochs)
    for e in range(epochs):
        for x, y in zip(X, Y):
            W, b, loss = step(W, b, x, y)
            losses[e] += loss / len(X)
    return W, b, losses
