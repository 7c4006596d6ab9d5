"""Honest notebooks get the same scores from the hardened grader as from stock nbgrader.

For each assignment: the reference solution, the blank release and every notebook
of the mistakes corpus (tests/assignment_mistakes/: the errors students really
make, with in-place changes, aliasing, callbacks, wrong shapes and layers) are
handed in once, then graded twice, by ``nbgrader autograde`` and by
``python -m autograder.grade`` on an identical copy of the course. Every cell's score must
be the same, written answers included (None where they wait for a human).

The stock grading here is also where the corpus's own expectations are checked (the
reference gets full marks, the blank release zero, every mistake loses exactly the cells
it names, with its message): test_assignments_mistakes.py grades the same notebooks the
same way only where this test cannot run (no sandbox), so that each notebook is graded
by stock nbgrader once per suite, not twice.

One kind of notebook is not honest and is graded more strictly on purpose: one
that imports the course library nnlearn, which the assignments forbid. The library
is not inside the sandbox, so its functions fail everywhere, where stock nbgrader
only fails the cells that check for nnlearn. Those may score less, never more.
"""

import re

import pytest

from assignment_helpers import ASSIGNMENTS, student_copy
from grading_helpers import GradingCourse, clone, namespaces_available
from test_assignments_mistakes import MISTAKES, auto_total, problems_with

pytestmark = pytest.mark.skipif(not namespaces_available(),
                                reason="the grader's sandbox needs root and util-linux's unshare")


def graded_both_ways(tmp, assignment):
    ours = GradingCourse(tmp / "ours", [assignment])
    release = ours.generate(assignment)
    handed = {"reference": student_copy(release, assignment, solved="all"),
              "blank": student_copy(release, assignment)}
    strict = set()
    for m in MISTAKES:
        if m.assignment == assignment:
            handed[m.student] = student_copy(release, assignment, solved="all", replace={m.cell: m.source})
            if re.search(r"^\s*(from|import)\s+nnlearn\b", m.source, re.M):
                strict.add(m.student)
    ours.hand_in(assignment, handed)
    stock = clone(ours, tmp / "stock")
    stock.autograde(assignment)
    ours.grade(assignment, "--jobs", "2")
    return ours, stock, handed, strict


@pytest.mark.slow
@pytest.mark.parametrize("assignment", [pytest.param(a, marks=pytest.mark.xdist_group(f"stock-{a}"))
                                        for a in ASSIGNMENTS])
def test_same_scores_as_stock_nbgrader(assignment, tmp_path):
    ours, stock, handed, strict = graded_both_ways(tmp_path, assignment)
    assert len(handed) >= 3
    differences = []
    for student in handed:
        mine, theirs = ours.scores(assignment, student), stock.scores(assignment, student)
        assert mine.keys() == theirs.keys()
        for cell, (score, top) in theirs.items():
            got = mine[cell][0]
            if student in strict and got is not None and score is not None and got <= score:
                continue
            if got != score:
                message = ours.result(assignment, student)["tests"].get(cell, {}).get("message", "")
                differences.append(f"{student}/{cell}: stock {score}, ours {got} ({message[:150]})")
    assert not differences, "scores differ from stock nbgrader:\n" + "\n".join(differences)

    # the corpus's expectations, on the stock grading just done (test_assignments_mistakes.py)
    reference = stock.scores(assignment, "reference")
    short = {cell: s for cell, s in reference.items() if s[0] is not None and s[0] < s[1]}
    assert not short, f"{assignment}: the reference solution loses points in {short}"
    score, top = auto_total(stock.scores(assignment, "blank"))
    assert top > 0 and score == 0, f"{assignment}: the blank release scores {score} of {top}"
    problems = [p for m in MISTAKES if m.assignment == assignment for p in problems_with(stock, m)]
    assert not problems, f"{assignment}: {len(problems)} problems:\n" + "\n".join(problems)
