# Attack: (an honest one) a correct newton_step that warns. A warning costs no marks
# (only a floating-point warning from a function whose task demands numerical
# stability does): every test passes, and the warning is noted. A stock kernel would
# give 0 to every test cell where a warning was printed.
# Assignment: newton
# Inject: replace newton_step
# Status: ok
# Passes: all
import warnings

import numpy as np


def newton_step(grad, hess, x):
    warnings.warn("solving H d = g")
    x = np.asarray(x, dtype=float)
    return x - np.linalg.solve(np.asarray(hess(x), dtype=float), np.asarray(grad(x), dtype=float))
