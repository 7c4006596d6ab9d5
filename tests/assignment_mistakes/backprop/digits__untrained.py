# Mistake: reports the accuracy of untrained networks (the training loop is never run).
# Loses: test_digits
# Message: below the aim of 0.9
def accuracy(W, b, X, Y):
    _, H = forward_batch(X, W, b, np.tanh)
    return float(np.mean(np.argmax(H[len(W)], axis=1) == np.argmax(Y, axis=1)))


candidates, fits = [], []
for hidden in [16, 32]:
    W_try, b_try = random_network([64, hidden, 10], seed=1)
    candidates.append({"hidden": hidden, "validation_accuracy": accuracy(W_try, b_try, X_val, Y_val)})
    fits.append((W_try, b_try))
best = int(np.argmax([c["validation_accuracy"] for c in candidates]))
W_fit, b_fit = fits[best]
validation_accuracy = candidates[best]["validation_accuracy"]
