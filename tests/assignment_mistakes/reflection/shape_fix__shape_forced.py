# Mistake: forces the notes' product to run by cutting W_23.T down to its first 3 columns.
# Loses: test_shape_fix
# Message: delta_2 should have one entry per neuron of layer 2
delta_2 = (W_23.T[:, :3] @ delta_3) * fprime_2[:3]
