"""Two-dimensional test surfaces L(x, y), each with its analytic gradient and Hessian.

Every function takes points ``p`` of shape (2,) or (..., 2) (a grid of points
for contour plots) and returns values of shape (...), gradients of shape
(..., 2) and Hessians of shape (..., 2, 2). :func:`directional_derivatives` gives the
rate of change of a surface along each of a set of unit directions.
"""

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Surface:
    name: str
    title: str
    f: Callable
    grad: Callable
    hess: Callable
    xlim: tuple
    ylim: tuple
    minima: tuple = ()             # known minimisers, for marking on plots
    saddles: tuple = ()
    start: tuple = (0.0, 0.0)      # a start point that shows the surface's character
    note: str = field(default="", compare=False)

    def grid(self, n=121):
        """(X, Y, L) on an n x n grid over the surface's window, for contour plots."""
        X, Y = np.meshgrid(np.linspace(*self.xlim, n), np.linspace(*self.ylim, n))
        return X, Y, self.f(np.stack([X, Y], axis=-1))


def _xy(p):
    p = np.asarray(p, dtype=float)
    if p.shape[-1:] != (2,):
        raise ValueError(f"points must have shape (2,) or (..., 2); got {p.shape}")
    return p[..., 0], p[..., 1]


def _vec(a, b):
    return np.stack(np.broadcast_arrays(a, b), axis=-1)


def _mat(a, b, c, d):
    a, b, c, d = np.broadcast_arrays(a, b, c, d)
    return np.stack([_vec(a, b), _vec(c, d)], axis=-2)


# --- the surfaces ---------------------------------------------------------------

def bowl():
    """L = x^2 + y^2: the notes' convex bowl, one minimum at the origin."""
    return Surface(
        "bowl", "Bowl  $x^2 + y^2$",
        f=lambda p: _xy(p)[0] ** 2 + _xy(p)[1] ** 2,
        grad=lambda p: _vec(2 * _xy(p)[0], 2 * _xy(p)[1]),
        hess=lambda p: _mat(2.0, 0.0, 0.0, 2.0 + 0 * _xy(p)[0]),
        xlim=(-3, 3), ylim=(-3, 3), minima=((0.0, 0.0),), start=(2.5, 2.0),
        note="convex, same curvature in every direction",
    )


def narrow_valley(kappa=25.0):
    """L = (x^2 + kappa y^2) / 2: a quadratic whose Hessian has condition number kappa."""
    kappa = float(kappa)
    if not kappa >= 1:
        raise ValueError(f"the condition number kappa must be >= 1; got {kappa}")
    return Surface(
        "narrow_valley", rf"Narrow valley  $(x^2 + {kappa:g}\,y^2)/2$",
        f=lambda p: 0.5 * (_xy(p)[0] ** 2 + kappa * _xy(p)[1] ** 2),
        grad=lambda p: _vec(_xy(p)[0], kappa * _xy(p)[1]),
        hess=lambda p: _mat(1.0, 0.0, 0.0, kappa + 0 * _xy(p)[0]),
        xlim=(-3, 3), ylim=(-1.5, 1.5), minima=((0.0, 0.0),), start=(-2.8, 1.0),
        note="curvature differs by a factor kappa between directions",
    )


def rosenbrock():
    """L = (1 - x)^2 + 100 (y - x^2)^2: a curved, narrow valley; minimum at (1, 1)."""
    def f(p):
        x, y = _xy(p)
        return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2

    def grad(p):
        x, y = _xy(p)
        return _vec(-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2))

    def hess(p):
        x, y = _xy(p)
        return _mat(2 - 400 * (y - x ** 2) + 800 * x ** 2, -400 * x, -400 * x, 200.0)

    return Surface("rosenbrock", "Rosenbrock", f, grad, hess, xlim=(-2, 2), ylim=(-1, 3),
                   minima=((1.0, 1.0),), start=(-1.5, 2.0),
                   note="a banana-shaped valley: easy to enter, slow to follow")


def saddle():
    """L = x^2 + y^4/4 - y^2/2: a saddle at the origin between minima at (0, +-1)."""
    def f(p):
        x, y = _xy(p)
        return x ** 2 + 0.25 * y ** 4 - 0.5 * y ** 2

    def grad(p):
        x, y = _xy(p)
        return _vec(2 * x, y ** 3 - y)

    def hess(p):
        x, y = _xy(p)
        return _mat(2.0, 0.0, 0.0, 3 * y ** 2 - 1)

    return Surface("saddle", "Saddle  $x^2 + y^4/4 - y^2/2$", f, grad, hess,
                   xlim=(-2, 2), ylim=(-2, 2), minima=((0.0, -1.0), (0.0, 1.0)),
                   saddles=((0.0, 0.0),), start=(1.8, 0.01),
                   note="the gradient vanishes at the origin, which is no minimum")


def plateau(width=1.0):
    """L = -exp(-(x^2 + y^2) / width^2): almost flat away from a single well, minimum -1.

    Written without the constant 1 that would make it a "loss" from 0 up: far from the
    well L is then nearly 0 rather than nearly 1, so its value keeps all its digits
    and finite differences stay accurate there (1 - e^{-r^2} would cancel).
    """
    s2 = float(width) ** 2

    def well(p):
        x, y = _xy(p)
        return x, y, np.exp(-(x ** 2 + y ** 2) / s2)

    def f(p):
        return -well(p)[2]

    def grad(p):
        x, y, e = well(p)
        return _vec(2 * x / s2 * e, 2 * y / s2 * e)

    def hess(p):
        x, y, e = well(p)
        c = 2 / s2
        return _mat(c * e * (1 - c * x ** 2), -c * c * x * y * e,
                    -c * c * x * y * e, c * e * (1 - c * y ** 2))

    return Surface("plateau", "Plateau  $-e^{-(x^2+y^2)}$", f, grad, hess,
                   xlim=(-4, 4), ylim=(-4, 4), minima=((0.0, 0.0),), start=(3.0, 2.5),
                   note="far from the well the gradient is nearly zero")


def local_minima():
    """L = (x^2 - 1)^2 + (y^2 - 1)^2 + 0.3 x + 0.2 y: four minima of different depth."""
    def f(p):
        x, y = _xy(p)
        return (x ** 2 - 1) ** 2 + (y ** 2 - 1) ** 2 + 0.3 * x + 0.2 * y

    def grad(p):
        x, y = _xy(p)
        return _vec(4 * x * (x ** 2 - 1) + 0.3, 4 * y * (y ** 2 - 1) + 0.2)

    def hess(p):
        x, y = _xy(p)
        return _mat(12 * x ** 2 - 4, 0.0, 0.0, 12 * y ** 2 - 4)

    # the minimisers solve 4t(t^2 - 1) + c = 0 near t = +-1, in each coordinate
    def roots(c):
        return sorted(r.real for r in np.roots([4, 0, -4, c]) if abs(r.real) > 0.5)

    minima = tuple((x, y) for x in roots(0.3) for y in roots(0.2))
    return Surface("local_minima", "Several minima", f, grad, hess,
                   xlim=(-2, 2), ylim=(-2, 2), minima=minima, start=(1.6, 1.7),
                   note="where you start decides which minimum you reach")


SURFACES = {s.name: s for s in [bowl(), narrow_valley(), rosenbrock(), saddle(), plateau(),
                                 local_minima()]}


def get(name):
    """The :class:`Surface` called ``name``."""
    try:
        return SURFACES[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown surface {name!r}; expected one of: {', '.join(SURFACES)}"
        ) from None


# --- rates of change in every direction ----------------------------------------------

def unit_directions(count):
    """(angles, unit vectors u = (cos a, sin a)) for ``count`` angles evenly spread over [0, 2 pi)."""
    angles = np.linspace(0.0, 2 * np.pi, count, endpoint=False)
    return angles, np.stack([np.cos(angles), np.sin(angles)], axis=-1)


def directional_derivatives(surface, point, directions):
    """D_u L(p) = grad L(p) . u for each row u of ``directions`` (unit vectors)."""
    return np.asarray(directions, dtype=float) @ surface.grad(np.asarray(point, dtype=float))
