"""Repository hygiene: notebooks stripped, the table of contents complete, CI honest."""

import json
import os
import re
import shutil
import subprocess

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


# A class list or a grade export, under any of the names the instructors' page and the LMS
# use, wherever it is saved: git ignores it, so `git add .` cannot publish a class.
PRIVATE_SPREADSHEETS = ["students.csv", "autograder/students.csv", "grades.csv", "autograder/grades.csv",
                        "autograder/grading-report.csv", "canvas-gradebook.csv", "roster.xlsx",
                        "book/students.csv", "exercises/backprop/grades.tsv", "autograder/report/scores.csv"]


def git(*args, stdin=None):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, input=stdin)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_class_lists_and_grade_exports_are_git_ignored():
    ignored = git("check-ignore", "--no-index", "--stdin", stdin="\n".join(PRIVATE_SPREADSHEETS))
    assert ignored.returncode in (0, 1), ignored.stderr
    missed = sorted(set(PRIVATE_SPREADSHEETS) - set(ignored.stdout.split()))
    assert not missed, f"git would commit {missed}: add them to .gitignore"
    assert git("check-ignore", "--no-index", "-q", "tests/fixtures/canvas-export.csv").returncode == 1, \
        "the tests' own made-up spreadsheets must stay tracked"
    tracked = [p for p in git("ls-files").stdout.split() if p.endswith((".csv", ".xlsx", ".xls", ".tsv"))
               and not p.startswith("tests/")]
    assert not tracked, f"spreadsheets committed outside tests/: {tracked}"


def lab_command(tmp_path, uid):
    """The command `make lab` runs (dry run) when `id -u` says ``uid``."""
    fake = tmp_path / str(uid)
    fake.mkdir()
    (fake / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (fake / "id").chmod(0o755)
    out = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}).stdout
    return next(line for line in out.splitlines() if "jupyter lab" in line)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_allows_root_only_as_root(tmp_path):
    """Jupyter refuses to start as root without --allow-root; a user needs no such flag."""
    assert "--allow-root" in lab_command(tmp_path, 0)
    assert "--allow-root" not in lab_command(tmp_path, 1000)


CONFLICT = re.compile(r"^(<{7}|>{7})( |$)", re.M)


def tracked_files():
    """The files git tracks; in a copy without .git (the public tree), every file outside
    hidden folders and _build."""
    import subprocess

    try:
        names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                               check=True).stdout.split()
        return [ROOT / n for n in names]
    except (OSError, subprocess.CalledProcessError):
        return [p for p in ROOT.rglob("*") if p.is_file()
                and not any(part.startswith((".", "_build")) for part in p.relative_to(ROOT).parts)]


TEXT = {".py", ".md", ".ipynb", ".yml", ".toml", ".txt", ".cfg", ".j2", ".html", ".css", ".js", ".bib", ""}


def test_no_merge_conflict_markers_are_committed():
    """A half-resolved merge leaves markers that a build or a test may never read."""
    marked = [str(p.relative_to(ROOT)) for p in tracked_files()
              if p.suffix in TEXT and p.is_file() and p.stat().st_size < 5_000_000
              and CONFLICT.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert not marked, f"merge conflict markers in {marked}"
