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


CONFLICT = re.compile(r"^(<{7}|>{7})( |$)", re.M)


def test_no_merge_conflict_markers_are_committed():
    """A half-resolved merge leaves markers that a build or a test may never read."""
    import subprocess

    try:
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                               check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout (the public tree is copied without .git)")
    marked = []
    for name in files:
        path = ROOT / name
        if path.suffix in {".py", ".md", ".ipynb", ".yml", ".toml", ".txt", ".cfg", ".j2", ".html", ".css",
                           ".js", ".bib", ""} and path.is_file() and path.stat().st_size < 5_000_000:
            if CONFLICT.search(path.read_text(encoding="utf-8", errors="replace")):
                marked.append(name)
    assert not marked, f"merge conflict markers in {marked}"
