"""Finite differences: the independent oracle every gradient in the course is checked against.

Central differences, (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), have an error of
order eps^2 (truncation) plus order machine-epsilon / eps (rounding); eps = 1e-6
balances the two in float64, giving about 1e-10 relative accuracy on smooth
functions. Everything here works in float64 and never modifies its inputs.
"""

import numpy as np

EPS = 1e-6


def numerical_gradient(f, x, eps=EPS):
    """Central-difference gradient of a scalar function f at x (any shape)."""
    x = np.array(x, dtype=float, order="C")   # a private float64 copy we may perturb; C order so
                                              # that reshape(-1) below is a view, not a copy
    grad = np.zeros_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        up = float(f(x))
        flat[i] = saved - eps
        down = float(f(x))
        flat[i] = saved
        g[i] = (up - down) / (2 * eps)
    return grad


def numerical_derivative(f, z, eps=EPS):
    """Central-difference derivative of an elementwise function, at every entry of z at once."""
    z = np.asarray(z, dtype=float)
    return (f(z + eps) - f(z - eps)) / (2 * eps)


def numerical_jacobian(F, x, eps=EPS):
    """Central-difference Jacobian of a vector function F at a vector x: J[i, k] = dF_i/dx_k.

    Applied to a gradient it gives the Hessian.
    """
    x = np.array(x, dtype=float)
    columns = []
    for k in range(x.size):
        step = np.zeros_like(x)
        step.flat[k] = eps
        columns.append((np.asarray(F(x + step)) - np.asarray(F(x - step))).ravel() / (2 * eps))
    return np.stack(columns, axis=-1)


def relative_error(a, b):
    """||a - b|| / max(||a|| + ||b||, tiny): 0 for equal arrays, about 1 for unrelated ones.

    Norms rather than entrywise ratios, so that entries that are (nearly) zero
    in both arrays do not divide by zero.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare arrays of shapes {a.shape} and {b.shape}")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / max(scale, np.finfo(float).tiny))


def check_gradient(f, grad, x, eps=EPS):
    """Relative error between an analytic gradient grad(x) and the numerical one of f."""
    return relative_error(grad(np.array(x, dtype=float)), numerical_gradient(f, x, eps))
