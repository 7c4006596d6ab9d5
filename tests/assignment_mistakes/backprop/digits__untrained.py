# Mistake: reports the accuracy of the untrained network.
# Loses: test_digits
# Message: below the aim of 0.95
W_fit, b_fit = random_network([64, 16, 1], seed=1)
outputs = np.array([forward(x, W_fit, b_fit, np.tanh)[1][len(W_fit)] for x in X_test])
test_accuracy = float(np.mean(np.sign(outputs) == Y_test))
