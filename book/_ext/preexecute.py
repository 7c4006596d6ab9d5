"""Run the book's changed notebooks in parallel, into the cache the book build reads.

``python book/_ext/preexecute.py [BUILD_DIR]`` (``make html`` runs it before
``jupyter-book build``). Jupyter Book executes the notebooks of a cold build one
after another; on a machine with several cores most of them sit idle. This runs
every notebook of _toc.yml that the cache does not hold yet (of those changed since the
cache was last written), one per core, with
jupyter-cache's "local-parallel" executor, into ``BUILD_DIR/.jupyter_cache``
(default ``_build``), the cache ``execute_notebooks: cache`` uses. The build then
finds their outputs there and only renders.

It changes nothing about what fails: a notebook that fails here is simply not
cached, so the book build runs it again itself and stops on it as usual (cell
errors, and output on stderr, which the build's ``stderr_output: error`` rejects
when it renders the cached outputs too). This script's own exit status is always 0.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def toc_notebooks(root=ROOT):
    """The notebooks _toc.yml lists, in order."""
    import yaml

    files = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load((root / "_toc.yml").read_text()))
    paths = [root / (f if f.endswith(".ipynb") else f + ".ipynb") for f in files]
    return [p for p in paths if p.exists()]


def execution_timeout(root=ROOT):
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text()) or {}
    return int((config.get("execute") or {}).get("timeout", 300))


def main(build_dir="_build", root=ROOT):
    cache_dir = Path(build_dir).resolve() / ".jupyter_cache"
    notebooks = toc_notebooks(root)
    database = cache_dir / "global.db"
    # Only notebooks written since the cache's last write can be new to it: the others
    # are cached already, or failed here before and are left to the build as then. Asking
    # jupyter-cache about a notebook costs a read and a hash, so the others are not asked.
    if database.exists():
        written = database.stat().st_mtime
        notebooks = [nb for nb in notebooks if nb.stat().st_mtime >= written]
    if not notebooks:
        return 0
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(cache_dir))
    for notebook in notebooks:
        cache.add_nb_to_project(str(notebook))
    executor = load_executor("local-parallel", cache)
    result = executor.run_and_cache(filter_uris=[str(nb) for nb in notebooks],
                                    timeout=execution_timeout(root))
    failed = result.excepted + result.errored
    print(f"pre-executed {len(result.succeeded)} notebook(s) in parallel"
          + (f"; left to the build: {', '.join(Path(f).name for f in failed)}" if failed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
