# Mistake: takes 1 / lambda_max as the largest convergent learning rate.
# Loses: test_hessian_lr
# Message: |1 - alpha lambda| < 1 for every eigenvalue
lam_min, lam_max = eigenvalues.min(), eigenvalues.max()
lr_max = float(1 / lam_max)
lr_best = float(2 / (lam_min + lam_max))
rho = (lam_max - lam_min) / (lam_max + lam_min)
steps_needed = int(np.ceil(np.log(1e-6) / np.log(rho)))
