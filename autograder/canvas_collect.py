"""``nbgrader zip_collect`` for Canvas's "Download Submissions" zip.

Canvas names each file of the download ``<name>_<user id>_<submission id>_<file>``,
with ``late_`` after the name when the submission came after the due date, and a
``-N`` before the extension when a student handed in several files of the same name
(the higher N, the later the upload)::

    lovelaceada_12345_6789012_backprop.ipynb
    lovelaceada_late_12345_6789012_backprop-2.ipynb

Switched on in ``autograder/nbgrader_config.py`` (``NNLEARN_ZIP_FROM=canvas``), two plugins
replace nbgrader's defaults (book/for-instructors.md, "Collect through the LMS"):

* :class:`CanvasCollector` maps Canvas's user id to the course's student id through the
  class list (``autograder/students.csv``, column ``lms_user_id``), keeps only the latest
  of several files from one student, and skips (saying which file and why) what it cannot
  place, so one odd file never stops the collection;
* :class:`CanvasExtractor` extracts as nbgrader does, then marks each late file with a
  sibling ``<file>.canvas_late.txt``, which the collector hands in beside the notebook as
  ``canvas_late.txt`` (``LATE_FLAG``): Canvas's download has no submission time, so this
  file is how the grader learns that Canvas called the submission late.
"""

import os
import re
from pathlib import Path

from nbgrader.plugins import ExtractorPlugin, FileNameCollectorPlugin

from . import classlist

LATE_FLAG = "canvas_late.txt"          # in autograder/submitted/<student>/<assignment>/
_MARK = ".canvas_late.txt"             # the extractor's mark beside a late file

CANVAS_NAME = re.compile(
    r"^(?P<name>[^_/\\]+)_(?:(?P<late>late)_)?(?P<user_id>\d+)_(?:(?P<submission_id>\d+)_)?"
    r"(?P<stem>.+?)(?:-(?P<copy>\d+))?(?P<ext>\.[A-Za-z0-9]+)$")


def parse(filename):
    """The parts of a Canvas download's file name (a dict), or None if it is not one."""
    match = CANVAS_NAME.match(os.path.basename(filename))
    if not match:
        return None
    parts = match.groupdict()
    parts["late"] = bool(parts["late"])
    parts["copy"] = int(parts["copy"] or 0)
    parts["submission_id"] = int(parts["submission_id"] or 0)
    return parts


class CanvasExtractor(ExtractorPlugin):
    """nbgrader's extractor, then a mark beside every file Canvas called late."""

    def extract(self, archive_path, extracted_path):
        super().extract(archive_path, extracted_path)
        for root, _, files in os.walk(extracted_path):
            for name in files:
                parts = None if name.endswith(_MARK) else parse(name)
                if parts and parts["late"]:
                    Path(root, name + _MARK).write_text(
                        f"Canvas marked this submission late (file {name}).\n", encoding="utf-8")


class CanvasCollector(FileNameCollectorPlugin):
    """Canvas's file names -> the course's student ids; the latest file of each student."""

    def _chosen(self, submitted_file):
        """Every Canvas file of the download, looked at once: which file each student's
        notebook comes from (the highest -N, then the highest submission id)."""
        if getattr(self, "_choice", None) is None:
            top = self._download_root(submitted_file)
            best = {}
            for root, _, files in os.walk(top):
                for name in files:
                    parts = None if name.endswith(_MARK) else parse(name)
                    if parts is None:
                        continue
                    key = (parts["user_id"], parts["stem"] + parts["ext"])
                    rank = (parts["copy"], parts["submission_id"], name)
                    if key not in best or rank > best[key][0]:
                        best[key] = (rank, os.path.join(root, name))
            self._choice = {key: path for key, (_, path) in best.items()}
        return self._choice

    def _download_root(self, submitted_file):
        """The extracted folder of this zip_collect run (nbgrader's layout), else the file's folder."""
        app = self.parent
        try:
            path = os.path.join(app.coursedir.root, app.collect_directory_structure).format(
                downloaded=app.downloaded_directory, assignment_id=app.coursedir.assignment_id,
                collect_step=app.extracted_directory)
        except AttributeError:          # used on its own, outside nbgrader zip_collect
            path = os.path.dirname(submitted_file)
        return path if os.path.commonpath([path, submitted_file]) == path else os.path.dirname(submitted_file)

    def _students(self):
        if getattr(self, "_classlist", None) is None:
            root = getattr(getattr(self.parent, "coursedir", None), "root", None) or os.getcwd()
            try:
                self._classlist = classlist.load_if_present(root) or classlist.ClassList()
            except classlist.ClassListError as err:
                self.log.error("cannot read the class list: %s", err)
                self._classlist = classlist.ClassList()
            if not self._classlist:
                self.log.error("no class list at %s: Canvas's user ids cannot be matched to students; "
                               "write it (column lms_user_id holds Canvas's ID) and run zip_collect again",
                               classlist.path_for(root))
        return self._classlist

    def collect(self, submitted_file):
        name = os.path.basename(submitted_file)
        notebook_file = name[:-len(_MARK)] if name.endswith(_MARK) else name
        parts = parse(notebook_file)
        if parts is None:
            self.log.warning("skipped %s: not a Canvas submission file name "
                             "(<name>_[late_]<user id>_<submission id>_<file>)", submitted_file)
            return None
        if parts["ext"] not in self.valid_ext:
            self.log.warning("skipped %s: a %s file, not a notebook (only %s files are collected)",
                             submitted_file, parts["ext"], ", ".join(self.valid_ext))
            return None
        notebook_path = os.path.join(os.path.dirname(submitted_file), notebook_file)
        latest = self._chosen(submitted_file).get((parts["user_id"], parts["stem"] + parts["ext"]))
        if latest != notebook_path:
            if name == notebook_file:
                self.log.warning("skipped %s: an earlier copy; the latest from this student is %s",
                                 submitted_file, os.path.basename(latest or "?"))
            return None
        student = self._students().by_lms_user_id(parts["user_id"])
        if student is None:
            if name == notebook_file:
                self.log.warning("skipped %s: Canvas user id %s is not on the class list; add the student "
                                 "(lms_user_id %s) to %s and run zip_collect again with --force",
                                 submitted_file, parts["user_id"], parts["user_id"],
                                 self._students().path or classlist.DEFAULT)
            return None
        file_id = LATE_FLAG if name != notebook_file else parts["stem"] + parts["ext"]
        return {"student_id": student.id, "file_id": file_id}
