"""The live path, as a student meets it: JupyterLab, Run All, move a slider, see the figure move.

One JupyterLab server (from this environment, on 127.0.0.1, a random port, a token,
temporary runtime and settings folders) serves a temporary copy of book/. Headless
Chromium opens each chapter notebook, runs every cell from the Run menu, waits for
the kernel, then moves one control of every live demo (div.nnl-demo-live) and waits
for the demo's image to change. No cell may error or write to stderr. A toy notebook
with a tiny demo runs first, so the widget path is tested even before any chapter
exists, and a notebook with a failing cell shows that a failure is seen.

Needs Chromium (`apt-get install chromium`); without it these tests skip and say so.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from site_helpers import SCREENSHOTS, chromium_context, demo_calls, require_chromium

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("jupyterlab")]

BIN = Path(sys.executable).parent
CHAPTERS = sorted(p.name for p in (ROOT / "book").glob("*.ipynb"))
TOY, BROKEN = "zz_live_toy_demo.ipynb", "zz_live_broken.ipynb"
RUN_TIMEOUT_S = 240          # a chapter runs in under 60 s; a stuck one fails here
SETTINGS = {
    # every cell in the page (JupyterLab otherwise renders only the cells in view)
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    # no news or update checks: nothing leaves the machine
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}
TOY_DEMO = '''import numpy as np
from nnlearn.demos.core import Demo, menu, slider


def setup(fig, p):
    ax = fig.subplots()
    ax.set_xlim(-3, 3)
    ax.set_ylim(-2, 2)
    line, = ax.plot([], [], animated=True)
    return {"line": line, "x": np.linspace(-3, 3, 100)}


def update(state, p):
    shift = 0.5 if p["kind"] == "shifted" else 0.0
    state["line"].set_data(state["x"], np.sin(p["w"] * state["x"]) + shift)


toy = Demo("Toy", [slider("w", "w", 0.5, 3.0, 1.0), menu("kind", "kind", ["plain", "shifted"])],
           setup, update)'''


def notebook(*sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


# --- the server ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require_chromium()
    work = tmp_path_factory.mktemp("lab")
    folder = work / "book"
    shutil.copytree(ROOT / "book", folder, ignore=shutil.ignore_patterns(
        "__pycache__", ".ipynb_checkpoints", "_build", "*.egg-info"))
    nbformat.write(notebook(TOY_DEMO, 'toy.show(sweep="w", values=[1.0, 2.0])'), folder / TOY)
    nbformat.write(notebook("x = 1", "raise ValueError('a cell that fails')", "y = 2"), folder / BROKEN)
    for name, values in SETTINGS.items():
        path = work / "settings" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token = secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
           "JUPYTER_CONFIG_DIR": str(work / "config"), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    log = open(work / "lab.log", "w")
    server = subprocess.Popen(
        [str(BIN / "jupyter-lab"), "--no-browser", "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0",
         "--ServerApp.allow_root=True", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={folder}", f"--LabServerApp.user_settings_dir={work / 'settings'}",
         f"--LabServerApp.workspaces_dir={work / 'workspaces'}", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    try:
        url = _wait_for_server(server, work)
        yield {"url": url, "token": token, "folder": folder}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_for_server(server, work, timeout=90):
    """The server's URL, once it answers (it writes its port to the runtime folder)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab stopped: {(work / 'lab.log').read_text()[-3000:]}")
        found = list((work / "runtime").glob("jpserver-*.json"))
        if found:
            info = json.loads(found[0].read_text())
            try:
                urllib.request.urlopen(f"{info['url']}api/status?token={info['token']}", timeout=5)
                return info["url"].rstrip("/")
            except OSError:
                pass
        time.sleep(0.3)
    pytest.fail(f"JupyterLab did not start in {timeout} s: {(work / 'lab.log').read_text()[-3000:]}")


def shut_down_kernels(lab):
    """Stop every kernel of the server (one chapter's kernel must not slow the next)."""
    for session in _api(lab, "sessions"):
        _api(lab, f"sessions/{session['id']}", method="DELETE")


def _api(lab, path, method="GET"):
    request = urllib.request.Request(f"{lab['url']}/api/{path}", method=method,
                                     headers={"Authorization": f"token {lab['token']}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
    return json.loads(body) if body else None


def wait_for_kernel(page, lab, name, timeout=90):
    """Wait until the notebook's kernel has started and is idle (JupyterLab starts it on open)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for session in _api(lab, "sessions"):
            if session["path"] == name and session["kernel"]["execution_state"] == "idle":
                return
        page.wait_for_timeout(300)      # not time.sleep: the page's routed requests must go on
    raise AssertionError(f"{name}: no idle kernel after {timeout} s")


@pytest.fixture(scope="module")
def browser(lab):
    with chromium_context(viewport=(1400, 1000)) as context:
        # JupyterLab needs nothing from outside; whatever it asks for is refused
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(lab["url"]) else r.abort())
        yield context


# --- in the browser -----------------------------------------------------------------------
RUN_FINISHED = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
      .map(p => p.textContent.trim());
  const idle = document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]');
  const failed = document.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
  return !!idle && prompts.length > 0 && !prompts.some(p => p.includes('*'))
      && (failed !== null || prompts.every(p => /^\\[\\d+\\]:$/.test(p)));
}"""

STATE = """() => ({
  kernel: (document.querySelector('.jp-Notebook-ExecutionIndicator') || {}).dataset,
  prompts: [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
      .map(p => p.textContent.trim()).join(' '),
  dialog: (document.querySelector('.jp-Dialog') || {}).textContent,
})"""

PROBLEMS = """() => {
  const problems = [];
  document.querySelectorAll('.jp-Notebook .jp-CodeCell').forEach((cell, k) => {
    const prompt = cell.querySelector('.jp-InputPrompt').textContent.trim();
    if (!/^\\[\\d+\\]:$/.test(prompt)) problems.push(`code cell ${k + 1} did not run (${prompt})`);
    cell.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"], .jupyter-widgets-error-widget')
        .forEach(o => problems.push(`code cell ${k + 1}: ${o.textContent.trim().slice(0, 300)}`));
  });
  return problems;
}"""


def open_and_run(browser, lab, name):
    """Open ``name`` in JupyterLab, run all its cells from the Run menu, wait until done."""
    page = browser.new_page()
    page.goto(f"{lab['url']}/lab/tree/{name}?reset&token={lab['token']}")
    wait_for_kernel(page, lab, name)
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=90_000)
    page.locator('.lm-MenuBar-itemLabel:text-is("Run")').click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    # Had the kernel not started, JupyterLab would ask for one: answer as a student would.
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    if dialog.count():
        dialog.click()
    try:
        page.wait_for_function(RUN_FINISHED, timeout=RUN_TIMEOUT_S * 1000, polling=500)
    except Exception as error:          # a Playwright timeout: show what the student would see
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"live-{Path(name).stem}.png"
        page.screenshot(path=str(shot))
        state = page.evaluate(STATE)
        page.close()
        raise AssertionError(f"{name} did not finish running in {RUN_TIMEOUT_S} s: {state}; "
                             f"see {shot}") from error
    return page


def move_one_control(demo, where):
    """Move a slider of a live demo (or pick another menu entry); wait for its image to change."""
    demo.scroll_into_view_if_needed()
    image = demo.locator("img.widget-image").first
    image.wait_for(timeout=30_000)
    before = image.get_attribute("src")
    handle = demo.locator(".noUi-handle").first
    if handle.count():
        at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        handle.focus()
        for _ in range(3):
            handle.press("ArrowLeft" if at_max else "ArrowRight")
    else:
        menu = demo.locator("select").first
        assert menu.count(), f"{where}: no slider and no menu to move"
        options = menu.locator("option").evaluate_all("os => os.map(o => o.value)")
        current = menu.input_value()
        menu.select_option(next(o for o in options if o != current))
    try:
        image.page.wait_for_function("([img, src]) => img.getAttribute('src') !== src",
                                     arg=[image.element_handle(), before], timeout=30_000)
    except Exception as error:          # a Playwright timeout: say what did not happen
        raise AssertionError(f"{where}: moving a control did not change the figure") from error


@pytest.mark.parametrize("name", [TOY, *CHAPTERS])
def test_notebook_runs_and_its_demos_respond(browser, lab, name):
    page = open_and_run(browser, lab, name)
    try:
        problems = page.evaluate(PROBLEMS)
        assert not problems, f"{name}: {problems}"
        demos = page.locator(".nnl-demo-live")
        expected = demo_calls(nbformat.read(lab["folder"] / name, as_version=4))
        assert demos.count() == expected, f"{name}: {expected} demos shown, {demos.count()} live"
        for k in range(demos.count()):
            move_one_control(demos.nth(k), f"{name}, demo {k + 1}")
        problems = page.evaluate(PROBLEMS)
        assert not problems, f"{name} after moving the controls: {problems}"
    finally:
        page.close()
        shut_down_kernels(lab)


def test_a_failing_cell_is_seen(browser, lab):
    """The check above can fail: a notebook whose second cell raises is reported."""
    page = open_and_run(browser, lab, BROKEN)
    try:
        problems = page.evaluate(PROBLEMS)
    finally:
        page.close()
        shut_down_kernels(lab)
    assert any("ValueError" in p and "a cell that fails" in p for p in problems), problems
    assert any("code cell 3 did not run" in p for p in problems), problems
