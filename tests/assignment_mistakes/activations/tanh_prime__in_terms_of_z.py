# Mistake: writes tanh'(z) = 1 - z^2, confusing z with tanh(z).
# Loses: test_tanh_prime
def tanh_prime(z):
    return 1 - z ** 2
