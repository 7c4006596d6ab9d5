# Mistake: the textbook formula, whose exp(-z) overflows for z below about -709.
# Loses: test_sigmoid_stable
# Message: gave a warning (RuntimeWarning: overflow encountered in exp)
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))
