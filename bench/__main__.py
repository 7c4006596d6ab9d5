"""Run every benchmark, print a table per section, write _build/bench.json."""

import argparse
import functools
import json
import sys
from pathlib import Path

from . import demos, grading, report, site

ROOT = Path(__file__).resolve().parents[1]


def table(rows):
    if not rows:
        return "  (nothing to measure)"
    keys = list(rows[0])
    widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in keys}
    lines = ["  ".join(k.ljust(widths[k]) for k in keys)]
    lines += ["  ".join(str(r[k]).ljust(widths[k]) for k in keys) for r in rows]
    return "\n".join(lines)


_site = functools.lru_cache(maxsize=None)(site.run)     # one cold build feeds two sections

SECTIONS = [
    ("demo updates (ms per slider move, target p50<=50 p95<=100 ratio<=0.4)", "demos", demos.run),
    ("site build (seconds, in a temporary copy; targets: no change < 1 s, a text edit < 5 s)", "build",
     lambda: _site()["build"]),
    ("chapter page weight (HTML with its demo frames + its own images; target <= 3 MB)", "pages",
     lambda: _site()["pages"]),
    ("autograding (seconds per submission, temporary course)", "grading", grading.run),
    ("class report (seconds to build autograder/report/index.html for 300 synthetic submissions)", "report",
     report.run),
]


def main(argv=None):
    """`python -m bench [section ...] [--out FILE]`: every section by default."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("only", nargs="*", help="sections to run: " + ", ".join(k for _, k, _ in SECTIONS))
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench.json")
    args = parser.parse_args(argv)
    unknown = set(args.only) - {key for _, key, _ in SECTIONS}
    if unknown:
        parser.error(f"unknown section(s) {sorted(unknown)}")
    results = {}
    for title, key, run in SECTIONS:
        if args.only and key not in args.only:
            continue
        print(f"\n== {title}")
        sys.stdout.flush()
        results[key] = run()
        print(table(results[key]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
