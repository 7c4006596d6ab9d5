"""Every status a graded submission can have, in one table.

The grader (plan, runner, store, feedback, the CSV export) reads this table and
nothing else; book/for-instructors.md shows it (:func:`markdown_table`, and
tests/test_grading_statuses.py checks that the page agrees). To add a status, add a
row here, raise it as an event kind (``runner``) or a submission status (``plan``),
and paste the new :func:`markdown_table` into the page.

A submission's status is the most serious (lowest ``severity``) of what happened
while it was graded; ``ok`` when nothing did.
"""

from dataclasses import dataclass

# what the gradebook records for a submission with this status
SCORES = "each test's score"
ZEROS = "0 for every cell"
ZEROS_IF_RECORDED = "0 for every cell, if a submission was recorded before; else nothing"
CLEARED = "the scores of the submission cleared, marked for grading again"


@dataclass(frozen=True)
class Status:
    name: str
    severity: int            # the lowest severity among a submission's events is its status
    student_text: str        # the first line of the student's feedback page
    what_happened: str       # for the instructors' page
    score: str               # what the export's score is, in words
    has_notebook: bool       # a notebook was read and run
    records: str             # what the gradebook records (one of the constants above)

    @property
    def exported_score(self):
        """Whether the export shows a score (no score is better than a false one)."""
        return self.records != CLEARED

    @property
    def creates_submission(self):
        """Whether the gradebook gets a submission for it when it has none."""
        return self.records not in (ZEROS_IF_RECORDED, CLEARED)


TABLE = [
    Status("ok", 100, "Graded.",
           "graded normally; the notes may mention repairs (a renamed file, a renamed grade id, a deleted "
           "or copied test cell)", "the tests passed", True, SCORES),
    Status("timeout", 1, "Part of your notebook ran too long and was stopped.",
           "a cell or a test ran past `--cell-timeout` (default 60 s) and was stopped, or the whole notebook "
           "ran past `--notebook-timeout` (default 180 s, restarts included)",
           "the tests that passed; tests not reached score 0", True, SCORES),
    Status("crashed", 2,
           "Your notebook's Python process stopped (os._exit, a signal, or a crash) and had to be restarted.",
           "the notebook's process ended during a cell or a test (`os._exit`, a signal, writing into the "
           "grader's channel); the grader restarted it, skipped that cell, and went on",
           "the tests that passed", True, SCORES),
    Status("memory", 4, "Your notebook ran out of memory.",
           "a cell or a test ran out of memory (`--memory`, default 2G)", "the tests that passed", True, SCORES),
    Status("output", 3, "Your notebook printed too much output.",
           "the notebook printed more than `--max-output` (default 1M characters); the rest was dropped or "
           "the cell was stopped", "the tests that passed", True, SCORES),
    Status("missing_cells", 5, "Some cells of the assignment are missing from your notebook.",
           "cells the student writes are missing (deleted, or with both ids changed); the rest was graded",
           "the tests that passed", True, SCORES),
    Status("not_on_class_list", 6, "Graded; your id is not on the course's class list, so your instructor will check "
           "who you are before the grade counts.",
           "graded normally, but the student id is not on the class list (`autograder/students.csv`); the grade "
           "is not sent to the LMS until you add the student or move the work to the right id (a course without "
           "a class list flags nobody)", "the tests that passed", True, SCORES),
    Status("unchanged", 7, "Your notebook is the assignment as it was released: no answer was written in it.",
           "the notebook handed in is the release as it was: no solution or answer cell changed and no code cell "
           "added (a blank template, handed in by mistake?)", "the tests that passed (none, for a blank "
           "template)", True, SCORES),
    Status("missing_notebook", 0, "No notebook with the expected name was found in your submission.",
           "no `<assignment>.ipynb`, and not exactly one other notebook to grade in its place", "0", False, ZEROS),
    Status("malformed", 0, "Your notebook could not be read.",
           "the file is not a readable notebook (broken JSON, not a notebook, empty, over 20 MB); the message "
           "gives the line and column", "0", False, ZEROS),
    Status("empty", 0, "Your submission was empty.", "the submission folder is empty", "0", False, ZEROS),
    Status("not_submitted", 0, "Nothing was handed in.", "on the class list, but no submission folder", "0",
           False, ZEROS_IF_RECORDED),
    Status("grader_error", 0, "The grader could not grade this submission; your instructor has been told.",
           "the grading machine failed, not the student (the sandbox could not start); the gradebook's scores "
           "of that submission are cleared, and the submission needs grading again", "blank", False, CLEARED),
]

BY_NAME = {s.name: s for s in TABLE}

# the names, for code that raises them
OK, TIMEOUT, CRASHED, MEMORY, OUTPUT, MISSING_CELLS = "ok", "timeout", "crashed", "memory", "output", "missing_cells"
NOT_ON_CLASS_LIST, UNCHANGED = "not_on_class_list", "unchanged"
MISSING_NOTEBOOK, MALFORMED, EMPTY, NOT_SUBMITTED, GRADER_ERROR = (
    "missing_notebook", "malformed", "empty", "not_submitted", "grader_error")
assert set(BY_NAME) == {OK, TIMEOUT, CRASHED, MEMORY, OUTPUT, MISSING_CELLS, NOT_ON_CLASS_LIST, UNCHANGED,
                        MISSING_NOTEBOOK, MALFORMED, EMPTY, NOT_SUBMITTED, GRADER_ERROR}


def get(name):
    """The status called ``name`` (a KeyError names the known ones)."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown status {name!r}; the statuses are {sorted(BY_NAME)}") from None


def most_serious(names):
    """The status of a submission whose grading raised events of these kinds."""
    names = list(names)
    return min(names, key=lambda n: get(n).severity) if names else OK


def markdown_table():
    """The table of book/for-instructors.md's "Statuses" section."""
    lines = ["| status | what happened | score | the gradebook records |", "|---|---|---|---|"]
    lines += [f"| `{s.name}` | {s.what_happened} | {s.score} | {s.records} |" for s in TABLE]
    return "\n".join(lines)
