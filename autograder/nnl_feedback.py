"""The stock ``nbgrader autograde`` fallback: feedback without the hidden tests, and
warnings that cost no marks.

:class:`WarningsCostNoMarks` runs at autograde, after the notebook ran and before the
scores are saved. Stock nbgrader gives 0 to a test cell with any output on stderr,
so a harmless warning (a ``warnings.warn`` in correct code, a ``DeprecationWarning``
from a newer NumPy) would cost its points. The course's rule (book/for-students.md)
is that only the setup cell's ``call`` decides what a warning costs; so in every
autograder test cell, output on stderr becomes ordinary output holding its warning
lines, as ``python -m autograder.grade`` notes them.

Feedback without the hidden tests.

Stock ``nbgrader generate_feedback`` renders the autograded notebook as it is,
and in the autograded notebook every test cell has been restored from the
gradebook with its hidden tests. A student reading the feedback would see the
hidden tests twice: in the cell source, and in the traceback of any assertion
that failed (Python prints the failing line).

:class:`HideHiddenTests` runs before the feedback is rendered. In every
autograder test cell it

* removes each ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` region,
  leaving one comment line that says hidden checks ran there;
* reduces each error to its last line, ``AssertionError: <message>``: the test
  messages are written to explain the problem without quoting the test;
* keeps only the first line of each warning printed on stderr (the line after
  it is the source line that triggered it, which may be test code).

Student-written cells are left exactly as they were.

Maths without MathJax.

nbgrader's feedback and formgrader pages load MathJax from a CDN (their templates
ignore ``HTMLExporter.mathjax_url``), so offline the maths shows as raw LaTeX.
:class:`MathToMathML` writes each formula of a markdown cell as MathML before the
page is rendered, with the converter of the course's own feedback pages
(:mod:`autograder.markdown_html`); ``autograder/templates/base/mathjax.html.j2``
removes the CDN script.
"""

import re

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from autograder.markdown_html import math_spans

# "path/to/file.py:12: RuntimeWarning: overflow encountered in exp"
WARNING_LINE = re.compile(r"^.*?:\d+: (\w*Warning: .*)$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CODE = re.compile(r"^(```|~~~).*?^\1|(`+).+?\2", re.M | re.S)    # fenced blocks, code spans


def is_test_cell(cell):
    """An autograder test cell: graded, not written by the student."""
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def strip_hidden_regions(source, begin, end, placeholder):
    """The source with each hidden region replaced by one placeholder line."""
    lines, hidden = [], False
    for line in source.split("\n"):
        if begin in line:
            hidden = True
            indent = re.match(r"\s*", line).group(0)
            lines.append(indent + placeholder)
        elif end in line:
            hidden = False
        elif not hidden:
            lines.append(line)
    return "\n".join(lines)


def error_summary(output):
    """One line for an error output: the exception's name and message."""
    message = ANSI.sub("", str(output.get("evalue", ""))).strip()
    name = output.get("ename", "Error")
    if not message:
        message = "a check failed (no message)"
    return f"{name}: {message}"


def warning_summary(text):
    """The warning lines of a stderr stream, without the source lines under them."""
    kept = []
    for line in ANSI.sub("", text).splitlines():
        match = WARNING_LINE.match(line)
        if match:
            kept.append(match.group(1))
    return "\n".join(kept) + ("\n" if kept else "")


class WarningsCostNoMarks(NbGraderPreprocessor):
    """Output on stderr in a test cell does not decide its score: it becomes stdout,
    keeping only its warning lines (never the source lines under them)."""

    def preprocess_cell(self, cell, resources, cell_index):
        if not is_test_cell(cell):
            return cell, resources
        outputs = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr":
                output.name = "stdout"
                output.text = warning_summary(output.text)
                if not output.text:
                    continue
            outputs.append(output)
        cell.outputs = outputs
        return cell, resources


class HideHiddenTests(NbGraderPreprocessor):
    """Remove hidden tests and test tracebacks from the notebook before feedback."""

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end_test_delimeter = Unicode("END HIDDEN TESTS").tag(config=True)
    placeholder = Unicode(
        "# (hidden tests ran here; their code is not shown)"
    ).tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if not is_test_cell(cell):
            return cell, resources
        cell.source = strip_hidden_regions(
            cell.source, self.begin_test_delimeter, self.end_test_delimeter, self.placeholder
        )
        outputs = []
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.traceback = [error_summary(output)]
            elif output.output_type == "stream" and output.name == "stderr":
                output.text = warning_summary(output.text)
                if not output.text:
                    continue
            outputs.append(output)
        cell.outputs = outputs
        return cell, resources


def with_mathml(source):
    """A markdown text with each formula replaced by MathML (left to right, so a formula
    that also appears earlier inside code is not the one replaced)."""
    shadow = CODE.sub(lambda m: "\0" * len(m.group(0)), source)     # never inside code
    out, cursor = [], 0
    for delimited, mathml in math_spans(source):
        at = shadow.find(delimited, cursor)
        if at < 0:
            continue
        out += [source[cursor:at], mathml]
        cursor = at + len(delimited)
    return "".join(out) + source[cursor:]


class MathToMathML(NbGraderPreprocessor):
    """Maths in markdown cells becomes MathML, which browsers draw with nothing to load."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "markdown" and "$" in cell.source:
            cell.source = with_mathml(cell.source)
        return cell, resources
