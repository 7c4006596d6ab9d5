# Mistake: a loop over the flattened array returns a 1-D array whatever the input shape.
# Loses: test_relu
# Message: should have that shape
def relu(z):
    return np.array([max(0.0, v) for v in np.ravel(z)])
