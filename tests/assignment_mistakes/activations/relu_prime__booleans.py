# Mistake: returns booleans instead of floats.
# Loses: test_relu_prime
# Message: must return floats
def relu_prime(z):
    return np.asarray(z) > 0
