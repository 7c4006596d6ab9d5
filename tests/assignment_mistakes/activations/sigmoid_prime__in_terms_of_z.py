# Mistake: writes sigma'(z) = z (1 - z), confusing z with sigma(z).
# Loses: test_sigmoid_prime
# Message: sigmoid_prime([-2, 0, 2]) should be about
def sigmoid_prime(z):
    return z * (1 - z)
