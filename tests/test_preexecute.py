"""`make html` runs changed chapters in parallel first (book/_ext/preexecute.py, run by
book/_ext/build.py).

What must hold: a notebook that runs is in the cache the book build reads, so the build
only renders it; a notebook that fails is not, so the build runs it itself and stops; only
notebooks written since the cache are looked at; the build does without the grammars
jsonschema would compile for a check it never makes.
"""

import importlib.util
import os
import subprocess
import sys

import nbformat
import pytest
from jupyter_cache import get_cache

from conftest import ROOT

spec = importlib.util.spec_from_file_location("preexecute", ROOT / "book" / "_ext" / "preexecute.py")
preexecute = importlib.util.module_from_spec(spec)
spec.loader.exec_module(preexecute)

pytestmark = pytest.mark.slow


def notebook(source):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_good_notebooks_are_cached_and_failing_ones_left_to_the_build(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n"
                                       "  - file: book/good\n  - file: book/bad\n  - file: book/notes\n")
    (tmp_path / "_config.yml").write_text("execute:\n  timeout: 60\n")
    (tmp_path / "book" / "notes.md").write_text("# Not a notebook\n")
    good, bad = notebook("x = 6 * 7\nx"), notebook("raise ValueError('a failing cell')")
    nbformat.write(good, tmp_path / "book" / "good.ipynb")
    nbformat.write(bad, tmp_path / "book" / "bad.ipynb")
    assert [p.name for p in preexecute.toc_notebooks(tmp_path)] == ["good.ipynb", "bad.ipynb"]

    assert preexecute.main(tmp_path / "_build", root=tmp_path) == 0
    cache = get_cache(str(tmp_path / "_build" / ".jupyter_cache"))
    record = cache.match_cache_notebook(good)           # what myst-nb asks at build time
    outputs = cache.get_cache_bundle(record.pk).nb.cells[0].outputs
    assert outputs[0]["data"]["text/plain"] == "42"
    with pytest.raises(KeyError):
        cache.match_cache_notebook(bad)


def test_only_notebooks_written_since_the_cache_are_asked_about(tmp_path, monkeypatch):
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n"
                                       "  - file: book/one\n  - file: book/two\n")
    (tmp_path / "_config.yml").write_text("execute:\n  timeout: 60\n")
    for name in ("one", "two"):
        nbformat.write(notebook(f"'{name}'"), tmp_path / "book" / f"{name}.ipynb")
    assert preexecute.main(tmp_path / "_build", root=tmp_path) == 0
    database = tmp_path / "_build" / ".jupyter_cache" / "global.db"
    asked = []
    import jupyter_cache.executors.basic as basic
    run_and_cache = basic.JupyterExecutorLocalMproc.run_and_cache

    def spy(self, *, filter_uris=None, **kwargs):
        asked.append(sorted(filter_uris))
        return run_and_cache(self, filter_uris=filter_uris, **kwargs)

    monkeypatch.setattr(basic.JupyterExecutorLocalMproc, "run_and_cache", spy)
    assert preexecute.main(tmp_path / "_build", root=tmp_path) == 0
    assert asked == []                                  # nothing written since: nothing asked
    edited = nbformat.read(tmp_path / "book" / "two.ipynb", as_version=4)
    edited.cells.append(nbformat.v4.new_markdown_cell("A new sentence."))
    nbformat.write(edited, tmp_path / "book" / "two.ipynb")
    os.utime(tmp_path / "book" / "two.ipynb", (database.stat().st_mtime + 1,) * 2)
    assert preexecute.main(tmp_path / "_build", root=tmp_path) == 0
    assert asked == [[str(tmp_path / "book" / "two.ipynb")]]


def test_the_build_keeps_jsonschema_from_compiling_the_iri_grammars():
    code = ("import runpy, sys; runpy.run_path(sys.argv[1]); import jsonschema, nbformat; "
            "assert sys.modules['rfc3987_syntax'] is None; "
            "assert 'iri' not in jsonschema.FormatChecker.checkers; "
            "nbformat.validate(nbformat.v4.new_notebook()); print('ok')")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "book" / "_ext" / "build.py")],
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr
