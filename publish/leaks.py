"""Does a public artefact hold a private line? Read every private line out of solutions/,
then search each file of the artefact (a folder, a zip, a file; zips inside are opened too).

Private, in ``solutions/<assignment>/<assignment>.ipynb``:

* every line inside ``### BEGIN SOLUTION`` / ``### END SOLUTION`` (solution code);
* every line inside ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``;
* every line inside ``=== BEGIN MARK SCHEME ===`` / ``=== END MARK SCHEME ===``;
* the whole of a written-answer cell (an nbgrader solution cell without markers: the
  model answer and its rubric), sentence by sentence.

A line is compared by its *skeleton*: lower case, letters and digits only. Highlighting
re-spaces code on a page, HTML escapes ``<`` and ``&``, Sphinx curls quotes and markdown
loses its ``*``: none of that changes the skeleton. Only skeletons of at least
:data:`DISTINCTIVE` characters count; shorter ones (``return x``) are too common to mean
a leak. Lines that are public by design are not private: every line of the released
copies in ``exercises/`` (the task's ``def`` line, the visible tests) and of the course's
formula pages (notation and errata: a solution may be exactly the course's formula), and
the few lines listed, with a reason, in :data:`PUBLIC_BY_DESIGN`.

``python -m publish.leaks PATH...`` prints every private line found and where, and
exits 1 if there is one. Forbidden *paths* (``solutions/``, a gradebook, a class list,
submissions...) are reported too.
"""

import argparse
import html
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import ROOT

REGIONS = [("### BEGIN SOLUTION", "### END SOLUTION"),
           ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
           ("=== BEGIN MARK SCHEME ===", "=== END MARK SCHEME ===")]
DISTINCTIVE = 20          # letters and digits in a skeleton; shorter lines prove nothing
PROSE_DISTINCTIVE = 32    # the same for written answers: "the direction of steepest decrease"
                          # (31) is any textbook's phrase, a model answer's sentence is longer
PUBLIC_FORMULA_PAGES = ("book/notation.md", "book/errata.md")

# Lines inside a private region that the course also publishes on purpose, each with why.
# Add one only after reading where it shows: everything else found is a leak.
PUBLIC_BY_DESIGN = {
    "z = np.asarray(z, dtype=float)": "input conversion, written the same way all over nnlearn",
    "x = np.asarray(x, dtype=float)": "input conversion, written the same way all over nnlearn",
    "y = np.asarray(y, dtype=float)": "input conversion, written the same way all over nnlearn",
    "y_hat = np.asarray(y_hat, dtype=float)": "input conversion, as in nnlearn.losses",
    "return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))":
        "the stable sigmoid of nnlearn.activations, which chapter 3 teaches and imports",
    "dW[j] = np.outer(h[j - 1], delta)              # h^(j-1) delta^(j)T":
        "nnlearn.network.backward, the formula chapter 6 derives and imports",
    "x, y = rng.normal(size=3), rng.normal(size=2)": "random test inputs, as in the unit tests",
    "X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))": "random test inputs, as in the unit tests",
    "y, y_hat = rng.normal(size=shape), rng.normal(size=shape)": "random test inputs, as in the unit tests",
    "order = rng.permutation(len(X))": "the minibatch loop of nnlearn.network, which chapter 6 uses",
    "for start in range(0, len(X), batch_size):": "the minibatch loop of nnlearn.network",
    "rows = order[start:start + batch_size]": "the minibatch loop of nnlearn.network",
}

# Paths no public artefact may hold, whatever their content.
FORBIDDEN_PATHS = [
    (re.compile(r"(^|/)solutions/"), "the instructors' solutions/"),
    (re.compile(r"(^|/)autograder/"), "the grading tools and their state (autograder/)"),
    (re.compile(r"(^|/)assignment_mistakes/"), "the mistakes corpus (near-solutions)"),
    (re.compile(r"gradebook[^/]*$", re.I), "a gradebook"),
    (re.compile(r"\.(db|sqlite3?)$", re.I), "a database"),
    (re.compile(r"(^|/)(submitted|autograded|feedback|downloaded|exchange|results)/"),
     "nbgrader's working state (submissions, grades, feedback)"),
    (re.compile(r"(^|/)(students?|class|roster|grades?)[^/]*\.(csv|xlsx?|tsv)$", re.I),
     "a class list or grade export"),
]

TEXT_LIMIT = 50 * 1024 * 1024      # bytes: a bigger file is read up to here
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".eot",
                   ".otf", ".pdf", ".pyc", ".mo", ".gz", ".bz2", ".xz", ".whl"}


def skeleton(text):
    """Lower-case letters and digits only: what survives any re-spacing or re-rendering."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


# --- what is private ----------------------------------------------------------------------

@dataclass(frozen=True)
class Secret:
    skeleton: str
    where: str          # "solutions/backprop/backprop.ipynb, cell test_forward (hidden test)"
    line: str           # the line as written, for the report
    kind: str           # solution, hidden test, mark scheme, written answer


def _cells(notebook):
    return json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])


def _source(cell):
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


MATHS = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S)


def _fragments(line):
    """A line cut into the pieces a page shows verbatim: long prose cut at sentence ends."""
    return [p for p in re.split(r"(?<=[.!?;:])\s+", line) if p.strip()]


KINDS = {"### BEGIN SOLUTION": "solution", "### BEGIN HIDDEN TESTS": "hidden test",
         "=== BEGIN MARK SCHEME ===": "mark scheme"}


def private_parts(cell):
    """The private lines of one source cell, as written, each with its kind: "solution",
    "hidden test", "mark scheme" or "written answer". Maths is left out of written answers:
    it is the course's notation, and a page typesets it into something else."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    source = _source(cell)
    if cell.get("cell_type") == "markdown":
        source = MATHS.sub("\n", source)
    lines = source.splitlines()
    has_markers = any(line.strip().startswith(begin) for line in lines for begin, _ in REGIONS)
    if meta.get("solution") and not has_markers:
        kind = "written answer" if cell.get("cell_type") == "markdown" else "solution"
        return [(kind, line) for line in lines if line.strip()]       # all of it
    found, inside, kind = [], None, None
    for line in lines:
        stripped = line.strip()
        if inside is None:
            begin = next((b for b, _ in REGIONS if stripped.startswith(b)), None)
            if begin:
                inside, kind = dict(REGIONS)[begin], KINDS[begin]
        elif stripped.startswith(inside):
            inside = None
        else:
            found.append((kind, line))
    return found


def public_skeleton(root=ROOT):
    """One skeleton of everything public by design: the released copies and the formula pages."""
    parts = []
    for notebook in sorted((Path(root) / "exercises").glob("*/*.ipynb")):
        parts += [_source(c) for c in _cells(notebook)]
    for page in PUBLIC_FORMULA_PAGES:
        if (Path(root) / page).exists():
            parts.append((Path(root) / page).read_text(encoding="utf-8"))
    return "\n".join(skeleton(p) for p in parts)


def private_lines(root=ROOT):
    """{skeleton: Secret} for every distinctive private line of ``root/solutions``."""
    root = Path(root)
    public = public_skeleton(root)
    allowed = {skeleton(line) for line in PUBLIC_BY_DESIGN}
    secrets = {}
    for notebook in sorted((root / "solutions").glob("*/*.ipynb")):
        rel = notebook.relative_to(root).as_posix()
        for k, cell in enumerate(_cells(notebook)):
            name = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"#{k}"
            least = PROSE_DISTINCTIVE if cell.get("cell_type") == "markdown" else DISTINCTIVE
            for kind, line in private_parts(cell):
                for piece in _fragments(line):
                    key = skeleton(piece)
                    if len(key) >= least and key not in public and key not in secrets and key not in allowed:
                        secrets[key] = Secret(key, f"{rel}, cell {name} ({kind})", piece.strip(), kind)
    return secrets


# --- what an artefact shows ------------------------------------------------------------------

DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")


def html_text(raw):
    """The text of an HTML page (tags dropped, entities decoded), attribute values included:
    a leak in a ``title=`` or ``data-`` attribute is still a leak. Base64 images (the
    demos' frames) are left out: they are pictures, not text."""
    raw = DATA_URI.sub(" ", raw)
    attrs = " ".join(html.unescape(v) for v in re.findall(r'=\s*"([^"]*)"', raw))
    body = html.unescape(re.sub(r"<[^>]*>", " ", raw))
    return body + "\n" + attrs


def notebook_text(raw):
    """Every cell's source and every text output of a notebook (JSON or not: if it does not
    parse, the raw text is searched)."""
    try:
        nb = json.loads(raw)
    except ValueError:
        return raw
    parts = []
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        parts.append(_source(cell))
        for out in cell.get("outputs", []):
            parts.append(json.dumps(out, ensure_ascii=False))
        parts.append(json.dumps(cell.get("attachments", {}), ensure_ascii=False))
    parts.append(json.dumps(nb.get("metadata", {}) if isinstance(nb, dict) else {}, ensure_ascii=False))
    return "\n".join(parts)


def file_text(name, data):
    """The searchable text of one file's bytes, or None for a binary file."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in BINARY_SUFFIXES or b"\x00" in data[:4096]:
        return None
    text = data[:TEXT_LIMIT].decode("utf-8", errors="replace")
    if suffix in (".html", ".htm", ".xml", ".svg"):
        return html_text(text)
    if suffix == ".ipynb":
        return notebook_text(text)
    return text


def members(path):
    """(name, bytes) of every file of a folder, a zip or a single file; zips inside are
    opened too (their members named ``outer.zip!inner/path``)."""
    path = Path(path)
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file():
                yield from _expand(p.relative_to(path).as_posix(), p.read_bytes())
    elif path.is_file():
        yield from _expand(path.name, path.read_bytes())
    else:
        raise FileNotFoundError(f"{path} does not exist: build it first (make book, make public)")


def _expand(name, data):
    if name.lower().endswith(".zip"):
        yield name, b""                # the archive itself, for the path check
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    yield from _expand(f"{name}!{info.filename}", zf.read(info))
    else:
        yield name, data


@dataclass(frozen=True)
class Finding:
    file: str
    what: str

    def __str__(self):
        return f"{self.file}: {self.what}"


def forbidden(name):
    """Why a file's path may not be published, or None."""
    inner = name.split("!")[-1]
    for pattern, why in FORBIDDEN_PATHS:
        if pattern.search(inner):
            return why
    return None


def scan(paths, secrets=None, root=ROOT):
    """Every Finding in the artefacts ``paths``: a forbidden path, or a file showing a
    private line of ``root/solutions``."""
    secrets = private_lines(root) if secrets is None else secrets
    # Every secret is at least DISTINCTIVE long: look up each text's windows of that length
    # among the secrets' first DISTINCTIVE characters, then confirm the whole secret.
    heads = {}
    for key in secrets:
        heads.setdefault(key[:DISTINCTIVE], []).append(key)
    findings = []
    for path in paths:
        for name, data in members(path):
            why = forbidden(name)
            if why:
                findings.append(Finding(f"{Path(path).name}/{name}", f"forbidden path: {why}"))
            text = file_text(name, data)
            if not text:
                continue
            flat = skeleton(text)
            hits = set()
            for start in _candidates(flat, heads):
                for key in heads[flat[start:start + DISTINCTIVE]]:
                    if flat.startswith(key, start):
                        hits.add(key)
            findings += [Finding(f"{Path(path).name}/{name}",
                                 f"shows {secrets[k].where}: {secrets[k].line!r}") for k in sorted(hits)]
    return findings


def _candidates(flat, heads):
    """Positions in ``flat`` where some secret's head starts."""
    if not heads:
        return []
    n = DISTINCTIVE
    return [i for i in range(len(flat) - n + 1) if flat[i:i + n] in heads]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m publish.leaks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", type=Path, help="folders, zips or files to search")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the instructors' repository, whose solutions/ holds the secrets")
    args = parser.parse_args(argv)
    if not (args.root / "solutions").is_dir():
        parser.error(f"{args.root / 'solutions'} is missing: run this in the instructors' repository")
    secrets = private_lines(args.root)
    try:
        found = scan(args.paths, secrets, args.root)
    except FileNotFoundError as err:
        parser.error(str(err))
    for finding in found:
        print(finding)
    print(f"{len(found)} leak(s) in {', '.join(map(str, args.paths))} "
          f"({len(secrets)} private lines of {args.root / 'solutions'} searched)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
