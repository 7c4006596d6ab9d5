"""Every interactive demo of the course, one module per chapter.

A chapter module builds :class:`~nnlearn.demos.core.Demo` objects and marks each
factory with :func:`register`, so that benchmarks and tests find every demo
without a list to keep up to date. In a notebook: ``some_demo().show()``.
"""

import importlib
import pkgutil

from .core import Control, Demo, int_slider, menu, slider  # noqa: F401

REGISTRY = {}


def register(factory):
    """Record a no-argument function that returns a Demo."""
    REGISTRY[f"{factory.__module__.rsplit('.', 1)[-1]}.{factory.__name__}"] = factory
    return factory


def all_demos():
    """{"module.factory": factory} for every registered demo, importing every chapter module."""
    for module in pkgutil.iter_modules(__path__):
        if module.name != "core":
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(REGISTRY)
