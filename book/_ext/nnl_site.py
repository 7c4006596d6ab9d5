"""Site-wide fixes for the built pages (a local Sphinx extension, see _config.yml).

* Executed notebooks carry the state of the live widgets in their metadata and
  myst-nb embeds it in every page. The website never runs widgets (each demo
  shows its static face there), so the state is dead weight: drop it.
"""

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _drop_widget_state(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [
            js for js in scripts if getattr(js, "attributes", {}).get("type") != WIDGET_STATE
        ]


def setup(app):
    app.connect("html-page-context", _drop_widget_state)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
