"""The website's build and its weight: what an author waits for and what a reader downloads.

Everything is built into a temporary --path-output, so the real _build is not touched:

* cold build: an empty execution cache, so every chapter runs (what `make book` costs
  on a fresh clone), as `make html` runs it (book/_ext/preexecute.py runs the chapters
  in parallel first) and, for comparison, with `jupyter-book build` alone;
* no-change rebuild: the same command again (what `make book` costs after an edit
  elsewhere, or `make test` after `make book`); target: under 10 % of the cold build;
* each chapter's execution time in a fresh kernel (target: under 60 s), from the cache;
* page weight of each chapter: its HTML (demo frames are inside it, as data URIs) plus
  the images under _images it shows; target 3 MB. The theme's shared files
  (_static, fetched once for the whole site) are not counted.
"""

import re
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
JB_FLAGS = ["--warningiserror", "--nitpick", "--keep-going"]
PREEXECUTE = ROOT / "book" / "_ext" / "preexecute.py"
REBUILD_TARGET = 0.10
PAGE_LIMIT_MB = 3.0
CHAPTER_SECONDS = 60          # each chapter runs top to bottom in a fresh kernel within this


def _run(command):
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def build(path_output, preexecute=True):
    """Seconds for one strict build into ``path_output``, as `make html` runs it (changed
    notebooks pre-executed in parallel, then `jupyter-book build`) or, with
    ``preexecute=False``, `jupyter-book build` alone. Raises if the build fails."""
    started = time.perf_counter()
    if preexecute:
        _run([str(BIN / "python"), str(PREEXECUTE), str(Path(path_output) / "_build")])
    _run([str(BIN / "jupyter-book"), "build", str(ROOT), "--path-output", str(path_output), *JB_FLAGS])
    return time.perf_counter() - started


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        src = dict(attrs).get("src")
        if tag == "img" and src and not src.startswith("data:"):
            self.sources.append(src)


def page_weight(page):
    """(total bytes, html bytes, demo frames) of a page with the _images it shows."""
    text = page.read_text(errors="replace")
    parser = _Images()
    parser.feed(text)
    images = {(page.parent / src.split("?")[0]).resolve() for src in parser.sources}
    own = sum(p.stat().st_size for p in images if "_images" in p.parts and p.exists())
    frames = sum(int(n) for n in re.findall(r'class="nnl-demo"[^>]*data-frames="(\d+)"', text))
    return page.stat().st_size + own, page.stat().st_size, frames


def chapter_pages(html):
    """The pages made from notebooks (they have a notebook under _sources)."""
    return sorted(p for p in (html / "book").glob("*.html")
                  if (html / "_sources" / "book" / (p.stem + ".ipynb")).exists())


def execution_seconds(build_dir):
    """{notebook name: seconds its last execution took}, from the build's jupyter-cache."""
    from jupyter_cache import get_cache

    cache = Path(build_dir) / ".jupyter_cache"
    if not cache.exists():
        return {}
    return {Path(r.uri).name: r.data.get("execution_seconds")
            for r in get_cache(str(cache)).list_cache_records()}


def weights(html, seconds=None):
    seconds = seconds or {}
    rows = []
    for page in chapter_pages(html):
        total, markup, frames = page_weight(page)
        run_s = seconds.get(page.stem + ".ipynb")
        rows.append({"page": page.name, "MB": round(total / 2**20, 2),
                     "html_MB": round(markup / 2**20, 2), "demo_frames": frames,
                     "run_s": round(run_s, 1) if run_s is not None else "-",
                     "meets_target": total <= PAGE_LIMIT_MB * 2**20
                     and (run_s is None or run_s < CHAPTER_SECONDS)})
    return rows


def run():
    """Both sections at once (the builds feed both): {"build": [...], "pages": [...]}."""
    with tempfile.TemporaryDirectory(prefix="nnl-bench-build-") as alone:
        serial = build(alone, preexecute=False)
    with tempfile.TemporaryDirectory(prefix="nnl-bench-build-") as out:
        cold = build(out)
        rebuild = build(out)
        pages = weights(Path(out) / "_build" / "html", execution_seconds(Path(out) / "_build"))
    ratio = rebuild / cold
    return {
        "build": [
            {"measure": "cold build, jupyter-book alone (chapters run one by one)",
             "seconds": round(serial, 1), "ratio_to_cold": round(serial / cold, 3), "meets_target": True},
            {"measure": "cold build, as make html runs it (chapters pre-executed in parallel)",
             "seconds": round(cold, 1), "ratio_to_cold": 1.0, "meets_target": True},
            {"measure": "no-change rebuild, as make html runs it", "seconds": round(rebuild, 1),
             "ratio_to_cold": round(ratio, 3), "meets_target": ratio < REBUILD_TARGET},
        ],
        "pages": pages,
    }
