# Mistake: np.linalg.inv under another name, looked up from a string, so that no
# name in the code says "inv".
# Loses: test_newton_step_solves
# Message: through an inverse
def newton_step(grad, hess, x):
    x = np.asarray(x, dtype=float)
    flip = getattr(np.linalg, "vni"[::-1])
    return x - flip(hess(x)) @ grad(x)
