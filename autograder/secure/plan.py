"""What to run for one submission: the assignment as recorded, the notebook as handed in.

The assignment comes from two places the student cannot touch: the order of its
cells from the released notebook (``exercises/``), and the source of every locked
cell and test cell, with its points, from the gradebook (which
``nbgrader generate_assignment`` filled, hidden tests included). The student's
notebook contributes only the cells the student writes.

:func:`read_submission` finds and reads the notebook (or says why it cannot: no
folder, an empty folder, no notebook, a notebook that is not JSON). :func:`make_plan`
lines up the student's cells with the assignment's: by grade id, else by cell id
(a renamed grade id is still recognised), test and locked cells always from the
gradebook, deleted ones put back where they belong, duplicates run once, with a
note for each such repair.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import statuses

MAX_NOTEBOOK_BYTES = 20 * 2**20


@dataclass
class TemplateCell:
    index: int                  # position in the released notebook
    grade_id: str
    cell_id: str
    cell_type: str
    kind: str                   # "test", "locked", "answer" (graded by hand), "solution", "plain"
    source: str                 # the gradebook's source (test and locked cells) or the release's
    points: float = 0.0
    metadata: dict = field(default_factory=dict)


@dataclass
class Assignment:
    name: str
    notebook: str
    cells: list                 # TemplateCell, in release order

    @property
    def tests(self):
        return [c for c in self.cells if c.kind == "test"]

    @property
    def graded(self):
        """Cells that carry points: tests (autograded) and answers (by hand)."""
        return [c for c in self.cells if c.kind in ("test", "answer")]

    @property
    def max_auto(self):
        return sum(c.points for c in self.tests)

    def by_grade_id(self):
        return {c.grade_id: c for c in self.cells if c.grade_id}


def nbgrader_meta(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def cell_kind(cell):
    """What an assignment cell is, from its nbgrader metadata."""
    meta = nbgrader_meta(cell)
    if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
        return "test"                     # autograded
    if meta.get("grade") or meta.get("task"):
        return "answer"                   # graded by hand
    if meta.get("solution"):
        return "solution"                 # the student writes it, no points of its own
    if meta.get("locked"):
        return "locked"                   # setup, instructions: restored before grading
    return "plain"


def load_assignment(gradebook, release_path, name):
    """The assignment ``name`` (one notebook, named after it) from the gradebook and
    the released notebook at ``release_path``."""
    release = nbformat.read(str(release_path), as_version=4)
    notebook = gradebook.find_notebook(name, name)
    sources = {c.name: c for c in notebook.source_cells}
    grades = {c.name: c for c in notebook.grade_cells}
    cells = []
    for index, cell in enumerate(release.cells):
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id", "")
        source = cell.source
        points = 0.0
        if gid and gid in grades:
            points = float(grades[gid].max_score)
        kind = cell_kind(cell)
        if kind in ("test", "locked") and gid in sources:
            source = sources[gid].source        # hidden tests included: from the gradebook
        cells.append(TemplateCell(index, gid, str(cell.get("id", "")), cell.cell_type, kind, source,
                                  points, dict(cell.metadata)))
    return Assignment(name, name, cells)


def assignment_from_source(source_path, name):
    """The assignment read from its source notebook alone (solutions/), hidden tests
    included: what the gradebook holds after ``generate_assignment``. For tests and
    checks that have no gradebook at hand."""
    nb = nbformat.read(str(source_path), as_version=4)
    cells = []
    for index, cell in enumerate(nb.cells):
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id", "")
        kind = cell_kind(cell)
        cells.append(TemplateCell(index, gid, str(cell.get("id", "")), cell.cell_type, kind, cell.source,
                                  float(meta.get("points", 0) or 0), dict(cell.metadata)))
    return Assignment(name, name, cells)


# --- the submission ---------------------------------------------------------------------

@dataclass
class Submission:
    student: str
    folder: Path
    status: str = statuses.OK   # or NOT_SUBMITTED, EMPTY, MISSING_NOTEBOOK, MALFORMED
    message: str = ""
    notebook: object = None     # the nbformat notebook
    path: Path = None
    notes: list = field(default_factory=list)
    timestamp: str = None

    def fail(self, status, message):
        """It cannot be graded: the status, and why, in the student's terms."""
        self.status, self.message = status, message
        return self


def read_submission(folder, student, notebook_name):
    """Find and read ``<folder>/<notebook_name>.ipynb``, or say why not."""
    folder = Path(folder)
    sub = Submission(student, folder)
    if not folder.is_dir():
        return sub.fail(statuses.NOT_SUBMITTED, "nothing was handed in for this assignment")
    stamp = folder / "timestamp.txt"
    if stamp.is_file():
        sub.timestamp = stamp.read_text(errors="replace").strip()[:100]
    files = sorted(p for p in folder.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts
                   and p.name != "timestamp.txt")
    if not files:
        return sub.fail(statuses.EMPTY, "the submission folder is empty: no notebook was handed in")
    sub.path = find_notebook(sub, files, notebook_name)
    if sub.path is not None:
        read_notebook(sub)
    return sub


def find_notebook(sub, files, notebook_name):
    """The notebook to grade among the files handed in (None, with the reason, if none)."""
    folder = sub.folder
    expected = folder / f"{notebook_name}.ipynb"
    if expected.is_file():
        return expected
    notebooks = [p for p in files if p.suffix == ".ipynb"]
    names = ", ".join(str(p.relative_to(folder)) for p in (notebooks or files)[:10])
    if len(notebooks) == 1:
        sub.notes.append(f"the notebook was handed in as '{notebooks[0].relative_to(folder)}' instead of "
                         f"'{notebook_name}.ipynb'; it was graded under that name")
        return notebooks[0]
    if notebooks:
        sub.fail(statuses.MISSING_NOTEBOOK, f"no '{notebook_name}.ipynb' in the submission, and several other "
                 f"notebooks ({names}): hand in one notebook named '{notebook_name}.ipynb'")
    else:
        sub.fail(statuses.MISSING_NOTEBOOK, f"no notebook in the submission (found: {names}): hand in "
                 f"'{notebook_name}.ipynb'")
    return None


def read_notebook(sub):
    """Read the notebook at ``sub.path`` into ``sub.notebook``, or say why it cannot be read."""
    path = sub.path
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        return sub.fail(statuses.MALFORMED, f"the notebook is {size / 2**20:.0f} MB, more than the "
                        f"{MAX_NOTEBOOK_BYTES // 2**20} MB accepted")
    text = path.read_bytes().decode("utf-8", "replace")
    if not text.strip():
        return sub.fail(statuses.MALFORMED, f"'{path.name}' is an empty file, not a notebook")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        return sub.fail(statuses.MALFORMED, f"'{path.name}' is not a readable notebook: its JSON is broken at "
                        f"line {err.lineno}, column {err.colno} ({err.msg}); open it in Jupyter or a text "
                        "editor to repair it, or hand in an earlier copy")
    try:
        if not isinstance(raw, dict) or not isinstance(raw.get("cells", []), list):
            raise ValueError("it has no list of cells")
        nb = nbformat.reads(text, as_version=4)
        for cell in nb.cells:
            if cell.get("cell_type") not in ("code", "markdown", "raw") or not isinstance(cell.get("source"), str):
                raise ValueError("a cell without a type or a source")
    except Exception as err:  # nbformat raises many kinds
        return sub.fail(statuses.MALFORMED, f"'{path.name}' is JSON but not a Jupyter notebook ({str(err)[:200]})")
    sub.notebook = nb
    return sub


# --- lining up the two ------------------------------------------------------------------------

@dataclass
class Entry:
    """One cell of the notebook as graded."""

    template: TemplateCell = None     # the assignment's cell, if this is one
    cell: object = None               # the student's cell, if there is one
    label: str = ""                   # how messages name it

    @property
    def kind(self):
        return self.template.kind if self.template else "added"

    @property
    def cell_type(self):
        return self.template.cell_type if self.template else self.cell.cell_type

    @property
    def source(self):
        """What runs: the gradebook's source for test and locked cells, else the student's."""
        if self.template is not None and (self.template.kind in ("test", "locked") or self.cell is None):
            return self.template.source if self.template.kind in ("test", "locked") else ""
        return self.cell.source if self.cell is not None else ""


@dataclass
class Plan:
    entries: list
    notes: list
    missing: list                     # grade ids of the student's cells that are gone


def make_plan(assignment, nb):
    """The cells to run, in the student's order, with the assignment's cells restored."""
    by_gid = assignment.by_grade_id()
    by_cid = {c.cell_id: c for c in assignment.cells if c.cell_id}
    used, entries, notes = set(), [], []
    added = 0
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id") if isinstance(meta.get("grade_id"), str) else None
        template = by_gid.get(gid) if gid else None
        if template is not None and template.cell_type != cell.cell_type:
            template = None
        if template is None:
            candidate = by_cid.get(str(cell.get("id", "")))
            if candidate is not None and candidate.cell_type == cell.cell_type and candidate.grade_id:
                template = candidate
                if gid and gid != candidate.grade_id:
                    notes.append(f"the cell '{candidate.grade_id}' had its grade id changed to '{gid}'; "
                                 "it was recognised by its cell id")
        if template is not None and template.index in used:
            if template.kind in ("test", "locked"):
                notes.append(f"the cell '{template.grade_id}' appears more than once; the grader ran its own "
                             "copy once, where it first appears")
                continue
            notes.append(f"the cell '{template.grade_id}' appears more than once; both copies ran, in order")
            template = None
        if template is not None:
            used.add(template.index)
            entries.append(Entry(template, cell, template.grade_id or f"cell {template.index + 1}"))
        else:
            added += 1
            entries.append(Entry(None, cell, f"a cell you added (#{added})"))
    # cells of the assignment that are not in the notebook: put them back in place
    missing = []
    for template in assignment.cells:
        if template.index in used or not template.grade_id:
            continue
        if template.kind in ("test", "locked"):
            if template.kind == "test":
                notes.append(f"the test cell '{template.grade_id}' was missing from your notebook; "
                             "the grader ran its own copy")
        elif template.kind in ("solution", "answer"):
            missing.append(template.grade_id)
        else:
            continue
        position = 0
        for k, entry in enumerate(entries):
            if entry.template is not None and entry.template.index < template.index:
                position = k + 1
        entries.insert(position, Entry(template, None, template.grade_id))
    return Plan(entries, notes, missing)


def answers_of(assignment, plan):
    """For each written-answer (and code solution) cell: "as_released", "missing" or "answered"."""
    out = {}
    present = {e.template.grade_id: e for e in plan.entries if e.template is not None and e.cell is not None}
    for template in assignment.cells:
        if template.kind not in ("answer", "solution"):
            continue
        entry = present.get(template.grade_id)
        if entry is None:
            out[template.grade_id] = "missing"
        elif entry.cell.source.strip() == template.source.strip():
            out[template.grade_id] = "as_released"
        else:
            out[template.grade_id] = "answered"
    return out


def is_release_as_is(assignment, plan):
    """Whether the notebook is the release as it was: every cell the student writes is
    there and unchanged, and no code of the student's own was added."""
    answers = answers_of(assignment, plan)
    # a plain code cell of the release (gradient_descent's "Look at your table") has no grade id,
    # so the plan counts it as added: it is the student's own code only if its source differs
    released = {c.source.strip() for c in assignment.cells if c.cell_type == "code" and not c.grade_id}
    added = any(e.template is None and e.cell is not None and e.cell.cell_type == "code"
                and e.cell.source.strip() and e.cell.source.strip() not in released for e in plan.entries)
    return bool(answers) and set(answers.values()) == {"as_released"} and not added
