"""Numbers a chapter states about its own output come from that output (myst-nb `glue`).

The rule checked here: a decimal number with at least two significant digits (such as
0.84, 1.7, 2.5e-03 or 90.5) that appears in a chapter's prose and also in the text its
code cells print is a result copied from the output by hand, unless the chapter's code
contains the same number as a literal (then it is an input, such as a learning rate).
Such a number must be written with a glue role instead, e.g. {glue:text}`key:.2f`, so
that text and output cannot drift apart. Integers are left out: they are mostly counts
and sizes chosen in the code (2000 steps, 64 units).

A worked example is the one place where the prose computes numbers itself, because
the arithmetic is the lesson: there a hidden cell (tag `remove-cell`) asserts each
number against the code's result, so the build fails if they drift, and the number
is then a literal of the code. Outputs of cells tagged `machine-dependent` (they time
something) are left out, and a cell that reads a clock must carry the tag. The few
remaining matches that are coincidences are listed in COINCIDENCES with their reason.

The outputs are read from the execution cache the build fills (`make book`).
"""

import re

import nbformat
import pytest

from conftest import ROOT
from site_helpers import SITE

CACHE = SITE.parent / ".jupyter_cache"
CHAPTERS = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`[^`]*`")
# Numbers the rule flags that are not copied from an output, each with the reason.
COINCIDENCES = {
    ("05_gradient_descent", "2.5"): "the bowl's start point, an input that landscapes.bowl() sets",
    ("05_gradient_descent", "1.25"): "a loss in an exercise's hand-made table that an unrelated run also prints",
    ("08_second_order", "0.52"): "3 * 0.16 - 1 worked by hand; an unrelated Hessian eigenvalue prints the same",
}
# A cell that times something prints different digits on every machine: a typed number
# that happens to match one of them is a coincidence, and a test that depends on it would
# fail at random. Such a cell carries the tag MACHINE (and its timings, where the text
# quotes them, are glued all the same: chapters 6 and 8); CLOCK finds a cell that reads a
# clock without it.
MACHINE = "machine-dependent"
CLOCK = re.compile(r"\btimeit\.|\b(?:perf_counter|process_time|monotonic)\(|\btime\.time\(")
NUMBER = re.compile(r"(?<![\w.])\d+\.\d+(?:[eE][-+]?\d+)?(?!\w|\.\d)")


def significant(number):
    """Significant digits of a decimal string: '0.084' -> 2, '1.70' -> 3."""
    mantissa = re.split("[eE]", number)[0].replace(".", "").lstrip("0")
    return len(mantissa)


def stated_numbers(text):
    """Decimal numbers with two or more significant digits, as written."""
    return {n for n in NUMBER.findall(GLUE_ROLE.sub(" ", text)) if significant(n) >= 2}


def copied_numbers(notebook):
    """Numbers in the prose that the outputs print and the code does not contain."""
    prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    printed = "\n".join(
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for c in notebook.cells if c.cell_type == "code" and MACHINE not in c.metadata.get("tags", [])
        for output in c.get("outputs", []))
    return sorted(n for n in stated_numbers(prose) & stated_numbers(printed)
                  if n not in stated_numbers(code))


def executed(path):
    """The chapter with the outputs of its last build, from the build's execution cache."""
    from jupyter_cache import get_cache

    if not CACHE.is_dir():
        pytest.fail(f"no execution cache in {CACHE}: run `make book` (make test does it first)")
    notebook = nbformat.read(path, as_version=4)
    try:
        _, merged = get_cache(str(CACHE)).merge_match_into_notebook(notebook)
    except KeyError:
        pytest.fail(f"{path.name} is not in the execution cache: run `make book`")
    return merged


@pytest.mark.site
@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_numbers_about_outputs_are_glued(path):
    copied = [n for n in copied_numbers(executed(path)) if (path.stem, n) not in COINCIDENCES]
    assert not copied, (
        f"{path.name} types numbers from its own output by hand: {', '.join(copied)}; "
        "insert them with myst-nb's glue ({glue:text}`key:.2f`) from the cell that computes them")


def test_the_rule_catches_a_copied_number_and_spares_inputs_and_glue():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("The run ends at 0.84 with alpha = 0.0015; "
                                      "glued {glue:text}`end:.2f`; 2000 steps; 0.5 and 12.5."),
        nbformat.v4.new_code_cell("run(0.0015)", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="end 0.84 alpha 0.0015 12.5\n")]),
    ])
    assert copied_numbers(notebook) == ["0.84", "12.5"]
    assert significant("0.084") == 2 and significant("1.70") == 3 and significant("2.5e-03") == 2


MATHS = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.S)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_glue_roles_stand_outside_maths(path):
    """Inside $...$ a glue role is not parsed: the page would show its source."""
    notebook = nbformat.read(path, as_version=4)
    inside = [m.group(0) for c in notebook.cells if c.cell_type == "markdown"
              for m in MATHS.finditer(c.source) if "{glue" in m.group(0)]
    assert not inside, f"{path.name}: glue roles inside maths, which MathJax shows as source: {inside}"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_cells_that_read_a_clock_are_tagged_machine_dependent(path):
    """Their digits differ on every machine, so the glue rule must leave them out."""
    notebook = nbformat.read(path, as_version=4)
    untagged = [k for k, c in enumerate(notebook.cells) if c.cell_type == "code" and CLOCK.search(c.source)
                and MACHINE not in c.metadata.get("tags", [])]
    assert not untagged, f"{path.name}: cells {untagged} read a clock; add the tag {MACHINE!r} to each"


def test_a_timed_cell_is_left_out_only_when_tagged():
    timed = nbformat.v4.new_code_cell("t = timeit.timeit(f)\nprint(t)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="0.0123\n")])
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("It took 0.0123 s."), timed])
    assert copied_numbers(notebook) == ["0.0123"] and CLOCK.search(timed.source)
    timed.metadata["tags"] = [MACHINE]
    assert copied_numbers(notebook) == []
