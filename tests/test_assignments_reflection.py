"""The graded reflection asks its own questions, not the public review page's.

``book/activity.md`` publishes the notes' review questions with model answers, for
self-study. A graded question that is a rewording of one of them can be answered by
copying, so every question text of ``solutions/reflection`` (each locked Markdown cell
a student reads, apart from the instructions) must be far from every public question
in a bag-of-words cosine similarity.

The measure: lower-case words (maths included, so that symbols count as words), a short
list of function words removed, counts compared by cosine. Measured on this repository:

* the eight question groups the reflection used to ask, rewordings of the public ones,
  scored 0.57 to 0.87 against their public twin;
* distinct public questions score at most 0.27 against each other (median 0.05):
  that is what "about the same course, but a different question" looks like;
* the applied questions asked now score at most 0.37 (their introductions) and 0.26
  (the questions themselves).

The limit, 0.45, lies between the two groups: below every rewording seen, above every
pair of distinct questions. A rewording of a public question is planted below to show
that the test catches one.
"""

import math
import re
from collections import Counter

import pytest

from assignment_helpers import ROOT, SOLUTIONS, nbgrader_meta, read_nb

pytestmark = pytest.mark.skipif(not SOLUTIONS.is_dir(), reason="solutions/ is not in this tree (the public side)")

LIMIT = 0.45
FUNCTION_WORDS = set("""a an the of in to and or is are be it its this that what which why how do does for on
with as by at from your you each one""".split())

# one of the old graded questions, a rewording of the public "Backpropagation" group
PLANTED = r"""## 4. Backpropagation (3 points)

**(a)** What does the local error $\boldsymbol\delta^{(j)}$ measure?

**(b)** Why do deep networks need backpropagation?

**(c)** Explain in your own words what "propagating the error backward" means."""


def bag(text):
    return Counter(w for w in re.findall(r"[a-z]+", text.lower()) if w not in FUNCTION_WORDS)


def cosine(a, b):
    dot = sum(a[w] * b[w] for w in a)
    norms = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norms if norms else 0.0


def public_questions():
    text = (ROOT / "book" / "activity.md").read_text(encoding="utf-8")
    found = re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)\n(.*?)```", text, re.S)
    assert len(found) >= 6, f"book/activity.md: expected the review questions as exercises, found {len(found)}"
    return {label: bag(body) for label, body in found}


def graded_questions():
    nb = read_nb(SOLUTIONS / "reflection" / "reflection.ipynb")
    questions = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "markdown" and not meta.get("solution") and meta.get("grade_id") not in ("intro", "done"):
            questions[meta.get("grade_id", cell.get("id"))] = cell.source
    assert len(questions) >= 4, "the reflection should ask its questions in locked Markdown cells"
    return questions


def closest(text, public):
    label, score = max(((label, cosine(bag(text), words)) for label, words in public.items()), key=lambda p: p[1])
    return label, score


def test_no_graded_question_is_a_rewording_of_a_public_one():
    public = public_questions()
    close = {}
    for cell_id, text in graded_questions().items():
        label, score = closest(text, public)
        if score >= LIMIT:
            close[cell_id] = (label, round(score, 2))
    assert not close, f"graded reflection questions too close to the public review questions (limit {LIMIT}): {close}"


def test_the_measure_catches_a_rewording():
    label, score = closest(PLANTED, public_questions())
    assert label == "act-backprop" and score >= LIMIT, (label, score)


def test_distinct_public_questions_are_below_the_limit():
    """The limit is above what two different questions about the course score."""
    public = public_questions()
    labels = sorted(public)
    worst = max(cosine(public[a], public[b]) for i, a in enumerate(labels) for b in labels[i + 1:])
    assert worst < LIMIT - 0.1, f"two distinct public questions score {worst:.2f}: the limit {LIMIT} leaves no margin"


def test_written_answers_and_their_rubrics_live_only_in_solution_cells():
    """The model answers and rubrics are the content of the written-answer cells, which
    nbgrader replaces in the release; no locked cell carries one."""
    nb = read_nb(SOLUTIONS / "reflection" / "reflection.ipynb")
    answers = [c for c in nb.cells if nbgrader_meta(c).get("solution") and c.cell_type == "markdown"]
    assert len(answers) >= 4
    for cell in answers:
        assert nbgrader_meta(cell).get("grade") and nbgrader_meta(cell).get("points", 0) > 0
        assert "**Model answer.**" in cell.source and "**Rubric" in cell.source, nbgrader_meta(cell)["grade_id"]
    for cell in nb.cells:
        if not nbgrader_meta(cell).get("solution"):
            gid = nbgrader_meta(cell).get("grade_id")
            assert "Model answer" not in cell.source and "Rubric" not in cell.source, gid
