# Mistake: the same, hidden behind a helper of its own and an alias.
# Loses: test_numerical_grads
# Message: which the notebook provides
differences = numerical_gradient


def one_layer(f, P, eps):
    return differences(f, P, eps)


def numerical_grads(loss, W, b, eps=1e-6):
    dW = {j: one_layer(lambda M, j=j: loss({**W, j: M}, b), W[j], eps) for j in W}
    db = {j: one_layer(lambda v, j=j: loss(W, {**b, j: v}), b[j], eps) for j in b}
    return dW, db
