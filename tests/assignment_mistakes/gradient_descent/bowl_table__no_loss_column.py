# Mistake: leaves out the loss column.
# Loses: test_bowl_table
# Message: bowl_table should have shape (11, 6)
def bowl_grad(p):
    return 2 * p

path = gradient_descent(bowl_grad, np.array([2.5, 2.0]), 0.1, 10)
bowl_table = np.column_stack([np.arange(11), path, 2 * path])
