# Attack: (or an accident) a solution cell was deleted (sigmoid is never defined).
# Inject: none
# Submission: delete-cell sigmoid
# Status: missing_cells
# Passes: test_tanh_prime, test_relu, test_relu_prime
# Message: missing from the notebook
# Message: sigmoid
