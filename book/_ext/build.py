"""`make html`: pre-execute changed chapters, then the strict Jupyter Book build, in one process.

``python book/_ext/build.py BUILD_DIR [jupyter-book build flags...]`` runs
:func:`preexecute.main` (changed chapters run in parallel into the execution cache), then
``jupyter-book build .`` with the flags, in the same Python process, so that what both
import (nbformat, jupyter-cache, jupyter-client, ...) is imported once.

It also keeps jsonschema from compiling the ``rfc3987_syntax`` grammars (38 Lark grammars,
about 1.2 s of every build, more than a one-word edit costs otherwise). jsonschema, which
nbformat and Jupyter Book import, loads that package only to check the "iri" string
format, and nothing here asks for format checking; with the package marked missing,
jsonschema simply does not register that check. The exit status is Jupyter Book's.
"""

import logging
import multiprocessing
import sys
from pathlib import Path

sys.modules.setdefault("rfc3987_syntax", None)      # import fails -> jsonschema skips "iri"


def main(build_dir="_build", *flags):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import preexecute
    from jupyter_book.cli.main import main as jupyter_book

    preexecute.main(build_dir)
    # jupyter-cache's parallel executor sets multiprocessing's logger to INFO on stderr,
    # which would add "process shutting down" to the end of this process's output
    multiprocessing.get_logger().setLevel(logging.WARNING)
    jupyter_book(["build", ".", *flags])   # click: exits with the build's status


if __name__ == "__main__":
    main(*sys.argv[1:])
