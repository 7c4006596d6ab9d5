"""Every link inside the built site leads somewhere: the page exists, and so does the anchor.

Sphinx's linkcheck only knows the outside world and skips internal anchors; this is a
small offline checker over the HTML of `_build/html` (or NNL_SITE).
"""

import functools
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_helpers import SITE, require_site, site_pages

SKIPPED_SCHEMES = ("http:", "https:", "mailto:", "javascript:", "data:", "tel:", "ftp:")


class Anchors(HTMLParser):
    """The ids (and old-style names) a page offers, and the links it makes."""

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])


@functools.lru_cache(maxsize=None)
def parse(path):
    parser = Anchors()
    parser.feed(Path(path).read_text(errors="replace"))
    return parser


def broken_links(site, page):
    """Every local link of ``page`` (a path) whose target file or #anchor does not exist."""
    site, page = Path(site).resolve(), Path(page).resolve()
    broken = []
    for href in parse(page).links:
        if not href or href == "#" or href.lower().startswith(SKIPPED_SCHEMES) or href.startswith("//"):
            continue
        url = urllib.parse.urlsplit(href)
        target = (page.parent / urllib.parse.unquote(url.path)).resolve() if url.path else page
        if target.is_dir():
            target = target / "index.html"
        if site not in target.parents and target != site:
            broken.append(f"{href} (leaves the site)")
        elif not target.exists():
            broken.append(f"{href} (no such file)")
        elif url.fragment and target.suffix == ".html":
            if urllib.parse.unquote(url.fragment) not in parse(target).ids:
                broken.append(f"{href} (no such anchor)")
    return broken


@pytest.mark.site
@pytest.mark.parametrize("rel", site_pages() or [pytest.param(
    None, marks=pytest.mark.skip(reason=f"no built site in {SITE}"))])
def test_every_internal_link_resolves(rel):
    require_site()
    assert not broken_links(SITE, SITE / rel), f"{rel}: broken links"


@pytest.mark.site
def test_the_site_is_there():
    require_site()


def test_a_broken_link_or_anchor_is_found(tmp_path):
    """The checker can fail: a missing page, a missing anchor, a link out of the site."""
    (tmp_path / "b.html").write_text('<h1 id="top">B</h1><a name="old">x</a>')
    (tmp_path / "a.html").write_text(
        '<a href="b.html#top">ok</a> <a href="b.html#old">ok</a> <a href="#here">ok</a>'
        '<p id="here"></p><a href="https://example.org/x">outside, not checked</a>'
        '<a href="c.html">no page</a> <a href="b.html#nowhere">no anchor</a>'
        '<a href="#gone">no anchor here</a> <a href="../../etc/passwd">out</a>')
    assert broken_links(tmp_path, tmp_path / "a.html") == [
        "c.html (no such file)", "b.html#nowhere (no such anchor)", "#gone (no such anchor)",
        "../../etc/passwd (leaves the site)"]
