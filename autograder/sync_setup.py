"""Write the setup cell's one source into the notebooks: ``python -m autograder.sync_setup``.

For every assignment that has a setup cell (:data:`autograder.notebook_setup.HELPERS`),
the cell with grade id ``setup`` in ``solutions/<a>/<a>.ipynb`` gets the text of
:func:`autograder.notebook_setup.setup_source`, and the "How to work" item of the
introduction that states the rule on warnings gets
:func:`autograder.notebook_setup.warnings_item`; then ``exercises/`` is regenerated with
``nbgrader generate_assignment`` in a temporary course (so the instructors' gradebook
is not touched: after a change, release again as book/for-instructors.md says).

    .venv/bin/python -m autograder.sync_setup            # write solutions/ and exercises/
    .venv/bin/python -m autograder.sync_setup --check    # exit 1 if a notebook disagrees

``--check`` compares the setup cell of both copies of every notebook with the source.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from .notebook_setup import HELPERS, setup_source, warnings_item

ROOT = Path(__file__).resolve().parents[1]
SETUP_ID = "setup"
# the item of the introduction's "How to work" list that states the rule on warnings
WARNINGS_ITEM = re.compile(r"^(\d+)\. (A warning counts as a failure|A warning costs no marks).*$", re.M)


def notebook_path(folder, assignment):
    return Path(folder) / assignment / f"{assignment}.ipynb"


def setup_cell(nb):
    """The notebook's setup cell (grade id ``setup``), or None."""
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == SETUP_ID:
            return cell
    return None


def with_warnings_item(intro, assignment):
    """The introduction with its item on warnings stated by the source (None if it has none)."""
    match = WARNINGS_ITEM.search(intro)
    if match is None:
        return None
    return intro[:match.start()] + f"{match.group(1)}. {warnings_item(assignment)}" + intro[match.end():]


def disagreements(root=ROOT):
    """["<path>: why", ...] for every notebook whose setup cell is not the source's."""
    problems = []
    for assignment in sorted(HELPERS):
        for folder in ("solutions", "exercises"):
            path = notebook_path(Path(root) / folder, assignment)
            if not path.is_file():
                problems.append(f"{path.relative_to(root)}: missing")
                continue
            nb = nbformat.read(str(path), as_version=4)
            cell = setup_cell(nb)
            if cell is None:
                problems.append(f"{path.relative_to(root)}: no cell with grade id '{SETUP_ID}'")
            elif cell.source != setup_source(assignment):
                problems.append(f"{path.relative_to(root)}: its setup cell differs from "
                                "autograder/notebook_setup.py")
            intro = with_warnings_item(nb.cells[0].source, assignment)
            if intro is None:
                problems.append(f"{path.relative_to(root)}: its introduction has no item on warnings")
            elif intro != nb.cells[0].source:
                problems.append(f"{path.relative_to(root)}: its introduction's item on warnings differs from "
                                "autograder/notebook_setup.py")
    return problems


def write_sources(root=ROOT):
    """Put the source's text into solutions/; the assignments whose cell changed."""
    changed = []
    for assignment in sorted(HELPERS):
        path = notebook_path(Path(root) / "solutions", assignment)
        nb = nbformat.read(str(path), as_version=4)
        cell = setup_cell(nb)
        if cell is None:
            raise SystemExit(f"error: {path} has no cell with grade id '{SETUP_ID}'; add one (a locked "
                             "code cell) as the notebook's first code cell")
        intro = with_warnings_item(nb.cells[0].source, assignment)
        if intro is None:
            raise SystemExit(f"error: the introduction of {path} has no item on warnings (a line "
                             "'N. A warning costs no marks...')")
        if cell.source != setup_source(assignment) or intro != nb.cells[0].source:
            cell.source = setup_source(assignment)
            nb.cells[0].source = intro
            path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
            changed.append(assignment)
    return changed


def regenerate_exercises(assignments, root=ROOT):
    """``nbgrader generate_assignment`` of each assignment in a temporary course; the
    releases are copied into exercises/."""
    if not assignments:
        return
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="nnl-sync-") as tmp:
        course = Path(tmp) / "course"
        for name in assignments:
            shutil.copytree(Path(root) / "solutions" / name, course / "solutions" / name)
        (course / "autograder").mkdir(parents=True)
        env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
                   JUPYTER_CONFIG_PATH=str(Path(root) / "autograder"), NNLEARN_COURSE_ROOT=str(course),
                   NNLEARN_EXCHANGE=str(Path(tmp) / "exchange"), JUPYTER_RUNTIME_DIR=str(Path(tmp) / "runtime"))
        for name in assignments:
            proc = subprocess.run([str(bin_dir / "nbgrader"), "generate_assignment", name, "--force"],
                                  cwd=course, env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"error: nbgrader generate_assignment {name} failed:\n{proc.stderr[-3000:]}")
            release = notebook_path(course / "exercises", name)
            dest = notebook_path(Path(root) / "exercises", name)
            dest.parent.mkdir(parents=True, exist_ok=True)
            nb = nbformat.read(str(release), as_version=4)
            dest.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m autograder.sync_setup", description=__doc__.split("\n")[0])
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook disagrees")
    p.add_argument("--all", action="store_true", help="regenerate every release, changed or not")
    args = p.parse_args(argv)
    if args.check:
        problems = disagreements()
        for line in problems:
            print(line)
        if problems:
            print("run `python -m autograder.sync_setup` to write the source into the notebooks")
            return 1
        print("every setup cell agrees with autograder/notebook_setup.py")
        return 0
    changed = write_sources()
    stale = sorted(HELPERS) if args.all else sorted(set(changed) | {a for a in HELPERS if any(
        line.startswith(f"exercises/{a}/") for line in disagreements())})
    regenerate_exercises(stale)
    print(f"setup cells written: {', '.join(changed) or 'none changed'}; "
          f"releases regenerated: {', '.join(stale) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
