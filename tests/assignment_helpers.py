"""Helpers for the assignment tests: temporary nbgrader courses, student copies, scores.

Every grading round in the tests runs in a temporary copy of the course (made from
``solutions/``) with its own gradebook and exchange, through the repository's own
``autograder/nbgrader_config.py``: the environment variables NNLEARN_COURSE_ROOT
and NNLEARN_EXCHANGE point that configuration at the temporary folders. nbgrader
runs as a subprocess, as an instructor would run it, with the virtual
environment's ``bin`` first on PATH (nbgrader calls ``alembic`` and starts the
``python`` kernel from the PATH).
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
CONFIG_DIR = ROOT / "autograder"
BIN = Path(sys.executable).parent
COURSE_ID = "nnlearn"
ASSIGNMENTS = ["activations", "gradient_descent", "backprop", "newton", "reflection"]

SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
STUDENT_ANSWER = "An answer the student wrote in their own words."


# --- notebooks ---------------------------------------------------------------------

def read_nb(path):
    return nbformat.read(str(path), as_version=4)


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def cells_by_id(nb):
    """The cells that carry nbgrader metadata, keyed by grade_id."""
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if "grade_id" in nbgrader_meta(c)}


def solution_source(assignment):
    return read_nb(SOLUTIONS / assignment / f"{assignment}.ipynb")


def without_solution_markers(source):
    return "\n".join(line for line in source.split("\n") if not SOLUTION_MARKER.match(line))


def split_hidden(source):
    """(visible lines, hidden lines) of a cell: hidden ones lie between the
    BEGIN and END HIDDEN TESTS markers (the markers themselves are neither)."""
    visible, hidden, inside = [], [], False
    for line in source.split("\n"):
        if HIDDEN_BEGIN in line:
            inside = True
        elif HIDDEN_END in line:
            inside = False
        else:
            (hidden if inside else visible).append(line)
    return visible, hidden


def hidden_regions(source):
    """The lines between BEGIN and END HIDDEN TESTS markers."""
    return split_hidden(source)[1]


def points(nb, kind="all"):
    """Total points of the graded cells: kind is "all", "auto" (code tests) or "manual"."""
    total = 0
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if not meta.get("grade"):
            continue
        is_auto = cell.cell_type == "code" and not meta.get("solution")
        if kind == "all" or (kind == "auto") == is_auto:
            total += meta.get("points", 0)
    return total


def student_copy(release_nb, assignment, solved=(), replace=None, answer=STUDENT_ANSWER):
    """A student's notebook made from the released one.

    ``solved``: ids of the solution cells filled in with the reference solution
    ("all" for every one); ``replace``: {cell id: source} for cells written some
    other way (a known mistake); written-answer cells in ``solved`` get ``answer``.
    """
    nb = nbformat.from_dict(release_nb)
    reference = cells_by_id(solution_source(assignment))
    replace = replace or {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if not meta.get("solution"):
            continue
        gid = meta["grade_id"]
        if gid in replace:
            cell.source = replace[gid]
        elif solved == "all" or gid in solved:
            if cell.cell_type == "markdown":
                cell.source = answer
            else:
                cell.source = without_solution_markers(reference[gid].source)
    unknown = set(replace) - set(cells_by_id(nb))
    if unknown:
        raise ValueError(f"{assignment} has no cells {sorted(unknown)} to replace")
    return nb


# --- a temporary course ----------------------------------------------------------------

class Course:
    """A temporary nbgrader course made from the repository's solutions/."""

    def __init__(self, root, assignments):
        self.root = Path(root)
        self.exchange = self.root.parent / "exchange"
        self.exchange.mkdir(parents=True, exist_ok=True)
        self.runtime = self.root.parent / "runtime"
        self.log = []                 # (command, seconds) of every nbgrader run
        (self.root / "autograder").mkdir(parents=True, exist_ok=True)
        for name in assignments:
            shutil.copytree(SOLUTIONS / name, self.root / "solutions" / name)

    # environments: the instructor's uses autograder/nbgrader_config.py; a student's
    # knows only the exchange and the course id, given on the command line.
    def env(self, instructor=True):
        env = dict(os.environ)
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
        env["JUPYTER_RUNTIME_DIR"] = str(self.runtime)
        env.pop("JUPYTER_CONFIG_PATH", None)
        if instructor:
            env["JUPYTER_CONFIG_PATH"] = str(CONFIG_DIR)
            env["NNLEARN_COURSE_ROOT"] = str(self.root)
            env["NNLEARN_EXCHANGE"] = str(self.exchange)
        return env

    def nbgrader(self, *args, cwd=None, instructor=True, check=True):
        if not instructor:
            args = (*args, f"--course={COURSE_ID}", f"--Exchange.root={self.exchange}")
        started = time.perf_counter()
        proc = subprocess.run(
            [str(BIN / "nbgrader"), *args], cwd=cwd or self.root, env=self.env(instructor),
            capture_output=True, text=True, timeout=900,
        )
        self.log.append((args[0], time.perf_counter() - started))
        if check and proc.returncode != 0:
            raise AssertionError(
                f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )
        return proc

    # paths
    def release_path(self, assignment):
        return self.root / "exercises" / assignment / f"{assignment}.ipynb"

    def submitted_path(self, student, assignment):
        return self.root / "autograder" / "submitted" / student / assignment / f"{assignment}.ipynb"

    def autograded_path(self, student, assignment):
        return self.root / "autograder" / "autograded" / student / assignment / f"{assignment}.ipynb"

    def feedback_dir(self, student, assignment):
        return self.root / "autograder" / "feedback" / student / assignment

    @property
    def db_url(self):
        return "sqlite:///" + (self.root / "autograder" / "gradebook.db").as_posix()

    # steps
    def generate(self, assignment):
        self.nbgrader("generate_assignment", assignment, "--force")
        return read_nb(self.release_path(assignment))

    def hand_in(self, assignment, notebooks):
        """Put {student: notebook} straight into autograder/submitted (no exchange)."""
        for student, nb in notebooks.items():
            path = self.submitted_path(student, assignment)
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(path))

    def autograde(self, assignment):
        return self.nbgrader("autograde", assignment, "--force")

    def scores(self, assignment, student):
        """{cell grade_id: (auto_score or None, max_score)} from the gradebook."""
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url) as gb:
            sub = gb.find_submission_notebook(assignment, assignment, student)
            return {g.name: (g.auto_score, g.max_score) for g in sub.grades}

    def error_text(self, student, assignment, cell_id):
        """The errors and warnings a cell showed in the autograded notebook, as text."""
        cell = cells_by_id(read_nb(self.autograded_path(student, assignment)))[cell_id]
        lines = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                lines.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
            elif output.get("name") == "stderr":
                lines.append(output.get("text", ""))
        return "\n".join(lines)


def auto_total(scores):
    """(score, max) summed over the autograded cells of a scores() dict."""
    auto = [(s, m) for s, m in scores.values() if s is not None]
    return sum(s for s, _ in auto), sum(m for _, m in auto)
