"""Set up the course "How Neural Networks Learn" on this computer, then open JupyterLab.

    python setup_course.py

run from the unzipped student kit, on Windows, macOS or Linux. Only Python (3.10 or newer)
is needed: no make, no bash, no administrator rights. The first run

1. creates a virtual environment in ``.venv`` beside this file (Python's own ``venv``);
2. installs into it the exact versions the course was tested with (``requirements.txt``)
   and the course's small library ``nnlearn`` (from ``book/nnlearn``, editable: what you
   change there, the chapters use);
3. opens JupyterLab on this folder: the chapters are in ``book/``, the assignments in
   ``exercises/``.

Later runs skip straight to step 3 (unless the requirements changed). Options:

    python setup_course.py --check          set up, check that everything imports, stop
    python setup_course.py --no-lab         set up, stop
    python setup_course.py --exchange DIR   also tell nbgrader where the course's exchange is
                                            (on a shared server: ask your instructor)
    python setup_course.py -- --port 8890   anything after -- goes to JupyterLab
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

KIT = Path(__file__).resolve().parent
MIN_PYTHON = (3, 10)
COURSE_ID = "nnlearn"
# nbgrader validate cuts each line of an error at 90 characters by default, and the
# assignments' self-checks end their messages with the hint (up to ~400 characters):
# the course's own autograder/nbgrader_config.py uses the same width.
VALIDATE_WIDTH = 500
STAMP = "nnlearn-kit.installed"
# What --check imports in the new environment: the library, the assignments' tools, the lab.
CHECK = ("import json, sys, nnlearn, nbgrader, jupyterlab, numpy, matplotlib, ipywidgets; "
         "print(json.dumps({'python': sys.executable, 'nnlearn': nnlearn.__file__, "
         "'nbgrader': nbgrader.__version__, 'jupyterlab': jupyterlab.__version__}))")


def venv_python(env, windows=None):
    """The interpreter of the virtual environment ``env``: Scripts\\python.exe on Windows,
    bin/python elsewhere."""
    windows = os.name == "nt" if windows is None else windows
    return Path(env) / ("Scripts" if windows else "bin") / ("python.exe" if windows else "python")


def is_root():
    return os.name == "posix" and hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(python, folder, as_root=None, extra=()):
    """The command that opens JupyterLab on ``folder`` with the environment's Python.
    Jupyter refuses to start as root (a container, a Linux box used as root) without
    --allow-root."""
    as_root = is_root() if as_root is None else as_root
    command = [str(python), "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"]
    return command + (["--allow-root"] if as_root else []) + list(extra)


def fingerprint(kit=KIT):
    """What the installed environment depends on: when it changes, install again."""
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for name in ("requirements.txt", "pyproject.toml"):
        digest.update((Path(kit) / name).read_bytes())
    return digest.hexdigest()


def run(command, dry_run=False, **kwargs):
    print("$", " ".join(str(part) for part in command), flush=True)
    if not dry_run:
        subprocess.run([str(part) for part in command], check=True, **kwargs)


def check_python(version=None):
    version = tuple(sys.version_info[:2] if version is None else version)
    if version < MIN_PYTHON:
        raise SystemExit(f"The course needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; this is "
                         f"Python {'.'.join(map(str, version))} ({sys.executable}). Install a newer one "
                         "from https://www.python.org/downloads/ and run this script with it.")


def set_up(env, kit=KIT, dry_run=False, system_site_packages=False):
    """Create the environment (if missing) and install what the course needs (if not yet)."""
    python = venv_python(env)
    if not python.exists():
        print(f"Creating the course's Python environment in {env}", flush=True)
        if not dry_run:
            try:
                venv.EnvBuilder(with_pip=True, system_site_packages=system_site_packages).create(str(env))
            except (subprocess.CalledProcessError, OSError) as err:
                raise SystemExit(f"Could not create the environment in {env}: {err}. On Debian and "
                                 "Ubuntu, Python's venv module is a separate package: install it "
                                 "(sudo apt install python3-venv), delete the folder "
                                 f"{env} and run this script again.") from None
    stamp = Path(env) / STAMP
    if stamp.exists() and stamp.read_text() == fingerprint(kit):
        print("The environment is up to date.")
        return python
    print("Installing the course's requirements (the first time takes a few minutes)", flush=True)
    run([python, "-m", "pip", "install", "-r", Path(kit) / "requirements.txt"], dry_run)
    run([python, "-m", "pip", "install", "--no-deps", "--editable", Path(kit)], dry_run)
    if not dry_run:
        stamp.write_text(fingerprint(kit))
    return python


VALIDATE_LINE = f"c.Validator.width = {VALIDATE_WIDTH}  # whole lines: the hints are at their ends\n"


def write_exchange_config(folder, exchange, course=COURSE_ID):
    """nbgrader_config.py in ``folder``: JupyterLab's Assignments tab and the nbgrader
    commands run from ``folder`` then fetch from and submit to ``exchange``."""
    path = Path(folder) / "nbgrader_config.py"
    path.write_text("# Written by setup_course.py: where this course's assignments travel.\n"
                    "c = get_config()  # noqa: F821\n"
                    f"c.CourseDirectory.course_id = {json.dumps(course)}\n"
                    f"c.Exchange.root = {json.dumps(str(exchange))}\n" + VALIDATE_LINE)
    return path


def write_validate_config(env):
    """nbgrader_config.py in the environment's own Jupyter config folder (etc/jupyter, on
    every nbgrader's search path when it runs from the environment), so that
    `nbgrader validate` and the Validate button show whole messages in any folder."""
    path = Path(env) / "etc" / "jupyter" / "nbgrader_config.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Written by setup_course.py: nbgrader validate shows the self-checks' messages whole.\n"
                    "c = get_config()  # noqa: F821\n" + VALIDATE_LINE)
    return path


def check(python):
    """Import the course's packages in the environment; return what was found where."""
    out = subprocess.run([str(python), "-c", CHECK], check=True, capture_output=True, text=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    subprocess.run([str(python), "-m", "jupyterlab", "--version"], check=True, capture_output=True)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--venv", type=Path, default=KIT / ".venv",
                        help="where to create the environment (default: .venv beside this file)")
    parser.add_argument("--no-lab", action="store_true", help="set up, but do not open JupyterLab")
    parser.add_argument("--check", action="store_true",
                        help="set up, check that nnlearn, nbgrader and JupyterLab import, then stop")
    parser.add_argument("--dry-run", action="store_true", help="print what would be done, do nothing")
    parser.add_argument("--system-site-packages", action="store_true",
                        help="let the environment see the packages of the Python running this script")
    parser.add_argument("--exchange", type=Path,
                        help="the course's nbgrader exchange folder (on a shared server)")
    argv = sys.argv[1:] if argv is None else list(argv)
    lab_args = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    check_python()
    for name in ("requirements.txt", "pyproject.toml", "book"):
        if not (KIT / name).exists():
            raise SystemExit(f"{KIT / name} is missing: unzip the whole student kit and run "
                             "setup_course.py from inside it")
    try:
        python = set_up(args.venv, KIT, args.dry_run, args.system_site_packages)
    except subprocess.CalledProcessError as err:
        raise SystemExit(f"\nSet-up stopped: {' '.join(map(str, err.cmd))} failed (exit code "
                         f"{err.returncode}; its message is above). If it could not download a "
                         "package, check the internet connection. Then run this script again: it "
                         "goes on from where it stopped.") from None
    if not args.dry_run:
        write_validate_config(args.venv)
    if args.exchange and not args.dry_run:
        print(f"nbgrader will use the exchange {args.exchange}: {write_exchange_config(KIT, args.exchange)}")
    if args.check and not args.dry_run:
        found = check(python)
        print("Everything imports:", ", ".join(f"{k} {v}" for k, v in found.items()))
    if args.check or args.no_lab:
        print(f"Ready. To open the course later: python {Path(__file__).name}")
        return 0
    print("Opening JupyterLab (stop it with Ctrl+C in this window)", flush=True)
    try:
        run(lab_command(python, KIT, extra=lab_args), args.dry_run, cwd=KIT)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
