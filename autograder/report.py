"""The class report: ``python -m autograder.report [ASSIGNMENT ...]`` -> ``autograder/report/index.html``.

What the class got wrong, not only what it scored. For each assignment:

* each test's pass rate, as a table and a bar chart;
* the failure messages, grouped by the mistake they name: numbers are normalised
  ("relative error 2.3e-01" and "relative error 4.1e-02" are one mistake) but the
  indices that say where ("delta[1]") are kept, and each group is counted in students;
* the distribution of the final scores (nbgrader's gradebook: manual scores and late
  penalties included; the result file's score where the gradebook has none);
* the students who need a look, and why: a status other than ``ok``, late, a zero score,
  not on the class list, a grading failure.

It is built from the grading command's result files (``autograder/results/``), the
gradebook and the class list, and it is one file that works offline: the charts are
inline SVG drawn by matplotlib, with no script and no link outside the page. It shows
test names and the tests' messages (which students see too), never a test's code.
The grading command writes it at the end of every run (:func:`after_grading`).
"""

import argparse
import datetime
import html
import io
import json
import os
import re
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

from . import classlist, statuses

HERE = Path(__file__).resolve().parent
OUT = Path("autograder") / "report" / "index.html"      # relative to the course root
TOP_MISTAKES = 15
BLUE, VERMILION, INK = "#0072B2", "#D55E00", "#222222"   # Okabe-Ito (colour-blind safe), dark text
LABEL_SIZE = 13

STYLE = """
body { font-family: system-ui, sans-serif; line-height: 1.45; color: #1a1a1a; background: #fff;
       max-width: 62rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #0b5394; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid #b8b8b8; padding: .35rem .45rem; text-align: left; vertical-align: top; }
th { background: #eef2f7; } td.num, th.num { text-align: right; white-space: nowrap; }
figure { margin: 1rem 0; } figure svg { width: 100%; height: auto; max-width: 38rem; }
figcaption { font-size: .9rem; color: #333; }
code { background: #f1f3f5; padding: 0 .2rem; overflow-wrap: anywhere; }
.example { color: #333; font-size: .88rem; overflow-wrap: anywhere; }
nav ul { padding-left: 1.2rem; }
"""


def esc(text):
    return html.escape(str(text), quote=True)


# --- grouping failure messages by the mistake they name ------------------------------------------

_INDEX = re.compile(r"\b([A-Za-z_]\w*)\[(\d{1,2})\]")              # delta[1], W[2]: where, kept
_NUMBER = re.compile(r"(?<![\w\]])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w\[])")
_QUOTED_VALUE = re.compile(r"(?:array\(|\()[^()]{0,200}\)")        # (3, 4), array([...]): a value


def mistake_of(message):
    """The mistake a failure message names: its first line, its values replaced by '#'."""
    text = (message or "").strip().splitlines()[0] if (message or "").strip() else "(no message)"
    kept = {}

    def keep(match):                    # a private-use character per index, which no pattern touches
        marker = chr(0xE000 + len(kept))
        kept[marker] = match.group(0)
        return marker

    text = _INDEX.sub(keep, text)
    text = _NUMBER.sub("#", text)
    text = re.sub(r"#(?:\s*,\s*#)+", "#, …", text)                 # lists of numbers: one shape
    text = re.sub(r"\s+", " ", text)
    for marker, original in kept.items():
        text = text.replace(marker, original)
    return text[:300]


# --- reading -----------------------------------------------------------------------------------

def read_results(root, assignment):
    """student -> the result file's dict, for one assignment."""
    out = {}
    for path in sorted((Path(root) / "autograder" / "results" / assignment).glob("*.json")):
        try:
            out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            out[path.stem] = {"student": path.stem, "status": statuses.GRADER_ERROR,
                              "message": f"the result file cannot be read ({err})"}
    return out


def assignments_with_results(root):
    folder = Path(root) / "autograder" / "results"
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def gradebook_scores(db_url, course_id, assignments):
    """(assignment, student) -> lms.Score, and assignment -> max score; empty if there is no gradebook."""
    from .lms import read_gradebook

    try:
        scores, names, max_scores = read_gradebook(db_url, course_id)
    except Exception as err:        # a missing or locked gradebook: the result files still tell a lot
        print(f"warning: the class report could not read the gradebook ({err}); "
              "it shows the autograded scores", file=sys.stderr)
        return {}, {}
    return scores, max_scores


# --- one assignment ----------------------------------------------------------------------------

def canvas_late(root, assignment):
    """Students whose Canvas download was marked late (autograder/canvas_collect.py's flag file)."""
    from .canvas_collect import LATE_FLAG

    return {p.parent.parent.name for p in (Path(root) / "autograder" / "submitted").glob(f"*/{assignment}/{LATE_FLAG}")}


def analyse(name, results, scores, max_score, students, late_on_canvas=()):
    """Everything the report shows for one assignment, as plain data."""
    attempted = {s: r for s, r in results.items()
                 if r.get("status") in statuses.BY_NAME and statuses.get(r["status"]).has_notebook
                 and r.get("status") != getattr(statuses, "UNCHANGED", None)}      # blank: not an attempt
    tests = {}
    for r in attempted.values():
        for test_id, t in (r.get("tests") or {}).items():
            row = tests.setdefault(test_id, {"points": t.get("max_points", 0), "passed": 0, "graded": 0})
            row["graded"] += 1
            row["passed"] += bool(t.get("passed"))
    groups = defaultdict(lambda: {"students": set(), "tests": Counter(), "example": ""})
    for student, r in attempted.items():
        for test_id, t in (r.get("tests") or {}).items():
            if t.get("passed"):
                continue
            group = groups[mistake_of(t.get("message"))]
            group["students"].add(student)
            group["tests"][test_id] += 1
            group["example"] = group["example"] or (t.get("message") or "").strip()[:400]
    mistakes = sorted(groups.items(), key=lambda kv: (-len(kv[1]["students"]), kv[0]))
    final, look = {}, []
    for student, r in sorted(results.items()):
        status = r.get("status", "")
        score = scores.get((name, student))
        absent = status == statuses.NOT_SUBMITTED
        if not absent and (status not in statuses.BY_NAME or statuses.get(status).exported_score):
            final[student] = score.final if score is not None else float(r.get("score") or 0)
        why = []
        if status not in (statuses.OK, statuses.NOT_SUBMITTED):
            text = statuses.get(status).what_happened if status in statuses.BY_NAME else "unknown status"
            why.append(f"{status}: {r.get('message') or text}")
        late = r.get("late") or {}
        penalty = score.penalty if score is not None else late.get("penalty")    # the gradebook's: current
        if late.get("seconds_late"):
            why.append(f"late by {late['seconds_late'] / 3600:.1f} h" + (f", penalty {penalty:g}" if penalty else ""))
        elif score is not None and score.penalty:
            why.append(f"late penalty {score.penalty:g}")
        if student in late_on_canvas:
            why.append("Canvas marked it late")
        if student in final and final[student] == 0 and not absent:
            why.append("scored 0")
        if students is not None and student not in students:
            why.append("not on the class list")
        if why:
            look.append((student, status, why))
    absent = [s for s, r in results.items() if r.get("status") == statuses.NOT_SUBMITTED]
    if students is not None:
        absent += [s for s in students if s not in results]
    to_grade = sorted(s for (a, s), v in scores.items() if a == name and v.needs_manual_grade)
    return {"name": name, "results": results, "attempted": len(attempted), "tests": tests, "to_grade": to_grade,
            "mistakes": mistakes, "final": final, "max_score": max_score, "look": look,
            "absent": sorted(set(absent)), "statuses": Counter(r.get("status", "") for r in results.values())}


# --- pictures ------------------------------------------------------------------------------------

def svg(fig, label_id, title, description):
    """The figure as inline SVG text: text kept as text, no metadata, no external namespace URL."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": label_id}):
        fig.savefig(buf, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", text)
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = text.replace("<svg", f'<svg role="img" aria-labelledby="{label_id}-t {label_id}-d"', 1)
    head = text.index(">") + 1
    return (text[:head] + f'<title id="{label_id}-t">{esc(title)}</title><desc id="{label_id}-d">'
            f"{esc(description)}</desc>" + text[head:])


def _figure(width, height):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=72)
    fig.patch.set_facecolor("white")
    return fig


def _style(ax):
    """Labels large enough to read on a phone, where the chart is about 360 px wide."""
    ax.tick_params(labelsize=LABEL_SIZE, colors=INK)
    ax.xaxis.label.set_size(LABEL_SIZE)
    ax.yaxis.label.set_size(LABEL_SIZE)
    ax.spines[["top", "right"]].set_visible(False)


def pass_rate_chart(a, label_id):
    names = list(a["tests"])
    rates = [100 * a["tests"][t]["passed"] / max(1, a["tests"][t]["graded"]) for t in names]
    fig = _figure(6, 1.0 + 0.36 * max(1, len(names)))
    ax = fig.add_subplot()
    y = range(len(names))[::-1]
    ax.barh(list(y), rates, color=[BLUE if r >= 50 else VERMILION for r in rates])
    ax.set_yticks(list(y), names, color=INK)
    ax.set_xlim(0, 112)                  # room for the labels beside the bars
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("students who passed (%)", color=INK)
    for k, r in zip(y, rates):
        ax.text(r + 1, k, f"{r:.0f}%", va="center", fontsize=LABEL_SIZE - 1, color=INK)
    _style(ax)
    height = fig.get_figheight()           # fixed margins: tight_layout costs more than the drawing
    fig.subplots_adjust(left=min(0.6, 0.04 + 0.019 * max(map(len, names), default=4)), right=0.97,
                        bottom=0.75 / height, top=1 - 0.15 / height)
    lowest = sorted(zip(rates, names))[:3]
    desc = (f"Horizontal bars, one per test of {a['name']}, from 0 to 100 percent. Lowest: "
            + "; ".join(f"{n} {r:.0f}%" for r, n in lowest) + ".")
    return svg(fig, label_id, f"Pass rate per test, {a['name']}", desc)


def score_chart(a, label_id):
    values = list(a["final"].values())
    top = a["max_score"] or max(values, default=1) or 1
    fig = _figure(6, 2.6)
    ax = fig.add_subplot()
    bins = min(20, max(5, int(top)))
    ax.hist(values, bins=bins, range=(0, top), color=BLUE, edgecolor="white")
    ax.set_xlabel(f"final score (of {top:g})", color=INK)
    ax.set_ylabel("students", color=INK)
    _style(ax)
    fig.subplots_adjust(left=0.13, right=0.97, bottom=0.24, top=0.95)
    desc = (f"Histogram of {len(values)} final scores of {a['name']} between 0 and {top:g}; "
            + (f"median {statistics.median(values):g}." if values else "no scores."))
    return svg(fig, label_id, f"Score distribution, {a['name']}", desc)


# --- the page --------------------------------------------------------------------------------------

def section(a, k):
    name = esc(a["name"])
    n = len(a["results"])
    counts = ", ".join(f"{c} {esc(s)}" for s, c in sorted(a["statuses"].items()))
    parts = [f'<section aria-labelledby="a{k}"><h2 id="a{k}">{name}</h2>',
             f"<p>{n} result(s): {counts}. Pass rates and mistakes count the {a['attempted']} graded notebooks "
             "that were handed in and changed (blank and absent ones are left out)."
             + (f" {len(a['to_grade'])} submission(s) still have answers to grade by hand in the formgrader "
                "(their scores below count those answers as 0)." if a["to_grade"] else "") + "</p>"]
    parts.append("<h3>Pass rate per test</h3>")
    if a["tests"]:
        parts.append(f"<figure>{pass_rate_chart(a, f'pass{k}')}<figcaption>Share of the {a['attempted']} "
                     f"graded notebooks of {name} that passed each test; bars under 50% are orange."
                     "</figcaption></figure>")
        rows = "".join(f"<tr><th scope='row'><code>{esc(t)}</code></th><td class='num'>{v['points']:g}</td>"
                       f"<td class='num'>{v['passed']} / {v['graded']}</td>"
                       f"<td class='num'>{100 * v['passed'] / max(1, v['graded']):.0f}%</td></tr>"
                       for t, v in a["tests"].items())
        parts.append(f"<div class='scroll'><table><caption>Tests of {name}</caption><thead><tr>"
                     "<th scope='col'>test</th><th scope='col' class='num'>points</th>"
                     "<th scope='col' class='num'>passed</th><th scope='col' class='num'>rate</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table></div>")
    else:
        parts.append("<p>No graded notebook yet.</p>")
    parts.append("<h3>Most common mistakes</h3>")
    if a["mistakes"]:
        rows = []
        for pattern, g in a["mistakes"][:TOP_MISTAKES]:
            tests = ", ".join(f"<code>{esc(t)}</code>" for t, _ in g["tests"].most_common())
            rows.append(f"<tr><td>{esc(pattern)}<div class='example'>e.g. “{esc(g['example'])}”</div></td>"
                        f"<td class='num'>{len(g['students'])}</td><td>{tests}</td></tr>")
        more = len(a["mistakes"]) - TOP_MISTAKES
        parts.append("<div class='scroll'><table><caption>Failure messages of "
                     f"{name}, grouped by the mistake they name (numbers shown as #), most students first"
                     "</caption><thead><tr><th scope='col'>mistake, with one message as it was shown</th>"
                     "<th scope='col' class='num'>students</th><th scope='col'>tests</th></tr></thead>"
                     f"<tbody>{''.join(rows)}</tbody></table></div>"
                     + (f"<p>{more} rarer mistake(s) not shown.</p>" if more > 0 else ""))
    else:
        parts.append("<p>No failed test.</p>")
    parts.append("<h3>Scores</h3>")
    values = sorted(a["final"].values())
    if values:
        q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
        parts.append(f"<figure>{score_chart(a, f'score{k}')}<figcaption>Final scores of {name} from the gradebook "
                     "(hand-graded points and late penalties included). "
                     f"{len(values)} students; mean {statistics.fmean(values):.1f}, quartiles {q[0]:g} / "
                     f"{q[1]:g} / {q[2]:g}, of {a['max_score'] or 0:g}. "
                     f"{len(a['absent'])} absent, not counted.</figcaption></figure>")
    else:
        parts.append("<p>No scores yet.</p>")
    parts.append("<h3>Students who need a look</h3>")
    if a["look"]:
        rows = "".join(f"<tr><th scope='row'>{esc(s)}</th><td>{esc(st)}</td><td>{esc('; '.join(w))[:600]}</td></tr>"
                       for s, st, w in a["look"])
        parts.append(f"<div class='scroll'><table><caption>Students of {name} to look at ({len(a['look'])})"
                     "</caption><thead><tr><th scope='col'>student</th><th scope='col'>status</th>"
                     f"<th scope='col'>why</th></tr></thead><tbody>{rows}</tbody></table></div>")
    else:
        parts.append("<p>Nobody.</p>")
    if a["absent"]:
        parts.append(f"<p>Absent (nothing handed in, {len(a['absent'])}): "
                     + ", ".join(esc(s) for s in a["absent"]) + ".</p>")
    parts.append("</section>")
    return "\n".join(parts)


def page(analyses, when):
    nav = "".join(f"<li><a href='#a{k}'>{esc(a['name'])}</a></li>" for k, a in enumerate(analyses))
    body = "\n".join(section(a, k) for k, a in enumerate(analyses)) or "<p>No results yet.</p>"
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>Class report</title><style>{STYLE}</style></head><body><main>"
            f"<h1>Class report</h1><p>Written {esc(when)} from the grading results, the gradebook and the "
            "class list. Private: it names students. Each assignment has its pass rates, its most common "
            "mistakes, its scores and the students who need a look.</p>"
            f"<nav aria-label='assignments'><ul>{nav}</ul></nav>{body}</main></body></html>\n")


def build(root, db_url, course_id, assignments=None, out=None, penalties=None):
    """Write the report; returns its path. With ``penalties`` (nbgrader's configured
    ``AssignLatePenalties``, :func:`.deadlines.penalty_plugin`), the late penalties are
    first recomputed from the gradebook's scores as they are now (hand grading included).

    The page names students: it is written 0600, and the default folder
    (``autograder/report/``) is kept 0700."""
    root = Path(root)
    names = list(assignments or assignments_with_results(root))
    if penalties is not None and names:
        from .deadlines import refresh_penalties

        try:
            refresh_penalties(db_url, course_id, penalties, names)
        except Exception as err:      # the report still shows what the gradebook has
            print(f"warning: the late penalties could not be recomputed ({type(err).__name__}: {err}); "
                  "the report shows them as they were", file=sys.stderr)
    try:
        students = classlist.load_if_present(root)
    except classlist.ClassListError as err:
        print(f"warning: {err}; the report cannot tell who is on the class list", file=sys.stderr)
        students = None
    scores, max_scores = gradebook_scores(db_url, course_id, names)
    analyses = []
    for name in names:
        results = read_results(root, name)
        max_score = max_scores.get(name) or max((float(r.get("max_score") or 0) for r in results.values()),
                                                default=0)
        analyses.append(analyse(name, results, scores, max_score, students, canvas_late(root, name)))
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    path = Path(out) if out else root / OUT
    path.parent.mkdir(parents=True, exist_ok=True)
    if not out:
        os.chmod(path.parent, 0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)                # a left-over tmp keeps its mode otherwise
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(page(analyses, when))
    tmp.replace(path)
    return path


def after_grading(coursedir, course_id, say=print):
    """The grading command's last step: the report for every graded assignment; never fails the run."""
    try:
        from .secure.store import course_owner, hand_back

        from .deadlines import penalty_plugin

        path = build(coursedir.root, coursedir.db_url, course_id, penalties=penalty_plugin(coursedir.config))
        hand_back(str(path.parent), course_owner(coursedir.root))
        say(f"class report: {path}")
    except Exception as err:      # the grades are saved; a report that fails must not hide that
        print(f"warning: the class report could not be written ({type(err).__name__}: {err}); "
              "run `python -m autograder.report` to try again", file=sys.stderr)


def main(argv=None):
    from .grade import load_coursedir

    p = argparse.ArgumentParser(prog="python -m autograder.report",
                                description="Write the class report, autograder/report/index.html.")
    p.add_argument("assignment", nargs="*", help="assignments to show (default: every one with results)")
    p.add_argument("--out", help=f"the page to write (default: {OUT})")
    p.add_argument("--config", default=str(HERE / "nbgrader_config.py"),
                   help="the nbgrader configuration (default: autograder/nbgrader_config.py)")
    args = p.parse_args(argv)
    coursedir, course_id = load_coursedir(args.config)
    missing = [a for a in args.assignment if a not in assignments_with_results(coursedir.root)]
    if missing:
        raise SystemExit(f"error: no results for {', '.join(missing)}; grade it first "
                         "(python -m autograder.grade ASSIGNMENT)")
    from .deadlines import penalty_plugin

    path = build(coursedir.root, coursedir.db_url, course_id, args.assignment, args.out,
                 penalties=penalty_plugin(coursedir.config))
    print(f"class report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
