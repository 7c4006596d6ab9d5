# Mistake: keeps run B's weights where the TRAINING loss is lowest (the last epoch).
# Loses: test_curves_numbers
# Message: VALIDATION loss is lowest
diagnosis_A = "learning rate too large"
diagnosis_B = "overfitting"
growth_A = float(loss_A[-1] / loss_A[-2])
alpha_lambda_A = 1 + growth_A ** 0.5
stop_epoch_B = int(np.argmin(train_loss_B))
