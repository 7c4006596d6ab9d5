# Mistake: takes the growth factor of the loss for the factor 1 - alpha lambda itself,
# forgetting that the loss is a square of the error.
# Loses: test_curves_numbers
# Message: a square
diagnosis_A = "learning rate too large"
diagnosis_B = "overfitting"
growth_A = float(loss_A[-1] / loss_A[-2])
alpha_lambda_A = 1 + growth_A
stop_epoch_B = int(np.argmin(val_loss_B))
