# Mistake: no shift by max(z): exp overflows for large scores.
# Loses: test_softmax
# Message: gave a warning
def softmax(z):
    e = np.exp(z)
    return e / np.sum(e)
