"""Smoothness in code: the example functions of chapter 2 and three ways to probe them.

The examples are e^x (smooth), |x| and ReLU (continuous, with a kink at 0),
x|x| (once continuously differentiable, not twice) and the *sharp softplus*

    softplus_beta(z) = (1/beta) log(1 + e^(beta z)),

a smooth function that approaches ReLU as the sharpness beta grows: the gap
softplus_beta(z) - relu(z) = (1/beta) log(1 + e^(-beta |z|)) lies in (0, log(2)/beta].
Its derivative is the sigmoid of beta z.

The probes:

* :func:`central_difference`: (f(x + h) - f(x - h)) / 2h, the slope of a secant;
* :func:`one_sided_quotients`: the left and right difference quotients, whose
  limits are the one-sided derivatives;
* :func:`magnify`: the graph of f near x0 blown up by 1/width in both directions.
  A differentiable function turns into its tangent line; a kink stays a kink.

Conventions at kinks (where a derivative does not exist) follow
:mod:`nnlearn.activations`: ReLU'(0) = 0, and |x|'(0) = 0 (``np.sign``), the
average of the one-sided slopes, which is also what automatic differentiation
in the major frameworks returns.
"""

import numbers
from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np

from . import activations


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_beta(beta):
    if not (_is_number(beta) and np.isfinite(beta) and beta > 0):
        raise ValueError(f"the sharpness beta must be a finite number > 0; got {beta!r}")
    return float(beta)


def _check_step(h, name="h"):
    if not (_is_number(h) and np.isfinite(h) and h > 0):
        raise ValueError(f"the step {name} must be a finite number > 0; got {h!r}")
    return float(h)


# --- the sharp softplus --------------------------------------------------------------

def softplus_beta(z, beta=1.0):
    """(1/beta) log(1 + e^(beta z)), computed as relu(z) + (1/beta) log(1 + e^(-beta |z|)).

    The two forms are equal (take e^(beta z) out of the log when z > 0); the
    second never exponentiates a positive number, so beta z = 1e4 does not
    overflow, and it is never below relu(z), even after rounding. beta = 1 is the
    ordinary softplus; beta -> infinity gives ReLU.
    """
    beta = _check_beta(beta)
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-beta * np.abs(z))) / beta


def softplus_beta_prime(z, beta=1.0):
    """d/dz softplus_beta(z) = sigmoid(beta z): a step of width about 1/beta around 0."""
    beta = _check_beta(beta)
    return activations.sigmoid(beta * np.asarray(z, dtype=float))


# --- x|x|: in C^1 but not in C^2 -----------------------------------------------------------

def signed_square(x):
    """x |x|: -x^2 for x < 0, x^2 for x >= 0."""
    x = np.asarray(x, dtype=float)
    return x * np.abs(x)


def signed_square_prime(x):
    """2 |x|: continuous, so x|x| is in C^1, but with a kink at 0."""
    return 2.0 * np.abs(np.asarray(x, dtype=float))


def signed_square_second(x):
    """2 sign(x): jumps at 0, so x|x| is not in C^2 (value 0 at 0 by the np.sign convention)."""
    return 2.0 * np.sign(np.asarray(x, dtype=float))


# --- the examples, bundled for figures and demos --------------------------------------------

@dataclass(frozen=True)
class Example:
    """A function of one variable with its derivative and the points where f' does not exist."""

    label: str
    f: Callable
    df: Callable
    kinks: tuple = ()

    def one_sided_derivatives(self, x0):
        """(f'(x0-), f'(x0+)): the derivative evaluated one float to each side of x0.

        Every example's f' is continuous away from its kinks, so its value at the
        neighbouring float is the one-sided limit (to rounding).
        """
        left = float(self.df(np.nextafter(x0, -np.inf)))
        right = float(self.df(np.nextafter(x0, np.inf)))
        return left, right


def examples(beta=1.0):
    """{name: Example} for chapter 2; ``beta`` is the sharpness of the softplus entry."""
    beta = _check_beta(beta)
    return {
        "e^x": Example("$e^x$", np.exp, np.exp),
        "|x|": Example("$|x|$", np.abs, np.sign, (0.0,)),
        "ReLU": Example("ReLU", activations.relu, activations.relu_prime, (0.0,)),
        "softplus": Example(rf"softplus, $\beta = {beta:g}$", partial(softplus_beta, beta=beta),
                            partial(softplus_beta_prime, beta=beta)),
        "x|x|": Example("$x|x|$", signed_square, signed_square_prime),
    }


# --- probes ----------------------------------------------------------------------------

def central_difference(f, x, h):
    """(f(x + h) - f(x - h)) / 2h at every entry of x: the slope of the secant over [x-h, x+h].

    Its error is O(h^2) where f is smooth; at a kink it tends to the *average* of
    the two one-sided derivatives, not to either of them.
    """
    h = _check_step(h)
    x = np.asarray(x, dtype=float)
    return (f(x + h) - f(x - h)) / (2.0 * h)


def one_sided_quotients(f, x0, h):
    """The left and right difference quotients at x0: ((f(x0) - f(x0-h))/h, (f(x0+h) - f(x0))/h)."""
    h = _check_step(h)
    fx = f(np.asarray(x0, dtype=float))
    return (fx - f(x0 - h)) / h, (f(x0 + h) - fx) / h


def magnify(f, x0, width, u):
    """The graph of f near x0, blown up by 1/width in both directions.

    Returns v(u) = (f(x0 + width u) - f(x0)) / width for window coordinates u
    (u = -1 and u = 1 are the window's edges). Where f is differentiable,
    v(u) -> f'(x0) u as width -> 0: the graph becomes a straight line.
    """
    width = _check_step(width, "width")
    u = np.asarray(u, dtype=float)
    return (f(x0 + width * u) - f(np.asarray(x0, dtype=float))) / width


def gap_from_line(f, x0, width, n=201):
    """How far the magnified graph is from a straight line through the centre of the window.

    The line's slope is the least-squares fit s = sum(u v) / sum(u^2); the gap is
    max |v(u) - s u| over n points u in [-1, 1]. It shrinks like the width where f
    is twice differentiable; at a kink it does not shrink at all.
    """
    u = np.linspace(-1.0, 1.0, n)
    v = magnify(f, x0, width, u)
    slope = np.dot(u, v) / np.dot(u, u)
    return float(np.max(np.abs(v - slope * u)))
