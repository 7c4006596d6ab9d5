"""The hardened grader's parts, and the faults of a grading round it must survive.

Fast checks of the parts:

* the boundary's codec: values survive the trip exactly (dtypes, 0-d arrays, -0.0,
  NaN, aliasing); what a student could use to attack the grader is refused
  (pickles, object arrays, deep nesting, references to nothing, unknown tags);
* a channel fed garbage, floods or silence fails cleanly, never hangs;
* a call through a pair of peers brings back the in-place changes of the callee
  (the tests check that students' functions leave their inputs alone);
* what a student's function reaches (`reach` in the notebooks) is answered by the
  sandbox, and the setup cell's `reach` on the grader's side gives that answer;
* lining up a damaged notebook with the assignment, and reading damaged folders;
* without root, the isolation falls back and says why; a sandbox that cannot start
  is an error of the machine, and leaves nothing behind.

Slow checks, on a real course graded by ``python -m autograder.grade``:

* a re-grade never leaves a stale score: an honest notebook replaced by one that
  crashes, then by a corrupt file, then by nothing, then by the honest one again;
  the gradebook, the export and the files follow every time;
* a gradebook locked by another process delays the writes, and loses none;
* parallel and sequential grading give the same results;
* ``--isolation none`` grades correctly and says loudly what it does not protect.
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import nbformat
import numpy as np
import pytest

from assignment_helpers import SOLUTIONS, read_nb, student_copy
from autograder.secure import codec, plan, proxies, rpc, sandbox
from autograder.secure.session import SandboxSession
from grading_helpers import GRADE, GradingCourse, namespaces_available


# --- the codec ----------------------------------------------------------------------------

def round_trip(value):
    tree, blobs, _ = codec.encode(value, export=lambda obj: ["O", type(obj).__name__, "", ""])
    tree = json.loads(json.dumps(tree))          # what the channel does to it
    decoded, _ = codec.decode(tree, blobs, resolve=lambda item: ("resolved", item))
    return decoded


@pytest.mark.parametrize("value", [
    0, -7, 2**70, 1.5, -0.0, float("inf"), True, False, None, "text", b"\x00\xff", 3 + 4j,
    np.float64(0.1), np.int64(-3), np.bool_(True), np.float32(2.5),
])
def test_scalars_keep_their_value_and_type(value):
    back = round_trip(value)
    assert type(back) is type(value) and back == value
    if isinstance(value, float):
        assert np.signbit(back) == np.signbit(value), "-0.0 must stay -0.0 (relu_prime(-0.0) is tested)"


def test_nan_survives():
    assert np.isnan(round_trip(float("nan")))


@pytest.mark.parametrize("array", [
    np.array(3.0), np.arange(6.0).reshape(2, 3), np.array([[1, 2]], dtype=np.int32), np.array([True, False]),
    np.zeros((0, 3)), np.array([-0.0, np.nan, np.inf]), np.arange(24).reshape(2, 3, 4).transpose(),
])
def test_arrays_keep_shape_dtype_and_bits(array):
    back = round_trip(array)
    assert isinstance(back, np.ndarray)
    assert back.shape == array.shape and back.dtype == array.dtype
    assert back.tobytes() == np.ascontiguousarray(array).tobytes()


def test_containers_and_aliasing_survive():
    x = np.array([1.0, 2.0])
    value = {"h": {0: x, 1: x}, "t": (1, [x, "a"]), "s": {1, 2}}
    back = round_trip(value)
    assert back["h"][0] is back["h"][1] is back["t"][1][0], "the same array must stay one object"
    assert isinstance(back["t"], tuple) and back["s"] == {1, 2}
    assert np.array_equal(back["h"][0], x)


def test_an_object_array_is_not_sent():
    tree, blobs, _ = codec.encode(np.array([object()]), export=lambda obj: ["O", "ndarray", "", ""])
    assert tree[0] == "O", "an object array must become an opaque description, never a pickle"


def test_a_pickled_array_is_refused():
    import io
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(codec.CodecError):
        codec.decode(["A", 0, 0], [buffer.getvalue()], resolve=None)


@pytest.mark.parametrize("tree", [
    ["Z", 1], ["R", 99], ["A", 0, 5], ["D", 0, [[1]]], ["L", 0, "not a list"], {"a": 1}, ["H", "x", 1, {}],
])
def test_malformed_trees_are_refused(tree):
    with pytest.raises(codec.CodecError):
        codec.decode(tree, [], resolve=lambda item: item)


def test_deep_nesting_is_refused_both_ways():
    nested = []
    for _ in range(codec.MAX_DEPTH + 5):
        nested = [nested]
    with pytest.raises(codec.CodecError):
        codec.encode(nested, export=None)
    tree = ["T", []]
    for _ in range(codec.MAX_DEPTH + 5):
        tree = ["T", [tree]]
    with pytest.raises(codec.CodecError):
        codec.decode(tree, [], resolve=None)


def test_in_place_changes_are_detected_and_applied():
    x, d = np.array([1.0, 2.0]), {1: np.zeros(2)}
    table = {0: x, 1: d}
    marks = codec.snapshot(table)
    x[0] = 5.0
    d[2] = np.ones(1)
    assert sorted(codec.changed(table, marks)) == [0, 1]
    target = np.array([1.0, 2.0])
    codec.apply_change(target, np.array([5.0, 2.0]))
    assert np.array_equal(target, [5.0, 2.0])


# --- the channel ------------------------------------------------------------------------------

def channel_pair():
    a_read, b_write = os.pipe()
    b_read, a_write = os.pipe()
    return rpc.Channel(a_read, a_write), rpc.Channel(b_read, b_write)


def test_a_channel_carries_messages_and_blobs():
    a, b = channel_pair()
    a.send({"op": "x", "n": [1, 2]}, [b"blob", b""])
    message, blobs = b.recv(time.monotonic() + 5)
    assert message == {"op": "x", "n": [1, 2]} and blobs == [b"blob", b""]


@pytest.mark.parametrize("garbage", [b"HTTP/1.1 200 OK\r\n\r\n", b"NNL1\xff\xff\xff\xff\x00\x00\x00\x00",
                                     b"NNL1\x00\x00\x00\x05\x00\x00\x00\x00[1,2]"])
def test_garbage_on_a_channel_is_a_protocol_error(garbage):
    a, b = channel_pair()
    os.write(b.write_fd, garbage)
    with pytest.raises(rpc.ProtocolError):
        a.recv(time.monotonic() + 5)


def test_silence_is_a_timeout_and_a_closed_pipe_is_the_end():
    a, b = channel_pair()
    with pytest.raises(rpc.ChannelTimeout):
        a.recv(time.monotonic() + 0.2)
    os.close(b.write_fd)
    with pytest.raises(rpc.ChannelClosed):
        a.recv(time.monotonic() + 5)


def test_a_call_brings_back_in_place_changes_and_callbacks_work():
    """The test's side calls a function on the other side, which mutates its input
    and calls back a function of the test's side (as gradient_descent calls grad)."""
    a, b = channel_pair()

    class Server(rpc.Peer):
        def make_proxy(self, handle):
            return lambda *args: self.call_remote(handle, args, {})

    server = Server(b, "s", deadline=lambda: None)

    def student(x, grad):
        x *= 2                       # the in-place mistake the tests look for
        return grad(x) + 1

    server.local[1] = student
    thread = threading.Thread(target=lambda: server.serve(*b.recv()), daemon=True)
    thread.start()
    client = rpc.Peer(a, "t", deadline=lambda: time.monotonic() + 5)
    x = np.array([1.0, 2.0])
    value = client.call_remote(codec.Handle("s", 1), (x, lambda v: v.sum()), {})
    thread.join(5)
    assert value == 7.0
    assert np.array_equal(x, [2.0, 4.0]), "the caller's array must show the callee's in-place change"


def test_errors_come_back_as_their_kind():
    assert rpc.exception_class("ValueError") is ValueError
    assert rpc.exception_class("LinAlgError") is np.linalg.LinAlgError
    made = rpc.exception_class("SystemExit")
    assert issubclass(made, Exception) and made is not SystemExit, \
        "an error named after a BaseException must not escape the tests' `except Exception`"
    assert rpc.exception_class("My Error!").__name__ == "MyError"


# --- introspection of a student's function ------------------------------------------------------------

def test_reach_sees_the_names_a_proxy_reports(tmp_path):
    """newton's test_newton_step_solves looks at the names newton_step uses: the sandbox
    answers with the setup cell's own reach, and the setup cell's reach on the grader's
    side gives that answer for the student's function (no code object crosses over)."""
    setup = [c.source for c in read_nb(SOLUTIONS / "newton" / "newton.ipynb").cells
             if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"][0]
    student = ("def helper(H):\n    return np.linalg.inv(H)\n\n"
               "def newton_step(grad, hess, x):\n"
               "    return x - np.linalg.solve(hess(x), grad(x)) + 0 * helper(hess(x))[0]\n")
    session = SandboxSession(sandbox.choose_isolation("none"), 0, sandbox.Limits(), str(tmp_path), 30, 60)
    try:
        session.start()
        for k, source in enumerate([setup, student]):
            cell = session.run_cell(SimpleNamespace(source=source, label=f"cell {k}", kind="solution"))
            assert cell.ok, cell.error
        space = proxies.TestNamespace(session)
        exec(setup, space)
        space.answer_reach_from_sandbox()
        function = session.fetch("newton_step")
        assert isinstance(function, proxies.StudentFunction) and not hasattr(function, "__code__")
        names, objects = space["reach"](function)
        assert {"solve", "inv", "linalg", "helper"} <= names
        assert "__main__" in {space["module_name"](g) for g in objects}
    finally:
        session.close()


# --- lining up notebooks; reading folders ------------------------------------------------------------

def activations():
    return plan.assignment_from_source(SOLUTIONS / "activations" / "activations.ipynb", "activations")


def labels(p):
    return [e.label for e in p.entries]


def test_a_deleted_test_cell_comes_back_in_its_place():
    a = activations()
    nb = read_nb(SOLUTIONS / "activations" / "activations.ipynb")
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_relu"]
    p = plan.make_plan(a, nb)
    order = labels(p)
    assert order.index("relu_prime") < order.index("test_relu") < order.index("test_relu_prime")
    assert any("test_relu" in n for n in p.notes)


def test_a_renamed_grade_id_is_recognised_by_cell_id():
    a = activations()
    nb = read_nb(SOLUTIONS / "activations" / "activations.ipynb")
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid":
            cell.metadata["nbgrader"]["grade_id"] = "renamed"
    p = plan.make_plan(a, nb)
    assert "sigmoid" in labels(p) and not p.missing
    assert any("changed to 'renamed'" in n for n in p.notes)


def test_test_cells_run_the_gradebook_source_never_the_students():
    a = activations()
    nb = read_nb(SOLUTIONS / "activations" / "activations.ipynb")
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_sigmoid":
            cell.source = "pass  # the student emptied the test"
    entry = [e for e in plan.make_plan(a, nb).entries if e.label == "test_sigmoid"][0]
    assert "BEGIN HIDDEN TESTS" in entry.source


@pytest.mark.parametrize("setup, status", [
    ("nothing", "not_submitted"), ("empty", "empty"), ("text", "missing_notebook"),
    ("two", "missing_notebook"), ("broken", "malformed"), ("list", "malformed"), ("blank-file", "malformed"),
    ("renamed", "ok"), ("right", "ok"),
])
def test_reading_a_submission_folder(tmp_path, setup, status):
    folder = tmp_path / "activations"
    text = (SOLUTIONS / "activations" / "activations.ipynb").read_text()
    if setup != "nothing":
        folder.mkdir()
    files = {"text": {"answers.txt": "x"}, "two": {"a.ipynb": text, "b.ipynb": text},
             "broken": {"activations.ipynb": text[:500]}, "list": {"activations.ipynb": "[]"},
             "blank-file": {"activations.ipynb": "  \n"}, "renamed": {"activations (1).ipynb": text},
             "right": {"activations.ipynb": text}}.get(setup, {})
    for name, content in files.items():
        (folder / name).write_text(content)
    sub = plan.read_submission(folder, "sam", "activations")
    assert sub.status == status, sub.message
    assert (sub.notebook is not None) == (status == "ok")
    if status != "ok":
        assert sub.message


def test_without_root_the_isolation_falls_back_and_says_why(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    chosen = sandbox.choose_isolation()
    assert chosen.mode == "none" and "root" in chosen.reason


@pytest.mark.skipif(not namespaces_available(), reason="the sandbox needs root and unshare")
def test_a_sandbox_that_cannot_start_says_so_and_leaves_nothing(tmp_path):
    """With 8 MB of memory Python cannot even start: an error of the grading machine
    (status grader_error), not of the student; no temporary folder is left behind."""
    box = sandbox.Sandbox(sandbox.choose_isolation(), 0, sandbox.Limits(memory=8 * 2**20), str(tmp_path))
    with pytest.raises(sandbox.SandboxError, match="did not start"):
        box.start(time.monotonic() + 30)
    assert box.temp is None and not box.alive()


# --- a real course ------------------------------------------------------------------------------

def on_a_course(test):
    """A slow test that grades a real course (sharing one, so on one worker)."""
    for mark in (pytest.mark.slow, pytest.mark.xdist_group("grading-faults"),
                 pytest.mark.skipif(not namespaces_available(), reason="the sandbox needs root and unshare")):
        test = mark(test)
    return test


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    c = GradingCourse(tmp_path_factory.mktemp("grading-faults") / "course", ["activations"])
    c.release = c.generate("activations")
    return c


def hand_in(course, student, nb=None, text=None):
    folder = course.submission_folder(student, "activations")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    path = folder / "activations.ipynb"
    if text is not None:
        path.write_text(text)
    else:
        nbformat.write(nb, str(path))


def auto_points(course, student):
    return sum(s for s, _ in course.scores("activations", student).values() if s is not None)


def export_row(course, student):
    return [r for r in course.csv_rows() if r["student"] == student and r["assignment"] == "activations"][0]


@on_a_course
def test_a_regrade_never_leaves_a_stale_score(course):
    reference = student_copy(course.release, "activations", solved="all")
    hand_in(course, "sam", reference)
    course.grade("activations", "--student", "sam")
    assert auto_points(course, "sam") == 10 and export_row(course, "sam")["score"] == "10"

    crashing = student_copy(course.release, "activations", solved="all",
                            replace={"sigmoid": "import os\nos._exit(1)"})
    hand_in(course, "sam", crashing)
    course.grade("activations", "--student", "sam")
    row = export_row(course, "sam")
    assert row["status"] == "crashed" and row["score"] == "4", row
    assert auto_points(course, "sam") == 4, "the gradebook kept a score of the earlier grading"

    hand_in(course, "sam", text=nbformat.writes(reference)[:300])
    course.grade("activations", "--student", "sam")
    row = export_row(course, "sam")
    assert row["status"] == "malformed" and row["score"] == "0"
    assert auto_points(course, "sam") == 0
    assert not course.autograded_path("sam", "activations").exists(), "a stale autograded copy was left"
    assert "could not be read" in course.feedback_html("activations", "sam")
    report = (course.root / "autograder" / "report" / "index.html").read_text()     # rewritten by every run
    assert "<th scope='row'>sam</th><td>malformed</td>" in report

    shutil.rmtree(course.submission_folder("sam", "activations"))
    course.grade("activations", "--student", "sam")
    assert export_row(course, "sam")["status"] == "not_submitted" and auto_points(course, "sam") == 0

    hand_in(course, "sam", reference)
    course.grade("activations", "--student", "sam")
    assert auto_points(course, "sam") == 10 and export_row(course, "sam")["status"] == "ok"


LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
sys.stdin.readline()
db.execute("BEGIN EXCLUSIVE")          # another program holds the gradebook
print("locked", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
"""


@on_a_course
def test_a_locked_gradebook_delays_the_writes_and_loses_none(course):
    """The gradebook is locked once grading has started, and released only after the
    grader has run into the lock: every result must still be written."""
    students = ["lock-a", "lock-b", "lock-c"]
    for student in students:
        hand_in(course, student, student_copy(course.release, "activations", solved="all"))
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(course.root / "autograder" / "gradebook.db")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    args = [a for s in students for a in ("--student", s)]
    grader = subprocess.Popen([*GRADE, "activations", *args, "--jobs", "2"], cwd=course.root,
                              env={**course.env(), "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    output, hit = [], False
    try:
        for line in grader.stdout:
            output.append(line)
            if line.startswith("grading "):            # started: now lock the gradebook
                locker.stdin.write("lock\n")
                locker.stdin.flush()
                assert locker.stdout.readline().strip() == "locked"
            if "gradebook is locked" in line and not hit:
                hit = True
                locker.stdin.write("release\n")
                locker.stdin.flush()
    finally:
        if locker.poll() is None:
            locker.stdin.write("release\n\n")
            locker.stdin.flush()
        locker.wait(30)
        grader.wait(300)
    text = "".join(output)
    assert hit, f"the grader never met the lock:\n{text}"
    assert grader.returncode == 0, text + grader.stderr.read()
    assert "every write went through" in text
    for student in students:
        assert auto_points(course, student) == 10, f"{student}'s grades were lost to the lock"
        assert export_row(course, student)["status"] == "ok"


@on_a_course
def test_parallel_and_sequential_grading_agree(course):
    handed = {"par-ref": student_copy(course.release, "activations", solved="all"),
              "par-blank": student_copy(course.release, "activations"),
              "par-half": student_copy(course.release, "activations", solved=["sigmoid", "relu"])}
    for student, nb in handed.items():
        hand_in(course, student, nb)
    args = [a for s in handed for a in ("--student", s)]
    course.grade("activations", *args, "--jobs", "1")
    sequential = {s: course.result("activations", s)["tests"] for s in handed}
    course.grade("activations", *args, "--jobs", "3", "--force")     # unchanged inputs: a real re-grade needs --force
    parallel = {s: course.result("activations", s)["tests"] for s in handed}
    assert sequential == parallel
    # sigmoid solved: test_sigmoid and test_sigmoid_stable (2 + 2); relu: test_relu (1)
    assert [sum(t["points"] for t in sequential[s].values()) for s in handed] == [10, 0, 5]


@on_a_course
def test_without_isolation_it_grades_and_says_what_it_does_not_protect(course):
    hand_in(course, "open-ref", student_copy(course.release, "activations", solved="all"))
    hand_in(course, "open-blank", student_copy(course.release, "activations"))
    proc = course.grade("activations", "--student", "open-ref", "--student", "open-blank", "--isolation", "none")
    assert "NO ISOLATION" in proc.stderr and "can read everything you can" in proc.stderr
    assert auto_points(course, "open-ref") == 10 and auto_points(course, "open-blank") == 0
