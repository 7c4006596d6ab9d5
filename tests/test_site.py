"""The built website (`make book`, which `make test` runs first): offline, complete, light.

These read `_build/html`; the browser tests look at what a reader's browser shows.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT

SITE = ROOT / "_build" / "html"
PAGE_LIMIT = 3 * 1024 * 1024


@pytest.fixture(scope="module")
def pages():
    if not (SITE / "index.html").exists():
        pytest.fail("no built site in _build/html: run `make book` (make test does it first)")
    return sorted(p for p in SITE.rglob("*.html") if "_static" not in p.relative_to(SITE).parts)


class Loads(HTMLParser):
    """Every URL a page makes the browser fetch (not the links a reader may click)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel") not in ("next", "prev", "index", "search"):
            self.urls.append(a["href"])
        if tag == "object" and a.get("data"):
            self.urls.append(a["data"])


def loads(page):
    parser = Loads()
    parser.feed(page.read_text(errors="replace"))
    return parser.urls


def is_external(url):
    return bool(re.match(r"^(https?:)?//", url))


def test_no_page_loads_anything_from_outside(pages):
    offenders = {p.name: [u for u in loads(p) if is_external(u)] for p in pages}
    offenders = {k: v for k, v in offenders.items() if v}
    assert not offenders, f"pages load external URLs: {offenders}"


def test_every_local_asset_a_page_loads_exists(pages):
    missing = []
    for page in pages:
        for url in loads(page):
            if is_external(url) or url.startswith(("data:", "#")):
                continue
            target = (page.parent / url.split("?")[0].split("#")[0]).resolve()
            if not target.exists():
                missing.append(f"{page.relative_to(SITE)} -> {url}")
    assert not missing, missing


def test_stylesheets_fetch_nothing_from_outside():
    hits = []
    for css in SITE.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(errors="replace")):
            if is_external(url):
                hits.append(f"{css.relative_to(SITE)}: {url}")
        if re.search(r"@import\s+url\(\s*['\"]?https?:", css.read_text(errors="replace")):
            hits.append(f"{css.relative_to(SITE)}: @import")
    assert not hits, hits


def test_mathjax_is_served_by_the_site(pages):
    notation = SITE / "book" / "notation.html"
    scripts = [u for u in loads(notation) if "mathjax" in u.lower()]
    assert scripts, "the notation page loads no MathJax"
    for url in scripts:
        assert not is_external(url) and (notation.parent / url.split("?")[0]).exists(), url
    assert r"\mathbf{W}^{(j-1,j)}" in notation.read_text()     # TeX is there for MathJax to typeset


def test_no_launch_buttons_or_invented_links(pages):
    for page in pages:
        text = page.read_text(errors="replace")
        for needle in ("mybinder", "colab.research", "jupyterhub", "executablebooks/jupyter-book"):
            assert needle not in text, f"{page.name} mentions {needle}"


def test_chapter_pages_download_as_notebooks(pages):
    for page in pages:
        source = ROOT / page.relative_to(SITE).with_suffix(".ipynb")
        if source.exists():
            assert (SITE / "_sources" / page.relative_to(SITE).with_suffix(".ipynb")).exists(), page
            assert ".ipynb" in page.read_text(), f"{page.name} has no notebook download"


def page_weight(page):
    """The page's HTML plus the images and downloads it references that are its own."""
    total = page.stat().st_size
    for url in loads(page):
        target = (page.parent / url.split("?")[0]).resolve()
        if "_images" in target.parts and target.exists():
            total += target.stat().st_size
    return total


def test_every_page_weighs_at_most_3_mb(pages):
    heavy = {p.name: page_weight(p) for p in pages if page_weight(p) > PAGE_LIMIT}
    assert not heavy, f"pages over 3 MB: {heavy}"


def test_no_private_material_on_the_site():
    """Nothing from solutions/, autograder/ or nbgrader's markers reaches the site."""
    markers = ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "nbgrader", "gradebook"]
    hits = []
    for path in SITE.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".ipynb", ".txt", ".json"):
            text = path.read_text(errors="replace")
            hits += [f"{path.relative_to(SITE)}: {m}" for m in markers
                     if m in text and not path.name.startswith(("for-instructors", "for-students"))]
    assert not hits, hits
