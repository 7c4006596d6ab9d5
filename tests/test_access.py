"""Every reader: WCAG 2.1 AA, a phone, a dark screen, paper (issue 13).

Every page of the built site is opened twice in Debian's Chromium, each time as a reader's
first visit (a fresh profile):

* light, on a desktop (1280 px): no axe-core violation of the WCAG 2.0/2.1 A and AA rules
  (axe-core from the `axe-playwright-python` package, injected from disk: no CDN), no
  console error, every formula carries MathML for screen readers, every demo player is a
  named group; then narrowed to a phone (390 px): nothing scrolls sideways;
* on a phone whose system prefers dark: the page is dark (html[data-theme=dark] and a dark
  background), axe-core again (contrast in dark mode), nothing scrolls sideways, no console
  error, and every figure and demo frame readable: the picture brings a background of its
  own against which its darkest ink has a contrast of 4.5:1 or more.

The course PDF (`make pdf`, or `make book` with Chromium): more pages than chapters, each
page of `_toc.yml` a bookmark on a page that starts with its (numbered) heading, and the
images of every figure and demo; the students' page links to it.

Needs Chromium, like tests/test_browser.py; without it these tests skip and say so.
"""

import io
import re
import sys

import pytest
from PIL import Image

from conftest import ROOT
from site_helpers import SITE, chromium_browser, page_text, require_site, serve, site_pages

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import print_pdf  # noqa: E402  (book/_ext is not a package)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("access")]

PAGES = site_pages()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
# the WCAG rules whose outcome depends on the colours, for the second (dark) visit: axe takes
# seconds per chapter page, most of it in these two
AXE_COLOURS = {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
               "resultTypes": ["violations"]}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# contrast the WCAG asks of text (1.4.3); a figure's labels are text
READABLE = 4.5

SETTLE = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  await document.fonts.ready;
  const images = [...document.images];
  images.forEach(i => { i.loading = 'eager'; });
  await Promise.all(images.map(i => i.decode().catch(() => null)));
}"""

FACTS = """() => {
  const named = d => {
    const by = d.getAttribute('aria-labelledby');
    const label = by ? document.getElementById(by) : null;
    return d.getAttribute('role') === 'group' && !!label && label.textContent.trim().length > 0;
  };
  const maths = [...document.querySelectorAll('mjx-container')];
  return {
    width: document.scrollingElement.scrollWidth, viewport: innerWidth,
    theme: document.documentElement.dataset.theme,
    background: getComputedStyle(document.body).backgroundColor,
    maths: maths.length,
    speakable: maths.filter(m => m.querySelector('mjx-assistive-mml math')).length,
    players: document.querySelectorAll('div.nnl-demo').length,
    unnamed: [...document.querySelectorAll('div.nnl-demo')].filter(d => !named(d)).map(d => d.id),
  };
}"""

# the pictures a reader must be able to read: figures, cell outputs, demo frames
PICTURES = ".bd-article figure img, .bd-article .cell_output img, .bd-article .nnl-demo img"


def luminance(grey):
    c = grey / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def picture_contrast(png):
    """How well a picture's ink stands out from its own background, as a WCAG contrast ratio.

    The background is the commonest grey level of the picture as the reader sees it (page
    behind it included); the ink is its darkest (on a light background) or lightest
    (on a dark one) pixels: the last one in a thousand, the cores of the letters."""
    grey = Image.open(io.BytesIO(png)).convert("L")
    histogram = grey.histogram()
    background = max(range(256), key=histogram.__getitem__)
    total, seen = sum(histogram), 0
    levels = range(256) if background >= 128 else range(255, -1, -1)
    for level in levels:
        seen += histogram[level]
        if seen >= total / 1000:
            return contrast(background, level)
    return 1.0


def axe_violations(page, options=AXE_OPTIONS):
    """axe-core's violations on ``page``: {rule: [where, ...]}. axe re-reads the style sheets
    (and, resolving an @import of the theme's wrongly, asks for a /basic.css that is not
    there): take the page's console errors before calling this."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options=options).response["violations"]
    return {v["id"]: [n["target"] for n in v["nodes"]][:5] for v in found}


def first_visit(browser, url, **context):
    """A reader's first visit to ``url`` (fresh profile); returns (context, page, errors)."""
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate(SETTLE)
    return ctx, page, errors


def per_page(pages):
    return pytest.mark.parametrize("rel", pages if pages else [pytest.param(
        None, marks=pytest.mark.skip(reason=f"no such page in the built site {SITE}"))])


@pytest.fixture(scope="module")
def browser():
    require_site()
    with serve(SITE) as url, chromium_browser() as chromium:
        yield chromium, url


@pytest.fixture(scope="module")
def visit(browser):
    """What each page shows in light mode (desktop, then phone) and in dark mode (phone)."""
    chromium, url = browser
    cache = {}

    def facts(rel):
        if rel in cache:
            return cache[rel]
        ctx, page, errors = first_visit(chromium, f"{url}/{rel}", viewport=DESKTOP, color_scheme="light")
        light = {**page.evaluate(FACTS), "errors": list(errors)}
        light["axe"] = axe_violations(page)
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(100)
        light["phone"] = page.evaluate(FACTS)
        ctx.close()

        ctx, page, errors = first_visit(chromium, f"{url}/{rel}", viewport=PHONE, color_scheme="dark")
        dark = {**page.evaluate(FACTS), "errors": list(errors), "pictures": []}
        dark["axe"] = axe_violations(page, AXE_COLOURS)
        pictures = page.locator(PICTURES)
        for k in range(pictures.count()):
            picture = pictures.nth(k)
            if picture.is_visible():
                picture.scroll_into_view_if_needed()
                dark["pictures"].append(((picture.get_attribute("alt") or f"image {k + 1}")[:60],
                                         picture_contrast(picture.screenshot())))
        ctx.close()
        cache[rel] = {"light": light, "dark": dark}
        return cache[rel]

    return facts


@per_page(PAGES)
def test_no_axe_violations_in_light_mode(visit, rel):
    assert visit(rel)["light"]["axe"] == {}, f"{rel}: WCAG 2.1 A/AA violations (axe-core)"


@per_page(PAGES)
def test_no_contrast_violations_in_dark_mode_on_a_phone(visit, rel):
    assert visit(rel)["dark"]["axe"] == {}, f"{rel}: WCAG 2.1 AA contrast violations in dark mode (axe-core)"


@per_page(PAGES)
def test_nothing_scrolls_sideways_on_a_phone(visit, rel):
    for mode, facts in (("light", visit(rel)["light"]["phone"]), ("dark", visit(rel)["dark"])):
        assert facts["viewport"] == PHONE["width"]
        assert facts["width"] <= facts["viewport"], \
            f"{rel} ({mode}) is {facts['width']} px wide on a {facts['viewport']} px phone"


@per_page(PAGES)
def test_no_console_error_on_a_first_visit(visit, rel):
    for mode in ("light", "dark"):
        assert not visit(rel)[mode]["errors"], f"{rel} ({mode}): console errors"


@per_page(PAGES)
def test_dark_mode_follows_the_reader(visit, rel):
    dark, light = visit(rel)["dark"], visit(rel)["light"]
    assert dark["theme"] == "dark", f"{rel}: a reader who prefers dark gets theme {dark['theme']!r}"
    assert light["theme"] == "light", f"{rel}: a reader who prefers light gets theme {light['theme']!r}"
    rgb = [int(x) for x in re.findall(r"\d+", dark["background"])[:3]]
    assert max(rgb) < 64, f"{rel}: the dark page's background is {dark['background']}"


@per_page(PAGES)
def test_figures_and_demo_frames_are_readable_in_dark_mode(visit, rel):
    for alt, ratio in visit(rel)["dark"]["pictures"]:
        assert ratio >= READABLE, f"{rel}: in dark mode '{alt}...' has contrast {ratio:.1f}, " \
                                  f"below {READABLE}"


@per_page(PAGES)
def test_maths_can_be_read_aloud_and_players_are_named(visit, rel):
    facts = visit(rel)["light"]
    assert facts["speakable"] == facts["maths"], \
        f"{rel}: {facts['maths'] - facts['speakable']} of {facts['maths']} formulas have no MathML"
    assert not facts["unnamed"], f"{rel}: demo players without an accessible name: {facts['unnamed']}"


def test_the_theme_switch_turns_a_light_page_dark_and_the_next_page_stays_dark(browser):
    chromium, url = browser
    ctx, page, errors = first_visit(chromium, f"{url}/book/intro.html", viewport=DESKTOP,
                                    color_scheme="light")
    seen = []
    for _ in range(3):                       # the switch cycles through its modes
        page.locator(".theme-switch-button").first.click()
        seen.append(page.evaluate("document.documentElement.dataset.theme"))
        if seen[-1] == "dark":
            break
    assert seen[-1] == "dark", f"the theme switch went through {seen}, never dark"
    page.goto(f"{url}/book/notation.html", wait_until="load")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark", "the choice is forgotten"
    ctx.close()
    assert not errors, errors


def test_the_checks_can_fail(browser):
    """A page with each fault: axe sees it, the width check sees it, the dark check sees it."""
    chromium, _ = browser
    ctx = chromium.new_context(viewport=PHONE, color_scheme="dark")
    page = ctx.new_page()
    # black ink on a transparent picture, shown on a dark page: unreadable
    ink = Image.new("RGBA", (120, 60), (0, 0, 0, 0))
    ink.paste((0, 0, 0, 255), (10, 20, 110, 40))
    buffer = io.BytesIO()
    ink.save(buffer, format="PNG")
    import base64
    src = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    page.set_content(f'<html lang="en"><head><title>t</title></head><body style="background:#121212">'
                     f'<main><p style="color:#333">dim text</p><button></button>'
                     f'<img id="pic" src="{src}" alt="ink"><div style="width:600px">wide</div></main>'
                     f'</body></html>')
    found = axe_violations(page)
    assert {"color-contrast", "button-name"} <= set(found), found
    assert page.evaluate(FACTS)["width"] > PHONE["width"]
    assert picture_contrast(page.locator("#pic").screenshot()) < READABLE
    # and the same picture on a white card passes
    page.evaluate("document.getElementById('pic').style.background = '#fff'")
    assert picture_contrast(page.locator("#pic").screenshot()) >= READABLE
    ctx.close()


# --- the PDF ------------------------------------------------------------------------------
PDF = SITE.parent / "pdf" / print_pdf.NAME
TOC_PAGES = print_pdf.toc_pages()


def chapter_titles():
    """(page, numbered heading) of every page the PDF prints, from the built HTML."""
    titles = []
    for rel in TOC_PAGES:
        heading = re.search(r'<h1>((?:(?!</h1>).)*?)<a class="headerlink"', page_text(rel), re.S)
        text = re.sub(r"<[^>]+>", "", heading.group(1)) if heading else ""
        titles.append((rel, re.sub(r"\s+", " ", text).strip()))
    return titles


@pytest.fixture(scope="module")
def pdf():
    from pypdf import PdfReader

    require_site()
    if not PDF.exists():
        pytest.fail(f"no course PDF at {PDF}: run `make pdf` (needs Chromium)")
    return PdfReader(PDF)


def test_toc_pages_are_the_books_pages_in_order():
    require_site()
    assert TOC_PAGES[0] == "book/intro.html"
    assert set(TOC_PAGES) <= set(PAGES), set(TOC_PAGES) - set(PAGES)
    chapters = [rel for rel in TOC_PAGES if re.match(r"book/\d\d_", rel)]
    assert chapters == sorted(chapters) and len(chapters) >= 8, chapters


def test_the_pdf_has_every_page_with_its_numbered_heading(pdf):
    titles = chapter_titles()
    outline = [(item.title, pdf.get_destination_page_number(item)) for item in pdf.outline]
    assert len(pdf.pages) > len(titles), f"{len(pdf.pages)} pages for {len(titles)} chapters"
    assert [t for t, _ in outline] == [t for _, t in titles], "bookmarks differ from the book's headings"
    starts = [n for _, n in outline]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    numbered = [t for _, t in titles if re.match(r"\d+\. ", t)]
    assert len(numbered) >= 8, f"chapters without numbers: {titles}"
    for (rel, title), start in zip(titles, starts):
        text = re.sub(r"\s+", " ", pdf.pages[start].extract_text())
        assert title in text, f"{rel}: its first PDF page (page {start + 1}) lacks {title!r}"


def test_the_pdf_has_typeset_maths_and_no_tex(pdf):
    text = " ".join(pdf.pages[k].extract_text() for k in range(0, len(pdf.pages), 5))
    assert not re.search(r"\\\(|\\\[|\\frac|\\mathbf|\\partial", text), "raw TeX in the PDF"
    assert "∂" in text and "θ" in text, "no typeset maths in the PDF"


def pdf_images(xobjects):
    """How many images a PDF page (its XObjects) draws; Chromium nests some in forms."""
    count = 0
    for xobject in xobjects.values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Image":
            count += 1
        elif xobject.get("/Subtype") == "/Form":
            count += pdf_images(xobject.get("/Resources", {}).get("/XObject", {}))
    return count


def test_the_pdf_has_every_figure_and_demo(pdf):
    """As many pictures in the PDF as figures, outputs and demo players on the printed pages."""
    expected = sum(len(re.findall(r'<img\b', page_text(rel))) for rel in TOC_PAGES)
    images = sum(pdf_images(page.get("/Resources", {}).get("/XObject", {})) for page in pdf.pages)
    assert images >= expected, f"{images} images in the PDF, {expected} on the printed pages"


def test_the_site_links_to_the_pdf():
    require_site()
    students = page_text("book/for-students.html")
    assert f'href="../{print_pdf.NAME}"' in students, "the students' page has no link to the PDF"
    assert (SITE / print_pdf.NAME).exists(), f"the site links to {print_pdf.NAME}, which is not in {SITE}"
