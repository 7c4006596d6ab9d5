"""The student kit: one zip with everything a student needs to work on the course locally.

    python -m publish.kit [--out _build/kit/nnlearn-student-kit.zip]

Inside, under one folder ``nnlearn-student-kit/``:

* ``book/NN_*.ipynb``: the chapter notebooks (committed without outputs);
* ``book/nnlearn/``: the library the chapters import, and ``pyproject.toml`` to install it;
* ``exercises/``: the released assignments, exactly as nbgrader releases them;
* ``requirements.txt``: the pinned versions the course is tested with;
* ``setup_course.py``: one command, ``python setup_course.py``, that creates a virtual
  environment, installs all of that and opens JupyterLab, on Windows, macOS or Linux
  with only Python (:mod:`publish.setup_course`);
* ``README.md``: what is where, and how to start.

Nothing else: no ``solutions/``, no tests, no grading tools. ``make book`` builds it into
the site as well (:mod:`publish.site`), where the students' page and the introduction link
to it, with each assignment alone beside it (:func:`build_assignment`). The zips are
reproducible: the same sources give the same bytes.
"""

import argparse
import sys
import zipfile
from pathlib import Path

from . import ROOT, leaks

NAME = "nnlearn-student-kit"
ZIP_NAME = f"{NAME}.zip"
SITE_PATH = f"_downloads/{ZIP_NAME}"      # where the website serves it
ASSIGNMENTS_PATH = "_downloads/assignments"   # and each assignment alone: <name>.zip
SETUP = Path(__file__).with_name("setup_course.py")
FIXED_TIME = (2026, 1, 1, 0, 0, 0)        # every member's date: the same sources, the same zip
SKIPPED = {"__pycache__", ".ipynb_checkpoints"}

README = """\
# How Neural Networks Learn: the student kit

Everything you need to run the course on your own computer: every chapter as a
notebook, the course's small library `nnlearn` that the chapters use, the
assignments, and the exact versions of the software the course was tested with.

## Start

You need Python 3.10 or newer (from https://www.python.org/downloads/; on Windows,
tick "Add python.exe to PATH" when installing). Nothing else.

Unzip this folder where you keep your work, open a terminal (on Windows: PowerShell)
in it, and run

    python setup_course.py

(on Windows, `py setup_course.py` also works; on macOS and Linux, `python3`). The
first run creates a Python environment in `.venv` here, installs the course's
software into it (a few minutes, about 1 GB) and opens JupyterLab in your browser.
Later runs open JupyterLab straight away. Stop it with Ctrl+C in the terminal.

`python setup_course.py --check` sets up and checks that everything imports,
without opening JupyterLab; `--help` lists the other options.

## What is where

| folder | what |
|---|---|
| `book/` | the chapters, `01_neuron.ipynb` to `08_second_order.ipynb`: run them, move the sliders, change the code |
| `book/nnlearn/` | the library the chapters import: short modules you can read |
| `exercises/` | the assignments, one folder each |

Before you start an assignment, copy its folder (say `exercises/backprop/`) to a
folder of your own, so that a newer kit never overwrites your work. How to fetch,
check and hand in an assignment, and the rules grading follows, are on the
course website's page *For students*.
"""


def members(root=ROOT):
    """{name inside the zip: path on disk} of everything the kit holds."""
    root = Path(root)
    found = {}

    def add(path, name=None):
        found[f"{NAME}/{name or path.relative_to(root).as_posix()}"] = path

    for notebook in sorted((root / "book").glob("[0-9][0-9]_*.ipynb")):
        add(notebook)
    for folder in (root / "book" / "nnlearn", root / "exercises"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not SKIPPED & set(path.relative_to(root).parts) and path.suffix != ".pyc":
                add(path)
    for name in ("requirements.txt", "pyproject.toml"):
        add(root / name)
    add(SETUP, SETUP.name)
    missing = [name for name, path in found.items() if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"the kit needs {missing}, which are missing")
    if not any(n.endswith(".ipynb") and "/book/" in n for n in found):
        raise FileNotFoundError(f"no chapter notebook in {root / 'book'}")
    return found


def _entry(name, mode=0o644):
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100000 | mode) << 16
    return info


def build(out, root=ROOT):
    """Write the kit to ``out``; return its path. Only what :func:`members` lists goes in."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w") as zf:
        zf.writestr(_entry(f"{NAME}/README.md"), README)
        for name, path in sorted(members(root).items()):
            zf.writestr(_entry(name, 0o755 if path == SETUP else 0o644), path.read_bytes())
    tmp.replace(out)
    return out


def assignments(root=ROOT):
    """{name: folder} of the released assignments, exercises/<name>/."""
    folder = Path(root) / "exercises"
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_dir() and p.name not in SKIPPED}


def build_assignment(name, out, root=ROOT):
    """One released assignment alone, for a student who downloads only that: a zip of its
    folder, ``<name>/<name>.ipynb`` (the folder nbgrader submit expects). Reproducible."""
    folder = assignments(root)[name]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not SKIPPED & set(path.relative_to(folder).parts):
                zf.writestr(_entry(f"{name}/{path.relative_to(folder).as_posix()}"), path.read_bytes())
    tmp.replace(out)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m publish.kit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "kit" / ZIP_NAME)
    args = parser.parse_args(argv)
    path = build(args.out)
    with zipfile.ZipFile(path) as zf:
        count = len(zf.infolist())
    print(f"student kit: {path} ({path.stat().st_size / 1e6:.2f} MB, {count} files)")
    if (ROOT / "solutions").is_dir():
        found = leaks.scan([path])
        for finding in found:
            print(f"  LEAK {finding}")
        if found:
            print(f"{len(found)} private line(s) in the kit: do not publish it", file=sys.stderr)
            return 1
        print("checked: no private line of solutions/ in it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
