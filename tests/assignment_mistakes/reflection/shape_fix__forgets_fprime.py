# Mistake: fixes the shapes but drops the slope f'(z^(2)).
# Loses: test_shape_fix
# Message: missing the slope
delta_2 = W_23 @ delta_3
