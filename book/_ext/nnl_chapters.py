"""The ``{chapters}`` directive: the list of chapters, numbered in the order of _toc.yml.

_toc.yml is the only place that knows the order of the chapters. The introduction still
says in a line what each chapter is about; it does so in a ``{chapters}`` block that maps
each chapter's file to its line, and the directive writes the list in the order and with
the numbers _toc.yml gives (chapters of the parts marked ``numbered: true``, counted on
from part to part, as ``use_multitoc_numbering`` numbers them in the sidebar)::

    ```{chapters}
    01_neuron: from the biological cell to $z = \\mathbf{w}^\\top\\mathbf{x} + b$.
    02_smoothness: ...
    ```

The link text is the chapter's own title. A chapter of _toc.yml without a line, or a line
for a file that is not a numbered chapter there, stops the (strict) build.
"""

import posixpath
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def numbered_chapters(toc_path):
    """[(number, file)] for the chapters of the numbered parts of _toc.yml, in order."""
    toc = yaml.safe_load(Path(toc_path).read_text())
    files = []
    for part in toc.get("parts", []):
        if part.get("numbered"):
            files += [chapter["file"] for chapter in part.get("chapters", [])]
    return list(enumerate(files, start=1))


def parse_lines(lines):
    """{file stem: description} from ``stem: description`` lines (blank lines skipped)."""
    described = {}
    for line in lines:
        if not line.strip():
            continue
        stem, sep, text = line.partition(":")
        if not sep or not text.strip():
            raise ValueError(f"expected 'file: what the chapter is about'; got {line!r}")
        described[stem.strip()] = text.strip()
    return described


class Chapters(SphinxDirective):
    has_content = True

    def run(self):
        toc_path = Path(self.env.srcdir) / "_toc.yml"
        self.env.note_dependency(str(toc_path))
        try:
            described = parse_lines(self.content)
        except ValueError as error:
            raise self.error(f"chapters: {error}") from None
        here = posixpath.dirname(self.env.docname)
        chapters = [(n, posixpath.relpath(file, here or ".")) for n, file in numbered_chapters(toc_path)]
        missing = [stem for _, stem in chapters if stem not in described]
        unknown = sorted(set(described) - {stem for _, stem in chapters})
        if missing or unknown:
            raise self.error(f"chapters: _toc.yml's numbered chapters and this list differ: "
                             f"without a line {missing}, not numbered chapters in _toc.yml {unknown}; "
                             "give every numbered chapter one line")
        text = [f"{n}. **[]({stem})**: {described[stem]}" for n, stem in chapters]
        container = nodes.container(classes=["nnl-chapters"])
        self.state.nested_parse(text, self.content_offset, container)
        return container.children


def setup(app):
    app.add_directive("chapters", Chapters)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
