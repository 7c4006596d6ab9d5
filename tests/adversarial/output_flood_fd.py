# Attack: flood the output through the file descriptor, around Python's sys.stdout.
# Inject: append
# Status: output
# Passes: all
# Message: printed more than
import os

block = b"y" * 65536
while True:
    os.write(1, block)
