"""Every student's feedback page, after hand grading: ``python -m autograder.feedback ASSIGNMENT``.

Run it from the course root whenever grades changed: after ``python -m autograder.grade``
and after hand grading in the formgrader. For each graded student of the assignment it
rewrites ``autograder/feedback/<student>/<assignment>/<assignment>.html`` with the same
page builder as the grading command (:mod:`autograder.secure.feedback`): the autograded
tests and their hints, the manual scores and comments from the gradebook, the late
penalty, the total as nbgrader computes it, and the student's own notebook. ::

    python -m autograder.feedback reflection                      # every graded student
    python -m autograder.feedback reflection --student ada        # one (repeat for several)
    python -m autograder.feedback reflection --release            # then hand them out

``--release`` gives each page to nbgrader's exchange (``nbgrader release_feedback``,
student by student, so one student's problem never stops the others); a student whose
work came through ``zip_collect`` has no exchange submission to return it to, and is
listed with the path of the page to upload to the LMS. It replaces ``nbgrader
generate_feedback``, which would show the hidden tests and knows nothing of the
grading command's hints.
"""

import argparse
import dataclasses
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import statuses
from .secure import feedback as pages
from .secure import plan as plans
from .secure.results import CellResult, Result, TestResult

HERE = Path(__file__).resolve().parent
RECEIPTS = ("timestamp.txt", "submission_secret.txt")   # what release_feedback needs beside a page


@dataclass
class Page:
    student: str
    path: Path
    total: float
    max_score: float


@dataclass
class Written:
    """What :func:`write_pages` did."""

    pages: list = field(default_factory=list)           # Page
    skipped: list = field(default_factory=list)         # (student, why)
    failed: list = field(default_factory=list)          # (student, error)


@dataclass
class Released:
    """What :func:`release` did."""

    released: list = field(default_factory=list)       # student
    for_lms: list = field(default_factory=list)        # (student, page path)
    failed: list = field(default_factory=list)         # (student, why)


def load_result(path):
    """A :class:`Result` from its JSON file (fields this version does not know are kept
    out, so older and newer result files both load)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    known = {f.name for f in dataclasses.fields(Result)}
    result = Result(**{k: v for k, v in data.items() if k in known})
    test_fields = {f.name for f in dataclasses.fields(TestResult)}
    result.tests = {name: TestResult(**{k: v for k, v in t.items() if k in test_fields})
                    for name, t in (data.get("tests") or {}).items()}
    result.cells = [CellResult(**c) if isinstance(c, dict) else None for c in data.get("cells") or []]
    for extra in ("late", "inputs"):
        if extra in data and extra not in known:
            setattr(result, extra, data[extra])
    return result


def write_pages(*, coursedir, course_id, assignment, students=(), penalties=None):
    """Rewrite the feedback page of every graded student of ``assignment`` (or of
    ``students``). One student's failure is reported, never stops the others. The late
    penalties are recomputed first from the gradebook's scores as they are now (hand
    grading included) with ``penalties`` (nbgrader's configured ``AssignLatePenalties``;
    default: from ``coursedir``'s configuration)."""
    from nbgrader.api import Gradebook

    from . import deadlines

    if penalties is None:
        penalties = deadlines.penalty_plugin(coursedir.config)
    deadlines.refresh_penalties(coursedir.db_url, course_id, penalties, [assignment.name])
    root = Path(coursedir.root)
    results_dir = root / "autograder" / "results" / assignment.name
    available = {p.stem: p for p in sorted(results_dir.glob("*.json"))}
    wanted = list(students) or sorted(available)
    done = Written()
    with Gradebook(coursedir.db_url, course_id) as gb:
        for student in wanted:
            if student not in available:
                done.skipped.append((student, f"not graded: no {results_dir.relative_to(root)}/{student}.json; run "
                                              f"`python -m autograder.grade {assignment.name} --student {student}`"))
                continue
            try:
                result = load_result(available[student])
                if result.status == statuses.NOT_SUBMITTED:
                    done.skipped.append((student, "nothing handed in"))
                    continue
                done.pages.append(write_one(coursedir, gb, assignment, result))
            except Exception as err:      # one broken submission must not stop the others
                done.failed.append((student, f"{type(err).__name__}: {err}"))
    return done


def write_one(coursedir, gradebook, assignment, result):
    folder = Path(coursedir.format_path(coursedir.submitted_directory, result.student, assignment.name))
    submission = plans.read_submission(folder, result.student, assignment.notebook)
    plan = plans.make_plan(assignment, submission.notebook) if submission.notebook is not None else None
    marks = pages.read_marks(gradebook, assignment.name, result.student)
    out = Path(coursedir.format_path(coursedir.feedback_directory, result.student, assignment.name))
    path = pages.publish(out, assignment, result, marks=marks, plan=plan, receipts_from=folder)
    total = marks.total if marks else result.score
    return Page(result.student, path, total, marks.max_score if marks else result.max_score)


def release(*, coursedir, config, assignment, pages_written):
    """Hand each page out through nbgrader's exchange, one student at a time; pages of
    students without an exchange submission (zip_collect) are listed for the LMS."""
    from nbgrader.apps import NbGraderAPI

    api = NbGraderAPI(coursedir, config=config)
    done = Released()
    for page in pages_written:
        folder = page.path.parent
        if not all((folder / name).is_file() for name in RECEIPTS):
            done.for_lms.append((page.student, page.path))
            continue
        try:
            outcome = api.release_feedback(assignment.name, page.student)
        except Exception as err:       # nbgrader's exchange raises more than it reports
            outcome = {"success": False, "error": f"{type(err).__name__}: {err}"}
        if outcome.get("success"):
            done.released.append(page.student)
        else:
            last = (outcome.get("error") or outcome.get("log") or "unknown error").strip().splitlines()[-1:]
            done.failed.append((page.student, last[0] if last else "unknown error"))
    return done


def arguments(argv=None):
    p = argparse.ArgumentParser(prog="python -m autograder.feedback",
                                description="Write every student's feedback page (autograded and manual scores, "
                                            "comments, hints, their notebook); optionally hand them out.")
    p.add_argument("assignment", help="the assignment (as in solutions/ and the gradebook)")
    p.add_argument("--student", action="append", default=[], help="only this student (repeat for several)")
    p.add_argument("--release", action="store_true",
                   help="then release the pages through nbgrader's exchange; list those to upload to the LMS")
    p.add_argument("--config", default=str(HERE / "nbgrader_config.py"),
                   help="the nbgrader configuration (default: autograder/nbgrader_config.py)")
    return p.parse_args(argv)


def main(argv=None):
    from traitlets.config.loader import PyFileConfigLoader

    from .grade import load_assignment, load_coursedir

    args = arguments(argv)
    coursedir, course_id = load_coursedir(args.config)
    assignment = load_assignment(coursedir, course_id, args.assignment)
    written = write_pages(coursedir=coursedir, course_id=course_id, assignment=assignment, students=args.student)
    root = Path(coursedir.root)
    for page in written.pages:
        print(f"  {page.student:<24} {page.total:g}/{page.max_score:g}  {page.path.relative_to(root)}")
    for student, why in written.skipped:
        print(f"  {student:<24} skipped: {why}")
    for student, why in written.failed:
        print(f"error: no page for {student}: {why}", file=sys.stderr)
    print(f"wrote {len(written.pages)} feedback page(s) for {assignment.name}")
    status = 1 if written.failed else 0
    if args.release:
        path = Path(args.config).resolve()
        config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
        coursedir.assignment_id = assignment.name
        out = release(coursedir=coursedir, config=config, assignment=assignment, pages_written=written.pages)
        print(f"released {len(out.released)} page(s) through the exchange")
        if out.for_lms:
            print(f"{len(out.for_lms)} student(s) handed in through the LMS (zip_collect), so the exchange cannot "
                  "return their page; upload each file to that student in the LMS:")
            for student, page in out.for_lms:
                print(f"  {student:<24} {page}")
        for student, why in out.failed:
            print(f"error: could not release {student}'s page: {why}", file=sys.stderr)
        status = status or (1 if out.failed else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
