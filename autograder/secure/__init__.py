"""Hardened grading for the course's nbgrader assignments.

The student's notebook runs in a sandbox (:mod:`sandbox`, :mod:`boot`, :mod:`agent`);
the tests run in the grader, on values the sandbox hands over (:mod:`codec`,
:mod:`rpc`, :mod:`proxies`): :mod:`session` keeps one submission's sandbox across
restarts, :mod:`runner` runs its cells and tests into typed :mod:`results`; the
results go to the gradebook, a CSV export and a feedback page per submission
(:mod:`store`, :mod:`feedback`). Statuses come from ``autograder.statuses``. The
command is ``python -m autograder.grade``; book/for-instructors.md explains how to use it.
"""
