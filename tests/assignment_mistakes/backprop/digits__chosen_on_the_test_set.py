# Mistake: loads the test set itself and keeps the setting with the best TEST accuracy
# (recording the validation accuracies honestly): the test accuracy reported is then
# no longer an estimate of the accuracy on new images.
# Loses: test_digits_selection
# Message: choose the best on the VALIDATION set
from sklearn.datasets import load_digits


def train_batch(X, Y, W, b, lr, epochs, batch_size=50, seed=0):
    W = {j: w.copy() for j, w in W.items()}
    b = {j: v.copy() for j, v in b.items()}
    rng = np.random.default_rng(seed)
    dtanh = lambda s: 1 - np.tanh(s) ** 2
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            Z, H = forward_batch(X[rows], W, b, np.tanh)
            dW, db = backward_batch(Y[rows], Z, H, W, dtanh)
            W = {j: W[j] - lr * dW[j] for j in W}
            b = {j: b[j] - lr * db[j] for j in b}
    return W, b


def accuracy(W, b, X, Y):
    _, H = forward_batch(X, W, b, np.tanh)
    return float(np.mean(np.argmax(H[len(W)], axis=1) == np.argmax(Y, axis=1)))


rows_test = np.random.default_rng(0).permutation(1797)[1397:]
X_peek, Y_peek = load_digits().data[rows_test] / 16.0, np.eye(10)[load_digits().target[rows_test]]
candidates, fits, on_test = [], [], []
for hidden in [16, 32, 64]:
    for lr in [0.5, 1.0]:
        W_try, b_try = train_batch(X_train, Y_train, *random_network([64, hidden, 10], seed=1), lr, 20)
        candidates.append({"hidden": hidden, "lr": lr,
                           "validation_accuracy": accuracy(W_try, b_try, X_val, Y_val)})
        fits.append((W_try, b_try))
        on_test.append(accuracy(W_try, b_try, X_peek, Y_peek))
best = int(np.argmax(on_test))                     # chosen on the test set
W_fit, b_fit = fits[best]
validation_accuracy = candidates[best]["validation_accuracy"]
