# Attack: a function that ends the process when a test calls it.
# Inject: replace relu
# Status: crashed
# Passes: all except test_relu
# Message: relu ended the notebook's Python process
import os


def relu(z):
    os._exit(0)
