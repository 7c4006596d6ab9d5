# Mistake: reads run B's rising validation loss as a learning rate that is too small.
# Loses: test_curves_diagnosis
# Message: diagnosis_B is not right
diagnosis_A = "learning rate too large"
diagnosis_B = "learning rate too small"
growth_A = float(loss_A[-1] / loss_A[-2])
alpha_lambda_A = 1 + growth_A ** 0.5
stop_epoch_B = int(np.argmin(val_loss_B))
