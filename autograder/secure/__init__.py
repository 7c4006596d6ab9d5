"""Hardened grading for the course's nbgrader assignments.

The student's notebook runs in a sandbox (:mod:`sandbox`, :mod:`boot`, :mod:`agent`);
the tests run in the grader, on values the sandbox hands over (:mod:`codec`,
:mod:`rpc`, :mod:`runner`); the results go to the gradebook, a CSV export and a
feedback page per submission (:mod:`store`, :mod:`feedback`). The command is
``python -m autograder.grade``; book/for-instructors.md explains how to use it.
"""
