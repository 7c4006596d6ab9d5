# Mistake: takes the condition number itself for the number of steps.
# Loses: test_hessian_steps
# Message: steps_needed is not right
lam_min, lam_max = eigenvalues.min(), eigenvalues.max()
lr_max = float(2 / lam_max)
lr_best = float(2 / (lam_min + lam_max))
steps_needed = int(round(lam_max / lam_min))
