"""Every test surface: analytic gradient and Hessian against finite differences."""

import numpy as np
import pytest

from nnlearn import landscapes
from nnlearn.gradcheck import numerical_gradient, numerical_jacobian, relative_error

SURFACES = list(landscapes.SURFACES.values()) + [landscapes.narrow_valley(100.0),
                                                  landscapes.plateau(width=2.0)]


def points(surface, rng, n=20):
    return np.column_stack([rng.uniform(*surface.xlim, n), rng.uniform(*surface.ylim, n)])


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_gradient_matches_finite_differences(surface, rng):
    for p in points(surface, rng):
        assert relative_error(surface.grad(p), numerical_gradient(surface.f, p)) < 1e-7, p


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_hessian_matches_finite_differences_of_the_gradient(surface, rng):
    for p in points(surface, rng):
        assert relative_error(surface.hess(p), numerical_jacobian(surface.grad, p)) < 1e-7, p


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_grids_broadcast(surface, rng):
    X, Y, L = surface.grid(n=7)
    P = np.stack([X, Y], axis=-1)
    assert L.shape == (7, 7)
    assert surface.grad(P).shape == (7, 7, 2)
    assert surface.hess(P).shape == (7, 7, 2, 2)
    np.testing.assert_allclose(surface.grad(P)[3, 4], surface.grad(P[3, 4]))


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_listed_minima_are_minima_and_saddles_are_saddles(surface):
    for m in surface.minima:
        assert np.linalg.norm(surface.grad(np.array(m))) < 1e-9, m
        assert np.all(np.linalg.eigvalsh(surface.hess(np.array(m))) > 0), m
    for s in surface.saddles:
        eig = np.linalg.eigvalsh(surface.hess(np.array(s)))
        assert np.linalg.norm(surface.grad(np.array(s))) < 1e-12
        assert eig.min() < 0 < eig.max()


def test_local_minima_have_different_depths():
    s = landscapes.local_minima()
    values = sorted(float(s.f(np.array(m))) for m in s.minima)
    assert len(values) == 4 and len(set(np.round(values, 6))) == 4


def test_bad_input():
    with pytest.raises(ValueError, match="unknown surface 'bowel'.*bowl"):
        landscapes.get("bowel")
    with pytest.raises(ValueError, match=r"shape \(2,\) or \(..., 2\); got \(3,\)"):
        landscapes.bowl().f(np.zeros(3))
    with pytest.raises(ValueError, match="kappa must be >= 1"):
        landscapes.narrow_valley(0.5)
