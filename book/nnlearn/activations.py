"""Activation functions phi and their derivatives phi'.

Every activation acts elementwise on an array of any shape and returns an
array of the same shape. Each comes as a pair (function, derivative) bundled
in an :class:`Activation`; :func:`get` looks one up by name.

Conventions where a derivative does not exist (stated once, used everywhere):

* ReLU at 0: derivative 0 (what numpy's ``z > 0`` gives, and what the
  major frameworks use). Leaky ReLU at 0: the left slope.
* Triangle wave at its corners: 0, the average of the two one-sided slopes.
* Sawtooth and square waves at their jumps: the derivative of the pieces
  (1/pi for the sawtooth, 0 for the square); the jump itself is ignored,
  exactly as automatic differentiation does.

The periodic waves share the period 2*pi and the range [-1, 1] so that they
can be compared with sin directly.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

TWO_PI = 2.0 * np.pi


def _as_float(z):
    return np.asarray(z, dtype=float)


# --- monotonic -------------------------------------------------------------

def identity(z):
    return _as_float(z).copy()


def identity_prime(z):
    return np.ones_like(_as_float(z))


def sigmoid(z):
    """1 / (1 + e^-z), computed without ever exponentiating a positive number.

    For z >= 0 it uses 1 / (1 + e^-z); for z < 0 the equal form
    e^z / (1 + e^z). Either way the exponent is -|z| <= 0, so nothing
    overflows even at |z| = 1e4.
    """
    z = _as_float(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z):
    """sigma(z) * (1 - sigma(z)), written as e / (1 + e)^2 with e = e^-|z|.

    The product form loses every digit when sigma(z) rounds to 1; this form
    keeps them (the derivative is even in z).
    """
    e = np.exp(-np.abs(_as_float(z)))
    return e / (1.0 + e) ** 2


def tanh(z):
    return np.tanh(_as_float(z))


def tanh_prime(z):
    return 1.0 - np.tanh(_as_float(z)) ** 2


def relu(z):
    return np.maximum(_as_float(z), 0.0)


def relu_prime(z):
    """1 for z > 0, else 0; in particular 0 at z = 0 (see module docstring)."""
    return (_as_float(z) > 0).astype(float)


LEAKY_SLOPE = 0.01


def leaky_relu(z, slope=LEAKY_SLOPE):
    z = _as_float(z)
    return np.where(z > 0, z, slope * z)


def leaky_relu_prime(z, slope=LEAKY_SLOPE):
    return np.where(_as_float(z) > 0, 1.0, slope)


def softplus(z):
    """log(1 + e^z) through logaddexp, so large z neither overflows nor rounds."""
    return np.logaddexp(0.0, _as_float(z))


def softplus_prime(z):
    """The derivative of softplus is exactly the sigmoid."""
    return sigmoid(z)


# --- periodic ----------------------------------------------------------------

def sine(z):
    return np.sin(_as_float(z))


def sine_prime(z):
    return np.cos(_as_float(z))


def _phase(z, shift):
    """(z + shift) mod 2*pi, in [0, 2*pi)."""
    return np.mod(_as_float(z) + shift, TWO_PI)


def triangle(z):
    """Triangle wave in phase with sin: 0 at 0, peak 1 at pi/2, trough -1 at -pi/2."""
    t = _phase(z, np.pi / 2)  # t = 0 at a trough, t = pi at a peak
    return 1.0 - (2.0 / np.pi) * np.abs(t - np.pi)


def triangle_prime(z):
    """+-2/pi on the rising and falling pieces; 0 at the corners."""
    t = _phase(z, np.pi / 2)
    slope = np.where(t < np.pi, 2.0 / np.pi, -2.0 / np.pi)
    at_corner = (t == 0.0) | (t == np.pi)
    return np.where(at_corner, 0.0, slope)


def sawtooth(z):
    """Rises linearly from -1 to 1 over (-pi, pi), then jumps back to -1."""
    return _phase(z, np.pi) / np.pi - 1.0


def sawtooth_prime(z):
    """1/pi everywhere: the slope of the pieces, ignoring the jumps."""
    return np.full_like(_as_float(z), 1.0 / np.pi)


def square(z):
    """+1 on [0, pi), -1 on [pi, 2*pi): the sign of sin z, made right-continuous."""
    return np.where(_phase(z, 0.0) < np.pi, 1.0, -1.0)


def square_prime(z):
    """0 everywhere: flat pieces, jumps ignored. Gradient descent learns nothing through it."""
    return np.zeros_like(_as_float(z))


# --- registry ----------------------------------------------------------------

@dataclass(frozen=True)
class Activation:
    """An activation function phi with its derivative phi' and a few facts about it."""

    name: str
    f: Callable
    df: Callable
    smooth: bool          # in C-infinity on the whole real line
    periodic: bool
    output_range: tuple   # (low, high) of phi over the real line

    def __call__(self, z):
        return self.f(z)


ACTIVATIONS = {
    a.name: a
    for a in [
        Activation("identity", identity, identity_prime, True, False, (-np.inf, np.inf)),
        Activation("sigmoid", sigmoid, sigmoid_prime, True, False, (0.0, 1.0)),
        Activation("tanh", tanh, tanh_prime, True, False, (-1.0, 1.0)),
        Activation("relu", relu, relu_prime, False, False, (0.0, np.inf)),
        Activation("leaky_relu", leaky_relu, leaky_relu_prime, False, False, (-np.inf, np.inf)),
        Activation("softplus", softplus, softplus_prime, True, False, (0.0, np.inf)),
        Activation("sine", sine, sine_prime, True, True, (-1.0, 1.0)),
        Activation("triangle", triangle, triangle_prime, False, True, (-1.0, 1.0)),
        Activation("sawtooth", sawtooth, sawtooth_prime, False, True, (-1.0, 1.0)),
        Activation("square", square, square_prime, False, True, (-1.0, 1.0)),
    ]
}


def get(name):
    """The :class:`Activation` called ``name`` (an Activation passes through)."""
    if isinstance(name, Activation):
        return name
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(
            f"unknown activation {name!r}; expected one of: {known}"
        ) from None
