"""Print the whole course to one PDF: ``make pdf`` (after ``make book``).

    python book/_ext/print_pdf.py BUILD_DIR [--if-chromium]

serves ``BUILD_DIR/html`` on 127.0.0.1 (a free port), opens every page of ``_toc.yml``
in its order in Debian's Chromium (the browser the tests use; never a downloaded one),
waits until MathJax has typeset the maths and every image has loaded, prints each page
(print style sheet: no navigation, each demo shown as a figure of its first frame, see
``book/_static/nnl-site.css``) and joins them with pypdf, with one bookmark per page, into
``BUILD_DIR/pdf/how-neural-networks-learn.pdf``. A copy goes into the site
(``BUILD_DIR/html/``), which links to it from the students' page.

The PDF is printed again only when a page or a style sheet of the site is newer than it.
Without Chromium it stops with a message saying what to install; with ``--if-chromium``
(what ``make book`` and ``make test`` use: the site itself needs only Python) it says so
and exits without error, and the site's link to the PDF leads nowhere until it is printed.

Links from one page to another become plain text in the PDF (they would point at the
temporary local server); links within a page and to the outside world keep working.
Set NNL_CHROMIUM to use another Chromium or Chrome binary.
"""

import contextlib
import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = "how-neural-networks-learn.pdf"
CHROMIUM = Path(os.environ.get("NNL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]

# Everything a printed page needs before it is printed: typeset maths, decoded images and
# fonts; links to other pages of the (temporary, local) site turned into text.
READY = r"""async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const images = [...document.images];
  images.forEach(i => { i.loading = 'eager'; });
  await Promise.all(images.map(i => i.decode().catch(() => null)));
  await document.fonts.ready;
  for (const a of document.querySelectorAll('a[href]')) {
    if (a.host === location.host && a.pathname !== location.pathname) { a.removeAttribute('href'); }
  }
  const link = document.querySelector('h1 > a.headerlink');     // the page's own heading
  const h1 = link ? link.parentElement : null;
  return h1 ? h1.textContent.replace(/#$/, '').replace(/\s+/g, ' ').trim() : document.title;
}"""


def toc_pages(root=ROOT):
    """The pages of the book in reading order (paths of their HTML, relative to the site)."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [f + ".html" for f in files]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` on 127.0.0.1 (a free port) from a thread; yields the base URL.
    (tests/site_helpers.py serves the site with this too.)"""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def up_to_date(site, out, pages):
    """Is the PDF ``out`` newer than every page it prints and every style sheet of ``site``?"""
    if not out.exists() or not (site / NAME).exists():
        return False
    sources = [site / p for p in pages] + list((site / "_static").rglob("*.css"))
    return out.stat().st_mtime > max(p.stat().st_mtime for p in sources)


def print_course(build, out=None):
    """Print the site in ``build/html`` to one PDF; returns its path."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    build = Path(build)
    site = build / "html"
    pages = toc_pages()
    missing = [p for p in pages if not (site / p).exists()]
    if missing:
        sys.exit(f"print_pdf: no built page {missing[0]} in {site}: run `make book` first")
    if not CHROMIUM.exists():
        sys.exit(f"print_pdf: the PDF is printed by Chromium, and there is none at {CHROMIUM}: "
                 "install it (`apt-get install chromium`) or set NNL_CHROMIUM to its path")
    out = Path(out or build / "pdf" / NAME)
    if up_to_date(site, out, pages):
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    parts = out.parent / "pages"
    shutil.rmtree(parts, ignore_errors=True)
    parts.mkdir()
    titles = []
    with serve(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        for k, rel in enumerate(pages):
            page.goto(f"{url}/{rel}", wait_until="load")
            page.wait_for_load_state("networkidle")
            titles.append(page.evaluate(READY))
            page.pdf(path=str(parts / f"{k:02d}.pdf"), format="A4", print_background=True,
                     margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
                     display_header_footer=True, header_template="<span></span>",
                     footer_template='<div style="font-size:8px;width:100%;text-align:center;'
                                     f'color:#555">{_escape(titles[-1])} · '
                                     '<span class="pageNumber"></span></div>')
        browser.close()
    writer = PdfWriter()
    for k, title in enumerate(titles):
        start = len(writer.pages)
        writer.append(PdfReader(parts / f"{k:02d}.pdf"), import_outline=False)
        writer.add_outline_item(title=title, page_number=start)
    writer.add_metadata({"/Title": "How Neural Networks Learn", "/Author": "the nnlearn course authors"})
    with open(out, "wb") as f:
        writer.write(f)
    shutil.rmtree(parts)
    shutil.copy2(out, site / NAME)
    return out


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


if __name__ == "__main__":
    args = sys.argv[1:]
    optional = "--if-chromium" in args
    args = [a for a in args if a != "--if-chromium"]
    if len(args) != 1:
        sys.exit("usage: python book/_ext/print_pdf.py BUILD_DIR [--if-chromium]   (e.g. _build)")
    if optional and not CHROMIUM.exists():
        print(f"No Chromium at {CHROMIUM}: the course PDF is not printed, and the site's link to it "
              "leads nowhere (install chromium, or set NNL_CHROMIUM, then run `make pdf`).")
        sys.exit(0)
    path = print_course(args[0])
    print(f"The course as one PDF: {path.resolve()} ({path.stat().st_size / 1e6:.1f} MB)")
