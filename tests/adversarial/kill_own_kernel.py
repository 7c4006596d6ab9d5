# Attack: kill its own process with SIGKILL from a cell (tanh_prime is never defined).
# Inject: replace tanh_prime
# Status: crashed
# Passes: all except test_tanh_prime
# Message: ended the notebook's Python process
# Message: SIGKILL
import os
import signal

os.kill(os.getpid(), signal.SIGKILL)
