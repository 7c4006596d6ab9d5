"""Benchmarks: `make bench` (python -m bench). Figures a reader or instructor feels."""
