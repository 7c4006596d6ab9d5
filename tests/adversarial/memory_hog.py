# Attack: allocate far more memory than the machine should give one notebook.
# Inject: append
# Status: memory
# Passes: all
# Message: ran out of memory
import numpy as np

hog = np.ones(10**10)
