# Mistake: zeroes the negative entries of the caller's array in place.
# Loses: test_relu
# Message: relu changed its input array z
def relu(z):
    z[z < 0] = 0
    return z
