"""One term of the course, driven as book/for-instructors.md says, in a temporary course.

Three assignments (gradient_descent, newton and reflection: the cheap ones to grade;
newton and reflection have written answers graded by hand), a class list of 30
students with their Canvas ids, due dates (newton's passed 14 hours before anyone
handed in, and one student has an extension). A few students work on a shared
machine: each has a uid of their own and hands in through nbgrader's exchange; a
stray, not on the class list, hands in that way too. The others' notebooks come in a
Canvas "Download Submissions" zip (one student with two attempts). Among them: the
reference solution, the blank release, a part done, the known mistakes of
tests/assignment_mistakes/ (one of them made by many), and students who hand in
nothing.

Every step is the real command, run as a subprocess: ``nbgrader db student import``,
``generate_assignment``, ``db assignment add --duedate``, ``release_assignment``,
the students' ``fetch_assignment`` / ``submit`` / ``fetch_feedback`` under their own
uid, ``collect``, ``zip_collect``, ``python -m autograder.grade``, hand grading
through nbgrader's Gradebook API (what the formgrader does), a hidden test fixed and
that assignment graded again, the feedback, the class report and the Canvas export.

One module-scoped fixture runs the term; each test below checks one thing about it,
so that a failure names what broke.
"""

import csv
import io
import os
import re
import resource
import shutil
import stat
import subprocess
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest

from assignment_helpers import BIN, COURSE_ID, SOLUTIONS, cells_by_id, read_nb, student_copy
from grading_helpers import GradingCourse, namespaces_available
from test_assignments_mistakes import MISTAKES
from test_assignments_workflow import html_text, secrets_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("term"),      # one term, run once: its fixture on one worker only
    pytest.mark.skipif(not SOLUTIONS.is_dir(), reason="solutions/ is not in this tree (the public side)"),
    pytest.mark.skipif(not namespaces_available(),
                       reason="a term is graded in the sandbox, and the students' uids need root"),
]

ASSIGNMENTS = ["gradient_descent", "newton", "reflection"]
NOW = datetime.now(timezone.utc).replace(microsecond=0)
DUE = {"gradient_descent": NOW + timedelta(days=2),
       "newton": NOW - timedelta(hours=14),         # everyone through the exchange is 14 h late
       "reflection": NOW + timedelta(days=9)}
EXTENSION_DAYS = 1

FIRST = ("Ada Ben Cleo Dev Eli Fay Gus Hana Ivo Jun Kai Lea Mo Nia Oto Pia Quin Ray Sol Tam "
         "Uma Vic Wen Xia Yul Zoe Abe Bea Cal Dot").split()
LAST = ("Lovelace Okafor Nakamura Patel Rossi Dubois Silva Kim Novak Haddad Berg Costa Mensah Ivanova Lopez "
        "Moreau Fischer Tanaka Singh Kowalski Adeyemi Olsen Chen Murphy Garcia Nguyen Weber Sato Ali Brown").split()
CLASS = [f"s{k:02d}" for k in range(1, 31)]
STRAY = "zed"                         # hands in, through the exchange, but is on no class list
CANVAS_ID = {s: str(41000 + 7 * k) for k, s in enumerate(CLASS)}
UIDS = {"s01": 2601, "s03": 2603, STRAY: 2699}     # the students on the shared machine


@dataclass
class Work:
    """What one student hands in for one assignment, and how."""
    make: str                     # "reference" | "blank" | "partial" | a mistake's name
    via: str = "canvas"           # "exchange" | "canvas"
    attempts: tuple = ()          # earlier Canvas attempts (their `make`), the last file is `make`
    late: bool = False            # Canvas marked it late


def mistakes_of(assignment):
    """The assignment's known mistakes, but those that import nnlearn: the sandbox has no nnlearn,
    so they lose more than their file says (book/for-instructors.md, the differences from stock)."""
    return [m for m in MISTAKES if m.assignment == assignment and not m.honest
            and not re.search(r"^\s*(from|import)\s+nnlearn\b", m.source, re.M)]


# The most common mistake of the term: the 1/2 of the MSE left out, or a mean taken; one message
# ("half the sum of squares") for both, made by eight students.
COMMON = {"s04": "mse__no_half", "s05": "mse__no_half", "s06": "mse__no_half", "s07": "mse__no_half",
          "s08": "mse__no_half", "s09": "mse__no_half", "s10": "mse__mean", "s11": "mse__mean"}
COMMON_MESSAGE = "half the sum of squares"
PARTIAL = {"newton": ("newton_step", "newton"),
           "reflection": ("shape_fix", "q1_curves", "q2_shapes", "curves_answers")}


def cast():
    """{assignment: {student: Work}}: who hands in what, and how."""
    term = {}
    # gradient_descent: due in two days; everyone but s30 hands in, and the stray, through the exchange
    gd = {STRAY: Work("reference", "exchange"), "s17": Work("blank"),
          "s18": Work("reference", attempts=("blank",))}
    gd.update({s: Work(m) for s, m in COMMON.items()})
    others = [m.name for m in mistakes_of("gradient_descent") if not m.name.startswith("mse__")]
    for s, m in zip(["s12", "s13", "s14", "s15", "s16"], others):
        gd[s] = Work(m)
    gd.update({s: Work("reference") for s in CLASS[:29] if s not in gd})
    term["gradient_descent"] = gd
    # newton: due 14 hours ago. Through the exchange s01 is late, s03 as late but with an extension;
    # on Canvas, s20 and s21 are marked late; s25..s30 hand in nothing
    nt = {"s01": Work("reference", "exchange"), "s03": Work("reference", "exchange"), "s12": Work("blank"),
          "s13": Work("partial"), "s20": Work("reference", late=True), "s21": Work("reference", late=True)}
    for s, m in zip(["s05", "s06", "s07", "s08", "s09"], [m.name for m in mistakes_of("newton")][::2]):
        nt[s] = Work(m)
    nt.update({s: Work("reference") for s in CLASS[:24] if s not in nt})
    term["newton"] = nt
    # reflection: written answers, all through Canvas; s04 hands in the blank release; s16..s30 nothing
    rf = {"s04": Work("blank"), "s14": Work("partial")}
    for s, m in zip(["s05", "s06", "s07", "s08", "s09", "s10", "s11", "s12"],
                    [m.name for m in mistakes_of("reflection")]):
        rf[s] = Work(m)
    rf.update({s: Work("reference") for s in CLASS[:15] if s not in rf})
    term["reflection"] = rf
    return term


CAST = cast()
EXCHANGE = [a for a in ASSIGNMENTS if any(w.via == "exchange" for w in CAST[a].values())]


def notebook_for(release, assignment, make):
    if make == "reference":
        return student_copy(release, assignment, solved="all")
    if make == "blank":
        return student_copy(release, assignment)
    if make == "partial":
        return student_copy(release, assignment, solved=PARTIAL[assignment])
    mistake = next(m for m in MISTAKES if m.name == make)
    return student_copy(release, assignment, solved="all", replace={mistake.cell: mistake.source})


# --- the course, its students, their machines ------------------------------------------------

class TermCourse(GradingCourse):
    """A temporary course whose exchange and students' homes other uids can reach."""

    def __init__(self, root, shared, assignments):
        super().__init__(root, assignments)
        shutil.rmtree(self.exchange, ignore_errors=True)
        self.exchange = shared / "exchange"
        self.exchange.mkdir()
        self.homes = shared / "home"
        self.homes.mkdir()
        self.seconds = {}              # step -> (wall, CPU) seconds
        self.extra_env = {}

    def env(self, instructor=True):
        return {**super().env(instructor), **self.extra_env}

    def nbgrader(self, *args, env=None, **kwargs):
        """nbgrader as the instructor runs it, with ``env`` (e.g. NNLEARN_ZIP_FROM=canvas) set."""
        self.extra_env = env or {}
        try:
            return super().nbgrader(*args, **kwargs)
        finally:
            self.extra_env = {}

    def run(self, *command, check=True):
        """A command of the course's own (python -m autograder.X), as an instructor runs it."""
        proc = subprocess.run([str(BIN / "python"), *command], cwd=self.root, env=self.env(),
                              capture_output=True, text=True, timeout=900)
        if check and proc.returncode != 0:
            raise AssertionError(f"python {' '.join(command)} failed ({proc.returncode}):\n"
                                 f"{proc.stdout}\n{proc.stderr}")
        return proc

    def home(self, student):
        home = self.homes / student
        if not home.exists():
            home.mkdir()
            os.chown(home, UIDS[student], UIDS[student])
        return home

    def as_student(self, student, *args, check=True):
        """An nbgrader command run by a student: under their own uid, in their home, knowing
        only the exchange and the course id (no instructor's configuration)."""
        uid, home = UIDS[student], self.home(student)
        env = {"PATH": f"{BIN}{os.pathsep}/usr/bin:/bin", "HOME": str(home), "USER": student,
               "LOGNAME": student, "LANG": "C.UTF-8"}
        proc = subprocess.run(
            ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", str(BIN / "nbgrader"), *args,
             f"--course={COURSE_ID}", f"--Exchange.root={self.exchange}", f"--student={student}"],
            cwd=home, env=env, capture_output=True, text=True, timeout=300)
        if check and proc.returncode != 0:
            raise AssertionError(f"{student}: nbgrader {' '.join(args)} failed ({proc.returncode}):\n"
                                 f"{proc.stdout}\n{proc.stderr}")
        return proc

    def write_as(self, student, path, nb):
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(path))
        for item in (path.parent, path):
            os.chown(item, UIDS[student], UIDS[student])

    def gradebook(self):
        from nbgrader.api import Gradebook

        return Gradebook(self.db_url, COURSE_ID)


def cpu_seconds():
    """CPU seconds used so far by this process and the commands it ran (a busy machine
    stretches wall time; this is what a quiet one would spend, spread over its cores)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class timed:
    """Wall and CPU seconds of one step of the term, printed (pytest -s shows them)."""

    def __init__(self, course, step):
        self.course, self.step = course, step

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()

    def __exit__(self, *exc):
        wall, cpu = time.perf_counter() - self.wall, cpu_seconds() - self.cpu
        self.course.seconds[self.step] = (wall, cpu)
        print(f"term: {self.step:<18} {wall:6.1f} s wall, {cpu:6.1f} s CPU")


def in_parallel(calls, jobs=2):
    """Run independent commands (different students' machines) two at a time."""
    with ThreadPoolExecutor(jobs) as pool:
        return [f.result() for f in [pool.submit(call) for call in calls]]


def write_class_list(course):
    path = "autograder/students.csv"
    with (course.root / path).open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "first_name", "last_name", "email", "lms_user_id", "sis_user_id",
                         "sis_login_id", "section"])
        for k, s in enumerate(CLASS):
            writer.writerow([s, FIRST[k], LAST[k], f"{s}@uni.example", CANVAS_ID[s], f"SIS{1000 + k}",
                             f"{s}@uni.example", "Section A" if k % 2 == 0 else "Section B"])
    return path


def write_due_dates(course):
    path = "autograder/due-dates.csv"
    with (course.root / path).open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "duedate"])
        writer.writerows([a, f"{due:%Y-%m-%d %H:%M:%S} UTC"] for a, due in DUE.items() if a != "newton")
    return path


def canvas_name(student):
    """The name part of a Canvas download's file names: "lastfirst", in lower case."""
    k = CLASS.index(student)
    return (LAST[k] + FIRST[k]).lower()


def canvas_zip(course, assignment, release):
    """A Canvas "Download Submissions" zip: <name>_[late_]<user id>_<submission id>_<file>,
    a resubmission's file with -1, -2 before the extension."""
    archive = course.root / "autograder" / "downloaded" / assignment / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for student, work in CAST[assignment].items():
            if work.via != "canvas":
                continue
            versions = [*work.attempts, work.make]
            for attempt, make in enumerate(versions, start=1):
                suffix = f"-{attempt}" if len(versions) > 1 else ""
                name = (f"{canvas_name(student)}_{'late_' if work.late else ''}{CANVAS_ID[student]}_{900000 + attempt}_"
                        f"{assignment}{suffix}.ipynb")
                zf.writestr(name, nbformat.writes(notebook_for(release, assignment, make)))
    (archive / "submissions.zip").write_bytes(buffer.getvalue())


# --- hand grading, as the formgrader does it --------------------------------------------------

COMMENT = "Hand-graded comment for {student}: the second part of your answer needs the units."


def hand_grade(course, assignment):
    """A score and a comment for every written answer handed in (what the formgrader writes
    through nbgrader's Gradebook API); returns {student: {cell: manual score}}."""
    given = {}
    with course.gradebook() as gb:
        for submission in gb.assignment_submissions(assignment):
            student = submission.student.id
            notebook = submission.notebooks[0]
            for grade in notebook.grades:
                if grade.auto_score is not None or grade.cell.cell_type != "markdown":
                    continue
                answered = CAST[assignment].get(student, Work("blank")).make != "blank"
                score = (grade.max_score - (1 if student.endswith(("5", "7")) else 0)) if answered else 0
                grade.manual_score = max(0, score)
                grade.needs_manual_grade = False
                given.setdefault(student, {})[grade.name] = grade.manual_score
                comment = gb.find_comment(grade.name, assignment, assignment, student)
                comment.manual_comment = COMMENT.format(student=student) if answered else "Nothing written."
            gb.db.commit()
    return given


# --- the hidden test that had a bug -------------------------------------------------------------

RIGHT = "assert gd_steps_quadratic == t, \\"
WRONG = "assert gd_steps_quadratic == t + 1, \\"      # the bug: counts rows, fails every right answer


def set_newton_hidden_test(course, source_line):
    path = course.root / "solutions" / "newton" / "newton.ipynb"
    nb = read_nb(path)
    cell = cells_by_id(nb)["test_quadratic"]
    old = WRONG if source_line == RIGHT else RIGHT
    assert old in cell.source, f"newton's test_quadratic no longer has {old!r}: update this test"
    cell.source = cell.source.replace(old, source_line)
    nbformat.write(nb, str(path))


# --- the term -------------------------------------------------------------------------------

@dataclass
class Term:
    course: TermCourse
    outputs: dict = field(default_factory=dict)        # step -> stdout of the course's command
    manual: dict = field(default_factory=dict)         # assignment -> {student: {cell: score}}
    before_fix: dict = field(default_factory=dict)     # newton's results before the fix
    fetched: dict = field(default_factory=dict)        # (student, assignment) -> fetched feedback files

    def results(self, assignment):
        return self.course.results(assignment)


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    shared = Path(tempfile.mkdtemp(prefix="nnl-term-"))
    os.chmod(shared, 0o755)            # the students' uids reach the exchange and their homes
    try:
        course = TermCourse(tmp_path_factory.mktemp("term") / "course", shared, ASSIGNMENTS)
        yield run_term(course)
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def run_term(course):
    t = Term(course)
    set_newton_hidden_test(course, WRONG)

    # --- set up: the class list, the assignments, their due dates, an extension, the release
    with timed(course, "set up"):
        course.nbgrader("db", "student", "import", write_class_list(course))
        course.nbgrader("generate_assignment", "*", "--force")
        releases = {a: read_nb(course.release_path(a)) for a in ASSIGNMENTS}
        course.nbgrader("db", "assignment", "import", write_due_dates(course))       # the term's due dates
        course.nbgrader("db", "assignment", "add", "newton", f"--duedate={DUE['newton']:%Y-%m-%d %H:%M:%S} UTC")
        course.run("-m", "autograder.deadlines", "extend", "newton", "s03", "--hours", str(24 * EXTENSION_DAYS))
        for a in EXCHANGE:
            course.nbgrader("release_assignment", a)
        t.outputs["deadlines"] = course.run("-m", "autograder.deadlines", "list").stdout
        listed = course.nbgrader("db", "assignment", "list")
        t.outputs["assignments"] = listed.stdout + listed.stderr

    # --- the students at the shared machine: fetch (one of them), work, submit
    with timed(course, "students hand in"):
        course.as_student("s01", "fetch_assignment", "newton")
        fetched = read_nb(course.home("s01") / "newton" / "newton.ipynb")
        assert [c.source for c in fetched.cells] == [c.source for c in releases["newton"].cells], \
            "the notebook s01 fetched is not the release"
        by_student = {}
        for a in ASSIGNMENTS:
            for student, work in CAST[a].items():
                if work.via == "exchange":
                    course.write_as(student, course.home(student) / a / f"{a}.ipynb",
                                    notebook_for(releases[a], a, work.make))
                    by_student.setdefault(student, []).append(a)
        # each student hands in their assignments one after the other; students side by side
        in_parallel([lambda s=s, aa=aa: [course.as_student(s, "submit", a) for a in aa]
                     for s, aa in by_student.items()])

    # --- collect: the exchange, then Canvas's download
    with timed(course, "collect"):
        for a in ASSIGNMENTS:
            if a in EXCHANGE:
                course.nbgrader("collect", a)
            canvas_zip(course, a, releases[a])
            course.nbgrader("zip_collect", a, "--force", env={"NNLEARN_ZIP_FROM": "canvas"})

    # --- grade
    with timed(course, "grade"):
        for a in ASSIGNMENTS:
            t.outputs[f"grade {a}"] = course.grade(a).stdout
            print("term:", *re.findall(r"^graded .*$", t.outputs[f"grade {a}"], re.M))

    # --- hand grading (newton's last question, reflection's written answers)
    with timed(course, "hand grading"):
        for a in ["newton", "reflection"]:
            t.manual[a] = hand_grade(course, a)

    # --- a hidden test of newton had a bug: fix it, regenerate, grade again; only newton changed
    with timed(course, "re-grade"):
        t.before_fix = course.results("newton")
        set_newton_hidden_test(course, RIGHT)
        course.generate("newton")
        t.outputs["re-grade newton"] = course.grade("newton").stdout

    # --- feedback, handed out through the exchange, fetched by each student as themselves
    with timed(course, "feedback"):
        done = in_parallel([lambda a=a: course.run("-m", "autograder.feedback", a, "--release")
                            for a in ASSIGNMENTS])
        t.outputs.update({f"feedback {a}": proc.stdout for a, proc in zip(ASSIGNMENTS, done)})
        fetches = [(s, a) for a in ASSIGNMENTS for s, w in CAST[a].items() if w.via == "exchange"]
        in_parallel([lambda s=s, a=a: course.as_student(s, "fetch_feedback", a) for s, a in fetches])
        for s, a in fetches:
            t.fetched[(s, a)] = sorted((course.home(s) / a / "feedback").rglob("*.html"))

    # --- the class report (after hand grading) and the grades for the LMS
    with timed(course, "report and LMS"):
        report, lms, _ = in_parallel([
            lambda: course.run("-m", "autograder.report"),
            lambda: course.run("-m", "autograder.lms", "canvas", "--out", "autograder/canvas-grades.csv"),
            lambda: course.nbgrader("export", "--to=autograder/grades.csv")])
        t.outputs["report"], t.outputs["lms"] = report.stdout, lms.stdout + lms.stderr
    return t


# --- the checks ------------------------------------------------------------------------------

def gradebook_totals(course):
    """{(student, assignment): final score} as nbgrader's export computes it (auto + manual - penalty)."""
    with open(course.root / "autograder" / "grades.csv", newline="") as fh:
        return {(row["student_id"], row["assignment"]): float(row["score"]) for row in csv.DictReader(fh)}


def submitted(assignment):
    return {s for s in CAST[assignment]}


def test_the_class_list_is_the_gradebook_roster(term):
    with term.course.gradebook() as gb:
        roster = {s.id: s for s in gb.students}
    assert set(CLASS) <= set(roster), f"not imported from students.csv: {sorted(set(CLASS) - set(roster))}"
    assert roster["s01"].last_name == LAST[0] and roster["s01"].lms_user_id == CANVAS_ID["s01"]


def test_canvas_download_is_filed_under_the_class_list_ids_latest_file_first(term):
    course = term.course
    for a in ASSIGNMENTS:
        for s, work in CAST[a].items():
            if work.via == "canvas":
                assert course.submitted_path(s, a).is_file(), f"{a}: {s}'s Canvas file was not collected"
                late = course.submission_folder(s, a) / "canvas_late.txt"
                assert late.is_file() == work.late, f"{a}: {s}'s late flag is {late.is_file()}"
    (student,) = [s for s, w in CAST["gradient_descent"].items() if w.attempts]
    r = term.results("gradient_descent")[student]
    assert r["score"] == r["max_score"], f"{student}'s last Canvas attempt is the reference, but scores {r['score']}"


def test_everyone_on_the_list_and_everyone_who_handed_in_has_a_status(term):
    for a in ASSIGNMENTS:
        results = term.results(a)
        # the class list decides who is absent: the stray, in the gradebook once graded, is not
        # absent from the assignments they did not hand in
        expected = set(CLASS) | submitted(a)
        assert set(results) == expected, (f"{a}: no result for {sorted(expected - set(results))}, "
                                          f"unexpected ones for {sorted(set(results) - expected)}")
        absent, blank = set(CLASS) - submitted(a), {s for s, w in CAST[a].items() if w.make == "blank"}
        assert absent and blank, f"{a}: the cast needs someone absent and someone blank"
        for s in results:
            want = ("not_submitted" if s in absent or s not in submitted(a) else "unchanged" if s in blank
                    else "not_on_class_list" if s == STRAY else "ok")
            assert results[s]["status"] == want, (f"{a}: {s} is {results[s]['status']}, not {want} "
                                                  f"({results[s]['message']}; {results[s].get('answers')})")
    assert STRAY in submitted("gradient_descent")


def test_reference_solutions_score_full_marks_and_each_mistake_loses_its_tests(term):
    for a in ASSIGNMENTS:
        results = term.results(a)
        for s, work in CAST[a].items():
            r = results[s]
            if work.make == "reference":
                assert r["score"] == r["max_score"] > 0, f"{a}: {s} handed in the reference and scores {r['score']}"
            elif work.make == "blank":
                assert r["score"] == 0, f"{a}: {s} handed in the blank release and scores {r['score']}"
            elif work.make == "partial":
                assert 0 < r["score"] < r["max_score"], f"{a}: {s}'s partial work scores {r['score']}"
            else:
                mistake = next(m for m in MISTAKES if m.name == work.make)
                lost = {name for name, test in r["tests"].items() if test["points"] < test["max_points"]}
                assert lost == set(mistake.loses), f"{a}: {s} ({mistake.name}) loses {sorted(lost)}"


def test_late_work_gets_the_penalty_and_an_extension_spares_it(term):
    results, totals = term.results("newton"), gradebook_totals(term.course)
    late, extended = results["s01"]["late"], results["s03"]["late"]
    assert 13.9 * 3600 < late["seconds_late"] < 14.5 * 3600, f"s01 handed in newton {late} after the due date"
    assert late["penalty"] == results["s01"]["score"] + term.manual["newton"]["s01"]["cost"] > 0, \
        f"s01's penalty under penalty_method 'zero' should be the whole score: {late}"
    assert totals[("s01", "newton")] == 0, "s01's late newton should count 0 in the gradebook"
    assert not extended["seconds_late"] and not extended["penalty"], f"s03 has an extension: {extended}"
    assert totals[("s03", "newton")] == results["s03"]["max_score"] + term.manual["newton"]["s03"]["cost"]
    assert "s03" in term.outputs["deadlines"] and "+24 h" in term.outputs["deadlines"], term.outputs["deadlines"]
    assert all(a in term.outputs["assignments"] for a in ASSIGNMENTS), term.outputs["assignments"]
    assert re.search(r"late: .*s01 \(14\.\d h, penalty", term.outputs["re-grade newton"]), \
        "the grading command's summary does not name s01 as late:\n" + term.outputs["re-grade newton"]


def test_a_fixed_hidden_test_regrades_that_assignment_only_and_keeps_hand_grades(term):
    before, after = term.before_fix, term.results("newton")
    right = [s for s, w in CAST["newton"].items() if w.make == "reference"]
    for s in right:
        assert not before[s]["tests"]["test_quadratic"]["passed"], \
            "the bug planted in newton's hidden test did not fail the right answers"
        assert after[s]["tests"]["test_quadratic"]["passed"], f"{s}: the fixed test still fails"
        assert after[s]["score"] == after[s]["max_score"], f"{s}: {after[s]['score']} after the fix"
    assert re.search(rf"graded {len(after)} submissions of newton", term.outputs["re-grade newton"]), \
        term.outputs["re-grade newton"]
    with term.course.gradebook() as gb:
        for a in ["newton", "reflection"]:
            assert len(term.manual[a]) > 5, f"{a}: hardly anything was hand-graded: {term.manual[a]}"
            for s, cells in term.manual[a].items():
                notebook = gb.find_submission_notebook(a, a, s)
                kept = {g.name: g.manual_score for g in notebook.grades if g.name in cells}
                assert kept == cells, f"{a} {s}: manual scores {cells} became {kept}"


def test_feedback_reaches_each_exchange_student_under_their_own_uid(term):
    exchange = {(s, a) for a in ASSIGNMENTS for s, w in CAST[a].items() if w.via == "exchange"}
    assert set(term.fetched) == exchange and len({s for s, _ in exchange}) == len(UIDS)
    for (s, a), files in term.fetched.items():
        assert len(files) == 1, f"{s} fetched {len(files)} feedback pages for {a}"
        text = html_text(files[0])
        assert s in text, f"{s}'s fetched page for {a} does not name them"
    page = html_text(term.fetched[("s03", "newton")][0])
    assert COMMENT.format(student="s03") in page, "the page s03 fetched lacks the hand-graded comment"
    for a in ASSIGNMENTS:
        out = term.outputs[f"feedback {a}"]
        for_lms = set(re.findall(r"^\s+(\S+)\s+\S+\.html$", out.split("upload each file", 1)[-1], re.M))
        zipped = {s for s, w in CAST[a].items() if w.via == "canvas"}
        assert for_lms == zipped, f"feedback {a} --release should list the LMS students' pages:\n{out}"


def test_feedback_pages_are_readable_by_students_and_show_no_secret(term):
    course = term.course
    for a in ASSIGNMENTS:
        files = [f for (s, aa), fs in term.fetched.items() if aa == a for f in fs]
        for s in submitted(a):
            folder = course.feedback_dir(s, a)
            page = folder / f"{a}.html"
            assert page.is_file(), f"no feedback page for {s} in {a}"
            assert stat.S_IMODE(page.stat().st_mode) == 0o644 and stat.S_IMODE(folder.stat().st_mode) == 0o755, \
                f"{page}: {oct(page.stat().st_mode)}, its folder {oct(folder.stat().st_mode)}"
            files.append(page)
        secrets = secrets_of(a)
        assert secrets, f"{a} has no hidden test or rubric line to look for"
        for path in files:
            text = html_text(path)
            leaked = [line for line in secrets if line in text]
            assert not leaked, f"{path} shows hidden tests or rubrics: {leaked[:2]}"
            for marker in ["BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "Rubric", "Model answer"]:
                assert marker not in text, f"{path} shows {marker!r}"


def test_class_report_names_who_needs_a_look_and_the_most_common_mistake(term):
    page = term.course.root / "autograder" / "report" / "index.html"
    assert page.is_file(), "no class report"
    sections = {}
    text = page.read_text(encoding="utf-8")
    for a in ASSIGNMENTS:
        start = text.index(f">{a}</h2>")
        ends = [text.index(f">{b}</h2>") for b in ASSIGNMENTS if text.index(f">{b}</h2>") > start]
        sections[a] = html_text_of(text[start:min(ends) if ends else len(text)])
    gd, newton, reflection = (sections[a] for a in ASSIGNMENTS)
    look = lambda section: section.split("Students who need a look", 1)[1]     # noqa: E731
    assert "s17" in look(gd) and STRAY in look(gd), "the report does not flag the blank s17 and the stray"
    assert "s04" in look(reflection), "the report does not flag s04, who handed in the blank release"
    assert "s01" in look(newton) and "s20" in look(newton) and "s21" in look(newton), \
        "the report does not flag the late s01 and Canvas's late s20, s21"
    assert "s30" in look(gd), "the report does not list the absent s30"
    mistakes = gd.split("Most common mistakes", 1)[1].split("Scores", 1)[0]
    first = re.search(r"\bstudents tests (.*?) (\d+) test_", mistakes)
    assert first and COMMON_MESSAGE in first.group(1) and int(first.group(2)) == len(COMMON), \
        f"the most common mistake of gradient_descent should be {COMMON_MESSAGE!r}, {len(COMMON)} students:" \
        f"\n{mistakes[:600]}"


def html_text_of(fragment):
    from bs4 import BeautifulSoup

    return re.sub(r"\s+", " ", BeautifulSoup(fragment, "html.parser").get_text(" ")).strip()


def test_canvas_csv_has_the_gradebook_final_scores_of_the_class_list(term):
    with open(term.course.root / "autograder" / "canvas-grades.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    header, possible, students = rows[0], rows[1], rows[2:]
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"], header
    assert "Points Possible" in possible[0]
    columns = {a: header.index(a) for a in ASSIGNMENTS}
    assert [r[1] for r in students] == [CANVAS_ID[s] for s in CLASS], "one row per student of the class list"
    assert STRAY in term.outputs["lms"], "the stray, left out of the Canvas file, is not named in a warning"
    totals = gradebook_totals(term.course)
    by_id = {CANVAS_ID[s]: s for s in CLASS}
    for row in students:
        s = by_id[row[1]]
        k = CLASS.index(s)
        assert row[0] == f"{LAST[k]}, {FIRST[k]}"
        for a, col in columns.items():
            if s not in submitted(a):
                assert row[col] == "", f"{s} was absent from {a}; Canvas's cell should stay empty, not {row[col]!r}"
            else:
                assert float(row[col]) == totals[(s, a)], f"{s} {a}: Canvas {row[col]}, gradebook {totals[(s, a)]}"
    blank = next(s for s, w in CAST["gradient_descent"].items() if w.make == "blank" and s in CLASS)
    assert float(students[CLASS.index(blank)][columns["gradient_descent"]]) == 0, "a blank submission counts 0"
