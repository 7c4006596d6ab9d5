"""The student's feedback page: each test, its points, its verdict and why.

The page is built from the result alone (never from a notebook): test names,
points, pass or fail, the test's own message (written to say which function, which
shape, which layer), and where the failure came from the student's code, the
student's own traceback. No line of any test's source is on it, visible or hidden.
Everything shown is escaped: a student's output cannot inject markup.
"""

import html

from .. import statuses


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ccc; padding: .4rem .5rem; text-align: left; vertical-align: top; }
.pass { color: #1a7f37; font-weight: bold; } .fail { color: #b3261e; font-weight: bold; }
.status { padding: .6rem .8rem; border-left: 4px solid #b3261e; background: #fdf0ef; margin: 1rem 0; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: .5rem; font-size: .85rem; }
.note { color: #555; font-size: .9rem; }
"""


def esc(text):
    return html.escape(str(text), quote=True)


def points(value):
    return f"{float(value):g}"


def feedback_html(assignment, result):
    """The feedback page for one :class:`~.results.Result`."""
    title = f"{assignment.name}: feedback for {result.student}"
    parts = [f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{esc(title)}</title>",
             f"<style>{STYLE}</style></head><body>", f"<h1>{esc(title)}</h1>"]
    manual = sum(c.points for c in assignment.graded if c.kind == "answer")
    score_line = (f"<p><strong>Autograded score: {points(result.score)} of {points(result.max_score)}"
                  " points.</strong>")
    if manual:
        score_line += f" Your written answers ({points(manual)} points) are graded by hand."
    parts.append(score_line + "</p>")
    status = statuses.get(result.status)
    if status.name != statuses.OK:
        parts.append(f"<div class='status'><strong>{esc(status.student_text)}</strong><br>"
                     f"{esc(result.message)}</div>")
    for note in result.notes:
        parts.append(f"<p class='note'>Note: {esc(note)}.</p>")
    tests = result.tests
    if tests:
        parts.append("<h2>Tests</h2><table><tr><th>test</th><th>points</th><th>result</th>"
                     "<th>what the test says</th></tr>")
        for test in tests.values():
            verdict = "<span class='pass'>passed</span>" if test.passed else "<span class='fail'>failed</span>"
            detail = esc(test.message) if not test.passed else ""
            for note in test.notes:
                detail += f"<div class='note'>{esc(note)}</div>"
            if test.student_traceback:
                detail += ("<details><summary>where in your code</summary>"
                           f"<pre>{esc(test.student_traceback)}</pre></details>")
            parts.append(f"<tr><td><code>{esc(test.name)}</code></td>"
                         f"<td>{points(test.points)} / {points(test.max_points)}</td>"
                         f"<td>{verdict}</td><td>{detail}</td></tr>")
        parts.append("</table>")
    errors = [c for c in result.cells if c and not c.ok and c.error]
    if errors:
        parts.append("<h2>Your cells that raised an error while grading</h2><ul>")
        for cell in errors[:20]:
            parts.append(f"<li><code>{esc(cell.label)}</code>: {esc(cell.error[:500])}</li>")
        parts.append("</ul>")
    parts.append("<p class='note'>Hidden tests ran as well; their code is not shown. Each message above says "
                 "what a test found.</p></body></html>\n")
    return "\n".join(parts)
