"""The built website (`make book`, which `make test` runs first): offline, complete, light.

These read `_build/html` (or the build NNL_SITE names); the browser tests
(test_browser.py) look at what a reader's browser shows, test_links.py at the links.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from site_helpers import SITE, html_text

pytestmark = pytest.mark.site   # `make unit` leaves these out: they need the built site

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
        # a launch button's address, not the word: the instructors' page may talk about JupyterHub
        for needle in ("mybinder", "colab.research", "/hub/user-redirect", "executablebooks/jupyter-book"):
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
    markers = ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
               "BEGIN MARK SCHEME"]
    words = ["nbgrader", "gradebook"]       # fine in the search index: the instructors' page is searchable
    hits = []
    for path in SITE.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".ipynb", ".txt", ".json"):
            text = path.read_text(errors="replace")
            found = markers + (words if path.name != "searchindex.js" else [])
            hits += [f"{path.relative_to(SITE)}: {m}" for m in found
                     if m in text and not path.name.startswith(("for-instructors", "for-students"))]
    assert not hits, hits


# --- solution code, hidden tests and rubrics: what only instructors may read --------------
REGIONS = [("### BEGIN SOLUTION", "### END SOLUTION"),
           ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
           ("=== BEGIN MARK SCHEME ===", "=== END MARK SCHEME ===")]
DISTINCTIVE = 20        # characters, whitespace left out: shorter lines are too common to mean a leak


def squeeze(text):
    """Text with all whitespace removed: code on a page is split and re-spaced by highlighting."""
    return re.sub(r"\s+", "", text)


def private_lines(solutions, released, notation=()):
    """{line: where} for every distinctive line inside a solution, hidden-test or rubric
    region of the notebooks in ``solutions``, except lines that are public by design:
    those of the released copies in ``released`` and of the ``notation`` pages (a
    solution may be exactly the course's formula, ``z[j] = W[j].T @ h[j - 1] + b[j]``)."""
    public = set()
    for notebook in sorted(released.glob("*/*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            public.update(squeeze(line) for line in cell.source.splitlines())
    formulas = "".join(squeeze(Path(page).read_text()) for page in notation)
    found = {}
    for notebook in sorted(solutions.glob("*/*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            inside = None
            for line in cell.source.splitlines():
                stripped = line.strip()
                if inside is None:
                    inside = next((end for begin, end in REGIONS if stripped.startswith(begin)), None)
                elif stripped.startswith(inside):
                    inside = None
                elif (len(squeeze(line)) >= DISTINCTIVE and squeeze(line) not in public
                      and squeeze(line) not in formulas):
                    found.setdefault(squeeze(line), f"{notebook.relative_to(solutions.parent)}: {stripped}")
    return found


def site_texts(site):
    """{file: its text with whitespace removed} for every text file of a built site."""
    texts = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix not in (".html", ".js", ".json", ".txt", ".ipynb", ".md"):
            continue
        raw = path.read_text(errors="replace")
        if path.suffix == ".html":
            raw = html_text(raw)
        elif path.suffix == ".ipynb":
            raw = "\n".join(c.get("source", "") if isinstance(c.get("source"), str)
                             else "".join(c.get("source", [])) for c in json.loads(raw).get("cells", []))
        texts[path.relative_to(site).as_posix()] = squeeze(raw)
    return texts


def leaks(site, solutions, released, notation=()):
    secrets = private_lines(solutions, released, notation)
    return sorted(f"{name} shows {where}" for name, text in site_texts(site).items()
                  for line, where in secrets.items() if line in text)


def test_no_solution_code_hidden_test_or_rubric_on_the_site():
    assert (SITE / "index.html").exists(), "no built site: run `make book`"
    found = leaks(SITE, ROOT / "solutions", ROOT / "exercises",
                  [ROOT / "book" / "notation.md", ROOT / "book" / "errata.md"])
    assert not found, found


def test_a_leaked_solution_line_is_found(tmp_path):
    """The check above can fail: a site showing one solution line is caught, a released line is not."""
    solution = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def f(z):\n    ### BEGIN SOLUTION\n    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n"
        "    ### END SOLUTION\n"),
        nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\nassert np.allclose(f(np.zeros(3)), 0.5)\n"
                                  "### END HIDDEN TESTS"),
        nbformat.v4.new_markdown_cell("=== BEGIN MARK SCHEME ===\nFull marks for saying it overflows.\n"
                                      "=== END MARK SCHEME ===")])
    released = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def f(z):\n    # YOUR CODE HERE\n    raise NotImplementedError()")])
    for folder, notebook in (("solutions", solution), ("exercises", released)):
        (tmp_path / folder / "a1").mkdir(parents=True)
        nbformat.write(notebook, tmp_path / folder / "a1" / "a1.ipynb")
    site = tmp_path / "html"
    site.mkdir()
    (site / "page.html").write_text('<pre><span class="k">return</span> <span>np.where(z &gt;= 0, '
                                    "1 / (1 + e),</span>\n   e / (1 + e))</pre><p>raise NotImplementedError()</p>")
    (site / "searchindex.js").write_text("Full marks for saying it overflows.")
    found = leaks(site, tmp_path / "solutions", tmp_path / "exercises")
    assert len(found) == 2 and "page.html" in found[0] and "searchindex.js" in found[1], found
    notation = tmp_path / "notation.md"          # the course's own formula page makes it public
    notation.write_text("| f | `return np.where(z >= 0, 1 / (1 + e), e / (1 + e))` |")
    assert len(leaks(site, tmp_path / "solutions", tmp_path / "exercises", [notation])) == 1
    (site / "page.html").write_text("<p>def f(z): raise NotImplementedError()</p>")
    (site / "searchindex.js").write_text("")
    assert not leaks(site, tmp_path / "solutions", tmp_path / "exercises")
