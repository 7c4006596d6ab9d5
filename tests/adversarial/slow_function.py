# Attack: a function that never returns when a test calls it.
# Inject: replace relu_prime
# Status: timeout
# Passes: all except test_relu_prime
# Message: relu_prime did not finish within
import time


def relu_prime(z):
    time.sleep(10**6)
