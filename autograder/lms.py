"""Grades for the LMS: ``python -m autograder.lms canvas --out FILE`` (or ``moodle``, ``blackboard``).

One row per student of the class list (``autograder/students.csv``, which carries the ids
the LMS gave each student), one column per assignment, named as the LMS names it. The
scores are the final ones from nbgrader's gradebook: autograded and hand-graded points
minus the late penalty (``submission.score - late_submission_penalty``, as ``nbgrader
export`` computes them); the penalty is first recomputed from the gradebook's scores as
they are now (hand grading included) with the course's ``LateSubmissionPlugin``.

* A student with no submission (absent) gets an empty cell, or 0 with ``--absent-zero``;
  a blank submission (the release handed back unchanged) is a submission and gets its 0.
* A submission whose grading failed (``grader_error``) gets an empty cell and a warning.
* Students in the gradebook but not on the class list are left out and listed in a warning.

Column names: the assignment's own name unless ``autograder/lms.toml`` (or ``--column``)
says otherwise; Canvas matches a column to an existing assignment by the id in brackets,
``Backprop (12345)``. book/for-instructors.md ("Export the grades") has the details and
the mapping for Moodle and Blackboard.
"""

import argparse
import csv
import io
import json
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import classlist, deadlines, statuses

HERE = Path(__file__).resolve().parent
COLUMNS_FILE = Path("autograder") / "lms.toml"        # relative to the course root


@dataclass
class Score:
    """One student's final score for one assignment, from the gradebook."""
    final: float
    raw: float
    penalty: float
    needs_manual_grade: bool
    status: str = ""                  # from the result file of the grading command, when there is one


@dataclass
class Grades:
    """What every export is made of."""
    assignments: list                 # names, in the gradebook's order
    max_scores: dict                  # assignment -> points
    scores: dict                      # (assignment, student) -> Score
    students: list                    # the class list's Students, in its order
    strays: dict = field(default_factory=dict)   # student id -> [assignments] not on the class list

    def cell(self, assignment, student, missing=""):
        """The number the LMS gets: '' for no score, ``missing`` for no submission."""
        score = self.scores.get((assignment, student))
        if score is None or score.status == statuses.NOT_SUBMITTED:
            return missing
        if score.status in statuses.BY_NAME and not statuses.get(score.status).exported_score:
            return ""
        return f"{score.final:g}"

    def warnings(self):
        lines = []
        if self.strays:
            lines.append("left out, not on the class list: " + ", ".join(
                f"{s} ({', '.join(a)})" for s, a in sorted(self.strays.items())))
        on_list = {s.id for s in self.students}
        failed = sorted(f"{s} ({a})" for (a, s), v in self.scores.items() if s in on_list and v.status in
                        statuses.BY_NAME and not statuses.get(v.status).exported_score)
        if failed:
            lines.append("no score, grade again: " + ", ".join(failed))
        manual = sorted(f"{s} ({a})" for (a, s), v in self.scores.items()
                        if s in on_list and v.needs_manual_grade and v.status != statuses.NOT_SUBMITTED)
        if manual:
            lines.append(f"{len(manual)} submission(s) still have answers to grade by hand (counted as 0 "
                         "until graded in the formgrader): " + ", ".join(manual[:20])
                         + (" ..." if len(manual) > 20 else ""))
        return lines


def load_coursedir(config_path):
    """The course folder and gradebook, as nbgrader reads them from its configuration."""
    from .grade import load_coursedir as load

    return load(config_path)


def result_statuses(root, assignment):
    """student -> status of the grading command's last result for the assignment."""
    out = {}
    for path in (Path(root) / "autograder" / "results" / assignment).glob("*.json"):
        try:
            out[path.stem] = json.loads(path.read_text()).get("status", "")
        except (OSError, ValueError):
            continue
    return out


def read_gradebook(db_url, course_id, only=()):
    """{(assignment, student): Score}, assignment names and max scores, from the gradebook
    (nbgrader's own score properties, fetched in one query: 300 students in a fraction of a second)."""
    from nbgrader.api import Assignment, Gradebook, SubmittedAssignment

    scores, names, max_scores = {}, [], {}
    with Gradebook(db_url, course_id) as gb:
        for assignment in gb.assignments:
            if not only or assignment.name in only:
                names.append(assignment.name)
                max_scores[assignment.name] = assignment.max_score
        rows = (gb.db.query(Assignment.name, SubmittedAssignment.student_id, SubmittedAssignment.score,
                            SubmittedAssignment.late_submission_penalty, SubmittedAssignment.needs_manual_grade)
                .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id).all())
        for name, student, raw, penalty, manual in rows:
            if name in max_scores:
                raw, penalty = raw or 0.0, penalty or 0.0
                scores[name, student] = Score(max(0.0, raw - penalty), raw, penalty, bool(manual))
    unknown = sorted(set(only) - set(names))
    if unknown:
        raise SystemExit(f"error: the gradebook has no assignment {', '.join(unknown)} "
                         f"(it has: {', '.join(names) or 'none'})")
    return scores, names, max_scores


def collect(root, db_url, course_id, only=(), students=None, penalties=None):
    """The :class:`Grades` of the course: the gradebook, the result files' statuses, the class list.
    With ``penalties`` (nbgrader's configured ``AssignLatePenalties``, :func:`.deadlines.penalty_plugin`),
    the late penalties are first recomputed from the gradebook's scores as they are now."""
    if penalties is not None:
        from .deadlines import refresh_penalties

        refresh_penalties(db_url, course_id, penalties, list(only) or None)
    if students is None:
        students = classlist.load_if_present(root)
    if not students:
        raise SystemExit(f"error: no class list at {classlist.path_for(root)}; the LMS needs its own ids "
                         f"for each student (columns: {', '.join(classlist.COLUMNS)})")
    scores, names, max_scores = read_gradebook(db_url, course_id, only)
    for name in names:
        for student, status in result_statuses(root, name).items():
            if (name, student) in scores:
                scores[name, student].status = status
            elif status == statuses.NOT_SUBMITTED:
                scores[name, student] = Score(0.0, 0.0, 0.0, False, status)
    strays = {}
    for (name, student) in scores:
        if student not in students:
            strays.setdefault(student, []).append(name)
    return Grades(names, max_scores, scores, list(students.values()), strays)


# --- the LMS files --------------------------------------------------------------------------

def column_names(root, lms, assignments, overrides=()):
    """assignment -> the LMS's column name: lms.toml's [lms] table, then ``--column NAME=COLUMN``."""
    names = {a: a for a in assignments}
    path = Path(root) / COLUMNS_FILE
    if path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get(lms, {})
        except tomllib.TOMLDecodeError as err:
            raise SystemExit(f"error: {path}: {err}") from None
        names.update({a: str(table[a]) for a in assignments if a in table})
    for item in overrides:
        assignment, sep, column = item.partition("=")
        if not sep or assignment not in names:
            raise SystemExit(f"error: --column {item!r}: write ASSIGNMENT=COLUMN with one of "
                             f"{', '.join(assignments)}")
        names[assignment] = column
    return names


def canvas_rows(grades, columns, missing="", points_possible=True):
    """Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one column
    per assignment, and (as Canvas's own export has it) a "Points Possible" row first."""
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + [columns[a] for a in grades.assignments]
    rows = [header]
    if points_possible:
        rows.append(["    Points Possible", "", "", "", ""]
                    + [f"{grades.max_scores[a]:g}" for a in grades.assignments])
    for s in grades.students:
        rows.append([s.sortable_name, s.lms_user_id, s.sis_user_id, s.sis_login_id, s.section]
                    + [grades.cell(a, s.id, missing) for a in grades.assignments])
    return rows


def moodle_rows(grades, columns, missing=""):
    """Moodle's "Import grades from CSV": match users by "ID number" (or email), one column per grade item."""
    rows = [["ID number", "Email address", "First name", "Last name"] + [columns[a] for a in grades.assignments]]
    for s in grades.students:
        rows.append([s.sis_user_id or s.id, s.email, s.first_name, s.last_name]
                    + [grades.cell(a, s.id, missing) for a in grades.assignments])
    return rows


def blackboard_rows(grades, columns, missing=""):
    """Blackboard's Grade Center upload: keyed by Username; a column updates an existing one when its
    name ends in ``|<column id>`` (as Blackboard's own download names it)."""
    rows = [["Last Name", "First Name", "Username", "Student ID"] + [columns[a] for a in grades.assignments]]
    for s in grades.students:
        rows.append([s.last_name, s.first_name, s.sis_login_id or s.id, s.sis_user_id]
                    + [grades.cell(a, s.id, missing) for a in grades.assignments])
    return rows


WRITERS = {"canvas": canvas_rows, "moodle": moodle_rows, "blackboard": blackboard_rows}


def to_csv(rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def arguments(argv=None):
    p = argparse.ArgumentParser(prog="python -m autograder.lms",
                                description="Write the gradebook's final scores as a file the LMS imports.")
    p.add_argument("lms", choices=sorted(WRITERS), help="which LMS's format")
    p.add_argument("--out", required=True, help="the CSV file to write")
    p.add_argument("--assignment", action="append", default=[],
                   help="only this assignment (repeat for several); default: every assignment in the gradebook")
    p.add_argument("--column", action="append", default=[], metavar="ASSIGNMENT=COLUMN",
                   help="the LMS's name for an assignment's column, e.g. 'backprop=Backprop (12345)' "
                        "(default: autograder/lms.toml, else the assignment's name)")
    p.add_argument("--absent-zero", action="store_true",
                   help="give a student with no submission 0 (default: an empty cell, which leaves the "
                        "LMS's grade as it is)")
    p.add_argument("--no-points-possible", action="store_true",
                   help="Canvas: leave out the 'Points Possible' row")
    p.add_argument("--config", default=str(HERE / "nbgrader_config.py"),
                   help="the nbgrader configuration (default: autograder/nbgrader_config.py)")
    return p.parse_args(argv)


def main(argv=None):
    args = arguments(argv)
    coursedir, course_id = load_coursedir(args.config)
    root = Path(coursedir.root)
    try:
        grades = collect(root, coursedir.db_url, course_id, args.assignment,
                         penalties=deadlines.penalty_plugin(coursedir.config))
    except classlist.ClassListError as err:
        raise SystemExit(f"error: {err}") from None
    columns = column_names(root, args.lms, grades.assignments, args.column)
    missing = "0" if args.absent_zero else ""
    extra = {"points_possible": not args.no_points_possible} if args.lms == "canvas" else {}
    rows = WRITERS[args.lms](grades, columns, missing, **extra)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(to_csv(rows), encoding="utf-8")
    unmatched = [s.id for s in grades.students if not (s.lms_user_id or s.sis_user_id or s.sis_login_id)]
    if args.lms == "canvas" and unmatched:
        print(f"warning: Canvas cannot match {len(unmatched)} student(s) with no lms_user_id, sis_user_id or "
              f"sis_login_id in the class list: {', '.join(unmatched[:20])}", file=sys.stderr)
    for line in grades.warnings():
        print("warning: " + line, file=sys.stderr)
    print(f"{args.lms}: {len(grades.students)} students, {len(grades.assignments)} assignment(s) -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
