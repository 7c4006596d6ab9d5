"""python -m autograder.feedback: one page per student after hand grading, readable by
the student's own uid through the exchange, and nothing secret or external on it.

One graded course for the whole module (reflection: written answers graded by hand):
"ada" works as another uid (65534) and submits through the exchange; "cy" hands in
part of it as a file through the LMS. The course is graded by
``python -m autograder.grade``, ada's written answers are graded by hand with a comment
(as the formgrader writes them), then ``python -m autograder.feedback reflection
--release`` runs once.
"""

import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from assignment_helpers import BIN, COURSE_ID, ROOT, STUDENT_ANSWER, read_nb, student_copy
from grading_helpers import GradingCourse, namespaces_available
from test_assignments_workflow import PARTIAL, grade_by_hand, secrets_of

pytestmark = [pytest.mark.slow,
              pytest.mark.xdist_group("feedback-command"),      # its module fixture built once
              pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                                 reason="needs root and setpriv to act as a student's uid")]

ASSIGNMENT = "reflection"
STUDENT_UID = 65534                     # nobody: a uid that is not the instructor's
COMMENT = "Good: you read the curve <b>before</b> the step & named the plateau."


def as_student(course, home, *args, uid=STUDENT_UID):
    """nbgrader run as a student: another uid, their own home."""
    env = {k: v for k, v in course.env(instructor=False).items() if not k.startswith("NNLEARN")}
    env.update(HOME=str(home), USER="student", LOGNAME="student", JUPYTER_RUNTIME_DIR=str(home / ".runtime"))
    command = [str(BIN / "nbgrader"), *args, f"--course={COURSE_ID}", f"--Exchange.root={course.exchange}"]
    command = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--", *command]
    proc = subprocess.run(command, cwd=home, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{' '.join(args)} as uid {uid} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def submit(course, release, student, home, uid, solved):
    """The student's work, submitted through the exchange as their uid (fetching the
    release is what test_assignments_workflow proves; here it is copied in)."""
    path = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    path.parent.mkdir()
    nbformat.write(student_copy(release, ASSIGNMENT, solved=solved), str(path))
    for item in (path.parent, path):
        os.chown(item, uid, uid)
    as_student(course, home, "submit", ASSIGNMENT, f"--student={student}", uid=uid)


def feedback_command(course, *args):
    return subprocess.run([sys.executable, "-m", "autograder.feedback", ASSIGNMENT, *args], cwd=course.root,
                          env=course.env(), capture_output=True, text=True, timeout=300)


def add_comment(course, student, text):
    """What the formgrader writes when the grader comments on a written answer."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        comment = next(c for c in notebook.comments if c.name == answer_ids(course)[0])
        comment.manual_comment = text
        gb.db.commit()


def answer_ids(course):
    release = read_nb(course.release_path(ASSIGNMENT))
    return [c.metadata["nbgrader"]["grade_id"] for c in release.cells
            if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")]


def gradebook_total(course, student):
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        sub = gb.find_submission(ASSIGNMENT, student)
        return max(0.0, sub.score - sub.late_submission_penalty), sub.max_score


@pytest.fixture(scope="module")
def term():
    if not namespaces_available():
        pytest.skip("the grading command cannot sandbox here")
    shared = Path(tempfile.mkdtemp(prefix="nnl-feedback-", dir="/tmp"))
    os.chmod(shared, 0o755)                 # students reach the exchange and their homes through it
    try:
        course = GradingCourse(shared / "course", [ASSIGNMENT])
        os.chmod(course.root, 0o755)        # open: autograder/feedback/ itself must keep others out
        os.chmod(course.exchange, 0o755)
        release = course.generate(ASSIGNMENT)
        course.nbgrader("release_assignment", ASSIGNMENT)
        homes = {}
        home = homes["ada"] = shared / "home-ada"
        home.mkdir()
        os.chown(home, STUDENT_UID, STUDENT_UID)
        submit(course, release, "ada", home, STUDENT_UID, "all")
        course.nbgrader("collect", ASSIGNMENT)
        # cy's file came from the LMS: no exchange submission, no submission secret
        course.hand_in(ASSIGNMENT, {"cy": student_copy(release, ASSIGNMENT, solved=PARTIAL[ASSIGNMENT])})
        course.grade(ASSIGNMENT)
        grade_by_hand(course, ASSIGNMENT, "ada", 1.0)
        add_comment(course, "ada", COMMENT)
        proc = feedback_command(course, "--release")
        course.release_run = proc
        yield course, homes
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def page_text(path):
    from bs4 import BeautifulSoup

    return re.sub(r"\s+", " ", BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser").get_text(" "))


def page(course, student):
    return course.feedback_dir(student, ASSIGNMENT) / f"{ASSIGNMENT}.html"


def test_manual_scores_and_comments_reach_the_page(term):
    course, _ = term
    proc = course.release_run
    assert proc.returncode == 0, f"the feedback command failed:\n{proc.stdout}\n{proc.stderr}"
    text = page_text(page(course, "ada"))
    total, top = gradebook_total(course, "ada")
    assert total == top, f"ada's written answers were graded full marks; the gradebook says {total} of {top}"
    assert f"Total {total:g} of {top:g}" in text, f"the page's total is not the gradebook's {total:g} of {top:g}"
    assert "not graded yet" not in text.split("Total")[0], "ada's hand-graded answers show as not graded"
    assert COMMENT in text, "the grader's comment is not on the page"
    raw = page(course, "ada").read_text()
    assert "<b>before</b>" not in raw, "the comment's markup reached the page unescaped"
    assert STUDENT_ANSWER in text, "the page does not show the student's own notebook"
    cy = page_text(page(course, "cy"))
    assert "not graded yet" in cy, "cy's written answers are not graded yet, and the page must say so"


def test_a_regrade_keeps_the_manual_scores_on_the_page(term):
    course, _ = term
    # once the grader re-grades only what changed, --force makes it grade ada again
    force = ["--force"] if '"--force"' in (ROOT / "autograder" / "grade.py").read_text() else []
    course.grade(ASSIGNMENT, "--student", "ada", *force)
    total, top = gradebook_total(course, "ada")
    text = page_text(page(course, "ada"))
    assert f"Total {total:g} of {top:g}" in text and total == top, "a re-grade lost the manual scores on the page"
    assert COMMENT in text, "a re-grade lost the grader's comment on the page"


def test_no_secret_and_nothing_loaded_from_outside(term):
    course, homes = term
    files = [page(course, s) for s in ["ada", "cy"]]
    files += list((homes["ada"] / ASSIGNMENT / "feedback").rglob("*.html"))
    secrets = secrets_of(ASSIGNMENT)
    assert secrets, "no secrets to look for: the check would prove nothing"
    for path in files:
        raw, text = path.read_text(), page_text(path)
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{path} shows hidden-test or rubric lines: {leaked[:3]}"
        for marker in ["BEGIN HIDDEN TESTS", "Rubric", "Model answer"]:
            assert marker not in text, f"{path} shows {marker!r}"
        assert not re.search(r"<(script|link|iframe|object|embed)\b", raw, re.I), f"{path} loads something"
        sources = re.findall(r"""\bsrc\s*=\s*['"]?([^'" >]+)""", raw, re.I)
        assert all(s.startswith("data:") for s in sources), f"{path} loads {sources}"
        assert "url(" not in raw and "@import" not in raw, f"{path}'s style loads something"
        assert "<math" in raw, f"{path}: the notebook's maths is not written as MathML"


def test_modes_let_the_student_read_the_page_and_nothing_else(term):
    course, _ = term
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    folder = course.feedback_dir("ada", ASSIGNMENT)
    assert mode(page(course, "ada")) == 0o644, oct(mode(page(course, "ada")))
    assert mode(folder) == 0o755 and mode(folder.parent) == 0o755, (oct(mode(folder)), oct(mode(folder.parent)))
    assert mode(folder.parent.parent) == 0o700, "autograder/feedback/ must keep other users out of the course's copy"
    secret = folder / "submission_secret.txt"
    assert secret.is_file() and mode(secret) & 0o077 == 0, "the submission secret must stay private"
    result = course.root / "autograder" / "results" / ASSIGNMENT / "ada.json"
    assert mode(result) & 0o077 == 0, f"results/ must stay private: {oct(mode(result))}"


def test_the_students_own_uid_fetches_its_page_and_no_other(term):
    course, homes = term
    home = homes["ada"]
    as_student(course, home, "fetch_feedback", ASSIGNMENT, "--student=ada")
    fetched = list((home / ASSIGNMENT / "feedback").rglob("*.html"))
    assert len(fetched) == 1, f"ada fetched {fetched}"
    assert COMMENT in page_text(fetched[0]) and "feedback for ada" in page_text(fetched[0])
    probe = ("import os, sys\n"
             "for p in sys.argv[1:]:\n"
             "    try:\n        os.listdir(p) if os.path.isdir(p) else open(p).read(); print('READ', p)\n"
             "    except PermissionError:\n        print('DENIED', p)\n")
    outbound = course.exchange / COURSE_ID / "feedback"
    proc = subprocess.run(["setpriv", f"--reuid={STUDENT_UID}", f"--regid={STUDENT_UID}", "--clear-groups", "--",
                           sys.executable, "-c", probe, str(outbound), str(page(course, "cy"))],
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.count("DENIED") == 2, f"another student's feedback is within ada's reach:\n{proc.stdout}"


def test_release_skips_lms_students_with_a_plain_message(term):
    course, _ = term
    out = course.release_run.stdout
    assert "released 1 page(s) through the exchange" in out, out
    lms = [line for line in out.splitlines() if line.strip().startswith("cy ")]
    assert lms and str(page(course, "cy")) in lms[-1], f"cy's page is not listed for the LMS:\n{out}"
    assert "Traceback" not in course.release_run.stderr, course.release_run.stderr


EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_the_formgrader_loads_nothing_from_outside(term, monkeypatch):
    """The formgrader's page (its exporter, configured by the course's nbgrader_config.py)
    draws the maths as MathML and loads no script from a CDN. Stock generate_feedback's
    pages are checked where the workflow test makes them
    (tests/test_assignments_workflow.py)."""
    course, _ = term
    from nbconvert.exporters import HTMLExporter
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("NNLEARN_COURSE_ROOT", str(course.root))
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT / "autograder")).load_config()
    config.HTMLExporter.template_name = "formgrade"       # what the formgrader's exporter uses
    html, _ = HTMLExporter(config=config).from_filename(
        str(course.autograded_path("ada", ASSIGNMENT)),
        resources={"assignment_id": ASSIGNMENT, "notebook_id": ASSIGNMENT, "submission_id": "x", "index": 0,
                   "total": 1, "base_url": "", "student": "ada", "last_name": "", "first_name": "",
                   "notebook_path": ""})
    assert "formgrader" in html, "this is not the formgrader's page"
    assert not EXTERNAL.search(html), f"the formgrader's page loads {EXTERNAL.search(html).group(0)}"
    assert "<math" in html and "MathJax.Hub" not in html, "the formgrader does not draw the maths as MathML"
