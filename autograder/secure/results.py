"""What grading one submission produces: typed records, written as JSON by the parent.

:class:`Result` is one submission (``results/<assignment>/<student>.json`` holds
:meth:`Result.as_json`); :class:`TestResult` one test cell; :class:`CellResult` one
cell the sandbox ran; :class:`Event` something that happened while grading, whose
kind is a status of :mod:`autograder.statuses`.
"""

import datetime
from dataclasses import asdict, dataclass, field

from .. import statuses


@dataclass
class Event:
    status: str               # a name of autograder.statuses
    message: str


@dataclass
class TestResult:
    name: str
    max_points: float
    points: float = 0.0
    passed: bool = False
    message: str = ""
    notes: list = field(default_factory=list)
    student_traceback: str = ""

    @classmethod
    def not_graded(cls, template, why):
        return cls(template.grade_id, template.points, message=why)


@dataclass
class CellResult:
    label: str
    ok: bool
    stdout: str = ""
    error: str = ""


@dataclass
class Result:
    student: str
    assignment: str
    status: str = statuses.OK
    message: str = ""
    notes: list = field(default_factory=list)
    tests: dict = field(default_factory=dict)        # grade id -> TestResult
    cells: list = field(default_factory=list)        # CellResult or None, one per cell of the plan
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0
    timestamp: str = None
    answers: dict = field(default_factory=dict)      # grade id -> "answered" | "as_released" | "missing"
    restarts: int = 0
    graded_at: str = ""
    gradebook: str = ""                              # what the gradebook writer did
    isolation: str = ""                              # what the notebook ran in ("namespaces", "none")
    worker: str = ""                                 # where it was graded, on a cluster
    late: dict = None                                # {timestamp, due, seconds_late, penalty} (deadlines.py)
    inputs: str = ""                                 # the fingerprint of what was graded (secure/inputs.py)
    notebook_json: str = None                        # the notebook handed in (not written out)

    def stamp(self):
        self.graded_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        return self

    def as_json(self):
        data = asdict(self)
        data.pop("notebook_json")
        return data

    @classmethod
    def grader_error(cls, student, assignment, message):
        """The grader (not the student) failed on this submission."""
        return cls(student, assignment.name, statuses.GRADER_ERROR, message,
                   max_score=assignment.max_auto).stamp()
