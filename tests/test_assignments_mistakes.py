"""The autograder against the mistakes students make (tests/assignment_mistakes/).

For each assignment, grading rounds in temporary courses: the reference
solution, the blank release, and one submission per known mistake (the reference
with one cell rewritten) are handed in and autograded by nbgrader. Then:

* the reference scores full marks on every autograded cell, the blank scores 0;
* every mistake loses points in exactly the test cells its file names (all of
  them, and no others), and the failing cell's message contains the phrase the
  file names (so the student is told what is wrong, in their terms); an honest
  variant (``Loses: nothing``, such as a correct function that warns) keeps full marks;
* the corpus covers the backpropagation mistakes the course cares most about.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from assignment_helpers import ASSIGNMENTS, Course, auto_total, student_copy
from grading_helpers import namespaces_available

CORPUS = Path(__file__).resolve().parent / "assignment_mistakes"


@dataclass(frozen=True)
class Mistake:
    assignment: str
    cell: str          # grade_id of the solution cell it replaces
    name: str          # the file's stem: <cell>__<what goes wrong>
    what: str
    loses: tuple       # test cells that must lose points
    messages: tuple    # phrases the failing cells' errors must contain
    source: str

    @property
    def student(self):
        return "m-" + self.name.replace("_", "-")

    @property
    def honest(self):
        """An honest variant that must keep full marks (``# Loses: nothing``)."""
        return self.loses == ("nothing",)


def load_corpus():
    mistakes = []
    for path in sorted(CORPUS.glob("*/*.py")):
        text = path.read_text()
        header = dict.fromkeys(["Mistake", "Loses"], None)
        messages = []
        for key, value in re.findall(r"^# (Mistake|Loses|Message): (.*)$", text, re.M):
            if key == "Message":
                messages.append(value.strip())
            else:
                header[key] = value.strip()
        assert header["Mistake"] and header["Loses"], f"{path}: needs '# Mistake:' and '# Loses:' lines"
        cell, sep, _ = path.stem.partition("__")
        assert sep, f"{path}: name it <cell id>__<what goes wrong>.py"
        mistakes.append(Mistake(
            assignment=path.parent.name, cell=cell, name=path.stem, what=header["Mistake"],
            loses=tuple(s.strip() for s in header["Loses"].split(",")), messages=tuple(messages),
            source=text,
        ))
    return mistakes


MISTAKES = load_corpus()


def grade_round(tmp_path, assignment, mistakes, with_reference=True):
    """Reference, blank and the given mistakes of one assignment, autograded together."""
    course = Course(tmp_path / "course", [assignment])
    release = course.generate(assignment)
    handed_in = {}
    if with_reference:
        handed_in["reference"] = student_copy(release, assignment, solved="all")
        handed_in["blank"] = student_copy(release, assignment)
    for m in mistakes:
        handed_in[m.student] = student_copy(release, assignment, solved="all", replace={m.cell: m.source})
    course.hand_in(assignment, handed_in)
    course.autograde(assignment)
    return course


# A grading round is one nbgrader run, and a test is the unit that pytest-xdist hands
# to a worker: the mistakes of an assignment go in rounds of at most ROUND_SIZE, so
# that the long rounds can run side by side.
ROUND_SIZE = 11


def rounds():
    for assignment in ASSIGNMENTS:
        mistakes = [m for m in MISTAKES if m.assignment == assignment]
        count = max(1, -(-len(mistakes) // ROUND_SIZE))
        size = -(-len(mistakes) // count) if mistakes else 0
        for k in range(count):
            chunk = tuple(mistakes[k * size:(k + 1) * size])
            yield pytest.param(assignment, chunk, k == 0, id=f"{assignment}-{k + 1}")


def test_corpus_is_well_formed():
    assert MISTAKES, "the mistakes corpus is empty"
    names = [m.student for m in MISTAKES]
    assert len(names) == len(set(names)), "two mistakes map to the same student id"
    assert {m.assignment for m in MISTAKES} <= set(ASSIGNMENTS)


def test_corpus_covers_the_backprop_mistakes_that_matter():
    """Missing f', f' at h, W versus W^T both ways, dW transposed, an activation on the
    output, a missing bias, off-by-one layers, in-place changes, nnlearn."""
    names = {m.name for m in MISTAKES if m.assignment == "backprop"}
    required = [
        "backward__missing_fprime", "backward__fprime_of_h", "backward__transposed_W",
        "forward__W_not_transposed", "backward__dW_transposed", "forward__activation_on_output",
        "backward__fprime_on_output", "forward__no_bias", "backward__bias_gradient_from_dW",
        "backward__off_by_one_h", "backward__off_by_one_z", "forward__stops_one_layer_early",
        "backward__changes_h_in_place", "train__updates_callers_arrays", "numerical_grads__from_nnlearn",
    ]
    missing = [r for r in required if r not in names]
    assert not missing, f"the backprop corpus lacks {missing}"


def problems_with(course, mistake):
    """What is wrong with how the autograder treated one mistake ([] if nothing)."""
    scores = course.scores(mistake.assignment, mistake.student)
    score, top = auto_total(scores)
    if mistake.honest:
        short = {cell: s for cell, s in scores.items() if s[0] is not None and s[0] < s[1]}
        return [f"{mistake.name} ({mistake.what}) loses points in {short}"] if short else []
    if score >= top:
        return [f"{mistake.name} ({mistake.what}) keeps full marks"]
    problems = []
    for cell in mistake.loses:
        if cell not in scores:
            problems.append(f"{mistake.name}: there is no test cell {cell}")
        elif scores[cell][0] >= scores[cell][1]:
            problems.append(f"{mistake.name} ({mistake.what}) keeps full marks in {cell}")
    # exactly those: a mistake costs the points of the cells it names, and no others
    extra = sorted(cell for cell, (got, top) in scores.items()
                   if got is not None and got < top and cell not in mistake.loses)
    if extra:
        problems.append(f"{mistake.name} ({mistake.what}) also loses points in {extra}: "
                        "list them under '# Loses:' if they should, or make the tests fairer")
    errors = "\n".join(course.error_text(mistake.student, mistake.assignment, cell)
                       for cell in mistake.loses if cell in scores)
    for phrase in mistake.messages:
        if phrase not in errors:
            problems.append(f"{mistake.name}: the errors shown do not say {phrase!r}; they say:\n{errors}")
    return problems


@pytest.mark.slow
@pytest.mark.skipif(namespaces_available(),
                    reason="tests/test_grading_stock.py grades these same notebooks with stock nbgrader "
                           "and checks these expectations there (once per suite, not twice)")
@pytest.mark.parametrize("assignment,mistakes,first", list(rounds()))
def test_autograder_rewards_the_reference_and_catches_every_mistake(assignment, mistakes, first, tmp_path):
    course = grade_round(tmp_path, assignment, mistakes, with_reference=first)
    if first:
        reference = course.scores(assignment, "reference")
        short = {cell: s for cell, s in reference.items() if s[0] is not None and s[0] < s[1]}
        assert not short, f"{assignment}: the reference solution loses points in {short}"
        score, top = auto_total(course.scores(assignment, "blank"))
        assert top > 0 and score == 0, f"{assignment}: the blank release scores {score} of {top}"
    assert first or mistakes, f"{assignment}: an empty round"
    problems = [p for m in mistakes for p in problems_with(course, m)]
    assert not problems, f"{assignment}: {len(problems)} problems:\n" + "\n".join(problems)


def test_every_assignment_has_mistakes_and_every_mistake_a_round():
    planned = [m for param in rounds() for m in param.values[1]]
    assert sorted(m.name for m in planned) == sorted(m.name for m in MISTAKES)
    for assignment in ASSIGNMENTS:
        assert any(m.assignment == assignment for m in MISTAKES), f"no mistakes in the corpus for {assignment}"
