"""Shared fixtures. Every test that needs randomness takes a seeded Generator."""

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def rng():
    return np.random.default_rng(20260323)
