"""`make public`: write the course's public repository into ``_build/public``.

The repository is the instructors' copy. The public tree holds what a reader, a student
or a chapter contributor needs, and nothing private. It is made from an *allow-list*: a
file is published only if a rule below lets it in, so a folder added to the repository
later stays private until someone adds it here. What is left out is printed, by reason.

Published: the book (chapters, pages, ``nnlearn``, the site's extensions), the released
``exercises/``, this ``publish/`` package (the site's kit and ``make public`` itself), the
benchmarks, the test suite without its private corpora, and the files the README's two
commands need (Makefile, requirements, ``pyproject.toml``, ``_config.yml``, ``_toc.yml``,
``.ci/run``). In ``README.md`` and ``CONTRIBUTING.md``, blocks between lines
``<!-- instructors only -->`` and ``<!-- end instructors only -->`` are dropped, and so is
any other line holding ``<!-- instructors only -->`` (a table row, say).

Left out: ``solutions/`` (answers, hidden tests, rubrics), ``autograder/`` (the grading
tools and their working state: gradebook, submissions, feedback, grades, class lists),
``tests/assignment_mistakes/`` (each one is the reference solution with one mistake),
``tests/adversarial/`` (attacks on the grader). The tests that need those (grading,
assignments, mistakes) are skipped in the public tree, each saying why (tests/conftest.py).

Only files git tracks are published (``git ls-files``), so nothing lying around in the
working copy (a ``students.csv``, a gradebook) can slip in. Outside a git checkout (in the
public tree itself) the folder is walked instead, with the same rules.

After writing the tree, every file is searched for every private line of ``solutions/``
(:mod:`publish.leaks`); the command fails if one is found.
"""

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

from . import ROOT, leaks

# (prefix, why): first match wins; a path matching no rule is left out.
LEFT_OUT = [
    ("solutions/", "answers, hidden tests and rubrics"),
    ("autograder/", "the grading tools and their working state"),
    ("tests/assignment_mistakes/", "wrong solutions, each one mistake away from the answer"),
    ("tests/adversarial/", "attacks on the grader, used by the grading tests"),
    ("tests/test_assignments_cells.py", "wrong versions of backprop's answer, run in-process by the assignment tests"),
    ("tests/test_term.py", "a whole term of grading: plants a bug in a line of a hidden test, and fixes it"),
]
PUBLISHED = [
    ("book/", "the chapters, pages and nnlearn"),
    ("exercises/", "the released assignments"),
    ("publish/", "the kit and this command"),
    ("bench/", "benchmarks"),
    ("tests/", "the test suite"),
    (".ci/run", "CI's command"),
]
PUBLISHED_FILES = {"README.md", "CONTRIBUTING.md", "Makefile", "requirements.txt", "requirements.in",
                   "pyproject.toml", "_config.yml", "_toc.yml", ".gitignore", "LICENSE", "LICENSE.md"}
NEVER = re.compile(r"(^|/)(__pycache__|\.ipynb_checkpoints|\.pytest_cache|[^/]*\.egg-info)(/|$)|\.pyc$")
WALK_SKIP = {".git", ".venv", "_build"}
INSTRUCTORS_ONLY = re.compile(r"^[ \t]*<!-- instructors only -->[ \t]*\n.*?<!-- end instructors only -->[ \t]*\n?"
                              r"|^[^\n]*<!-- instructors only -->[^\n]*\n?", re.S | re.M)
EDITED = {"README.md", "CONTRIBUTING.md"}


def decide(rel):
    """(published?, why) for a path relative to the repository root, in POSIX form."""
    if NEVER.search(rel):
        return False, "build and editor leftovers"
    for prefix, why in LEFT_OUT:
        if rel.startswith(prefix):
            return False, why
    why = leaks.forbidden(rel)
    if why:
        return False, why
    if rel in PUBLISHED_FILES:
        return True, "what the README's commands need"
    for prefix, why in PUBLISHED:
        if rel == prefix or (prefix.endswith("/") and rel.startswith(prefix)):
            return True, why
    return False, "not on the list of published files (publish/public_tree.py)"


def candidates(root):
    """Every file of the repository, relative: the ones git tracks, or all outside a checkout."""
    root = Path(root)
    try:
        proc = subprocess.run(["git", "-C", str(root), "ls-files", "-z"],
                              capture_output=True, check=True)
        inside = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-prefix"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        proc, inside = None, None
    if proc is not None and inside == "":
        names = [n for n in proc.stdout.decode().split("\0") if n]
        return sorted(n for n in names if (root / n).is_file())
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and not WALK_SKIP & set(p.relative_to(root).parts))


def public_text(text):
    """A README without its instructors-only blocks."""
    return INSTRUCTORS_ONLY.sub("", text)


def _empty(out, root):
    """Empty ``out`` for a new tree, keeping its ``.git`` (``out`` may be a clone of the public
    repository). Refuses anything that is not empty, nor a public tree made before."""
    if out == root or out in root.parents or (out.is_relative_to(root) and not out.is_relative_to(root / "_build")):
        raise ValueError(f"--out {out}: write the public tree under {root / '_build'} or outside the repository")
    if not out.exists():
        out.mkdir(parents=True)
        return
    entries = [p for p in out.iterdir() if p.name != ".git"]
    if entries and not ((out / "_toc.yml").exists() and not (out / "solutions").exists()):
        raise ValueError(f"--out {out} holds files and is not a public tree made before: "
                         "give an empty folder, or a clone of the public repository")
    for p in entries:
        shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()


def build(out, root=ROOT):
    """Write the public tree into ``out`` (emptied first). Returns (published, left out):
    a list of paths and a {reason: [paths]} dict."""
    root, out = Path(root).resolve(), Path(out).resolve()
    _empty(out, root)
    published, left_out = [], {}
    for rel in candidates(root):
        ok, why = decide(rel)
        if not ok:
            left_out.setdefault(why, []).append(rel)
            continue
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel in EDITED:
            target.write_text(public_text((root / rel).read_text(encoding="utf-8")), encoding="utf-8")
        else:
            shutil.copy2(root / rel, target)
        published.append(rel)
    return published, left_out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m publish.public_tree", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "public",
                        help="where to write it (default _build/public); a clone of the public "
                             "repository works too: its .git is kept")
    parser.add_argument("--no-check", action="store_true",
                        help="do not search the tree for private lines afterwards")
    args = parser.parse_args(argv)
    try:
        published, left_out = build(args.out)
    except ValueError as err:
        parser.error(str(err))
    print(f"public tree: {len(published)} files in {args.out}")
    for why, paths in sorted(left_out.items()):
        tops = sorted({"/".join(p.split("/")[:2]) for p in paths})
        print(f"  left out {len(paths):4d}: {why}: {', '.join(tops[:6])}{' ...' if len(tops) > 6 else ''}")
    if args.no_check:
        return 0
    if not (ROOT / "solutions").is_dir():
        print("no solutions/ here (this is already a public tree): nothing private to search for")
        return 0
    found = leaks.scan([args.out.resolve()])
    for finding in found:
        print(f"  LEAK {finding}")
    if found:
        print(f"{len(found)} private line(s) or path(s) in {args.out}: do not publish it", file=sys.stderr)
        return 1
    print(f"checked: no private line of solutions/ in it ({len(leaks.private_lines())} searched)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
