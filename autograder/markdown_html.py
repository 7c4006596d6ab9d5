"""Markdown and maths to safe, self-contained HTML, for pages a student opens offline.

One home for how the course turns a notebook's markdown into HTML outside Jupyter:
the feedback page (:mod:`autograder.secure.feedback`) and the stock feedback's
preprocessor (:class:`autograder.nnl_feedback.MathToMathML`) both call it.

* Markdown is rendered by markdown-it (CommonMark) with raw HTML switched off, so
  whatever a student typed is shown as text, never run as markup. Images are shown
  as their alt text: a page never loads anything from outside.
* Maths (``$...$``, ``$$...$$``) becomes MathML when the page is written
  (latex2mathml), which every current browser draws with nothing to load: no
  MathJax, no network. latex2mathml copies ``\\text{...}`` and ``\\href`` through
  unescaped, so its output is rebuilt from an allow-list of MathML elements and
  attributes, with all text escaped.
"""

import functools
import html
from html.parser import HTMLParser

from latex2mathml.converter import convert
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

# Presentation MathML only: no annotation-xml/semantics (they can embed HTML), no
# maction, no mglyph (it loads an image).
MATHML_TAGS = frozenset("""math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot
    mstyle merror mpadded mphantom mfenced menclose munder mover munderover mtable mtr mtd mlabeledtr
    mmultiscripts mprescripts none""".split())
MATHML_ATTRS = frozenset("""xmlns display stretchy mathvariant fence separator separators lspace rspace
    columnalign rowalign accent accentunder movablelimits minsize maxsize symmetric width height depth
    linethickness columnspacing rowspacing columnlines rowlines frame displaystyle scriptlevel notation
    largeop form open close""".split())


class _MathMLFilter(HTMLParser):
    """Rebuilds MathML from allowed elements and attributes, balanced, text escaped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in MATHML_TAGS:
            return
        kept = "".join(f' {name}="{html.escape(value or "", quote=True)}"' for name, value in attrs
                       if name in MATHML_ATTRS and ":" not in (value or ""))
        self.out.append(f"<{tag}{kept}>")
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.out.append(f"</{self.stack.pop()}>")

    def handle_data(self, data):
        self.out.append(html.escape(data, quote=False))

    def result(self):
        self.close()
        return "".join(self.out) + "".join(f"</{t}>" for t in reversed(self.stack))


def latex_to_mathml(latex, display=False):
    """Safe MathML for ``latex``; the escaped LaTeX in <code> if it cannot be converted."""
    try:
        raw = convert(latex, display="block" if display else "inline")
    except Exception:      # latex2mathml raises many kinds on input it does not know
        delim = "$$" if display else "$"
        return f"<code class='tex'>{html.escape(delim + latex + delim)}</code>"
    parser = _MathMLFilter()
    parser.feed(raw)
    return parser.result()


def _math_inline(self, tokens, idx, options, env):
    return latex_to_mathml(tokens[idx].content)


def _math_block(self, tokens, idx, options, env):
    return f"<div class='math'>{latex_to_mathml(tokens[idx].content, display=True)}</div>\n"


def _image_as_text(self, tokens, idx, options, env):
    alt = self.renderInline(tokens[idx].children or [], options, env) if tokens[idx].children else ""
    return f"<span class='image'>[image: {alt or 'no description'}]</span>"


def _renderer():
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).use(dollarmath_plugin, double_inline=True)
    md.enable("table")
    md.add_render_rule("math_inline", _math_inline)
    md.add_render_rule("math_inline_double", _math_block)
    md.add_render_rule("math_block", _math_block)
    md.add_render_rule("math_block_label", _math_block)
    md.add_render_rule("image", _image_as_text)
    return md


_MD = _renderer()


@functools.lru_cache(maxsize=4096)
def markdown_to_html(text, heading_offset=0):
    """A notebook's markdown as safe HTML, maths as MathML; its headings moved
    ``heading_offset`` levels down (at most h6), to sit under the page's own. Cached:
    in a batch, every student's notebook repeats the release's instructions."""
    env = {}
    tokens = _MD.parse(text or "", env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + heading_offset)}"
    return _MD.renderer.render(tokens, _MD.options, env)


def math_spans(text):
    """[(delimited source, MathML)] for each formula in a markdown text, in order
    (for rewriting markdown that another renderer will show)."""
    spans = []
    for token in _MD.parse(text or ""):
        children = token.children or [token]
        for child in children:
            if child.type == "math_inline":
                spans.append((f"${child.content}$", latex_to_mathml(child.content)))
            elif child.type in ("math_inline_double", "math_block", "math_block_label"):
                spans.append((f"$${child.content}$$", latex_to_mathml(child.content, display=True)))
    return spans
