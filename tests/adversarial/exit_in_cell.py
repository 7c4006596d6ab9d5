# Attack: end the kernel from a cell with os._exit (relu is never defined).
# Inject: replace relu
# Status: crashed
# Passes: test_sigmoid, test_sigmoid_stable, test_sigmoid_prime, test_tanh_prime, test_relu_prime
# Message: ended the notebook's Python process
# Message: exited with status 3
import os

os._exit(3)
