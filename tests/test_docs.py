"""The contributors' docs stay in step with the code: every path, `nnlearn` name and `make`
target that CONTRIBUTING.md names exists, nothing points outside the repository, the
introduction's chapter list covers exactly the numbered chapters of _toc.yml, and the
Makefile, README and pyproject.toml agree on the oldest Python."""

import importlib
import itertools
import re
import sys

import pytest

from conftest import ROOT

CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text()
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import nnl_chapters  # noqa: E402


def code_spans(text):
    return re.findall(r"`([^`\n]+)`", text)


def expand_braces(path):
    """`a/{b,c}.py` -> [`a/b.py`, `a/c.py`]."""
    parts = re.split(r"\{([^}]*)\}", path)
    choices = [[p] if i % 2 == 0 else p.split(",") for i, p in enumerate(parts)]
    return ["".join(c) for c in itertools.product(*choices)]


def named_paths(text):
    """The repository paths in code spans: a slash or a file suffix, no spaces or calls."""
    paths = []
    for span in code_spans(text):
        if " " in span or "(" in span or span.startswith(("-", "@", "http", ".venv/bin/")):
            continue
        if "/" in span or re.search(r"\.(py|md|yml|ipynb|toml|txt|bib)$", span):
            paths += expand_braces(span)
    return paths


def exists(path):
    """A path exists, a placeholder (<name>, NN_topic) matching at least one file."""
    pattern = re.sub(r"<[^>]+>", "*", path).replace("NN_topic", "[0-9][0-9]_*")
    if path.startswith("_build/"):
        return True                      # made by the build, not committed
    return any(ROOT.glob(pattern.rstrip("/"))) or (ROOT / path).exists()


def test_every_path_contributing_names_exists():
    paths = named_paths(CONTRIBUTING)
    assert len(paths) > 20, "the path finder found almost nothing: has the file's format changed?"
    missing = [p for p in paths if not exists(p)]
    assert not missing, f"CONTRIBUTING.md names paths that do not exist: {missing}"


def test_nothing_points_outside_the_repository():
    outside = [s for s in code_spans(CONTRIBUTING) + re.findall(r"\]\(([^)]+)\)", CONTRIBUTING)
               if s.startswith("../") or "/../" in s or s.startswith("/work")]
    assert not outside, f"CONTRIBUTING.md points outside the repository: {outside}"


def test_every_nnlearn_name_contributing_uses_exists():
    names = set(re.findall(r"\b(nnlearn(?:\.\w+)+)", CONTRIBUTING))
    names |= {f"{m}.{n.strip()}" for m, ns in re.findall(r"from (nnlearn[\w.]*) import ([\w, ]+)", CONTRIBUTING)
              for n in ns.split(",")}
    names |= {f"nnlearn.network.{n}" for n in re.findall(r"\bnetwork\.(\w+)\(", CONTRIBUTING)}
    assert len(names) > 5
    missing = []
    for name in sorted(names):
        module, _, attr = name.rpartition(".")
        try:
            found = hasattr(importlib.import_module(module), attr)
        except ImportError:
            found = False
        if not found:
            try:
                importlib.import_module(name)
                found = True
            except ImportError:
                pass
        if not found:
            missing.append(name)
    assert not missing, f"CONTRIBUTING.md names what nnlearn does not have: {missing}"


def test_the_docs_finders_catch_a_made_up_name():
    text = "Use `book/nnlearn/nowhere.py` and `nnlearn.plots.style.NO_SUCH` and `../outside.md`."
    assert [p for p in named_paths(text) if not exists(p)] == ["book/nnlearn/nowhere.py", "../outside.md"]
    assert not hasattr(importlib.import_module("nnlearn.plots.style"), "NO_SUCH")


def test_every_make_target_contributing_names_exists():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"`make (\w[\w-]*)", CONTRIBUTING))
    assert {"book", "test", "unit", "lint"} <= targets
    missing = [t for t in targets if not re.search(rf"^{t}:", makefile, re.M)]
    assert not missing, f"CONTRIBUTING.md names make targets the Makefile lacks: {missing}"


def test_the_introduction_lists_exactly_the_numbered_chapters():
    intro = (ROOT / "book" / "intro.md").read_text()
    block = re.search(r"```\{chapters\}\n(.*?)```", intro, re.S)
    assert block, "book/intro.md must list the chapters in a {chapters} block (numbered from _toc.yml)"
    described = nnl_chapters.parse_lines(block.group(1).splitlines())
    chapters = [file.rpartition("/")[2] for _, file in nnl_chapters.numbered_chapters(ROOT / "_toc.yml")]
    assert chapters and sorted(described) == sorted(chapters)
    assert not re.search(r"^\d+\. \*\*\[", intro, re.M), "book/intro.md numbers chapters by hand"


def test_chapters_directive_rejects_a_line_without_a_description():
    with pytest.raises(ValueError, match="expected 'file: what the chapter is about'"):
        nnl_chapters.parse_lines(["01_neuron"])


def test_one_oldest_python_everywhere():
    pyproject = (ROOT / "pyproject.toml").read_text()
    oldest = re.search(r'requires-python = ">=(3\.\d+)"', pyproject).group(1)
    makefile = (ROOT / "Makefile").read_text()
    readme = (ROOT / "README.md").read_text()
    assert f"python3 ({oldest}+)" in makefile
    assert f"v >= ({oldest.replace('.', ', ')})" in makefile
    assert f"{oldest} or newer" in readme
    assert re.search(rf'target-version = "py{oldest.replace(".", "")}"', pyproject)
