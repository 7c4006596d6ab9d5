# Mistake: hands the finite differences it is asked to write to the setup cell's numerical_gradient.
# Loses: test_numerical_grads
# Message: numerical_grads uses numerical_gradient, which the notebook provides
def numerical_grads(loss, W, b, eps=1e-6):
    dW = {j: numerical_gradient(lambda M, j=j: loss({**W, j: M}, b), W[j], eps) for j in W}
    db = {j: numerical_gradient(lambda v, j=j: loss(W, {**b, j: v}), b[j], eps) for j in b}
    return dW, db
