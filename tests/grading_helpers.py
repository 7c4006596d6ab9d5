"""Helpers for the tests of the hardened grading command (python -m autograder.grade).

A :class:`GradingCourse` is a temporary course (see assignment_helpers.Course) that
can also be graded with ``python -m autograder.grade``, run as a subprocess exactly as an
instructor runs it. :func:`load_corpus` and :func:`build_case` turn the files of
tests/adversarial/ into submissions.
"""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from assignment_helpers import HIDDEN_BEGIN, HIDDEN_END, ROOT, SOLUTIONS, Course, read_nb, student_copy

GRADE = [sys.executable, "-m", "autograder.grade"]     # the command, as an instructor runs it
CORPUS = Path(__file__).resolve().parent / "adversarial"
UID_BASE = 1_900_000_000        # the grading command's default


def namespaces_available():
    """True where the grader can sandbox: root, and util-linux's unshare allowed to
    make namespaces (the grading command itself falls back, and says so, elsewhere)."""
    from autograder.secure.sandbox import choose_isolation

    return choose_isolation().mode == "namespaces"


class GradingCourse(Course):
    """A temporary course, graded by the hardened command."""

    def grade(self, assignment, *args, check=True, timeout=900):
        proc = subprocess.run(
            [*GRADE, assignment, *args], cwd=self.root, env=self.env(),
            capture_output=True, text=True, timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"autograder.grade {assignment} {' '.join(args)} failed ({proc.returncode}):\n"
                                 f"{proc.stdout}\n{proc.stderr}")
        return proc

    def env(self, instructor=True):
        """The course's environment, with the repository on PYTHONPATH: the command runs
        in the temporary course, and ``-m autograder.grade`` comes from the repository."""
        env = super().env(instructor)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
        return env

    def result(self, assignment, student):
        return json.loads((self.root / "autograder" / "results" / assignment / f"{student}.json").read_text())

    def results(self, assignment):
        folder = self.root / "autograder" / "results" / assignment
        return {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}

    def csv_rows(self):
        with open(self.root / "autograder" / "grading-report.csv", newline="") as fh:
            return list(csv.DictReader(fh))

    def feedback_html(self, assignment, student):
        return (self.feedback_dir(student, assignment) / f"{assignment}.html").read_text()

    def submission_folder(self, student, assignment):
        return self.root / "autograder" / "submitted" / student / assignment

    def add_to_roster(self, student):
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url) as gb:
            gb.update_or_create_student(student)


def sandbox_processes(uid_base=UID_BASE, count=64):
    """Processes still running as one of the sandbox users of ``uid_base`` and up."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        match = re.search(r"^Uid:\s+(\d+)", status, re.M)
        if match and uid_base <= int(match.group(1)) < uid_base + count:
            found.append(int(entry.name))
    return found


def hidden_test_lines(assignment):
    """Lines of code of the hidden tests of an assignment, long enough to be telling
    (lines that are only a message string are left out: messages are meant to be shown)."""
    nb = read_nb(SOLUTIONS / assignment / f"{assignment}.ipynb")
    lines, inside = set(), False
    for cell in nb.cells:
        for line in cell.source.split("\n"):
            if HIDDEN_BEGIN in line:
                inside = True
            elif HIDDEN_END in line:
                inside = False
            elif inside and len(line.strip()) > 30 and not re.match(r"""^f?["']""", line.strip()):
                lines.add(line.strip())
    return lines


# --- the adversarial corpus --------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str
    attack: str
    assignment: str
    base: str
    inject: tuple          # ("replace", id) | ("replace-all",) | ("append",) | ("none",)
    submission: tuple      # ("notebook",) | ("renamed", name) | ...
    status: str
    passes: str            # "all" | "none" | "ids..." | "all except ids..."
    messages: tuple = ()
    output_has: tuple = ()
    output_lacks: tuple = ()
    source: str = ""

    @property
    def student(self):
        return "adv-" + self.name.replace("_", "-")

    def expected_passing(self, tests):
        """The set of test ids that must pass, given all test ids of the assignment."""
        spec = self.passes.strip()
        if spec == "all":
            return set(tests)
        if spec == "none":
            return set()
        if spec.startswith("all except "):
            return set(tests) - {t.strip() for t in spec[len("all except "):].split(",")}
        return {t.strip() for t in spec.split(",")}


def load_corpus():
    cases = []
    for path in sorted(CORPUS.glob("*.py")):
        text = path.read_text()
        header = {}
        lists = {"Message": [], "Output-has": [], "Output-lacks": []}
        for key, value in re.findall(r"^# ([A-Z][\w-]*): (.*)$", text, re.M):
            if key in lists:
                lists[key].append(value.strip())
            else:
                header.setdefault(key, value.strip())
        missing = [k for k in ("Attack", "Status", "Passes") if k not in header]
        if missing:
            raise ValueError(f"{path.name}: the header lacks {missing}")
        cases.append(Case(
            name=path.stem, attack=header["Attack"], assignment=header.get("Assignment", "activations"),
            base=header.get("Base", "reference"), inject=tuple(header.get("Inject", "append").split(None, 1)),
            submission=tuple(header.get("Submission", "notebook").split(None, 1)),
            status=header["Status"], passes=header["Passes"], messages=tuple(lists["Message"]),
            output_has=tuple(lists["Output-has"]), output_lacks=tuple(lists["Output-lacks"]), source=text,
        ))
    return cases


def fill(source, course, assignment, other_student, marker):
    return (source.replace("@COURSE_ROOT@", str(course.root))
            .replace("@GRADEBOOK@", str(course.root / "autograder" / "gradebook.db"))
            .replace("@OTHER_STUDENT@", str(course.submission_folder(other_student, assignment)))
            .replace("@MARKER@", str(marker)))


def build_case(case, course, release, marker, other_student="reference"):
    """Put the case's submission into the course's submitted/ folder."""
    a = case.assignment
    nb = student_copy(release, a, solved="all" if case.base == "reference" else ())
    code = fill(case.source, course, a, other_student, marker)
    kind = case.inject[0]
    if kind == "replace":
        target = case.inject[1].strip()
        cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == target]
        assert cells, f"{case.name}: no cell {target} to replace"
        cells[0].source = code
    elif kind == "replace-all":
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and cell.cell_type == "code":
                cell.source = code
    elif kind == "append":
        nb.cells.append(nbformat.v4.new_code_cell(code))
    folder = course.submission_folder(case.student, a)
    how, arg = case.submission[0], (case.submission[1] if len(case.submission) > 1 else "")
    if how == "no-folder":
        course.add_to_roster(case.student)
        return
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{a}.ipynb"
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    if how == "delete-cell":
        nb.cells.remove(by_id[arg])
    elif how == "duplicate-cell":
        copy = nbformat.from_dict(json.loads(json.dumps(by_id[arg])))
        copy["id"] = "copied-cell"
        nb.cells.insert(nb.cells.index(by_id[arg]) + 1, copy)
    elif how == "rename-grade-id":
        old, new = arg.split()
        by_id[old].metadata["nbgrader"]["grade_id"] = new
    elif how == "fake-test-cell":
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                meta["points"] = 1000
        fake = nbformat.v4.new_code_cell("pass")
        fake.metadata["nbgrader"] = {"grade": True, "grade_id": "test_bonus", "locked": True, "points": 100,
                                     "schema_version": 3, "solution": False, "task": False}
        nb.cells.append(fake)
    text = nbformat.writes(nb)
    if how == "truncated-json":
        path.write_text(text[: len(text) // 2])
    elif how == "not-a-notebook":
        path.write_text("[1, 2, 3]\n")
    elif how == "renamed":
        (folder / arg).write_text(text)
    elif how == "empty-folder":
        pass
    elif how == "only-other-files":
        (folder / "notes.txt").write_text("my answers are in my head\n")
        (folder / "helper.py").write_text("x = 1\n")
    elif how == "two-notebooks":
        (folder / "draft.ipynb").write_text(text)
        (folder / "final.ipynb").write_text(text)
    else:
        path.write_text(text)


def clone(course, root):
    """A copy of a course (gradebook and submissions included) in another folder, to
    grade the same submissions another way."""
    shutil.copytree(course.root, root)
    twin = GradingCourse.__new__(GradingCourse)
    twin.__dict__.update(course.__dict__)
    twin.root = Path(root)
    twin.log = []
    return twin
