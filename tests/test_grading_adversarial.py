"""The hardened grader against students who try to fool or break it (tests/adversarial/).

For each assignment of the corpus, one batch: an honest reference, a blank
notebook and one submission per corpus file, graded together by
``python -m autograder.grade`` in parallel with short time limits. Then, for each case:

* the status and the exact set of passing tests its header states (so no marks are
  gained by cheating, and none lost by an honest notebook that merely prints to stderr);
* the messages the student must be told, and what the injected cell could (not) see;
* no line of a hidden test in the student's feedback page or result file;
* the gradebook holds exactly the scores of the result (one writer, nothing stale);

and for the batch: the honest reference still gets full marks and the blank none,
every student has a row in the export, no sandbox process outlives the grading,
and a process a student left behind could neither write a file nor touch the
gradebook. A notebook that loops in every cell costs its time budget, not the
per-cell timeout times its cells.
"""

import time
from pathlib import Path

import pytest

from grading_helpers import (
    UID_BASE, GradingCourse, build_case, hidden_test_lines, load_corpus, namespaces_available, sandbox_processes,
)

CASES = load_corpus()
ASSIGNMENTS = sorted({c.assignment for c in CASES})
CELL_TIMEOUT, NOTEBOOK_TIMEOUT = 8, 20     # generous: the suite runs on a busy machine
pytestmark = pytest.mark.skipif(not namespaces_available(),
                                reason="the grader's sandbox needs root and util-linux's unshare")


class Batch:
    """One assignment's adversarial round, graded once."""

    def __init__(self, tmp, assignment):
        self.assignment = assignment
        self.course = GradingCourse(tmp / "course", [assignment])
        self.marker = tmp / "marker-left-by-a-stray-process"
        release = self.course.generate(assignment)
        from assignment_helpers import student_copy

        self.course.hand_in(assignment, {"reference": student_copy(release, assignment, solved="all"),
                                         "blank": student_copy(release, assignment)})
        self.cases = [c for c in CASES if c.assignment == assignment]
        for case in self.cases:
            build_case(case, self.course, release, self.marker)
        # sandbox uids of this batch only, so that its checks do not see other batches
        self.uid_base = UID_BASE + 1000 * (1 + ASSIGNMENTS.index(assignment))
        started = time.monotonic()
        self.proc = self.course.grade(assignment, "--jobs", "2", "--cell-timeout", str(CELL_TIMEOUT),
                                      "--notebook-timeout", str(NOTEBOOK_TIMEOUT),
                                      "--uid-base", str(self.uid_base))
        self.seconds = time.monotonic() - started
        self.finished = time.monotonic()
        self.results = self.course.results(assignment)


@pytest.fixture(scope="session")
def batch(tmp_path_factory):
    rounds = {}

    def get(assignment):
        if assignment not in rounds:
            rounds[assignment] = Batch(tmp_path_factory.mktemp(f"adversarial-{assignment}"), assignment)
        return rounds[assignment]

    return get


def grouped(assignment, *args, **kwargs):
    return pytest.param(*args, marks=[pytest.mark.slow, pytest.mark.xdist_group(f"adversarial-{assignment}")],
                        **kwargs)


def test_corpus_is_well_formed():
    assert len(CASES) >= 25, "the corpus should hold every attack of the issue, and more"
    assert len({c.student for c in CASES}) == len(CASES)
    statuses = {"ok", "timeout", "crashed", "memory", "output", "malformed", "missing_cells",
                "missing_notebook", "empty", "not_submitted"}
    for case in CASES:
        assert case.status in statuses, f"{case.name}: unknown status {case.status}"
        assert case.inject[0] in ("replace", "replace-all", "append", "none"), case.name
    # every status of the issue has a case
    assert statuses <= {c.status for c in CASES}


@pytest.mark.parametrize("case", [grouped(c.assignment, c, id=c.name) for c in CASES])
def test_case_gets_exactly_its_outcome(case, batch):
    b = batch(case.assignment)
    result = b.results.get(case.student)
    assert result is not None, f"{case.name}: no result at all (the grader skipped it)"
    assert result["status"] == case.status, (
        f"{case.name} ({case.attack}): status {result['status']!r}, expected {case.status!r}; "
        f"message: {result['message']}")
    tests = result["tests"]
    passing = {name for name, t in tests.items() if t["passed"]}
    expected = case.expected_passing(tests)
    assert passing == expected, (
        f"{case.name}: passes {sorted(passing)}, expected {sorted(expected)}:\n"
        + "\n".join(f"  {n}: {t['message'][:200]}" for n, t in tests.items()))
    assert result["score"] == sum(tests[n]["max_points"] for n in expected)
    said = "\n".join([result["message"], *result["notes"], *(t["message"] for t in tests.values())])
    for phrase in case.messages:
        assert phrase in said, f"{case.name}: the student is not told {phrase!r}:\n{said}"


@pytest.mark.parametrize("case", [grouped(c.assignment, c, id=c.name) for c in CASES
                                  if c.output_has or c.output_lacks])
def test_what_the_injected_cell_could_see(case, batch):
    result = batch(case.assignment).results[case.student]
    label = case.inject[1].strip() if case.inject[0] == "replace" else "a cell you added (#1)"
    outputs = [c for c in result["cells"] if c and c["label"] == label]
    assert outputs, f"{case.name}: no output recorded for {label}"
    printed = outputs[0]["stdout"] + outputs[0].get("error", "")
    for phrase in case.output_has:
        assert phrase in printed, f"{case.name}: the cell's output lacks {phrase!r}:\n{printed}"
    for phrase in case.output_lacks:
        assert phrase not in printed, f"{case.name}: the cell could see {phrase!r}:\n{printed}"


@pytest.mark.parametrize("assignment", [grouped(a, a, id=a) for a in ASSIGNMENTS])
def test_no_hidden_test_reaches_a_student(assignment, batch):
    b = batch(assignment)
    hidden = hidden_test_lines(assignment)
    assert hidden
    for student in b.results:
        shown = (b.course.root / "autograder" / "results" / assignment / f"{student}.json").read_text()
        page = b.course.feedback_dir(student, assignment) / f"{assignment}.html"
        if page.exists():
            shown += page.read_text()
        leaked = [line for line in hidden if line in shown]
        assert not leaked, f"{student}: hidden test lines shown to the student: {leaked[:3]}"


@pytest.mark.parametrize("assignment", [grouped(a, a, id=a) for a in ASSIGNMENTS])
def test_the_rest_of_the_batch_is_graded(assignment, batch):
    b = batch(assignment)
    reference, blank = b.results["reference"], b.results["blank"]
    assert reference["status"] == "ok" and reference["score"] == reference["max_score"] > 0
    assert blank["status"] == "unchanged" and blank["score"] == 0      # the release as it was
    rows = {(r["assignment"], r["student"]): r for r in b.course.csv_rows()}
    for case in b.cases:
        row = rows.get((assignment, case.student))
        assert row is not None, f"{case.name}: no row in the export"
        assert row["status"] == case.status and row["score"] != ""


@pytest.mark.parametrize("assignment", [grouped(a, a, id=a) for a in ASSIGNMENTS])
def test_gradebook_holds_the_results(assignment, batch):
    b = batch(assignment)
    for student, result in b.results.items():
        if result["status"] == "not_submitted":
            continue
        scores = b.course.scores(assignment, student)
        for name, test in result["tests"].items():
            assert scores[name][0] == test["points"], f"{student}/{name}: gradebook {scores[name]}, result {test}"


@pytest.mark.parametrize("assignment", [grouped(a, a, id=a) for a in ASSIGNMENTS])
def test_nothing_outlives_the_grading(assignment, batch):
    b = batch(assignment)
    reference = b.course.scores(assignment, "reference")
    wait = 3.0 - (time.monotonic() - b.finished)    # the stray process of detached_process waits 2 s
    if wait > 0:
        time.sleep(wait)
    assert not sandbox_processes(b.uid_base), "processes of the sandbox users are still running"
    assert not b.marker.exists(), "a process started by a student wrote a file after grading"
    assert not Path("/tmp/nnl-adversarial-marker").exists()
    assert b.course.scores(assignment, "reference") == reference, "the gradebook changed after grading"


@pytest.mark.parametrize("case", [grouped(c.assignment, c, id=c.name) for c in CASES
                                  if c.name == "infinite_loop_everywhere"])
def test_an_endless_notebook_costs_its_budget_not_cells_times_timeout(case, batch):
    b = batch(case.assignment)
    assignment = case.assignment
    result = b.results[case.student]
    release = b.course.release_path(assignment).read_text()
    cells = release.count('"solution": true')
    assert cells * CELL_TIMEOUT > NOTEBOOK_TIMEOUT, "the case must have more cells than the budget allows"
    # the budget holds, give or take the start of a last sandbox; nowhere near cells x timeout
    assert result["seconds"] <= NOTEBOOK_TIMEOUT + 10 < cells * CELL_TIMEOUT, result["seconds"]


@pytest.mark.parametrize("assignment", [grouped(a, a, id=a) for a in ASSIGNMENTS])
def test_no_output_flood_bloats_what_is_written(assignment, batch):
    """What a notebook prints is cut short: no file the grader writes grows with it."""
    b = batch(assignment)
    for student in b.results:
        written = [b.course.root / "autograder" / "results" / assignment / f"{student}.json",
                   b.course.feedback_dir(student, assignment) / f"{assignment}.html",
                   b.course.autograded_path(student, assignment)]
        for path in written:
            if path.exists():
                assert path.stat().st_size < 300_000, f"{student}: {path.name} is {path.stat().st_size} bytes"
