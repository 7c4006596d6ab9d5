"""A Sphinx extension (see _config.yml): every HTML build of the site also writes the
student kit (:mod:`publish.kit`) to ``_downloads/nnlearn-student-kit.zip`` in the site, and
each released assignment alone to ``_downloads/assignments/<name>.zip``, so the links to
them from the students' page and the introduction always resolve, with files made from
the same sources as the pages. It takes well under a second.
"""

from pathlib import Path

from . import kit


def _write_kit(app, exception):
    if exception is None and app.builder.format == "html":
        kit.build(Path(app.outdir) / kit.SITE_PATH, root=Path(app.srcdir))
        for name in kit.assignments(Path(app.srcdir)):
            kit.build_assignment(name, Path(app.outdir) / kit.ASSIGNMENTS_PATH / f"{name}.zip",
                                 root=Path(app.srcdir))


def setup(app):
    app.connect("build-finished", _write_kit)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
