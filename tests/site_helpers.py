"""What the site tests share: where the built site is, its pages, a local server, Chromium.

The site is read from `_build/html` (`make test` builds it first); set NNL_SITE to
test another build, e.g. ``NNL_SITE=/tmp/my_build/_build/html``.
"""

import contextlib
import functools
import os
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT

SITE = Path(os.environ.get("NNL_SITE", ROOT / "_build" / "html")).resolve()
# where the browser tests leave what they saw: _build/screenshots next to _build/html
SCREENSHOTS = Path(os.environ.get("NNL_SCREENSHOTS", SITE.parent / "screenshots"))
CHROMIUM = Path(os.environ.get("NNL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]   # containers often give /dev/shm only 64 MB


def require_site():
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site in {SITE}: run `make book` (make test does it first)")
    return SITE


def site_pages():
    """Every HTML page of the built site, relative to it (assets under _static etc. left out)."""
    if not SITE.is_dir():
        return []
    return sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
                  if not any(part.startswith("_") for part in p.relative_to(SITE).parts))


@functools.lru_cache(maxsize=None)
def page_text(rel):
    return (SITE / rel).read_text(errors="replace")


def download_link(rel):
    """The notebook a chapter page offers for download (its href), or None."""
    match = re.search(r'<a href="([^"]+\.ipynb)"[^>]*\s+class="[^"]*btn-download-source-button',
                      page_text(rel))
    return match.group(1) if match else None


# A demo in a notebook is one `.show(` call on a Demo (matplotlib's own show aside).
DEMO_CALL = re.compile(r"(?<!plt)(?<!fig)\.show\(")


def demo_calls(notebook):
    """How many demos a notebook (an nbformat node) shows."""
    return sum(len(DEMO_CALL.findall(c.source)) for c in notebook.cells if c.cell_type == "code")


def chapter_pages():
    """Pages made from a notebook: they offer the notebook for download."""
    return [rel for rel in site_pages() if download_link(rel)]


def pages_with(marker):
    """Pages whose HTML contains ``marker`` (e.g. 'class="nnl-demo"')."""
    return [rel for rel in site_pages() if marker in page_text(rel)]


class Text(HTMLParser):
    """The text of a page as a reader (or a search engine) gets it: tags gone, entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def html_text(markup):
    parser = Text()
    parser.feed(markup)
    return "".join(parser.parts)


# --- a local server -----------------------------------------------------------------------
# One home: the PDF printer (book/_ext/print_pdf.py) serves the site the same way.
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from print_pdf import serve  # noqa: E402,F401  (book/_ext is not a package)


# --- Chromium -----------------------------------------------------------------------------
def require_chromium():
    """Skip, saying what to install, where there is no Chromium; never skip silently."""
    if not CHROMIUM.exists():
        pytest.skip(f"the browser tests need Chromium at {CHROMIUM}: install it with "
                    "`apt-get install chromium` (Debian/Ubuntu) or set NNL_CHROMIUM to its path")


@contextlib.contextmanager
def chromium_context(viewport=(1280, 800)):
    """A headless Chromium with a fresh profile: yields a Playwright browser context."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="nnl-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": viewport[0], "height": viewport[1]})
        try:
            yield context
        finally:
            context.close()


@contextlib.contextmanager
def chromium_browser():
    """A headless Chromium: yields a Playwright Browser, whose ``new_context()`` is a fresh
    profile (a reader's first visit) that costs milliseconds, not a browser start."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()


def keep_inside(context, origin):
    """Abort every request that leaves ``origin``; returns the list they are recorded in."""
    outside = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(origin + "/") or url == origin:
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    context.route("**/*", route)
    return outside
