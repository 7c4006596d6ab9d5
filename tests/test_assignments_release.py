"""The assignments as released: well-formed sources, a faithful and leak-free release.

* every source notebook is a well-formed nbgrader source: test cells locked and
  pointed, the total stated in its instructions equal to the points of its cells,
  no graded code that imports nnlearn;
* exercises/ holds nothing of the solutions, the hidden tests or the rubrics;
* exercises/ is exactly what `nbgrader generate_assignment` makes of solutions/
  (regenerated in a temporary course);
* nbgrader's Validator passes every solution and fails every blank release.
"""

import re

import pytest

from assignment_helpers import (
    ASSIGNMENTS, BIN, EXERCISES, HIDDEN_BEGIN, SOLUTIONS, Course, cells_by_id, nbgrader_meta, points,
    read_nb,
)


def source_nb(name):
    return read_nb(SOLUTIONS / name / f"{name}.ipynb")


def release_nb(name):
    return read_nb(EXERCISES / name / f"{name}.ipynb")


def test_every_assignment_has_a_source_and_a_release():
    for name in ASSIGNMENTS:
        assert (SOLUTIONS / name / f"{name}.ipynb").is_file(), f"solutions/{name}/{name}.ipynb is missing"
        assert (EXERCISES / name / f"{name}.ipynb").is_file(), f"exercises/{name}/{name}.ipynb is missing"
    extra = {p.name for p in SOLUTIONS.iterdir() if p.is_dir()} - set(ASSIGNMENTS)
    assert not extra, f"assignments in solutions/ that the tests do not know: {sorted(extra)}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_cells_are_well_formed(name):
    nb = source_nb(name)
    ids = [nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), f"{name}: duplicate grade ids"
    tests = [c for c in nb.cells if nbgrader_meta(c).get("grade") and c.cell_type == "code"]
    assert tests, f"{name}: no autograded test cell"
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id", "?")
        if meta.get("grade") and not meta.get("solution"):
            # test cells come back from the gradebook at grading only if they are locked
            assert meta.get("locked"), f"{name}/{gid}: a test cell must be locked"
            assert meta.get("points", 0) > 0, f"{name}/{gid}: a test cell without points"
        if meta.get("solution") and cell.cell_type == "code":
            assert "### BEGIN SOLUTION" in cell.source, f"{name}/{gid}: solution cell without a solution region"
        if HIDDEN_BEGIN in cell.source:
            assert meta.get("grade") and meta.get("locked"), f"{name}/{gid}: hidden tests outside a locked test cell"
        if cell.cell_type == "code":
            imports = re.findall(r"^\s*(?:from|import)\s+nnlearn\b", cell.source, re.M)
            assert not imports, f"{name}/{gid}: graded notebooks never import nnlearn"
        assert not cell.get("outputs"), f"{name}/{gid}: outputs must be stripped"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_stated_total_is_the_sum_of_the_points(name):
    nb = source_nb(name)
    intro = nb.cells[0].source
    stated = re.search(r"\*\*Total: (\d+) points\*\*", intro)
    assert stated, f"{name}: the first cell must state '**Total: N points**'"
    assert int(stated.group(1)) == points(nb), f"{name}: states {stated.group(1)} points, its cells carry {points(nb)}"
    table_total = re.search(r"\| \*\*total\*\* \| \| \*\*(\d+)\*\* \|", intro)
    assert table_total and int(table_total.group(1)) == points(nb), f"{name}: the points table does not add up"
    for cell_id, pts in re.findall(r"\| `(\w+)` \| (\d+) \|", intro):
        cell = cells_by_id(nb).get(cell_id)
        assert cell is not None, f"{name}: the points table names a cell {cell_id} that does not exist"
        assert nbgrader_meta(cell)["points"] == int(pts), f"{name}/{cell_id}: table says {pts} points"


def split_lines(cell):
    """(public, secret) lines of a source cell: secret lines are those of hidden-test
    and solution regions, and the whole of a written-answer cell."""
    meta = nbgrader_meta(cell)
    if meta.get("solution") and cell.cell_type == "markdown":
        return [], cell.source.split("\n")
    public, secret, inside = [], [], False
    for line in cell.source.split("\n"):
        if "### BEGIN SOLUTION" in line or HIDDEN_BEGIN in line:
            inside = True
        elif "### END SOLUTION" in line or "### END HIDDEN TESTS" in line:
            inside = False
        else:
            (secret if inside else public).append(line)
    return public, secret


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_holds_no_solution_hidden_test_or_rubric(name):
    source, release = source_nb(name), release_nb(name)
    text = "\n".join(c.source for c in release.cells)
    for marker in ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "Rubric", "Model answer"]:
        assert marker not in text, f"exercises/{name} contains {marker!r}"
    public, secret = set(), []
    for cell in source.cells:
        pub, sec = split_lines(cell)
        public |= {line.strip() for line in pub}
        secret += [line.strip() for line in sec]
    shown = {line.strip() for cell in release.cells for line in cell.source.split("\n")}
    leaked = [line for line in secret if len(line) > 25 and line in shown and line not in public]
    assert not leaked, f"exercises/{name} shows lines of the solutions or hidden tests: {leaked[:5]}"
    assert cells_by_id(release).keys() == cells_by_id(source).keys(), f"exercises/{name}: cells differ"


def comparable(nb):
    """What must match between the committed and a regenerated release."""
    return [(c.cell_type, c.get("id"), c.source, dict(c.metadata)) for c in nb.cells], dict(nb.metadata)


@pytest.mark.slow
def test_exercises_are_regenerated_exactly_from_solutions(tmp_path):
    # one nbgrader run for all the assignments: each run costs seconds to start
    course = Course(tmp_path / "course", ASSIGNMENTS)
    course.nbgrader("generate_assignment", "*", "--force")
    for name in ASSIGNMENTS:
        fresh_cells, fresh_meta = comparable(read_nb(course.release_path(name)))
        old_cells, old_meta = comparable(release_nb(name))
        regenerate = f"regenerate it: nbgrader generate_assignment {name} --force (see book/for-instructors.md)"
        assert fresh_meta == old_meta, f"exercises/{name}: notebook metadata differ from a fresh release; {regenerate}"
        assert len(fresh_cells) == len(old_cells), \
            f"exercises/{name}: {len(old_cells)} cells, a fresh release has {len(fresh_cells)}; {regenerate}"
        for new, old in zip(fresh_cells, old_cells):
            assert new == old, f"exercises/{name}: cell {old[1]} differs from a fresh release; {regenerate}"


def validate(path, invert):
    from nbgrader.validator import Validator

    return Validator(invert=invert).validate(str(path))


@pytest.fixture
def venv_first(monkeypatch):
    """Kernels started by the Validator come from the virtual environment."""
    import os

    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_validator_passes_the_solution(name, venv_first):
    result = validate(SOLUTIONS / name / f"{name}.ipynb", invert=False)
    assert result == {}, f"solutions/{name} fails validation: {result}"


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_validator_fails_the_blank_release(name, venv_first):
    failed = validate(EXERCISES / name / f"{name}.ipynb", invert=False)
    assert failed.get("failed"), f"exercises/{name} as released passes validation: {failed}"
    passed = validate(EXERCISES / name / f"{name}.ipynb", invert=True)
    assert "passed" not in passed, f"exercises/{name}: test cells pass on the blank release: {passed}"
    assert "changed" not in passed and "type_changed" not in passed, passed


def test_the_students_page_states_the_points_of_every_assignment():
    """book/for-students.md lists each assignment with its points: the notebooks' totals."""
    page = (SOLUTIONS.parent / "book" / "for-students.md").read_text(encoding="utf-8")
    listed = {name: int(pts) for name, pts in re.findall(r"^\| `(\w+)` \| [^|]* \| (\d+) \|", page, re.M)}
    assert set(listed) == set(ASSIGNMENTS), f"book/for-students.md lists {sorted(listed)}"
    wrong = {name: (listed[name], points(source_nb(name))) for name in ASSIGNMENTS
             if listed[name] != points(source_nb(name))}
    assert not wrong, f"book/for-students.md states points that differ from the notebooks (page, notebook): {wrong}"
