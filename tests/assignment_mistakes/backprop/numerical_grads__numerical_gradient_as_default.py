# Mistake: the same, smuggled in as a default argument.
# Loses: test_numerical_grads
# Message: which the notebook provides
def numerical_grads(loss, W, b, eps=1e-6, fd=numerical_gradient):
    dW = {j: fd(lambda M, j=j: loss({**W, j: M}, b), W[j], eps) for j in W}
    db = {j: fd(lambda v, j=j: loss(W, {**b, j: v}), b[j], eps) for j in b}
    return dW, db
