"""The website's build and its weight: what an author waits for and what a reader downloads.

Nothing here touches the working tree or its _build: the builds run in a temporary copy
of the repository (its files, without .git, .venv and _build) with this environment, or
into a temporary --path-output:

* cold build: an empty execution cache, so every chapter runs (what `make book` costs
  on a fresh clone), as `make html` runs it (book/_ext/preexecute.py runs the chapters
  in parallel first) and, for comparison, with `jupyter-book build` alone;
* no-change `make book`: Make sees nothing newer than the site's stamp and does nothing;
  target: under a second;
* a one-word edit to a chapter's text, then `make book`: the chapter is re-read and its
  page re-written, its code not run (the execution cache keys on code only); target: a
  few seconds;
* a one-line edit to a chapter's code, then `make book`: that chapter runs again, alone;
* each chapter's execution time in a fresh kernel (target: under 60 s), from the cache;
* page weight of each chapter: its HTML (demo frames are inside it, as data URIs) plus
  the images under _images it shows; target 3 MB. The theme's shared files
  (_static, fetched once for the whole site) are not counted.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
JB_FLAGS = ["--warningiserror", "--nitpick", "--keep-going"]
NO_CHANGE_TARGET_S = 1.0
TEXT_EDIT_TARGET_S = 5.0
EDITED = "book/05_gradient_descent.ipynb"   # the chapter the edits go into
PAGE_LIMIT_MB = 3.0
CHAPTER_SECONDS = 60          # each chapter runs top to bottom in a fresh kernel within this


def _run(command):
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def build(path_output):
    """Seconds for one strict `jupyter-book build` alone (no pre-execution, chapters run one
    after another) into ``path_output``. Raises if the build fails."""
    started = time.perf_counter()
    _run([str(BIN / "jupyter-book"), "build", str(ROOT), "--path-output", str(path_output), *JB_FLAGS])
    return time.perf_counter() - started


def copy_repository(dest):
    """The repository's files (modification times kept) in ``dest``, without what git
    ignores for size: .git, .venv, _build and caches."""
    ignore = shutil.ignore_patterns(".git", ".venv", "_build", "__pycache__", ".pytest_cache",
                                    ".ipynb_checkpoints", "*.egg-info")
    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)
    return Path(dest)


def make_book(copy):
    """(wall seconds, CPU seconds) of `make book` in ``copy``, with this environment (never
    reinstalled). The CPU seconds (user + system, of every process it started) barely
    depend on what else the machine is doing; the wall time does. Raises if it fails."""
    venv = Path(sys.prefix)
    before, started = os.times(), time.perf_counter()
    _run(["make", "--no-print-directory", "-C", str(copy), f"VENV={venv}",
          "-o", str(venv / ".installed"), "book"])
    after = os.times()
    return (time.perf_counter() - started,
            after.children_user + after.children_system - before.children_user - before.children_system)


def edit_chapter(copy, code):
    """One word added to the chapter's first paragraph, or (``code``) one line to its first
    code cell, as an author's edit would: the notebook written back as nbformat writes it."""
    import nbformat

    path = Path(copy) / EDITED
    notebook = nbformat.read(path, as_version=4)
    if code:
        cell = next(c for c in notebook.cells if c.cell_type == "code")
        cell.source += "\n_edited = 1"
    else:
        cell = next(c for c in notebook.cells if c.cell_type == "markdown" and " the " in c.source)
        cell.source = cell.source.replace(" the ", " the very ", 1)
    nbformat.write(notebook, path)


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
        serial = build(alone)
    with tempfile.TemporaryDirectory(prefix="nnl-bench-copy-") as scratch:
        copy = copy_repository(Path(scratch) / "course")
        cold, cold_cpu = make_book(copy)
        no_change = make_book(copy)
        edit_chapter(copy, code=False)
        text_edit = make_book(copy)
        edit_chapter(copy, code=True)
        code_edit = make_book(copy)
        pages = weights(copy / "_build" / "html", execution_seconds(copy / "_build"))

    def row(measure, times, target=None):
        seconds, cpu = times if isinstance(times, tuple) else (times, None)
        return {"measure": measure, "seconds": round(seconds, 2), "cpu_s": "-" if cpu is None else round(cpu, 2),
                "ratio_to_cold": round(seconds / cold, 3), "meets_target": target is None or seconds < target}

    return {
        "build": [
            row("cold build, jupyter-book alone (chapters run one by one)", serial),
            row("cold make book (chapters pre-executed in parallel)", (cold, cold_cpu)),
            row(f"no-change make book (target < {NO_CHANGE_TARGET_S:g} s)", no_change, NO_CHANGE_TARGET_S),
            row(f"one-word text edit, then make book (target < {TEXT_EDIT_TARGET_S:g} s)", text_edit,
                TEXT_EDIT_TARGET_S),
            row("one-line code edit, then make book (that chapter runs again)", code_edit),
        ],
        "pages": pages,
    }
