"""One status table (autograder/statuses.py), and the instructors' page in step with it.

* the page's "Statuses" table is the table's own rendering, row for row;
* every status the grader's parts name is in the table, and each is raised somewhere;
* the submission's status is its most serious event; what the gradebook records follows.
"""

import re
from pathlib import Path

import pytest

from autograder import statuses

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "for-instructors.md"
GRADER = ROOT / "autograder"


def test_the_instructors_page_shows_the_table():
    page = PAGE.read_text()
    table = statuses.markdown_table()
    assert table in page, ("book/for-instructors.md's status table differs from autograder/statuses.py; "
                           "paste `python -c 'from autograder import statuses; print(statuses.markdown_table())'`")
    rows = re.findall(r"^\| `(\w+)` \|", page, re.M)
    assert [r for r in rows if r in statuses.BY_NAME] == [s.name for s in statuses.TABLE]


def test_every_status_is_raised_by_name_and_none_is_spelled_out():
    """The grader's modules name statuses through the table's constants only."""
    code = {p: p.read_text() for p in [*GRADER.glob("*.py"), *GRADER.glob("secure/*.py")]
            if p.name != "statuses.py"}
    constants = {name.upper() for name in statuses.BY_NAME}
    used = {c for c in constants if any(f"statuses.{c}" in text for text in code.values())}
    assert constants - {"OK"} <= used, f"statuses never raised: {sorted(constants - {'OK'} - used)}"
    for path, text in code.items():
        for name in statuses.BY_NAME:
            if name == "ok":
                continue
            # a status written out as a string (a reply field of the same name, read by .get, is not one)
            assert not re.search(rf"""(?<!get\()["']{name}["']""", text), f"{path.name} spells out the status {name!r}"


@pytest.mark.parametrize("events, status", [
    ([], "ok"), (["missing_cells", "memory"], "memory"), (["output", "timeout", "crashed"], "timeout"),
    (["memory", "output"], "output"), (["crashed", "memory"], "crashed"),
])
def test_the_most_serious_event_is_the_status(events, status):
    assert statuses.most_serious(events) == status


def test_what_the_gradebook_and_the_export_get():
    assert statuses.get("grader_error").records == statuses.CLEARED
    assert not statuses.get("grader_error").exported_score
    assert not statuses.get("not_submitted").creates_submission
    assert statuses.get("malformed").creates_submission and not statuses.get("malformed").has_notebook
    assert all(statuses.get(n).has_notebook for n in ("ok", "timeout", "crashed", "memory", "output"))
    with pytest.raises(KeyError, match="the statuses are"):
        statuses.get("exploded")
