# Attack: (an honest one) a correct newton_step that warns. Where a test calls it
# through the notebook's `call` helper, the assignment counts a warning as a failure
# (its instructions say so); where a test calls it directly, the warning is only
# noted. A stock kernel gives 0 to every test cell where a warning was printed.
# Assignment: newton
# Inject: replace newton_step
# Status: ok
# Passes: all except test_newton_step, test_newton, test_newton_robust
# Message: gave a warning
import warnings

import numpy as np


def newton_step(grad, hess, x):
    warnings.warn("solving H d = g")
    x = np.asarray(x, dtype=float)
    return x - np.linalg.solve(np.asarray(hess(x), dtype=float), np.asarray(grad(x), dtype=float))
