"""Deadlines: nbgrader's due dates, extensions and late penalties, on every grading path.

Everything lives where nbgrader keeps it, so that stock ``nbgrader autograde``, the
formgrader, ``nbgrader export`` and ``python -m autograder.grade`` agree:

* the due date of an assignment is the gradebook's (``nbgrader db assignment add
  NAME --duedate="2026-12-01 17:00:00 UTC"``);
* a student's extension is the gradebook's ``SubmittedAssignment.extension``, which
  nbgrader reads but gives no command for: ``python -m autograder.deadlines extend``;
* the submission's time is its ``timestamp.txt`` (written by ``nbgrader collect`` or
  ``zip_collect``);
* the penalty is nbgrader's ``LateSubmissionPlugin`` (its ``penalty_method``, or a
  plugin of your own through ``AssignLatePenalties.plugin_class``), configured once
  in ``autograder/nbgrader_config.py`` and applied by :func:`apply_penalty` with the
  same rule as nbgrader's ``AssignLatePenalties`` (which stock autograde runs).

Commands (from the course root, as for nbgrader)::

    python -m autograder.deadlines list [ASSIGNMENT]
    python -m autograder.deadlines extend ASSIGNMENT STUDENT --hours 48
    python -m autograder.deadlines extend ASSIGNMENT STUDENT --hours 0     # no extension
"""

import argparse
import datetime
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def penalty_plugin(config):
    """nbgrader's late-penalty preprocessor, configured as stock autograde configures it."""
    from nbgrader.preprocessors import AssignLatePenalties

    assign = AssignLatePenalties(config=config)
    assign.init_plugin()
    return assign


def iso(moment):
    return moment.replace(tzinfo=datetime.timezone.utc).isoformat(timespec="seconds") if moment else None


def apply_penalty(assign, submission, session):
    """Recompute the penalty of every notebook of a gradebook submission (never keep an
    old one): nbgrader's ``AssignLatePenalties.preprocess``, inside the caller's
    transaction. Returns what the result and the export record: timestamp, due date
    (extension included), seconds late and the penalty."""
    session.flush()
    penalty = None
    seconds_late = submission.total_seconds_late
    for notebook in submission.notebooks:
        session.expire(notebook, ["score"])          # the scores just written, manual ones included
        notebook.late_submission_penalty = None
        if seconds_late > 0:
            value = assign.plugin_inst.late_submission_penalty(submission.student.id, notebook.score,
                                                               seconds_late)
            if value is not None:
                notebook.late_submission_penalty = assign._check_late_penalty(notebook, value)
                penalty = (penalty or 0.0) + notebook.late_submission_penalty
    return {"timestamp": iso(submission.timestamp), "due": iso(submission.duedate),
            "seconds_late": seconds_late, "penalty": penalty}


def refresh_penalties(db_url, course_id, assign, assignments=None, lock_timeout=300.0, log=print):
    """Recompute and write the late penalty of every submission of ``assignments`` (all
    the course's when None) from the gradebook's scores as they are now, hand-graded ones
    included, with nbgrader's configured plugin (``assign``: :func:`penalty_plugin`), by
    :func:`apply_penalty`, in one transaction retried while the gradebook is locked. The
    feedback pages, the LMS export and the class report call it first: a penalty is never
    the one of a score since changed by hand. Returns how many submissions were recomputed."""
    from nbgrader import api

    from .secure.store import retry_locked

    def once():
        gb = api.Gradebook(db_url, course_id)
        try:
            count = 0
            for assignment in gb.assignments:
                if assignments is not None and assignment.name not in assignments:
                    continue
                for submission in assignment.submissions:
                    if not submission.total_seconds_late and not submission.late_submission_penalty:
                        continue        # on time, and no penalty to clear
                    apply_penalty(assign, submission, gb.db)
                    count += 1
            gb.db.commit()
            return count
        except BaseException:
            gb.db.rollback()
            raise
        finally:
            gb.close()

    return retry_locked(once, lock_timeout, log, "the gradebook (late penalties)")[0]


def due_dates(gradebook, assignment_name):
    """(the assignment's due date, {student: due date with the extension}) as ISO strings."""
    assignment = gradebook.find_assignment(assignment_name)
    return iso(assignment.duedate), {s.student.id: iso(s.duedate) for s in assignment.submissions}


def extend(gradebook, assignment_name, student_id, hours):
    """Give ``student_id`` ``hours`` more for the assignment (0: none). The gradebook
    keeps it on the student's submission, made now if the student has none yet."""
    from nbgrader.api import MissingEntry

    gradebook.find_assignment(assignment_name)       # a MissingEntry names a wrong assignment
    try:
        gradebook.find_student(student_id)
    except MissingEntry:
        gradebook.add_student(student_id)
    extension = datetime.timedelta(hours=hours) if hours else None
    with gradebook.db.no_autoflush:     # nbgrader's add_submission builds the rows before adding them
        return gradebook.update_or_create_submission(assignment_name, student_id, extension=extension)


def arguments(argv):
    p = argparse.ArgumentParser(prog="python -m autograder.deadlines",
                                description="List due dates and extensions; give a student an extension.")
    p.add_argument("--config", default=str(HERE / "nbgrader_config.py"), help="the nbgrader configuration")
    sub = p.add_subparsers(dest="command", required=True)
    show = sub.add_parser("list", help="each assignment's due date and every extension")
    show.add_argument("assignment", nargs="?", help="only this assignment")
    ext = sub.add_parser("extend", help="give a student more time (recorded in the gradebook)")
    ext.add_argument("assignment")
    ext.add_argument("student")
    ext.add_argument("--hours", type=float, required=True, help="hours after the due date (0: no extension)")
    return p.parse_args(argv)


def main(argv=None):
    from nbgrader.api import Gradebook, MissingEntry

    from .grade import load_coursedir

    args = arguments(argv)
    coursedir, course_id = load_coursedir(args.config)
    with Gradebook(coursedir.db_url, course_id) as gb:
        try:
            if args.command == "extend":
                submission = extend(gb, args.assignment, args.student, args.hours)
                print(f"{args.student}: {args.assignment} due {iso(submission.duedate) or 'never (no due date)'}"
                      + (f" (an extension of {args.hours:g} h)" if args.hours else ""))
                return 0
            names = [args.assignment] if args.assignment else [a.name for a in gb.assignments]
            for name in names:
                due, per_student = due_dates(gb, name)
                print(f"{name}: due {due or 'never (no due date: nothing is late)'}")
                for submission in gb.find_assignment(name).submissions:
                    if submission.extension:
                        hours = submission.extension.total_seconds() / 3600
                        print(f"  {submission.student.id}: +{hours:g} h, due {per_student[submission.student.id]}")
        except MissingEntry as err:
            print(f"error: {err}; `nbgrader db assignment list` shows the assignments", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
