"""Repository hygiene: notebooks stripped, the table of contents complete, CI honest."""

import json
import re

import pytest
import yaml

from conftest import ROOT

NOTEBOOKS = sorted(p for p in ROOT.glob("**/*.ipynb")
                   if not any(part.startswith((".", "_build")) for part in p.relative_to(ROOT).parts))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebook found: the glob is wrong"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [i for i, c in enumerate(nb["cells"])
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; run `make strip`"
    assert "widgets" not in nb.get("metadata", {}), f"{path.name}: widget state in metadata; run `make strip`"


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def test_every_toc_entry_exists_and_every_chapter_is_listed():
    files = toc_files()
    for name in files:
        assert list(ROOT.glob(name + ".*")), f"_toc.yml lists {name}, which does not exist"
    chapters = {str(p.relative_to(ROOT).with_suffix("")) for p in (ROOT / "book").glob("[0-9][0-9]_*.ipynb")}
    assert chapters <= set(files), f"chapters missing from _toc.yml: {sorted(chapters - set(files))}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.startswith("#")]
    assert "make test" in commands
    assert re.search(r"^\s*make test\s*$", readme, re.M), "the README must show `make test`"
