"""The website as a reader's browser shows it: headless Chromium over a local server.

Every page of the built site is opened once, with every request that would leave the
site aborted and recorded. Per page: nothing leaves the site, nothing fails or logs
an error, the maths is typeset, every image loads and says what it shows. Pages with
demos: each player moves when Play is pressed and when the slider moves. Pages with
exercises: solutions stay folded until clicked. Chapter pages: a screenshot of the
first screen goes to _build/screenshots/, and the download button gives the chapter's
notebook, which runs in a fresh kernel.

Needs Chromium (`apt-get install chromium`); without it these tests skip and say so.
"""

import re
import tempfile
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from PIL import Image

from conftest import ROOT
from site_helpers import (SCREENSHOTS, SITE, chapter_pages, chromium_context, demo_calls, download_link,
                          keep_inside, page_text, pages_with, require_site, serve, site_pages)

pytestmark = [pytest.mark.slow, pytest.mark.site, pytest.mark.xdist_group("browser")]

PAGES = site_pages()
CHAPTERS = chapter_pages()
DEMO_PAGES = pages_with('class="nnl-demo"')
SOLUTION_PAGES = pages_with('class="solution')
# TeX a reader must never see as text: MathJax's delimiters and common commands.
RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\(?:mathbf|frac|sum|partial|nabla|sigma|odot|cdot"
                     r"|begin\{|end\{|left|right|top\b|mathrm|operatorname)")


def per_page(pages):
    return pytest.mark.parametrize("rel", pages if pages else [pytest.param(
        None, marks=pytest.mark.skip(reason=f"no such page in the built site {SITE}"))])


@pytest.fixture(scope="module")
def site_url():
    require_site()
    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def browser(site_url):
    with chromium_context() as context:
        outside = keep_inside(context, site_url)
        yield context, outside


# --- one visit per page, shared by the per-page checks ------------------------------------
MATH_AND_IMAGES = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  await document.fonts.ready;
  const images = [...document.images];
  images.forEach(i => { i.loading = 'eager'; });
  await Promise.all(images.map(i => i.decode().catch(() => null)));
  const maths = [...document.querySelectorAll('.math')];
  const text = document.body.cloneNode(true);
  text.querySelectorAll('pre, code, script, style, textarea, mjx-container, .highlight')
      .forEach(e => e.remove());
  return {
    maths: maths.length,
    untypeset: maths.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 80)),
    mjx: document.querySelectorAll('mjx-container').length,
    demos: document.querySelectorAll('div.nnl-demo').length,
    text: text.textContent,
    images: images.map(i => ({src: i.getAttribute('src').slice(0, 80), width: i.naturalWidth,
                              alt: i.getAttribute('alt')})),
  };
}"""


def open_page(context, url):
    """Open ``url`` in a new tab recording console errors and failed requests."""
    page = context.new_page()
    errors, failed = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, errors, failed


@pytest.fixture(scope="module")
def visit(browser, site_url):
    context, outside = browser
    cache = {}

    def facts(rel):
        if rel not in cache:
            before = len(outside)
            page, errors, failed = open_page(context, f"{site_url}/{rel}")
            found = page.evaluate(MATH_AND_IMAGES)
            if rel in CHAPTERS:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(SCREENSHOTS / (Path(rel).stem + ".png")))
            page.close()
            cache[rel] = {**found, "errors": errors, "outside": outside[before:],
                          "failed": [f for f in failed if f.startswith(site_url)]}
        return cache[rel]

    return facts


@per_page(PAGES)
def test_no_request_leaves_the_site(visit, rel):
    assert not visit(rel)["outside"], f"{rel} asked for outside URLs"


@per_page(PAGES)
def test_no_failed_request(visit, rel):
    assert not visit(rel)["failed"], f"{rel}: requests failed"


@per_page(PAGES)
def test_no_console_error(visit, rel):
    assert not visit(rel)["errors"], f"{rel}: console errors"


@per_page(PAGES)
def test_maths_is_typeset(visit, rel):
    facts = visit(rel)
    assert not facts["untypeset"], f"{rel}: maths left as TeX"
    assert facts["mjx"] >= facts["maths"], f"{rel}: {facts['maths']} formulas, {facts['mjx']} typeset"
    raw = sorted({m.group(0) for m in RAW_TEX.finditer(facts["text"])})
    assert not raw, f"{rel}: raw TeX in the visible text: {raw}"


@per_page(PAGES)
def test_images_load_and_say_what_they_show(visit, rel):
    for image in visit(rel)["images"]:
        assert image["width"] > 0, f"{rel}: image does not load: {image['src']}"
        alt = (image["alt"] or "").strip()
        assert alt, f"{rel}: image without alt text: {image['src']}"
        # Sphinx falls back to the file name when a figure has no alt text
        assert not re.search(r"(_images/|\.(png|jpe?g|svg|gif)$)", alt), f"{rel}: alt text is a file name: {alt}"


# --- demos --------------------------------------------------------------------------------
DEMO_STATE = "d => ({frame: d.getAttribute('data-frame'), src: d.querySelector('img').src, " \
             "label: d.querySelector('output').textContent, frames: +d.getAttribute('data-frames')})"


def check_player(demo, where):
    """Play moves the frames forward; the slider moves them too. ``demo`` is a Locator."""
    demo.scroll_into_view_if_needed()
    start = demo.evaluate(DEMO_STATE)
    assert start["frames"] >= 2, f"{where}: a player needs at least two frames"
    assert start["frame"] == "0", f"{where}: the player does not start at its first frame"

    demo.locator("button").click()
    demo.page.wait_for_function("d => d.getAttribute('data-frame') !== '0'", arg=demo.element_handle(),
                                timeout=5000)
    playing = demo.evaluate(DEMO_STATE)
    assert playing["src"] != start["src"], f"{where}: Play changed the frame number, not the image"
    assert playing["label"] != start["label"], f"{where}: Play did not change the label"
    demo.locator("button").click()                            # pause

    slider = demo.locator("input[type=range]")
    slider.focus()
    slider.press("Home")
    home = demo.evaluate(DEMO_STATE)
    assert home["frame"] == "0", f"{where}: Home did not bring the slider to the first frame"
    slider.press("ArrowRight")
    moved = demo.evaluate(DEMO_STATE)
    assert moved["frame"] == "1", f"{where}: the slider did not move the player"
    assert moved["src"] != home["src"], f"{where}: the slider changed the frame number, not the image"
    # the text under the figure changes with the frame, after MathJax has run: no TeX in it
    raw = RAW_TEX.findall(demo.locator(".nnl-demo-text").text_content())
    assert not raw, f"{where}: raw TeX under the figure: {raw}"


@per_page(DEMO_PAGES)
def test_static_demos_move_with_play_and_slider(browser, site_url, rel):
    context, _ = browser
    page, errors, _ = open_page(context, f"{site_url}/{rel}")
    demos = page.locator("div.nnl-demo")
    assert demos.count() > 0, f"{rel}: the HTML has a demo the browser does not show"
    for k in range(demos.count()):
        check_player(demos.nth(k), f"{rel}, demo {k + 1}")
    page.close()
    assert not errors, f"{rel}: console errors while playing: {errors}"


def test_a_toy_player_moves_and_a_broken_one_is_caught(browser):
    """The player itself, on a page of its own: it works, and the check above can fail."""
    from nnlearn.demos.core import StaticDemo

    pixel = ["data:image/png;base64," + b for b in (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")]
    player = StaticDemo("Toy", "A toy picture.", pixel, ["a 1", "a 2"], None, (10, 10))._repr_html_()
    context, _ = browser
    page = context.new_page()
    page.set_content(f"<html><body>{player}</body></html>")
    check_player(page.locator("div.nnl-demo"), "toy player")
    broken = player.replace("slider.addEventListener('input'", "slider.addEventListener('unused'")
    page.set_content(f"<html><body>{broken}</body></html>")
    with pytest.raises(AssertionError, match="the slider"):
        check_player(page.locator("div.nnl-demo"), "broken player")
    page.close()


def test_an_outside_request_is_caught(browser):
    """The network guard works: a page asking for an outside image is recorded, not served."""
    context, outside = browser
    before = len(outside)
    page = context.new_page()
    page.set_content('<img src="https://example.org/nothing.png" alt="x">')
    page.wait_for_load_state("networkidle")
    page.close()
    assert "https://example.org/nothing.png" in outside[before:]


# --- search -------------------------------------------------------------------------------
@pytest.mark.skipif(not CHAPTERS, reason=f"no chapter page in the built site {SITE}")
def test_search_finds_a_chapter_offline(browser, site_url):
    """The search page works from the site's own index: a word of a chapter's title finds it."""
    rel = CHAPTERS[0]
    title = re.search(r"<h1>(.*?)<", page_text(rel), re.S).group(1)
    word = max(re.findall(r"[A-Za-z]{4,}", title), key=len)
    context, _ = browser
    page, errors, _ = open_page(context, f"{site_url}/search.html?q={word}")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15_000)
    links = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    page.close()
    assert any(Path(rel).stem in link for link in links), f"searching {word!r} does not find {rel}: {links}"
    assert not errors, errors


# --- exercises ----------------------------------------------------------------------------
@per_page(SOLUTION_PAGES)
def test_solutions_are_folded_until_clicked(browser, site_url, rel):
    context, _ = browser
    page, _, _ = open_page(context, f"{site_url}/{rel}")
    solutions = page.locator("div.solution")
    assert solutions.count() > 0
    for k in range(solutions.count()):
        solution = solutions.nth(k)
        where = f"{rel}, solution {k + 1}"
        assert "dropdown" in solution.get_attribute("class").split(), f"{where}: not a dropdown"
        body = solution.locator(":scope > :not(.admonition-title)").first
        assert not body.is_visible(), f"{where}: the solution shows before it is clicked"
        solution.locator(".admonition-title").click()
        body.wait_for(state="visible", timeout=3000)
    page.close()


# --- chapters: first screen, download ------------------------------------------------------
@per_page(CHAPTERS)
def test_chapter_first_screen_is_captured(visit, rel):
    visit(rel)
    shot = SCREENSHOTS / (Path(rel).stem + ".png")
    assert shot.exists(), f"no screenshot for {rel}"
    low, high = Image.open(shot).convert("L").getextrema()
    assert high - low > 50, f"{shot} is blank"


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def downloaded(site_url, rel):
    href = download_link(rel)
    url = f"{site_url}/{Path(rel).parent.as_posix()}/{href}"
    return nbformat.reads(fetch(url).decode(), as_version=4)


@per_page(CHAPTERS)
def test_every_demo_of_the_chapter_is_on_the_page(site_url, visit, rel):
    """As many players on the page as demos shown in the chapter's notebook."""
    expected = demo_calls(downloaded(site_url, rel))
    assert visit(rel)["demos"] == expected, f"{rel}: {expected} demos in the notebook, " \
                                             f"{visit(rel)['demos']} on the page"


@per_page(CHAPTERS)
def test_download_button_gives_the_chapter_notebook(site_url, rel):
    notebook = downloaded(site_url, rel)
    nbformat.validate(notebook)
    code = [c.source for c in notebook.cells if c.cell_type == "code"]
    assert code, f"{rel}: the downloaded notebook has no code"
    source = ROOT / Path(rel).with_suffix(".ipynb")
    if source.exists():            # the site was built from this checkout: same cells
        assert [c.source for c in nbformat.read(source, as_version=4).cells] == \
               [c.source for c in notebook.cells], f"{rel}: the download differs from {source}"


@pytest.mark.skipif(not CHAPTERS, reason=f"no chapter page in the built site {SITE}")
def test_a_downloaded_chapter_runs_in_a_fresh_kernel(site_url):
    """The first chapter, as a reader downloads it, runs top to bottom in an empty folder."""
    rel = CHAPTERS[0]
    notebook = downloaded(site_url, rel)
    with tempfile.TemporaryDirectory(prefix="nnl-download-") as folder:
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": folder}}).execute()
    stderr = [o.get("text", "")[:200] for c in notebook.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("name") == "stderr"]
    assert not stderr, f"{rel} writes to stderr: {stderr}"
