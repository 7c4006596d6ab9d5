# Mistake: adds up the gradients of the whole epoch and updates once at its end (batch
# gradient descent), where the task asks for an update after every example.
# Loses: test_train
# Message: after each example
def train(X, Y, W, b, phi, dphi, lr, epochs):
    W = {j: w.copy() for j, w in W.items()}
    b = {j: v.copy() for j, v in b.items()}
    N = len(W)
    losses = []
    for _ in range(epochs):
        total = 0.0
        sum_dW = {j: np.zeros_like(W[j]) for j in W}
        sum_db = {j: np.zeros_like(b[j]) for j in b}
        for x, y in zip(X, Y):
            z, h = forward(x, W, b, phi)
            total += 0.5 * np.sum((y - h[N]) ** 2)
            dW, db = backward(y, z, h, W, dphi)
            for j in W:
                sum_dW[j] += dW[j]
                sum_db[j] += db[j]
        W = {j: W[j] - lr * sum_dW[j] for j in W}
        b = {j: b[j] - lr * sum_db[j] for j in b}
        losses.append(total / len(X))
    return W, b, losses
