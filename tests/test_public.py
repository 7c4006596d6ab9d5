"""The public side: the site, the student kit and the public tree (`make public`) hold no
private line of solutions/, and the public tree works on its own.

The leak check itself (publish/leaks.py) is tested here too: it must find a hidden test,
a solution line or a model answer planted in a copy of each artefact.
"""

import html
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT
from publish import kit, leaks, public_tree
from site_helpers import SITE

pytestmark = pytest.mark.xdist_group("public")


@pytest.fixture(scope="module")
def secrets():
    if not (ROOT / "solutions").is_dir():
        pytest.skip("no solutions/ here (the public tree): nothing private to search for")
    return leaks.private_lines(ROOT)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    out = tmp_path_factory.mktemp("public") / "tree"
    published, left_out = public_tree.build(out, ROOT)
    return out, published, left_out


@pytest.fixture(scope="module")
def kit_zip(tmp_path_factory):
    return kit.build(tmp_path_factory.mktemp("kit") / kit.ZIP_NAME, ROOT)


def of_kind(secrets, kind, where=""):
    """The secrets of one kind (solution, hidden test, written answer) read from the
    notebooks whose path matches ``where`` (a regex)."""
    return [s for s in secrets.values() if s.kind == kind and re.search(where, s.where)]


# --- the reader of solutions/ -----------------------------------------------------------------

@pytest.mark.private
def test_every_kind_of_private_line_is_read(secrets):
    """Solution code, hidden tests and written model answers all count as private; lines
    of the released copies do not."""
    assert len(secrets) > 100, f"only {len(secrets)} private lines read from solutions/"
    counts = {kind: len(of_kind(secrets, kind, r"^solutions/")) for kind in ("solution", "hidden test",
                                                                         "written answer")}
    assert all(n >= 5 for n in counts.values()), counts
    assert of_kind(secrets, "written answer", "reflection"), "no model answer read from reflection"
    released = leaks.public_skeleton(ROOT)
    assert not [s for s in secrets.values() if s.skeleton in released]
    assert all(len(s.skeleton) >= leaks.DISTINCTIVE for s in secrets.values())


def test_private_parts_of_a_cell():
    code = {"cell_type": "code", "metadata": {"nbgrader": {"solution": True}},
            "source": "def f(x):\n    ### BEGIN SOLUTION\n    return secret(x)\n    ### END SOLUTION\n"}
    test = {"cell_type": "code", "metadata": {"nbgrader": {"grade": True}},
            "source": "assert f(1) == 2\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS"}
    answer = {"cell_type": "markdown", "metadata": {"nbgrader": {"solution": True, "grade": True}},
              "source": "The model answer, with $\\nabla L$ in it.\n\nRubric: 1 point."}
    assert [(k, x.strip()) for k, x in leaks.private_parts(code)] == [("solution", "return secret(x)")]
    assert leaks.private_parts(test) == [("hidden test", "assert f(2) == 4")]
    assert leaks.private_parts(answer) == [("written answer", x)
                                           for x in ["The model answer, with ", " in it.", "Rubric: 1 point."]]


def test_a_skeleton_survives_rendering():
    line = 'assert np.allclose(s, expected), f"sigmoid isn\'t right for z = {z}"'
    page = ('<pre><span class="k">assert</span> <span class="n">np</span>.allclose(s,\n   expected), '
            'f&quot;sigmoid isn’t right for z = {z}&quot;</pre>')
    assert leaks.skeleton(line) in leaks.skeleton(leaks.html_text(page))
    assert leaks.skeleton(line) == leaks.skeleton(leaks.html_text(html.escape(line).upper().replace(" ", "\n")))
    assert leaks.skeleton(line) != leaks.skeleton(line.replace("right", "wrong"))


# --- a planted leak is caught ---------------------------------------------------------------

def plant(secret_line, how):
    """A private line as each kind of artefact would show it."""
    if how == "html":
        return f"<pre><code>{html.escape(secret_line).replace(' ', '</span> <span>')}</code></pre>"
    if how == "ipynb":
        return json.dumps({"cells": [{"cell_type": "code", "source": [secret_line], "metadata": {},
                                      "outputs": [], "execution_count": None}],
                           "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    return f"Some text, then\n    {secret_line}\nand more text.\n"


@pytest.mark.private
@pytest.mark.site
def test_a_hidden_test_planted_in_a_copy_of_the_site_is_caught(secrets, tmp_path):
    page = SITE / "book" / "06_backpropagation.html"
    if not page.exists():
        pytest.fail("no built site in _build/html: run `make book` (make test does it first)")
    secret = of_kind(secrets, "hidden test", r"backprop\.ipynb")[0]
    copy = tmp_path / "html"
    (copy / "book").mkdir(parents=True)
    text = page.read_text(encoding="utf-8")
    shutil.copy(page, copy / "book" / page.name)
    before = set(leaks.scan([copy], secrets))
    (copy / "book" / page.name).write_text(text.replace("</body>", plant(secret.line, "html") + "</body>"))
    found = sorted(set(leaks.scan([copy], secrets)) - before, key=str)
    assert [f.file for f in found] == ["html/book/06_backpropagation.html"], found
    assert secret.where in found[0].what


@pytest.mark.private
def test_a_model_answer_planted_in_a_copy_of_the_kit_is_caught(secrets, kit_zip, tmp_path):
    secret = of_kind(secrets, "written answer", r"reflection\.ipynb")[0]
    before = set(leaks.scan([kit_zip], secrets))
    copy = tmp_path / kit.ZIP_NAME
    with zipfile.ZipFile(kit_zip) as src, zipfile.ZipFile(copy, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("exercises/reflection/reflection.ipynb"):
                nb = json.loads(data)
                nb["cells"][-1]["source"] = secret.line
                data = json.dumps(nb).encode()
            dst.writestr(info, data)
    found = [f for f in leaks.scan([copy], secrets) if f not in before]
    assert len(found) == 1 and "exercises/reflection/reflection.ipynb" in found[0].file, found
    # ... and inside the site, as the kit sits there: a zip in a folder
    (tmp_path / "site" / "_downloads").mkdir(parents=True)
    shutil.copy(copy, tmp_path / "site" / "_downloads" / kit.ZIP_NAME)
    found = [f for f in leaks.scan([tmp_path / "site"], secrets) if f"{kit.ZIP_NAME}!" in f.file
             and "exercises/reflection" in f.file]
    assert len(found) == 1 and secret.where in found[0].what, found


@pytest.mark.private
def test_solution_code_or_a_private_path_planted_in_the_public_tree_is_caught(secrets, tree, tmp_path):
    out, _, _ = tree
    secret = of_kind(secrets, "solution", r"backprop\.ipynb")[0]
    copy = tmp_path / "tree"
    shutil.copytree(out, copy)
    before = {str(f) for f in leaks.scan([copy], secrets)}
    (copy / "book" / "nnlearn" / "cheat.py").write_text(plant(secret.line, "py"))
    (copy / "exercises" / "backprop" / "hint.ipynb").write_text(plant(secret.line, "ipynb"))
    (copy / "solutions" / "backprop").mkdir(parents=True)
    (copy / "solutions" / "backprop" / "notes.txt").write_text("nothing secret in here")
    (copy / "students.csv").write_text("id,first_name\nada,Ada\n")
    found = sorted(str(f) for f in leaks.scan([copy], secrets) if str(f) not in before)
    assert len(found) == 4, found
    assert [f.split(":")[0] for f in found] == [
        "tree/book/nnlearn/cheat.py", "tree/exercises/backprop/hint.ipynb",
        "tree/solutions/backprop/notes.txt", "tree/students.csv"]


# --- the three artefacts are clean -------------------------------------------------------------

@pytest.mark.private
@pytest.mark.site
def test_the_site_holds_no_private_line(secrets):
    if not (SITE / "index.html").exists():
        pytest.fail("no built site in _build/html: run `make book` (make test does it first)")
    assert (SITE / kit.SITE_PATH).exists(), "the site has no student kit: publish.site did not run"
    found = leaks.scan([SITE], secrets)
    assert not found, "\n".join(map(str, found))


@pytest.mark.private
def test_the_kit_holds_no_private_line(secrets, kit_zip):
    found = leaks.scan([kit_zip], secrets)
    assert not found, "\n".join(map(str, found))


@pytest.mark.private
def test_the_public_tree_holds_no_private_line(secrets, tree):
    out, _, _ = tree
    found = leaks.scan([out], secrets)
    assert not found, "\n".join(map(str, found))


# --- the public tree ---------------------------------------------------------------------------

@pytest.mark.private
def test_the_public_tree_has_the_public_side_and_nothing_else(tree):
    out, published, left_out = tree
    tracked = set(public_tree.candidates(ROOT))
    for needed in ["README.md", "CONTRIBUTING.md", "Makefile", "requirements.txt", "requirements.in",
                   "pyproject.toml", "_config.yml", "_toc.yml", ".ci/run", ".gitignore", "book/intro.md",
                   "book/_ext/nnl_site.py", "book/nnlearn/__init__.py", "publish/kit.py",
                   "tests/conftest.py", "tests/test_public.py"]:
        assert needed in published or needed not in tracked, f"{needed} is missing from the public tree"
    chapters = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    exercises = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "exercises").glob("*/*.ipynb"))
    assert chapters and exercises and set(chapters + exercises) <= set(published)
    for private in ["solutions/", "autograder/", "tests/assignment_mistakes/", "tests/adversarial/"]:
        assert not [p for p in published if p.startswith(private)], private
        assert any(p.startswith(private) for paths in left_out.values() for p in paths), \
            f"nothing under {private} was left out: is it still in the repository?"
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert on_disk == sorted(published)
    readme = (out / "README.md").read_text()
    assert "instructors only" not in readme and "`autograder/`" not in readme
    assert "make book" in readme and "make test" in readme and "make public" in readme


def test_a_file_nobody_listed_stays_private():
    assert public_tree.decide("grading_notes/answers.md") == (
        False, "not on the list of published files (publish/public_tree.py)")
    assert public_tree.decide("book/intro.md")[0]
    assert not public_tree.decide("book/gradebook.db")[0]
    assert not public_tree.decide("tests/assignment_mistakes/backprop/x.py")[0]
    assert not public_tree.decide("book/nnlearn/__pycache__/x.cpython-311.pyc")[0]


def test_make_public_refuses_to_empty_a_folder_that_is_not_a_public_tree(tmp_path):
    (tmp_path / "thesis.tex").write_text("years of work")
    with pytest.raises(ValueError, match="not a public tree"):
        public_tree.build(tmp_path, ROOT)
    assert (tmp_path / "thesis.tex").exists()
    with pytest.raises(ValueError, match="under"):
        public_tree.build(ROOT / "book", ROOT)


@pytest.mark.private
@pytest.mark.slow
def test_the_public_tree_works_on_its_own(tree):
    """In the public tree, the suite collects without error, the tests that need solutions/
    skip saying why, a few unit tests pass against the tree's own nnlearn, and the
    Makefile knows the README's two commands."""
    out, _, _ = tree
    env = dict(os.environ, PYTHONPATH=str(out / "book"), NNL_SITE=str(out / "_build" / "html"))
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-rs"],
        cwd=out, env=env, capture_output=True, text=True, timeout=600)
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    needing = sorted(p.name for p in (out / "tests").glob("test_*.py")
                     if re.search(r"^\s*(from|import)\s+(assignment_helpers|grading_helpers|autograder)\b",
                                                        p.read_text(), re.M))
    assert needing, "no test module uses the assignment helpers: the check below proves nothing"
    for name in needing:
        assert re.search(rf"SKIPPED.*{re.escape(name)} needs the instructors' side \(solutions/",
                         collected.stdout), f"{name} is not skipped with its reason:\n{collected.stdout[-3000:]}"
    unit = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_activations.py", "tests/test_losses.py", "tests/test_gradcheck.py",
         "tests/test_repository.py", "tests/test_public.py::test_a_skeleton_survives_rendering",
         "tests/test_public.py::test_every_kind_of_private_line_is_read"],
        cwd=out, env=env, capture_output=True, text=True, timeout=600)
    assert unit.returncode == 0, unit.stdout[-3000:] + unit.stderr[-3000:]
    assert re.search(r"\d+ passed", unit.stdout), unit.stdout[-2000:]
    # what may skip there, and why: the tests that need the instructors' side, and the ones
    # that ask git (the public tree is copied without .git)
    reasons = re.findall(r"^SKIPPED \[\d+\] [^:]+:\d+: (.*)$", unit.stdout, re.M)
    expected = ("needs the instructors' side", "not a git checkout")
    assert reasons and all(r.startswith(expected) for r in reasons), unit.stdout[-2000:]
    assert len(reasons) == len(re.findall(r"^SKIPPED", unit.stdout, re.M)), unit.stdout[-2000:]
    probe = subprocess.run([sys.executable, "-c", "import nnlearn; print(nnlearn.__file__)"],
                           cwd=out, env=env, capture_output=True, text=True)
    assert probe.stdout.strip().startswith(str(out)), probe.stdout
    if shutil.which("make"):
        dry = subprocess.run(["make", "-n", "book", "test", "public", "kit"], cwd=out,
                             capture_output=True, text=True)
        assert dry.returncode == 0, dry.stderr
