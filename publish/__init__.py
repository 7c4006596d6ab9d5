"""What the course publishes, built from the instructors' repository, and the proof it is clean.

The repository is the instructors' copy: it holds ``solutions/`` (answers, hidden tests,
rubrics) and the grading tools. Three things are built from it for everyone else:

* the website (``make book``, into ``_build/html``);
* the student kit (``python -m publish.kit``; ``make book`` puts it in the site too,
  through the Sphinx extension :mod:`publish.site`): the chapter notebooks, ``nnlearn``,
  ``exercises/``, the pinned requirements and ``setup_course.py``;
* the public tree (``make public``, :mod:`publish.public_tree`): the folder to publish
  as the course's public repository.

:mod:`publish.leaks` reads every private line out of ``solutions/`` and searches each of
those artefacts for it. Run the modules from the repository root: ``python -m publish.kit``.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
