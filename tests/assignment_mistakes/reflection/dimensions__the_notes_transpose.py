# Mistake: follows the notes' misprint: the transpose multiplies delta.
# Loses: test_dimensions
# Message: M_is is not right
shape_W = (4, 3)
shape_delta = (3,)
shape_delta_previous = (4,)
shape_f_prime = (4,)
M_is = "W.T"
