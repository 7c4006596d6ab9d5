"""Site-wide fixes for the built pages (a local Sphinx extension, see _config.yml).

* Executed notebooks carry the state of the live widgets in their metadata and
  myst-nb embeds it in every page. The website never runs widgets (each demo
  shows its static face there), so the state is dead weight: drop it.
* Jupyter Book 1 always loads sphinx-thebe, even with thebe off. It adds its
  configuration script to every page (twice, in our builds; the script
  declares ``const THEBE_JS_URL``, so the second copy is a console error in
  every reader's browser), a script, a stylesheet, and a
  thebe configuration naming a Binder repository that is not ours. Nothing on
  this site launches thebe, so all of it is dropped from the pages.
* The theme starts a first-time reader's page with an empty colour mode and logs
  "Got invalid theme mode" as a console error: the pages start in "auto" mode,
  which follows the reader's system (light or dark); the theme switch still works.
  In dark mode figures and demo frames sit on a white card (book/_static/nnl-site.css).
* ``book/_static/nnl-site.css`` (contrast, phones, dark mode, print) is added to
  every page, and the site has a favicon (without one, every first visit logs a 404).
* sphinxcontrib-bibtex (through docutils) marks each bibliography entry with the
  deprecated ARIA role ``doc-biblioentry`` inside a ``role="list"``, which then has
  no list items: each entry becomes a ``listitem`` (WCAG 2.1, axe-core rules
  aria-deprecated-role and aria-required-children).
* Each demo's static player is a named group (its title), so a screen reader says
  which demo a Play button or a slider belongs to.
* Hidden folders (``.pytest_cache``, ``.ipynb_checkpoints``, ...) are never
  part of the book. Jupyter Book's "only files in the toc" rule does not see
  them (it globs without hidden files), Sphinx does, and a strict build would
  then fail on "document isn't included in any toctree" after a test run.
"""

import re
from pathlib import Path

from docutils import nodes

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
THEBE_FILES = ("sphinx-thebe.js", "sphinx-thebe.css")
STATIC = Path(__file__).resolve().parent.parent / "_static"     # book/_static
SITE_CSS = "nnl-site.css"
# the player's opening tags, as nnlearn.demos.core.StaticDemo writes them
DEMO_OPEN = re.compile(r'<div class="nnl-demo" id="([\w-]+)"([^>]*)><div class="nnl-demo-title">')


def _exclude_hidden_folders(app, config):
    hidden = [".*", "**/.*"]         # at the top, and anywhere below it
    config.exclude_patterns = list(config.exclude_patterns) + [
        p for p in hidden if p not in config.exclude_patterns]


def _add_static(app, config):
    config.html_static_path = list(config.html_static_path) + [str(STATIC)]
    app.add_css_file(SITE_CSS)


def _is_thebe(asset):
    """A script or stylesheet added by sphinx-thebe (a file, or an inline body)."""
    name = str(getattr(asset, "filename", asset) or "")
    body = getattr(asset, "attributes", {}).get("body", "") or ""
    return name.endswith(THEBE_FILES) or "THEBE_JS_URL" in body


def _is_widget_state(asset):
    return getattr(asset, "attributes", {}).get("type") == WIDGET_STATE


def _drop_unused_assets(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        assets = context.get(key)
        if assets:
            context[key] = [a for a in assets if not (_is_widget_state(a) or _is_thebe(a))]


def _set_colour_mode(app, pagename, templatename, context, doctree):
    if not context.get("default_mode"):
        context["default_mode"] = "auto"


def accessible_body(body):
    """The page body with the bibliography's roles and the demo players' names fixed."""
    body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    return DEMO_OPEN.sub(r'<div class="nnl-demo" id="\1"\2 role="group" aria-labelledby="\1-title">'
                         r'<div class="nnl-demo-title" id="\1-title">', body)


def _fix_roles(app, pagename, templatename, context, doctree):
    if context.get("body"):
        context["body"] = accessible_body(context["body"])


def _drop_thebe_config(app, doctree, docname):
    """Remove the raw thebe configuration sphinx-thebe appends to every page."""
    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        if "text/x-thebe-config" in text or "kernelName = " in text:
            node.parent.remove(node)


def setup(app):
    app.connect("config-inited", _exclude_hidden_folders)
    app.connect("config-inited", _add_static)
    app.connect("html-page-context", _fix_roles)
    app.connect("html-page-context", _drop_unused_assets)
    app.connect("html-page-context", _set_colour_mode)
    # after sphinx-thebe's own doctree-resolved handler (default priority 500)
    app.connect("doctree-resolved", _drop_thebe_config, priority=900)
    # a new env_version makes an existing build re-read and re-write every page
    return {"env_version": 3, "parallel_read_safe": True, "parallel_write_safe": True}
