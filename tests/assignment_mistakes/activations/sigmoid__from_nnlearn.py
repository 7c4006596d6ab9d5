# Mistake: takes the course library's sigmoid instead of writing one.
# Loses: test_sigmoid, test_sigmoid_stable, test_sigmoid_prime
# Message: sigmoid uses nnlearn
from nnlearn.activations import sigmoid
