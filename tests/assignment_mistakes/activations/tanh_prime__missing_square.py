# Mistake: forgets the square: 1 - tanh(z).
# Loses: test_tanh_prime
def tanh_prime(z):
    return 1 - np.tanh(z)
