"""Shared fixtures and helpers. Every test that needs randomness takes a seeded Generator."""

import io
import warnings
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def rng():
    return np.random.default_rng(20260323)


def pixels(png):
    """An image's RGB pixels as floats, to compare frames by how much they differ."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def draw_without_warnings(make_figure):
    """Build a figure and render it to PNG with every warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = make_figure()
        assert isinstance(fig, Figure), f"{make_figure} returned {type(fig).__name__}, not a Figure"
        fig.savefig(io.BytesIO(), format="png")
    return fig
