"""The class list: who is enrolled, under the ids the course and the LMS give them.

One CSV file, ``autograder/students.csv`` by default (git ignores it: it is private),
with a header row. The same file feeds ``nbgrader db student import`` (which reads
the columns it knows and ignores the rest) and the course's own tools: the grading
command (a submission from someone not on the list is flagged), the class report and
the LMS export (which needs the ids the LMS gave each student).

=================  ==========================================================
column             meaning
=================  ==========================================================
``id``             the course's student id: the exchange's user name, the
                   folder name under ``autograder/submitted/`` (required)
``first_name``     (optional)
``last_name``      (optional)
``email``          (optional)
``lms_user_id``    the LMS's own number for the student (Canvas: the ``ID``
                   column of its gradebook, and the number in the names of
                   the files of a submissions download)
``sis_user_id``    the registry's id (Canvas: ``SIS User ID``)
``sis_login_id``   the login (Canvas: ``SIS Login ID``)
``section``        the section (Canvas: ``Section``)
=================  ==========================================================
"""

import csv
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT = Path("autograder") / "students.csv"      # relative to the course root


class ClassListError(ValueError):
    """A class list that cannot be read; the message names the file, the line and the fix."""


@dataclass(frozen=True)
class Student:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""

    @property
    def sortable_name(self):
        """"Last, First", as LMS gradebooks list students (the id when there is no name)."""
        if self.last_name or self.first_name:
            return ", ".join(filter(None, [self.last_name, self.first_name]))
        return self.id


COLUMNS = [f.name for f in fields(Student)]


class ClassList(dict):
    """Student id -> :class:`Student`, in the order of the file."""

    def __init__(self, students=(), path=None):
        super().__init__((s.id, s) for s in students)
        self.path = path

    def by_lms_user_id(self, lms_user_id):
        """The student the LMS numbers ``lms_user_id``, or None."""
        wanted = str(lms_user_id).strip()
        return next((s for s in self.values() if s.lms_user_id == wanted), None)


def path_for(course_root, path=None):
    """The class list's path: ``path`` if given (relative to the course root), else the default."""
    return Path(course_root) / (path if path is not None else DEFAULT)


def load(path):
    """Read a class list; :class:`ClassListError` names what is wrong and where."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")          # a spreadsheet's BOM is not part of "id"
    except FileNotFoundError:
        raise ClassListError(f"{path}: no such file; write the class list there (columns: "
                             f"{', '.join(COLUMNS)}; only id is required)") from None
    except UnicodeDecodeError as err:
        raise ClassListError(f"{path}: not UTF-8 text ({err}); save it as CSV, UTF-8") from None
    reader = csv.DictReader(text.splitlines())
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    if "id" not in header:
        raise ClassListError(f"{path}: the first line must be a header with an `id` column "
                             f"(found: {', '.join(header) or 'nothing'})")
    reader.fieldnames = header
    students, seen = [], {}
    for line, row in enumerate(reader, start=2):
        values = {k: (row.get(k) or "").strip() for k in COLUMNS}
        if not values["id"]:
            if any(values.values()):
                raise ClassListError(f"{path}, line {line}: the id is empty; every student needs one")
            continue                                              # a blank line
        if values["id"] in seen:
            raise ClassListError(f"{path}, line {line}: the id {values['id']!r} is already on line "
                                 f"{seen[values['id']]}; each student appears once")
        seen[values["id"]] = line
        students.append(Student(**values))
    return ClassList(students, path)


def load_if_present(course_root, path=None):
    """The course's class list, or None when it has none (then everyone who hands in counts)."""
    full = path_for(course_root, path)
    return load(full) if full.is_file() else None
