# Mistake: uses the course library's finite differences.
# Loses: test_numerical_grads
# Message: numerical_grads uses nnlearn
from nnlearn.gradcheck import numerical_gradient as fd


def numerical_grads(loss, W, b, eps=1e-6):
    dW = {j: fd(lambda M, j=j: loss({**W, j: M}, b), W[j], eps) for j in W}
    db = {j: fd(lambda v, j=j: loss(W, {**b, j: v}), b[j], eps) for j in b}
    return dW, db
