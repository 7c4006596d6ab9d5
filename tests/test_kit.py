"""The student kit: what it holds, that the site offers it, and that its one command sets
the course up and opens JupyterLab with nothing but Python (no make, no bash).

The set-up test runs ``setup_course.py`` from an unzipped kit exactly as a student would,
with a PATH that holds no program at all. To keep it to a minute rather than the
five or more a full download takes, it lets pip see the packages this test suite already
runs on (PYTHONPATH): pip then finds every pinned requirement satisfied, and installs
only ``nnlearn``, from the kit. Everything else is the student's path: a new virtual
environment made by the script, pip run with the kit's requirements.txt, the imports
checked inside the new environment, JupyterLab started and answering.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml

from assignment_helpers import BIN, EXERCISES, read_nb, student_copy
from conftest import ROOT
from publish import kit
from publish import setup_course as setup
from site_helpers import SITE

pytestmark = pytest.mark.xdist_group("kit")


@pytest.fixture(scope="module")
def kit_zip(tmp_path_factory):
    return kit.build(tmp_path_factory.mktemp("kit") / kit.ZIP_NAME, ROOT)


def names(zip_path):
    with zipfile.ZipFile(zip_path) as zf:
        return [n.removeprefix(f"{kit.NAME}/") for n in zf.namelist()]


def test_the_kit_holds_what_a_student_needs_and_nothing_else(kit_zip):
    inside = names(kit_zip)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    chapters = [c["file"] + ".ipynb" for part in toc["parts"] for c in part["chapters"]
                if (ROOT / (c["file"] + ".ipynb")).exists()]
    exercises = [p.relative_to(ROOT).as_posix() for p in (ROOT / "exercises").rglob("*") if p.is_file()]
    library = [p.relative_to(ROOT).as_posix() for p in (ROOT / "book" / "nnlearn").rglob("*.py")
               if "__pycache__" not in p.parts]
    assert chapters and exercises and library
    expected = {"README.md", "setup_course.py", "requirements.txt", "pyproject.toml",
                *chapters, *exercises, *library}
    assert set(inside) == expected, (sorted(set(inside) - expected), sorted(expected - set(inside)))
    with zipfile.ZipFile(kit_zip) as zf:
        assert zf.read(f"{kit.NAME}/requirements.txt") == (ROOT / "requirements.txt").read_bytes()
        for name in chapters + exercises:
            assert zf.read(f"{kit.NAME}/{name}") == (ROOT / name).read_bytes(), name
        readme = zf.read(f"{kit.NAME}/README.md").decode()
    assert "python setup_course.py" in readme


def test_the_kit_is_the_same_zip_from_the_same_sources(kit_zip, tmp_path):
    again = kit.build(tmp_path / "again.zip", ROOT)
    assert again.read_bytes() == kit_zip.read_bytes()


@pytest.mark.site
def test_the_site_offers_the_kit_from_the_students_page_and_the_introduction():
    if not (SITE / "index.html").exists():
        pytest.fail("no built site in _build/html: run `make book` (make test does it first)")
    offered = SITE / kit.SITE_PATH
    assert offered.exists(), f"{kit.SITE_PATH} is missing from the site"
    assert zipfile.ZipFile(offered).testzip() is None
    for page in ("book/for-students.html", "book/intro.html"):
        links = re.findall(r'href="([^"]*nnlearn-student-kit\.zip)"', (SITE / page).read_text())
        assert links, f"{page} does not link to the student kit"
        assert all((SITE / page).parent.joinpath(link).resolve() == offered.resolve() for link in links)


def test_the_site_writes_each_assignment_alone_beside_the_kit(tmp_path):
    """publish.site's build hook, run as Sphinx runs it: the kit and one zip per released
    assignment, each holding exactly its folder of exercises/, and no private line."""
    from types import SimpleNamespace

    from publish import leaks, site
    app = SimpleNamespace(builder=SimpleNamespace(format="html"), outdir=str(tmp_path), srcdir=str(ROOT))
    site._write_kit(app, None)
    released = sorted(p.name for p in (ROOT / "exercises").iterdir() if p.is_dir())
    assert released and sorted(kit.assignments(ROOT)) == released
    written = sorted((tmp_path / kit.ASSIGNMENTS_PATH).glob("*.zip"))
    assert [p.stem for p in written] == released
    for path in written:
        folder = ROOT / "exercises" / path.stem
        with zipfile.ZipFile(path) as zf:
            expected = {f"{path.stem}/{f.relative_to(folder).as_posix()}": f.read_bytes()
                        for f in folder.rglob("*") if f.is_file()}
            assert {n: zf.read(n) for n in zf.namelist()} == expected
    assert (tmp_path / kit.SITE_PATH).is_file()
    assert kit.build_assignment("backprop", tmp_path / "again.zip").read_bytes() == \
        (tmp_path / kit.ASSIGNMENTS_PATH / "backprop.zip").read_bytes()
    assert leaks.scan([tmp_path / kit.ASSIGNMENTS_PATH]) == []


def test_the_students_page_offers_every_assignment_and_says_how_to_hand_it_in():
    page = (ROOT / "book" / "for-students.md").read_text()
    links = re.findall(r'href="\.\./(_downloads/assignments/[^"]+\.zip)"', page)
    assert sorted(links) == sorted(f"{kit.ASSIGNMENTS_PATH}/{name}.zip" for name in kit.assignments(ROOT))
    for step in ("--exchange", "nbgrader fetch_assignment", "nbgrader submit", "nbgrader validate",
                 "nbgrader fetch_feedback", "As a file", "--Validator.width", "--allow-root"):
        assert step in page, f"the students' page does not say {step!r}"
    assert "for-students" in (ROOT / "book" / "intro.md").read_text()


@pytest.mark.site
def test_the_site_offers_every_assignment_from_the_students_page():
    if not (SITE / "index.html").exists():
        pytest.fail("no built site in _build/html: run `make book` (make test does it first)")
    page = SITE / "book" / "for-students.html"
    links = re.findall(r'href="([^"]*_downloads/assignments/[^"]+\.zip)"', page.read_text())
    assert len(links) == len(kit.assignments(ROOT)), links
    for link in links:
        assert zipfile.ZipFile(page.parent.joinpath(link).resolve()).testzip() is None, link


def test_the_students_page_points_to_the_kit_and_the_exchange_not_the_instructors_repository():
    page = (ROOT / "book" / "for-students.md").read_text()
    assert "nnlearn-student-kit.zip" in page and "setup_course.py" in page
    assert "fetch_assignment" in page and "nbgrader submit" in page and "--exchange" in page
    for private in ("solutions/", "from the repository", "git clone", "make lab", ".venv/bin/python -m"):
        assert private not in page, f"the students' page mentions {private!r}"


# --- setup_course.py, on every platform ---------------------------------------------------------

def test_the_environment_python_is_where_venv_puts_it_on_each_platform(tmp_path):
    assert setup.venv_python(tmp_path, windows=True) == tmp_path / "Scripts" / "python.exe"
    assert setup.venv_python(tmp_path, windows=False) == tmp_path / "bin" / "python"


def test_jupyterlab_gets_allow_root_only_as_root(tmp_path):
    as_user = setup.lab_command(Path("py"), tmp_path, as_root=False, extra=["--port=9"])
    as_root = setup.lab_command(Path("py"), tmp_path, as_root=True)
    assert as_user == ["py", "-m", "jupyterlab", f"--ServerApp.root_dir={tmp_path}", "--port=9"]
    assert as_root[-1] == "--allow-root" and "--allow-root" not in as_user
    assert ("--allow-root" in setup.lab_command(Path("py"), tmp_path)) == (
        os.name == "posix" and os.geteuid() == 0)


def test_an_old_python_is_told_what_to_install():
    with pytest.raises(SystemExit, match=r"needs Python 3\.10 or newer; this is Python 3\.8"):
        setup.check_python((3, 8))
    setup.check_python((3, 10))


def test_the_exchange_config_names_the_course_and_the_folder(tmp_path):
    path = setup.write_exchange_config(tmp_path, Path("/srv/nbgrader/exchange"))
    from traitlets.config import Config, PyFileConfigLoader
    config = PyFileConfigLoader(path.name, str(tmp_path)).load_config()
    assert isinstance(config, Config)
    assert config.CourseDirectory.course_id == "nnlearn"
    assert config.Exchange.root == "/srv/nbgrader/exchange"
    assert config.Validator.width == setup.VALIDATE_WIDTH


def test_validate_keeps_whole_lines_wherever_it_runs(tmp_path):
    """nbgrader validate cuts lines at Validator.width (90 by default): the course's config
    and the one the kit writes into its environment (read by nbgrader from any folder) agree."""
    from traitlets.config import PyFileConfigLoader
    path = setup.write_validate_config(tmp_path / "env")
    assert path == tmp_path / "env" / "etc" / "jupyter" / "nbgrader_config.py"
    assert PyFileConfigLoader(path.name, str(path.parent)).load_config().Validator.width == setup.VALIDATE_WIDTH
    course_config = (ROOT / "autograder" / "nbgrader_config.py").read_text()
    course = re.findall(r"^c\.Validator\.width = (\d+)$", course_config, re.M)
    assert course == [str(setup.VALIDATE_WIDTH)], "autograder/nbgrader_config.py and the kit differ"


@pytest.mark.slow
def test_a_long_hint_survives_nbgrader_validate(tmp_path):
    """A failing notebook validated as a student does it, with the config the kit writes: the
    self-check's message, longer than nbgrader's default 90 characters, comes out whole."""
    mistake = (ROOT / "tests" / "assignment_mistakes" / "activations" / "sigmoid__naive_overflow.py").read_text()
    release = read_nb(EXERCISES / "activations" / "activations.ipynb")
    work = tmp_path / "work" / "activations"
    work.mkdir(parents=True)
    nbformat.write(student_copy(release, "activations", solved="all", replace={"sigmoid": mistake}),
                   str(work / "activations.ipynb"))
    config = setup.write_validate_config(tmp_path / "env").parent
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(config), "JUPYTER_CONFIG_DIR": str(tmp_path / "home"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run([str(BIN / "nbgrader"), "validate", "activations.ipynb"], cwd=work, env=env,
                         capture_output=True, text=True, timeout=600).stdout
    hint = "sigmoid must stay finite and warning-free for every input (its task asks for numerical stability)"
    line = next((line for line in out.splitlines() if "AssertionError: sigmoid" in line), "")
    assert len(line) > 90, f"the message fits the default width anyway: this test proves nothing\n{out[-3000:]}"
    assert hint in line and not line.endswith("..."), f"nbgrader validate cut the hint:\n{out[-3000:]}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_one_command_sets_up_the_course_and_opens_jupyterlab_with_only_python(kit_zip, tmp_path):
    with zipfile.ZipFile(kit_zip) as zf:
        zf.extractall(tmp_path)
    folder = tmp_path / kit.NAME
    nothing = tmp_path / "empty-path"
    nothing.mkdir()
    env = {k: v for k, v in os.environ.items() if k.startswith(("PIP_", "HOME", "LANG", "TMPDIR", "SSL_"))}
    env.update(PATH=str(nothing), PYTHONPATH=sysconfig.get_paths()["purelib"],
               JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"))
    for program in ("make", "bash", "sh", "jupyter"):
        assert not shutil.which(program, path=env["PATH"])
    script = [sys.executable, str(folder / "setup_course.py")]

    checked = subprocess.run(script + ["--check"], cwd=folder, env=env, capture_output=True, text=True,
                             timeout=900)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    python = setup.venv_python(folder / ".venv")
    assert python.exists() and (folder / ".venv" / setup.STAMP).exists()
    assert f"-r {folder / 'requirements.txt'}" in checked.stdout
    found = re.search(r"Everything imports: python (\S+), nnlearn (\S+), nbgrader", checked.stdout)
    assert found, checked.stdout[-2000:]
    assert Path(found[1]).parent == python.parent and Path(found[2]).is_relative_to(folder), found[0]
    # nbgrader run from the environment reads its validate width, in any folder
    validate_config = folder / ".venv" / "etc" / "jupyter" / "nbgrader_config.py"
    assert validate_config.is_file()
    paths = subprocess.run([str(python), "-c", "from jupyter_core.paths import jupyter_config_path as p; print(p())"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
    assert str(validate_config.parent) in paths, paths

    # again: no install, straight to JupyterLab (--allow-root added here, if root)
    port, token = free_port(), "kit-test"
    lab = subprocess.Popen(script + ["--", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
                                     f"--IdentityProvider.token={token}"],
                           cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, start_new_session=True)
    try:
        status, deadline = None, time.monotonic() + 300
        while status is None and time.monotonic() < deadline and lab.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/book?token={token}",
                                            timeout=5) as reply:
                    status = json.loads(reply.read())
            except OSError:
                time.sleep(1)
        assert status is not None, f"JupyterLab did not answer:\n{lab.stdout.read() if lab.poll() is not None else ''}"
        assert {"01_neuron.ipynb", "nnlearn"} <= {item["name"] for item in status["content"]}
    finally:
        os.killpg(lab.pid, 15)
        out, _ = lab.communicate(timeout=30)
    assert "up to date" in out and "Installing" not in out, out[-2000:]


def test_a_kit_without_its_files_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(setup, "KIT", tmp_path)
    with pytest.raises(SystemExit, match=r"requirements\.txt is missing: unzip the whole student kit"):
        setup.main(["--no-lab"])


def test_a_failed_install_says_what_to_do(tmp_path, monkeypatch):
    """pip failing (no network, say) ends with a message, not a traceback; no stamp is left,
    so the next run installs again."""
    env = tmp_path / "env"
    fake_python = setup.venv_python(env)
    fake_python.parent.mkdir(parents=True)
    fake_python.write_text("")

    def failing(command, dry_run=False, **kwargs):
        raise subprocess.CalledProcessError(1, [str(c) for c in command])

    kit_folder = tmp_path / "kit"
    (kit_folder / "book").mkdir(parents=True)
    for name in ("requirements.txt", "pyproject.toml"):
        (kit_folder / name).write_text("")
    monkeypatch.setattr(setup, "KIT", kit_folder)
    monkeypatch.setattr(setup, "run", failing)
    with pytest.raises(SystemExit, match="failed.*check the internet connection.*run this script again"):
        setup.main(["--venv", str(env), "--no-lab"])
    assert not (env / setup.STAMP).exists()
