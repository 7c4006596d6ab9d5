"""The course's grading tools (book/for-instructors.md tells the whole story).

* ``python -m autograder.grade ASSIGNMENT``: the way to grade (:mod:`autograder.grade`);
  each notebook runs in a sandbox, the tests run outside it (:mod:`autograder.secure`);
* :mod:`autograder.statuses`: every status a graded submission can have, in one table;
* :mod:`autograder.notebook_setup`: the one source of the assignments' setup cell, and
  ``python -m autograder.sync_setup`` that writes it into the notebooks;
* ``nbgrader_config.py``: nbgrader's configuration (the repository is the nbgrader course),
  with :mod:`autograder.nnl_feedback` for the stock ``nbgrader autograde`` fallback.
"""
