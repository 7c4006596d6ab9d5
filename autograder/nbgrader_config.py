"""nbgrader configuration: the repository itself is the nbgrader course.

nbgrader finds this file when ``autograder/`` is on ``JUPYTER_CONFIG_PATH``;
from the repository root, once per shell:

    export PATH="$PWD/.venv/bin:$PATH" JUPYTER_CONFIG_PATH="$PWD/autograder"

(``.venv/bin`` first because nbgrader shells out to ``alembic`` and starts the
``python`` kernel from the PATH.) See book/for-instructors.md for the commands.

Layout, all relative to the course root (the repository root, found from this
file's own location, so no absolute path is written down anywhere):

    solutions/<assignment>/      the source: solutions and hidden tests (committed)
    exercises/<assignment>/      the released student copies (committed)
    autograder/submitted/ ... autograded/ ... feedback/ ... downloaded/ ... gradebook.db
                                 nbgrader's working state (gitignored)
    autograder/exchange/         the default exchange (gitignored)

Environment variables move things for tests and for other setups:

* ``NNLEARN_COURSE_ROOT``: use another folder as the course root (the test suite
  runs whole grading rounds in temporary copies of the course);
* ``NNLEARN_EXCHANGE``: the exchange folder (on a shared server, for example
  ``/srv/nbgrader/exchange``);
* ``NNLEARN_DB_URL``: the gradebook in another database, for a large course
  PostgreSQL (``postgresql+psycopg://USER@HOST:PORT/DATABASE``, one database per
  course); its schema is made or checked here, before nbgrader touches it
  (autograder/gradebook_db.py says why).
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("NNLEARN_COURSE_ROOT") or HERE.parent).resolve()
WORK = ROOT / "autograder"          # where nbgrader keeps its working state
WORK.mkdir(parents=True, exist_ok=True)   # sqlite creates the gradebook, not its folder

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

# --- the course and its folders -------------------------------------------------
c.CourseDirectory.course_id = "nnlearn"
c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "autograder/submitted"
c.CourseDirectory.autograded_directory = "autograder/autograded"
c.CourseDirectory.feedback_directory = "autograder/feedback"
c.CourseDirectory.solution_directory = "autograder/solution"
c.CourseDirectory.db_url = os.environ.get("NNLEARN_DB_URL") or "sqlite:///" + (WORK / "gradebook.db").as_posix()
c.ZipCollectApp.downloaded_directory = "autograder/downloaded"

c.Exchange.root = os.environ.get("NNLEARN_EXCHANGE") or str(WORK / "exchange")


# --- nbgrader validate --------------------------------------------------------------
# Validate cuts every line of an error at Validator.width (90 by default), and the
# self-checks' messages put their best hint at the end of a line of up to ~400 characters
# ("...so the error enters at delta[1]"). Students' own validate reads the same number from
# the config the student kit writes (publish/setup_course.py, VALIDATE_WIDTH); on a hub,
# put this line in the students' nbgrader_config.py (book/for-instructors.md).
c.Validator.width = 500

# --- grading ------------------------------------------------------------------
# Every notebook runs in well under a minute; a cell that runs longer is stuck
# (c.Execute.timeout, below: the same limit as the grading command's).
# Locked cells (instructions, setup, tests) come back from the gradebook at
# autograde time; a test cell a student deleted is put back rather than lost.
c.OverwriteCells.add_missing_cells = True
# A runaway print loop must not blow up the autograded notebook or the feedback.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 60

# --- deadlines ------------------------------------------------------------------
# Due dates are the gradebook's (`nbgrader db assignment add NAME --duedate=...`), extensions
# too (`python -m autograder.deadlines extend NAME STUDENT --hours 48`). A submission later
# than its due date (timestamp.txt) gets nbgrader's late penalty, on both grading paths:
# stock autograde runs AssignLatePenalties, `python -m autograder.grade` applies the same
# plugin (autograder/deadlines.py). "zero": a late submission scores 0; "none": lateness is
# only recorded. For another rule, a LateSubmissionPlugin subclass of your own goes in
# c.AssignLatePenalties.plugin_class.
c.LateSubmissionPlugin.penalty_method = "zero"

# --- files handed in through the LMS (nbgrader zip_collect) -------------------------
# Put the downloads (notebooks, or zips of them) in
# autograder/downloaded/<assignment>/archive/. A file named <student_id>_<notebook>.ipynb,
# such as alice_backprop.ipynb, goes to autograder/submitted/alice/backprop/backprop.ipynb.
# nbgrader matches the pattern against the whole path, hence the leading (?:.*[/\\])?.
# For other LMS naming schemes, see book/for-instructors.md.
c.FileNameCollectorPlugin.named_regexp = (
    r"^(?:.*[/\\])?(?P<student_id>[A-Za-z0-9][A-Za-z0-9.-]*)_(?P<file_id>[a-z_]+\.ipynb)$"
)
# Canvas's "Download Submissions" zip (lastfirst_[late_]<user id>_<submission id>_<file>):
# run `NNLEARN_ZIP_FROM=canvas nbgrader zip_collect ASSIGNMENT`. Canvas's user id becomes the
# course's student id through the class list, the latest of several files wins, a late
# file is handed in with a canvas_late.txt beside it, and odd files are skipped by name
# (autograder/canvas_collect.py).
if os.environ.get("NNLEARN_ZIP_FROM", "").lower() == "canvas":
    c.ZipCollectApp.collector_plugin = "autograder.canvas_collect.CanvasCollector"
    c.ZipCollectApp.extractor_plugin = "autograder.canvas_collect.CanvasExtractor"

# --- the stock `nbgrader autograde` fallback ---------------------------------------
# The course grades with `python -m autograder.grade` (book/for-instructors.md). Stock
# `nbgrader autograde` stays as a fallback with the same per-cell time limit and the
# same rules: the setup cell's `call` decides what a warning costs, so output on
# stderr in a test cell (which stock nbgrader scores 0) is made ordinary output first.
# nbgrader execs this file with its own sys.path: the repository root makes the
# package `autograder` importable (the one sys.path edit of the package).
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.converters import Autograde  # noqa: E402
from nbgrader.preprocessors import GetGrades, SaveAutoGrades  # noqa: E402

from autograder.limits import CELL_TIMEOUT  # noqa: E402

# A gradebook elsewhere: its whole schema is made (or checked) in one step before any nbgrader
# command uses it, never half-made; a problem stops the command with what to do (traitlets would
# log an ordinary exception and go on).
if os.environ.get("NNLEARN_DB_URL") and not os.environ.get("NNLEARN_DB_CHECKED_BY"):
    from autograder import gradebook_db  # noqa: E402

    try:
        gradebook_db.prepare(c.CourseDirectory.db_url, c.CourseDirectory.course_id)
    except gradebook_db.GradebookError as _err:
        raise SystemExit(f"error: {_err}") from None
from autograder.nnl_feedback import HideHiddenTests, MathToMathML, WarningsCostNoMarks  # noqa: E402

c.Execute.timeout = int(CELL_TIMEOUT)
_stock = list(Autograde.class_traits()["autograde_preprocessors"].default())
c.Autograde.autograde_preprocessors = (_stock[:_stock.index(SaveAutoGrades)] + [WarningsCostNoMarks]
                                       + _stock[_stock.index(SaveAutoGrades):])

# --- feedback -------------------------------------------------------------------
# Stock feedback shows every test cell as the autograder ran it, hidden tests
# and tracebacks included. HideHiddenTests removes the hidden-test regions and
# reduces each failing test cell's traceback to its error message.
# The course's own feedback (python -m autograder.feedback) replaces it; this is the
# stock command and the formgrader's button.
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, MathToMathML, CSSHTMLHeaderPreprocessor]

# --- maths offline, in the formgrader and stock feedback --------------------------------
# nbgrader's templates load MathJax from a CDN (they call nbconvert's `mathjax` macro with
# no URL, so HTMLExporter.mathjax_url is ignored). Formulas become MathML instead
# (MathToMathML, also in the formgrader's exporter), and autograder/templates/ replaces
# the macro, searched before nbgrader's templates: the pages load nothing.
import nbgrader.server_extensions.formgrader as _formgrader  # noqa: E402

c.HTMLExporter.extra_template_basedirs = [str(HERE / "templates"),
                                          str(Path(_formgrader.__file__).parent / "templates")]
c.HTMLExporter.preprocessors = [MathToMathML]
