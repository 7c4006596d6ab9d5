"""The student's feedback page: one self-contained HTML file per student and assignment.

Both ``python -m autograder.grade`` (right after grading) and ``python -m
autograder.feedback`` (after hand grading) build it here, from

* the grading result (:class:`~.results.Result`): each test's points, verdict and
  message (written to say which function, which shape, which layer), and where a
  failure came from the student's code, the student's own traceback;
* nbgrader's gradebook (:class:`Marks`): the manual scores of written answers, the
  grader's comments, a score the grader changed, the late penalty and the total as
  nbgrader computes it (``max(0, score - late_submission_penalty)``, as its export);
* the student's own notebook, as handed in: their cells and their outputs.

Never on it: a test's source as the gradebook holds it (hidden tests), a model answer
or a rubric (they live only in ``solutions/``). A cell the student deleted is named,
not restored. Everything is escaped, markdown is rendered with raw HTML off, maths
is MathML written into the page (:mod:`autograder.markdown_html`): nothing is loaded
from outside, so the page reads the same offline, on a hub, or uploaded to an LMS.

Pages are written 0644 in folders 0755 (:func:`write_page`): ``nbgrader
release_feedback`` copies a page with its mode into the exchange, and the student
reads that copy as their own uid.
"""

import base64
import binascii
import datetime
import html
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import statuses
from ..markdown_html import markdown_to_html

PAGE_MODE, FOLDER_MODE = 0o644, 0o755
MAX_OUTPUT_CHARS = 5_000          # of one output or cell of the student's notebook, on the page
MAX_NOTEBOOK_CHARS = 150_000      # of the whole notebook section: a flood never bloats a page
MAX_IMAGES_BYTES = 2 * 2**20
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 60rem; margin: 0 auto;
       padding: 1rem; color: #1f2328; background: #fff; overflow-wrap: break-word; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.25rem; margin-top: 2rem; } h3 { font-size: 1rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border-bottom: 1px solid #8c959f; padding: .4rem .5rem; text-align: left; vertical-align: top; }
.nowrap { white-space: nowrap; }
.pass { color: #116329; font-weight: bold; } .fail { color: #a40e26; font-weight: bold; }
.status { padding: .6rem .8rem; border-left: 4px solid #a40e26; background: #fff5f5; margin: 1rem 0; }
.total td, .total th { font-weight: bold; border-top: 2px solid #1f2328; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: .5rem; font-size: .85rem; overflow-x: auto; }
.note { color: #4d545c; font-size: .9rem; }
.cell { border-left: 3px solid #d0d7de; padding-left: .75rem; margin: 1rem 0; }
.cell.graded { border-left-color: #0969da; }
.verdict { background: #f6f8fa; padding: .4rem .6rem; margin: .4rem 0; }
.comment { background: #fff8c5; padding: .4rem .6rem; margin: .4rem 0; }
img { max-width: 100%; height: auto; }
math[display="block"] { overflow-x: auto; }
"""


def esc(text):
    return html.escape(str(text), quote=True)


def breakable(name):
    """A grade id that may wrap after its underscores on a narrow screen."""
    return esc(name).replace("_", "_<wbr>")


def points(value):
    return "–" if value is None else f"{float(value):g}"


# --- what the gradebook says ----------------------------------------------------------------

@dataclass
class CellMarks:
    """One graded cell as nbgrader's gradebook holds it."""

    auto_score: float = None
    manual_score: float = None
    max_score: float = 0.0
    comment: str = ""                # the grader's comment (manual, else nbgrader's automatic one)

    @property
    def score(self):
        """nbgrader's rule: a manual score, when there is one, replaces the automatic one."""
        return self.manual_score if self.manual_score is not None else self.auto_score


@dataclass
class Marks:
    """A submission in nbgrader's gradebook: per-cell scores and comments, the late
    penalty, the total."""

    cells: dict = field(default_factory=dict)     # grade id -> CellMarks
    raw_score: float = 0.0
    max_score: float = 0.0
    late_penalty: float = 0.0
    timestamp: str = ""

    @property
    def total(self):
        """As ``nbgrader export`` computes it."""
        return max(0.0, self.raw_score - self.late_penalty)


def read_marks(gradebook, assignment, student):
    """The :class:`Marks` of a student's submission in an open nbgrader ``Gradebook``;
    None if the gradebook has no submission."""
    from nbgrader.api import MissingEntry

    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return None
    marks = Marks(raw_score=float(submission.score or 0.0), max_score=float(submission.max_score or 0.0),
                  late_penalty=float(submission.late_submission_penalty or 0.0),
                  timestamp=str(submission.timestamp or ""))
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            marks.cells[grade.name] = CellMarks(grade.auto_score, grade.manual_score, float(grade.max_score or 0))
        for comment in notebook.comments:
            text = comment.manual_comment or comment.auto_comment or ""
            marks.cells.setdefault(comment.name, CellMarks()).comment = text
    return marks


# --- the page --------------------------------------------------------------------------------

def feedback_html(assignment, result, *, marks=None, plan=None):
    """The feedback page for one :class:`~.results.Result` of ``assignment`` (a
    :class:`~.plan.Assignment`), with the gradebook's :class:`Marks` and the student's
    notebook lined up with the assignment (a :class:`~.plan.Plan`) when there are."""
    title = f"{assignment.name}: feedback for {result.student}"
    parts = ["<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>{esc(title)}</title><style>{STYLE}</style></head><body><main>",
             f"<h1>{esc(title)}</h1>"]
    parts += summary(assignment, result, marks)
    status = statuses.get(result.status)
    if status.name != statuses.OK:
        parts.append(f"<div class='status' role='note'><strong>{esc(status.student_text)}</strong><br>"
                     f"{esc(result.message)}</div>")
    for note in result.notes:
        parts.append(f"<p class='note'>Note: {esc(note)}.</p>")
    parts += tests_table(result, marks)
    parts += answers_table(assignment, marks)
    errors = [c for c in result.cells if c and not c.ok and c.error]
    if errors:
        parts.append("<h2>Your cells that raised an error while grading</h2><ul>")
        parts += [f"<li><code>{esc(c.label)}</code>: {esc(c.error[:500])}</li>" for c in errors[:20]]
        parts.append("</ul>")
    if plan is not None:
        parts += notebook_section(result, marks, plan)
    parts.append("<p class='note'>Hidden tests ran as well; their code is not shown. Each message above says "
                 "what a test found.</p></main></body></html>\n")
    return "\n".join(parts)


def summary(assignment, result, marks):
    """The score, and how it is made up."""
    answers = [c for c in assignment.graded if c.kind == "answer"]
    tests = result.tests.values()
    if marks is not None:
        auto = sum(test_score(t, marks)[0] or 0 for t in tests)
    else:
        auto = result.score
    rows = [("Autograded tests", f"{points(auto)} of {points(result.max_score)}")]
    if answers:
        manual_max = sum(c.points for c in answers)
        scores = [marks.cells[c.grade_id].score if marks and c.grade_id in marks.cells else None for c in answers]
        if all(s is None for s in scores):
            rows.append(("Written answers, graded by hand", f"not graded yet ({points(manual_max)} points)"))
        else:
            pending = sum(s is None for s in scores)
            rows.append(("Written answers, graded by hand",
                         f"{points(sum(s or 0 for s in scores))} of {points(manual_max)}"
                         + (f" ({pending} not graded yet)" if pending else "")))
    late = getattr(result, "late", None) or {}
    penalty = marks.late_penalty if marks is not None else float(late.get("penalty") or 0)
    if penalty:
        when = late_text(late)
        rows.append(("Late penalty", f"−{points(penalty)}" + (f" ({esc(when)})" if when else "")))
    if marks is not None:
        total = (marks.total, marks.max_score)
    else:
        total = (max(0.0, result.score - penalty), result.max_score + sum(c.points for c in answers))
    out = ["<h2>Your score</h2>", "<div class='scroll'><table class='summary'>",
           "<caption>How your score is made up</caption>"]
    out += [f"<tr><th scope='row'>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows]
    out.append(f"<tr class='total'><th scope='row'>Total</th><td>{points(total[0])} of {points(total[1])}</td></tr>")
    out.append("</table></div>")
    return out


def late_text(late):
    seconds = late.get("seconds_late")
    if not seconds:
        return ""
    delta = datetime.timedelta(seconds=round(float(seconds)))
    return f"handed in {delta} after the deadline"


def test_score(test, marks):
    """(points, changed by the grader) of a test: the gradebook's when it has them."""
    cell = marks.cells.get(test.name) if marks is not None else None
    if cell is None or cell.score is None:
        return test.points, False
    return cell.score, cell.manual_score is not None and cell.manual_score != cell.auto_score


def tests_table(result, marks):
    if not result.tests:
        return []
    out = ["<h2>Tests</h2>", "<div class='scroll'><table>",
           "<caption>Each test of your notebook: its points and what it found</caption>",
           "<tr><th scope='col'>test</th><th scope='col'>points</th><th scope='col'>result</th>"
           "<th scope='col'>what the test says</th></tr>"]
    for test in result.tests.values():
        score, changed = test_score(test, marks)
        verdict = "<span class='pass'>passed</span>" if test.passed else "<span class='fail'>failed</span>"
        detail = esc(test.message) if not test.passed else ""
        detail += "".join(f"<div class='note'>{esc(n)}</div>" for n in test.notes)
        if changed:
            detail += "<div class='note'>Your grader changed this test's points.</div>"
        comment = marks.cells[test.name].comment if marks and test.name in marks.cells else ""
        if comment:
            detail += f"<div class='comment'><strong>Your grader:</strong> {esc(comment)}</div>"
        if test.student_traceback:
            detail += ("<details><summary>where in your code</summary>"
                       f"<pre>{esc(test.student_traceback)}</pre></details>")
        out.append(f"<tr><td><code>{breakable(test.name)}</code></td>"
                   f"<td class='nowrap'>{points(score)} / {points(test.max_points)}</td>"
                   f"<td>{verdict}</td><td>{detail}</td></tr>")
    out.append("</table></div>")
    return out


def answers_table(assignment, marks):
    """Written answers (and any cell the grader commented on): score and comment."""
    answers = [c for c in assignment.cells if c.kind == "answer"]
    commented = [c for c in assignment.cells if c.kind == "solution" and marks and c.grade_id in marks.cells
                 and marks.cells[c.grade_id].comment and marks.cells[c.grade_id].comment != "No response."]
    if not answers and not commented:
        return []
    out = ["<h2>Graded by hand</h2>", "<div class='scroll'><table>",
           "<caption>Your written answers, and your grader's comments</caption>",
           "<tr><th scope='col'>question</th><th scope='col'>points</th>"
           "<th scope='col'>your grader's comment</th></tr>"]
    for cell in answers + commented:
        got = marks.cells.get(cell.grade_id) if marks else None
        score = got.score if got else None
        shown = (f"{points(score)} / {points(cell.points)}" if cell.kind == "answer" and score is not None
                 else "not graded yet" if cell.kind == "answer" else "")
        out.append(f"<tr><td><code>{breakable(cell.grade_id)}</code></td><td>{shown}</td>"
                   f"<td>{esc(got.comment) if got and got.comment else ''}</td></tr>")
    out.append("</table></div>")
    return out


# --- the student's notebook ------------------------------------------------------------------

def notebook_section(result, marks, plan):
    out = ["<h2>Your notebook</h2>",
           "<p class='note'>Your cells as you handed them in, with your outputs; under each test, its verdict."
           "</p>"]
    budget = Budget()
    for entry in plan.entries:
        if budget.spent():
            out.append("<p class='note'>The rest of your notebook is too long to show here.</p>")
            break
        template, cell = entry.template, entry.cell
        graded = template is not None and template.kind in ("test", "answer")
        out.append(f"<section class='cell{' graded' if graded else ''}'>")
        if graded:
            out.append(f"<h3>{breakable(template.grade_id)} ({points(template.points)} points)</h3>")
        if cell is None:
            # never the gradebook's copy: for a test cell it holds the hidden tests
            out.append("<p class='note'>This cell was missing from your notebook.</p>")
        else:
            out += cell_html(cell, budget)
        if template is not None and template.kind == "test":
            test = result.tests.get(template.grade_id)
            if test is not None:
                score, _ = test_score(test, marks)
                verdict = "passed" if test.passed else "failed"
                message = "" if test.passed else f": {esc(test.message)}"
                out.append(f"<div class='verdict'><span class='{'pass' if test.passed else 'fail'}'>{verdict}"
                           f"</span>, {points(score)} of {points(test.max_points)} points{message}</div>")
        elif template is not None and marks is not None and template.grade_id in marks.cells:
            got = marks.cells[template.grade_id]
            if template.kind == "answer":
                out.append(f"<div class='verdict'>{points(got.score) if got.score is not None else 'not graded yet'}"
                           f" of {points(template.points)} points</div>")
            if got.comment:
                out.append(f"<div class='comment'><strong>Your grader:</strong> {esc(got.comment)}</div>")
        out.append("</section>")
    return out


def cell_html(cell, budget):
    """A cell of the student's notebook with its outputs. nbformat only warns about a
    notebook that breaks its schema (an output's text a number, a traceback of numbers):
    what cannot be shown is said, never stops the page."""
    try:
        if cell.cell_type == "markdown":
            return [budget.take(markdown_to_html(clip(cell.source), heading_offset=3))]
        out = [budget.take(f"<pre><code>{esc(clip(cell.source))}</code></pre>")]
    except Exception:
        return [budget.take(f"<p class='note'>{UNSHOWN.format('cell')}</p>")]
    outputs = cell.get("outputs") or []
    for output in outputs if isinstance(outputs, list) else [outputs]:
        try:
            shown = output_html(output, budget)
        except Exception:
            shown = f"<p class='note'>{UNSHOWN.format('piece of output')}</p>"
        if shown:
            out.append(budget.take(shown))
    return out


UNSHOWN = "This {} of your notebook could not be shown (it is not as Jupyter writes it)."


class Budget:
    """What the notebook section may still add to the page."""

    def __init__(self):
        self.chars, self.image_bytes = MAX_NOTEBOOK_CHARS, MAX_IMAGES_BYTES

    def take(self, text):
        self.chars -= len(text)
        return text

    def spent(self):
        return self.chars <= 0


def output_html(output, budget):
    """One output of the student's notebook, escaped (HTML and JavaScript outputs are
    shown as their text version)."""
    kind = output.get("output_type")
    if kind == "stream":
        return f"<pre class='printed'>{esc(clip(output.get('text', '')))}</pre>"
    if kind == "error":
        lines = output.get("traceback") or [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        lines = lines if isinstance(lines, list) else [lines]
        return f"<pre class='printed'>{esc(clip(ANSI.sub('', chr(10).join(map(str, lines)))))}</pre>"
    if kind in ("execute_result", "display_data"):
        data = output.get("data")
        data = data if isinstance(data, dict) else {}
        image = data.get("image/png")
        if isinstance(image, str) and len(image) <= budget.image_bytes:
            try:
                base64.b64decode(image.replace("\n", ""), validate=True)
            except (binascii.Error, ValueError):
                image = None
            if image:
                budget.image_bytes -= len(image)
                budget.chars += len(image)          # counted apart from the text
                alt = data.get("text/plain", "an image your notebook drew")
                return f"<img src='data:image/png;base64,{image.replace(chr(10), '')}' alt='{esc(clip(alt, 200))}'>"
        text = data.get("text/plain")
        if text is not None and text != "" and text != []:
            return f"<pre class='printed'>{esc(clip(text))}</pre>"
    return ""


def clip(text, limit=MAX_OUTPUT_CHARS):
    text = "".join(map(str, text)) if isinstance(text, list) else str(text)
    return text if len(text) <= limit else text[:limit] + f"\n… ({len(text) - limit} more characters)"


# --- writing it --------------------------------------------------------------------------------

def write_page(path, text):
    """Write a page atomically, 0644, its folders (up to ``feedback/``'s) 0755."""
    path = Path(path)
    make_folders(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, PAGE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_folders(folder, levels=2):
    """``feedback/<student>/<assignment>``: the last ``levels`` folders made 0755
    whatever the umask (the copies release_feedback makes keep the page's own mode;
    the folders make the course's copy readable to tools run as another user)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for level in [folder, *list(folder.parents)[:levels - 1]]:
        os.chmod(level, FOLDER_MODE)


def publish(folder, assignment, result, *, marks=None, plan=None, receipts_from=None):
    """Write the page into ``folder`` (``feedback/<student>/<assignment>``) with the
    submission's receipts beside it (``release_feedback`` needs them); returns the page.

    The page is 0644 and its folders 0755, so that nbgrader's copy in the exchange is
    readable by the student's uid. ``feedback/`` itself is kept 0700 (others cannot
    reach any page in the course folder) and the receipts 0600: the submission secret
    names the page in the exchange, whose folder other users cannot list.
    """
    folder = Path(folder)
    page = folder / f"{assignment.name}.html"
    text = feedback_html(assignment, result, marks=marks, plan=plan)
    gate = folder.parent.parent
    gate.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(gate, 0o700)                   # before the first page: never a moment open to others
    write_page(page, text)
    for name in ("timestamp.txt", "submission_secret.txt"):
        source = Path(receipts_from) / name if receipts_from else None
        if source is not None and source.is_file():
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
            with os.fdopen(fd, "wb") as fh:
                fh.write(source.read_bytes())
            os.replace(tmp, folder / name)          # mkstemp made it 0600
    return page
