"""What a slider move costs, for every registered demo, against the naive pattern.

For each demo and each control, the control is moved across its range; every move
is timed down to the encoded PNG. The fast path (cached background, blitted moving
artists) is compared with the naive pattern measured in the same run: a fresh figure
per move, laid out and saved, as an ``interact`` around a plotting function does.
"""

import time

import numpy as np

from nnlearn.demos import all_demos

TARGET_P50_MS, TARGET_P95_MS, TARGET_RATIO = 50.0, 100.0, 0.4


def _moves(demo, per_control):
    """Parameter sets that move one control at a time across its range."""
    moves = []
    for control in demo.controls.values():
        for value in control.values(per_control):
            moves.append({control.name: value})
    return moves


def _timed(render, moves, repeat=1):
    times = []
    for _ in range(repeat):
        for params in moves:
            start = time.perf_counter()
            render(**params)
            times.append((time.perf_counter() - start) * 1000)
    return np.array(times)


def run(per_control=6):
    rows = []
    for name, factory in sorted(all_demos().items()):
        demo = factory()
        moves = _moves(demo, per_control)
        for params in moves:          # warm up: every background drawn once, as after a first move
            demo.frame(**params)
        fast = _timed(demo.frame, moves, repeat=2)
        naive = _timed(demo.naive_frame, moves[: max(4, len(moves) // 2)])
        p50, p95 = np.percentile(fast, 50), np.percentile(fast, 95)
        naive_p50 = np.percentile(naive, 50)
        rows.append({
            "demo": name, "moves": len(fast),
            "p50_ms": round(float(p50), 1), "p95_ms": round(float(p95), 1),
            "naive_p50_ms": round(float(naive_p50), 1),
            "ratio": round(float(p50 / naive_p50), 3),
            "meets_target": bool(p50 <= TARGET_P50_MS and p95 <= TARGET_P95_MS
                                 and p50 / naive_p50 <= TARGET_RATIO),
        })
    return rows
