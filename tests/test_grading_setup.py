"""The assignments' setup cell has one source: autograder/notebook_setup.py.

* every notebook (solutions/ and exercises/) carries exactly the source's text, so
  the copies cannot drift apart (`python -m autograder.sync_setup` rewrites them);
* every assignment with a setup cell is known to the source, and the other way round.
"""

import pytest

from assignment_helpers import ASSIGNMENTS, EXERCISES, SOLUTIONS, read_nb
from autograder import notebook_setup, sync_setup


@pytest.mark.parametrize("folder", [SOLUTIONS, EXERCISES], ids=["solutions", "exercises"])
@pytest.mark.parametrize("assignment", sorted(notebook_setup.HELPERS))
def test_the_setup_cell_is_the_sources_text(assignment, folder):
    cell = sync_setup.setup_cell(read_nb(folder / assignment / f"{assignment}.ipynb"))
    assert cell is not None, f"{folder.name}/{assignment}: no setup cell"
    assert cell.source == notebook_setup.setup_source(assignment), (
        f"{folder.name}/{assignment}: the setup cell differs from autograder/notebook_setup.py; "
        "run `.venv/bin/python -m autograder.sync_setup`")


def test_every_setup_cell_has_a_source_and_every_source_a_notebook():
    with_setup = {a for a in ASSIGNMENTS if sync_setup.setup_cell(read_nb(SOLUTIONS / a / f"{a}.ipynb"))}
    assert with_setup == set(notebook_setup.HELPERS)


def test_the_check_command_agrees():
    assert sync_setup.disagreements() == []
    assert sync_setup.main(["--check"]) == 0
