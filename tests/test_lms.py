"""The class report (autograder/report.py), the LMS export (autograder/lms.py) and the Canvas
zip_collect plugin (autograder/canvas_collect.py), on a synthetic graded class: result files and
a gradebook made with nbgrader's API (tests/lms_helpers.py); no sandbox, no grading."""

import contextlib
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lms_helpers import COURSE_ID, TESTS, Submission, make_class

from autograder import canvas_collect, lms, report

ASSIGNMENT = "backprop"
CONFIG = report.HERE / "nbgrader_config.py"
HIDDEN_LINE = "assert np.allclose(dW[1], expected_dW1, rtol=1e-6), 'hidden check of the first layer'"

CLASS = [
    Submission("ada", manual=3.0),
    Submission("bob", failed=("test_backward_batch",), manual=1.0, penalty=2.0,
               late={"timestamp": "2026-11-30 13:00:00", "due": "2026-11-29 23:00:00", "seconds_late": 50400,
                     "penalty": 2.0}),
    Submission("cyd", failed=("test_backward_batch", "test_backward_hidden")),
    Submission("dee", failed=("test_backward_batch",), manual=2.0),
    Submission("eve", status="unchanged", message="the notebook handed in is the release, unchanged"),
    Submission("fay", status="not_submitted", message="Nothing was handed in."),
    Submission("gus", status="grader_error", message="the grader failed on this submission: OSError: boom"),
    Submission("zed", manual=3.0),                                      # not on the class list
]
CLASS_LIST = ("id,first_name,last_name,email,lms_user_id,sis_user_id,sis_login_id,section\n"
              "ada,Ada,Lovelace,ada@uni.example,101,S001,ada.l,A\nbob,Bob,,,102,S002,bob,B\n"
              + "".join(f"{s},,,,{k},,,\n" for k, s in enumerate(["cyd", "dee", "eve", "fay", "gus", "hal"], 103)))
# hal is on the class list and handed nothing in: no result file, nothing in the gradebook


slow = pytest.mark.slow          # the gradebook takes nbgrader several seconds to create
pytestmark = pytest.mark.xdist_group("lms")      # the module's class is built once, on one worker


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("report") / "course"
    db_url = make_class(root, ASSIGNMENT, CLASS, CLASS_LIST)
    result = root / "autograder" / "results" / ASSIGNMENT / "cyd.json"
    result.write_text(result.read_text().replace('"student_traceback": ""',
                                                 '"student_traceback": ' + json.dumps(HIDDEN_LINE), 1))
    flag = root / "autograder" / "submitted" / "dee" / ASSIGNMENT / "canvas_late.txt"     # canvas_collect's
    flag.parent.mkdir(parents=True)
    flag.write_text("Canvas marked this submission late (file deedee_late_104_9_backprop.ipynb).\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NNLEARN_COURSE_ROOT", str(root))
        assert report.main(["--config", str(CONFIG)]) == 0          # as an instructor runs it
    return root, db_url, (root / report.OUT).read_text(encoding="utf-8")


def row_of(page, first_cell):
    match = re.search(r"<tr><th scope='row'>(?:<code>)?" + re.escape(first_cell) + r"(?:</code>)?</th>(.*?)</tr>",
                      page)
    assert match, f"no row for {first_cell}"
    return re.sub(r"<[^>]+>", "|", match.group(1))


@slow
def test_pass_rates_count_the_notebooks_handed_in(course):
    _, _, page = course
    # graded and changed: ada, bob, cyd, dee, zed (eve is blank, fay absent, gus not graded)
    assert "5 / 5" in row_of(page, "test_forward")
    assert "2 / 5" in row_of(page, "test_backward_batch") and "40%" in row_of(page, "test_backward_batch")
    assert "4 / 5" in row_of(page, "test_backward_hidden")
    assert page.count("<figure>") == 2 and "Pass rate per test, backprop" in page


@slow
def test_failure_messages_are_grouped_by_mistake_with_a_count_and_an_example(course):
    _, _, page = course
    # bob, cyd and dee were told different numbers ("m = 4", "m = 5", "m = 6"): one mistake, 3 students
    row = re.search(r"<tr><td>dW is m = # times too large for # examples.*?</tr>", page).group(0)
    assert "<td class='num'>3</td>" in row and "e.g. “dW is m = " in row and "test_backward_batch" in row
    assert page.count("dW is m = # times") == 1
    assert "error enters at delta[1], made from delta[2]" in page       # the index that says where is kept


def test_mistakes_keep_the_layer_and_drop_the_values():
    a = report.mistake_of("dW[2] is wrong (relative error 2.3e-01) on the worked example; dW[1] is right")
    b = report.mistake_of("dW[2] is wrong (relative error 4.0e-02) on the worked example; dW[1] is right")
    c = report.mistake_of("dW[1] is wrong (relative error 2.3e-01) on the worked example; dW[2] is right")
    assert a == b == "dW[2] is wrong (relative error #) on the worked example; dW[1] is right" and a != c
    assert report.mistake_of("shapes (3, 4) and (4,) do not match") == report.mistake_of("shapes (5, 2) and (2,) do "
                                                                                          "not match")


@slow
def test_scores_come_from_the_gradebook_with_manual_points_and_penalties(course):
    root, db_url, page = course
    scores, max_scores = report.gradebook_scores(db_url, COURSE_ID, [ASSIGNMENT])
    a = report.analyse(ASSIGNMENT, report.read_results(root, ASSIGNMENT), scores, max_scores[ASSIGNMENT],
                       report.classlist.load_if_present(root))
    auto = sum(p for _, p, _ in TESTS)
    assert a["final"]["ada"] == auto + 3
    assert a["final"]["bob"] == 0       # late: penalty_method "zero" takes all, the hand-graded point too
    assert a["final"]["eve"] == 0 and "fay" not in a["final"] and "gus" not in a["final"]
    assert a["max_score"] == auto + 3
    assert "3 submission(s) still have answers to grade by hand" in page      # cyd, eve, gus: no manual score
    assert f"6 students; mean {sum(a['final'].values()) / 6:.1f}" in page and "2 absent, not counted" in page


@slow
def test_students_who_need_a_look_and_why(course):
    _, _, page = course
    auto = sum(p for _, p, _ in TESTS)
    assert f"late by 14.0 h, penalty {auto - 4 + 1:g}" in row_of(page, "bob")     # the gradebook's, recomputed
    assert "scored 0" in row_of(page, "eve") and "unchanged" in row_of(page, "eve")
    assert "grader_error" in row_of(page, "gus") and "OSError: boom" in row_of(page, "gus")
    assert "not on the class list" in row_of(page, "zed")
    assert "Absent (nothing handed in, 2): fay, hal." in page
    assert "Canvas marked it late" in row_of(page, "dee")
    assert "<th scope='row'>ada</th>" not in page


@slow
def test_the_page_is_self_contained_accessible_and_shows_no_test_code(course):
    _, _, page = course
    assert not re.search(r"https?:|//[a-z]|<script|<link|<img|src=", page, re.I)
    assert all(h.startswith("#") for h in re.findall(r"href=['\"]([^'\"]*)", page))
    assert page.startswith("<!DOCTYPE html>") and "<html lang='en'>" in page and page.count("<h1>") == 1
    assert "name='viewport'" in page and "<caption>" in page and "scope='col'" in page
    assert page.count('role="img"') == 2 and page.count("<figcaption>") == 2 and "<desc id=" in page
    assert HIDDEN_LINE not in page and "expected_dW1" not in page


@slow
def test_a_late_penalty_follows_a_score_raised_by_hand(course, tmp_path):
    """penalty_method "zero": bob, late, is given 2 more points by hand after grading; the
    penalty the feedback pages, the LMS export and the report read is then his new score."""
    from nbgrader.api import Gradebook
    from traitlets.config import Config

    from autograder import deadlines

    root, _, _ = course
    shutil.copy(root / "autograder" / "gradebook.db", tmp_path / "gradebook.db")
    db_url = "sqlite:///" + (tmp_path / "gradebook.db").as_posix()
    config = Config()
    config.LateSubmissionPlugin.penalty_method = "zero"
    with Gradebook(db_url, COURSE_ID) as gb:
        gb.find_grade("answer_why", ASSIGNMENT, ASSIGNMENT, "bob").manual_score = 3.0      # was 1
        gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "bob").late_submission_penalty = 5.0    # stale
        gb.db.commit()
    assert deadlines.refresh_penalties(db_url, COURSE_ID, deadlines.penalty_plugin(config), [ASSIGNMENT]) == 1
    scores, _, _ = lms.read_gradebook(db_url, COURSE_ID)
    auto = sum(p for _, p, _ in TESTS)
    assert (scores[ASSIGNMENT, "bob"].raw, scores[ASSIGNMENT, "bob"].penalty) == (auto - 4 + 3, auto - 4 + 3)
    assert scores[ASSIGNMENT, "bob"].final == 0 and scores[ASSIGNMENT, "ada"].penalty == 0


# --- the LMS export ----------------------------------------------------------------------------

def canvas_csv(course, *options):
    """Run `python -m autograder.lms canvas` (in-process) on the course; (rows, stderr)."""
    root, _, _ = course
    out = root / "canvas.csv"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NNLEARN_COURSE_ROOT", str(root))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            assert lms.main(["canvas", "--out", str(out), "--config", str(CONFIG), *options]) == 0
    with open(out, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh)), err.getvalue()


@slow
def test_canvas_csv_has_canvas_columns_and_the_gradebook_final_scores(course):
    rows, err = canvas_csv(course, "--column", "backprop=Backprop (12345)")
    auto = sum(p for _, p, _ in TESTS)
    assert rows == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Backprop (12345)"],
        ["    Points Possible", "", "", "", "", f"{auto + 3:g}"],
        ["Lovelace, Ada", "101", "S001", "ada.l", "A", f"{auto + 3:g}"],       # auto + manual
        ["Bob", "102", "S002", "bob", "B", "0"],          # late: "zero" takes the autograded and manual points
        ["cyd", "103", "", "", "", f"{auto - 7:g}"],
        ["dee", "104", "", "", "", f"{auto - 4 + 2:g}"],
        ["eve", "105", "", "", "", "0"],            # blank: handed in, scored 0
        ["fay", "106", "", "", "", ""],             # absent (a result says not_submitted)
        ["gus", "107", "", "", "", ""],             # the grader failed: no score rather than a false one
        ["hal", "108", "", "", "", ""],             # absent (nothing anywhere)
    ]
    assert "not on the class list: zed (backprop)" in err and "grade again: gus (backprop)" in err
    assert "3 submission(s) still have answers to grade by hand" in err and "cyd (backprop), eve" in err


@slow
def test_canvas_csv_absent_as_zero_and_without_points_possible(course):
    rows, _ = canvas_csv(course, "--absent-zero", "--no-points-possible")
    by_id = {r[1]: r[-1] for r in rows[1:]}
    assert rows[0][-1] == "backprop" and rows[1][0] == "Lovelace, Ada"
    assert by_id["106"] == by_id["108"] == "0" and by_id["107"] == "" and by_id["105"] == "0"


def test_column_names_come_from_lms_toml_then_the_command_line(tmp_path):
    (tmp_path / "autograder").mkdir()
    (tmp_path / "autograder" / "lms.toml").write_text('[canvas]\nbackprop = "Backprop (12345)"\n'
                                                      '[moodle]\nnewton = "Newton"\n')
    names = lms.column_names(tmp_path, "canvas", ["backprop", "newton"])
    assert names == {"backprop": "Backprop (12345)", "newton": "newton"}
    assert lms.column_names(tmp_path, "canvas", ["backprop"], ["backprop=B (1)"]) == {"backprop": "B (1)"}
    with pytest.raises(SystemExit, match="ASSIGNMENT=COLUMN"):
        lms.column_names(tmp_path, "canvas", ["backprop"], ["nope=X"])


@slow
def test_moodle_and_blackboard_files_key_students_by_their_ids(course):
    root, db_url, _ = course
    grades = lms.collect(root, db_url, COURSE_ID)
    columns = {ASSIGNMENT: ASSIGNMENT}
    moodle, blackboard = lms.moodle_rows(grades, columns), lms.blackboard_rows(grades, columns)
    assert moodle[0] == ["ID number", "Email address", "First name", "Last name", "backprop"]
    assert moodle[1] == ["S001", "ada@uni.example", "Ada", "Lovelace", "14"]
    assert blackboard[0] == ["Last Name", "First Name", "Username", "Student ID", "backprop"]
    assert blackboard[2] == ["", "Bob", "bob", "S002", "0"]
    assert len(moodle) == len(blackboard) == 9            # the class list, no stray


# --- Canvas's submissions download through nbgrader zip_collect ----------------------------------

def notebook_text(tag):
    return json.dumps({"cells": [], "metadata": {"tag": tag}, "nbformat": 4, "nbformat_minor": 5})


@slow
def test_zip_collect_of_a_canvas_download(tmp_path):
    root = tmp_path / "course"
    (root / "exercises" / ASSIGNMENT).mkdir(parents=True)
    (root / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text(notebook_text("release"))
    (root / "autograder").mkdir()
    (root / "autograder" / "students.csv").write_text(CLASS_LIST)
    files = {
        "lovelaceada_101_9001_backprop-1.ipynb": notebook_text("ada first"),
        "lovelaceada_late_101_9001_backprop-2.ipynb": notebook_text("ada latest"),
        "bob_102_9002_backprop.ipynb": notebook_text("bob"),
        "bob_102_9002_notes.pdf": "%PDF-1.4",
        "stranger_999_9003_backprop.ipynb": notebook_text("stranger"),
    }
    archive = zipfile.ZipFile(tmp_path / "submissions.zip", "w")
    for name, text in files.items():
        archive.writestr(name, text)
    archive.close()
    downloads = root / "autograder" / "downloaded" / ASSIGNMENT / "archive"
    downloads.mkdir(parents=True)
    shutil.copy(tmp_path / "submissions.zip", downloads)
    env = dict(os.environ, NNLEARN_ZIP_FROM="canvas", NNLEARN_COURSE_ROOT=str(root),
               JUPYTER_CONFIG_PATH=str(report.HERE), PATH=f"{Path(sys.executable).parent}{os.pathsep}"
                                                           f"{os.environ.get('PATH', '')}")
    proc = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "zip_collect", ASSIGNMENT], cwd=root,
                          env=env, capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    submitted = root / "autograder" / "submitted"
    ada, bob = submitted / "ada" / ASSIGNMENT, submitted / "bob" / ASSIGNMENT
    assert json.loads((ada / f"{ASSIGNMENT}.ipynb").read_text())["metadata"]["tag"] == "ada latest"   # -2 over -1
    assert "lovelaceada_late_101_9001_backprop-2.ipynb" in (ada / canvas_collect.LATE_FLAG).read_text()
    assert json.loads((bob / f"{ASSIGNMENT}.ipynb").read_text())["metadata"]["tag"] == "bob"
    assert sorted(p.name for p in bob.iterdir()) == [f"{ASSIGNMENT}.ipynb"]          # no late flag, no pdf
    assert sorted(p.name for p in submitted.iterdir()) == ["ada", "bob"]
    assert re.search(r"skipped \S*lovelaceada_101_9001_backprop-1.ipynb: an earlier copy", log)
    assert re.search(r"skipped \S*stranger_999_9003_backprop.ipynb: Canvas user id 999 is not on the class list",
                     log)
    assert re.search(r"skipped \S*bob_102_9002_notes.pdf: a .pdf file, not a notebook", log)


def test_canvas_file_names_are_read_as_canvas_writes_them():
    parts = canvas_collect.parse("lovelaceada_late_12345_6789012_backprop-2.ipynb")
    assert (parts["name"], parts["late"], parts["user_id"], parts["submission_id"], parts["stem"], parts["copy"],
            parts["ext"]) == ("lovelaceada", True, "12345", 6789012, "backprop", 2, ".ipynb")
    parts = canvas_collect.parse("lovelaceada_12345_6789012_gradient_descent.ipynb")
    assert (parts["late"], parts["stem"], parts["copy"]) == (False, "gradient_descent", 0)
    assert canvas_collect.parse("ada_backprop.ipynb") is None and canvas_collect.parse("README.txt") is None
