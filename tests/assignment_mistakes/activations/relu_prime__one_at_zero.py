# Mistake: uses z >= 0, so the derivative at 0 is 1 instead of the course's 0.
# Loses: test_relu_prime
# Message: relu_prime at z = 0 must be 0
def relu_prime(z):
    return (np.asarray(z) >= 0).astype(float)
