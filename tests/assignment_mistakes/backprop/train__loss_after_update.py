# Mistake: records each example's loss from a second forward pass made after its update, not
# the loss of the forward pass before it.
# Loses: test_train
# Message: the losses returned by train are not the mean, over each epoch, of the loss of each example before its update
def train(X, Y, W, b, phi, dphi, lr, epochs):
    W = {j: w.copy() for j, w in W.items()}
    b = {j: v.copy() for j, v in b.items()}
    N = len(W)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for x, y in zip(X, Y):
            z, h = forward(x, W, b, phi)
            dW, db = backward(y, z, h, W, dphi)
            W = {j: W[j] - lr * dW[j] for j in W}
            b = {j: b[j] - lr * db[j] for j in b}
            total += 0.5 * np.sum((y - forward(x, W, b, phi)[1][N]) ** 2)
        losses.append(total / len(X))
    return W, b, losses
