"""What a grade depends on, as one fingerprint: re-grade only what changed.

A submission's result is up to date when everything that decides it is as it was at its
last grading: the files handed in (bytes, names and timestamp.txt), the assignment as the
gradebook records it (the order and kind of its cells, the source of every test and
locked cell, hidden tests included, and their points), the due date with the student's
extension, whether the student is on the class list, the grading limits, and the
grader's own code. ``python -m autograder.grade`` compares :func:`fingerprint` with the
``inputs`` of the last result (``results/<assignment>/<student>.json``) and skips the
submission when they are equal; ``--force`` grades everyone.
"""

import functools
import hashlib
import json
from pathlib import Path

GRADER = Path(__file__).resolve().parents[1]      # autograder/: its code and configuration


@functools.lru_cache(maxsize=None)      # read once a run
def grader_digest():
    """The grader's own code and configuration (autograder/*.py, autograder/secure/*.py):
    after any change to them every submission is graded again, rather than trusting someone
    to remember that a change changes results."""
    digest = hashlib.sha256()
    for path in sorted([*GRADER.glob("*.py"), *(GRADER / "secure").glob("*.py")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def assignment_digest(assignment):
    """The assignment as graded: its cells from the release and the gradebook."""
    cells = [(c.index, c.grade_id, c.cell_id, c.cell_type, c.kind, c.source, c.points) for c in assignment.cells]
    return hashlib.sha256(json.dumps([assignment.name, cells]).encode()).hexdigest()


def folder_digest(folder):
    """Every file handed in (path and bytes); the same value for a missing folder each time."""
    digest = hashlib.sha256()
    folder = Path(folder)
    if not folder.is_dir():
        return "absent"
    for path in sorted(p for p in folder.rglob("*") if ".ipynb_checkpoints" not in p.parts):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink() or not path.is_file():
            digest.update(f"\0{relative}\0{'link' if path.is_symlink() else 'dir'}\0".encode())
            continue
        digest.update(f"\0{relative}\0{path.stat().st_size}\0".encode())
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def fingerprint(assignment_hash, folder, due, on_class_list, settings):
    """One submission's inputs; ``settings`` are the grading limits and the isolation."""
    parts = {"grader": grader_digest(), "assignment": assignment_hash, "files": folder_digest(folder),
             "due": due, "on_class_list": on_class_list, "settings": settings}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
