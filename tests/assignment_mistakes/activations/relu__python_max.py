# Mistake: Python's max compares two numbers, not arrays elementwise.
# Loses: test_relu
def relu(z):
    return max(0, z)
