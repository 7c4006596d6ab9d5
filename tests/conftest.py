"""Shared fixtures and helpers. Every test that needs randomness takes a seeded Generator."""

import io
import re
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


# --- the public tree (`make public`) has no solutions/ and no autograder/ ----------------------
# Tests that need the instructors' side skip there, each saying why: every test module that
# imports autograder/ or the assignment or grading helpers (they build courses from
# solutions/ and grade with autograder/), and every test marked `private`.
PRIVATE_SIDE = ROOT / "solutions"
NEEDS_PRIVATE_SIDE = re.compile(r"^\s*(from|import)\s+(assignment_helpers|grading_helpers|autograder)\b", re.M)
WHY_SKIPPED = ("needs the instructors' side (solutions/, autograder/), which the public tree "
               "leaves out: run it in the instructors' repository")


def pytest_configure(config):
    config.addinivalue_line("markers", f"private: {WHY_SKIPPED}")


class _PrivateSideModule(pytest.Module):
    def collect(self):
        pytest.skip(f"{self.path.name} {WHY_SKIPPED}")


def pytest_pycollect_makemodule(module_path, parent):
    if not PRIVATE_SIDE.is_dir() and NEEDS_PRIVATE_SIDE.search(module_path.read_text(encoding="utf-8")):
        return _PrivateSideModule.from_parent(parent, path=module_path)
    return None


def pytest_runtest_setup(item):
    if not PRIVATE_SIDE.is_dir() and item.get_closest_marker("private"):
        pytest.skip(WHY_SKIPPED)
