# Mistake: shifts the caller's array in place.
# Loses: test_softmax
# Message: softmax changed its input z
def softmax(z):
    z -= np.max(z)
    e = np.exp(z)
    return e / np.sum(e)
