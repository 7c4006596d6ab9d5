"""Grade one submission: the student's cells in the sandbox, the tests here.

The notebook is replayed in the student's order. A cell the student writes (and
every locked setup cell, from the gradebook) runs in the sandbox. A test cell runs
*here*, in the grader's process, with its source from the gradebook, in a
namespace of its own: the notebook's setup cells run here too (from the gradebook),
and every other name the test uses is looked up in the sandbox when the test uses
it. A student's function arrives as a :class:`StudentFunction`, a proxy whose call
sends the arguments to the sandbox and returns what came back as plain data; a
student's variable arrives as its value, copied. So a test's ``np.allclose`` is the
grader's own NumPy, its ``call`` helper the gradebook's, and its verdict (the test
cell raises or not) is decided here, where the student's code cannot reach.

Things go wrong, and each has its outcome:

* a cell (or a call) runs past its time: the sandbox is killed, that cell is skipped
  (that test fails), a fresh sandbox replays the cells before it, grading goes on;
* the sandbox dies (``os._exit``, a signal, a printing flood): the same, with the
  reason;
* the notebook's whole time budget runs out: the tests not yet run score 0 with
  that reason, and the status says ``timeout``.

:class:`~.session.SandboxSession` keeps the sandbox; :class:`TestRunner` runs the
plan; :func:`grade_submission` gives the :class:`~.results.Result`, written by the parent.
"""

import ast
import time
import traceback
import warnings

from .. import statuses
from . import rpc
from .plan import is_release_as_is, make_plan
from .proxies import Budget, StudentDependency, TestAborted, TestNamespace
from .results import Result, TestResult
from .sandbox import SandboxError
from .session import SandboxSession


class TestRunner:
    """Runs one submission's plan: the student's cells in the sandbox (through the
    session), the setup cells there and here, the test cells here."""

    def __init__(self, assignment, submission, session):
        self.assignment, self.submission, self.session = assignment, submission, session
        self.plan = make_plan(assignment, submission.notebook)
        self.namespace = TestNamespace(session)
        self.tests = {}               # grade id -> TestResult
        self.cells = {}               # id(entry) -> CellResult
        self.grader_notes = []        # problems of the grader's side, for the instructor

    def run(self):
        session = self.session
        if self.plan.missing:
            session.event(statuses.MISSING_CELLS, "these cells of the assignment are missing from the notebook "
                          f"(deleted, or their ids changed): {', '.join(self.plan.missing)}; the rest was graded")
        elif is_release_as_is(self.assignment, self.plan):
            session.event(statuses.UNCHANGED, "the notebook handed in is the assignment as released: no answer "
                          "was written in it (was the right file handed in?)")
        try:
            for entry in self.plan.entries:
                if entry.cell_type != "code" or id(entry) in session.skipped:
                    continue
                if entry.kind == "test":
                    self.run_test(entry)
                    continue
                session.ensure()
                result = session.run_cell(entry)
                if result is not None:
                    self.cells[id(entry)] = result
                if entry.kind == "locked":
                    self.run_setup_here(entry)
        except Budget as stop:
            if stop.args:
                session.event(*stop.args)
            else:
                session.event(statuses.TIMEOUT, f"the notebook's time budget of {session.notebook_timeout:g} s "
                              "ran out; the tests not yet run score 0")
        finally:
            session.close()
        for template in self.assignment.tests:
            if template.grade_id not in self.tests:
                self.tests[template.grade_id] = TestResult.not_graded(
                    template, "not run: the notebook's time budget ran out")
        return self

    def run_setup_here(self, entry):
        """A locked setup cell, run on the grader's side too (unless it uses the
        student's names, like a gradient check: then it runs in the sandbox only)."""
        namespace = self.namespace
        namespace.strict = True
        try:
            with warnings.catch_warnings(), quiet():
                warnings.simplefilter("ignore")
                exec(compile(entry.source, f"<setup {entry.label}>", "exec"), namespace)
        except StudentDependency:
            pass                    # it uses the student's functions: it ran in the sandbox only
        except Exception as err:
            # the grader's own copy failed (a library missing on the grading side?): the
            # names it defines must not be taken from the student's notebook instead
            why = f"the grader's copy of the setup cell '{entry.label}' failed ({type(err).__name__}: {err})"
            for name in assigned_names(entry.source):
                if name not in namespace:
                    namespace.reserved[name] = why
            self.grader_notes.append(why)
        finally:
            namespace.strict = False
        namespace.answer_reach_from_sandbox()

    def run_test(self, entry):
        session, template = self.session, entry.template
        record = TestResult(template.grade_id, template.points)
        self.tests[template.grade_id] = record
        session.notes = record.notes
        session.start_deadline()
        try:
            session.ensure()
            session.start_deadline()
            # warnings outside the test's own checks are recorded, never printed: only
            # what the test asserts decides (the setup cell's `call` applies the
            # assignments' rule on warnings)
            with warnings.catch_warnings(record=True), quiet():
                warnings.simplefilter("always")
                value = execute(entry.source, self.namespace, f"<test {template.grade_id}>")
            record.points = partial_credit(value, template.points)
            record.passed = record.points >= template.points
            if 0 < record.points < template.points:
                record.message = f"partial credit: {record.points:g} of {template.points:g}"
        except AssertionError as err:
            record.message = assertion_message(err)
            record.student_traceback = remote_traceback(err)
        except TestAborted as err:
            record.message = str(err)
            session.event(err.status, f"{template.grade_id}: {err}")
        except rpc.ChannelTimeout:
            session.lose(statuses.TIMEOUT)
            record.message = f"this test took more than {session.cell_timeout:g} s and was stopped"
            session.event(statuses.TIMEOUT, f"{template.grade_id}: {record.message}")
        except (rpc.ChannelClosed, rpc.ProtocolError):
            status, why = session.lose(statuses.CRASHED)
            record.message = f"the notebook's Python process stopped during this test ({why})"
            session.event(status, f"{template.grade_id}: {record.message}")
        except Budget as stop:
            record.message = "not run: " + (stop.args[1] if stop.args else "the notebook's time budget ran out")
            raise
        except SandboxError:
            raise
        except Exception as err:
            record.message = f"{type(err).__name__}: {rpc.safe_str(err)}"[:2000]
            record.student_traceback = remote_traceback(err)
        finally:
            session.notes = None
        if session.budget_left() < 0:
            raise Budget()


def assigned_names(source):
    """The names a cell defines at its top level (assignments, defs, imports)."""
    names = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return names
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def quiet():
    """What the tests and setup cells print on the grader's side goes nowhere."""
    import contextlib
    import io

    stack = contextlib.ExitStack()
    stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
    stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
    return stack


def execute(source, namespace, filename):
    """Run a test cell; return the value of its last expression (partial credit)."""
    tree = ast.parse(source, filename)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), namespace)
    if last is not None:
        return eval(compile(last, filename, "eval"), namespace)
    return None


def partial_credit(value, max_points):
    """nbgrader's rule: a test cell's last value, if any, is its score."""
    if value is None:
        return float(max_points)
    try:
        grade = float(repr(value))
    except (TypeError, ValueError):
        return float(max_points)
    if grade < 0 or grade != grade:
        return float(max_points)
    return min(grade, float(max_points))


def assertion_message(err):
    message = rpc.safe_str(err).strip()
    return message or "a check failed (no message)"


def remote_traceback(err):
    """The student's own traceback, if the failure came from their code."""
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        text = getattr(err, "remote_traceback", "")
        if text:
            return text
        err = err.__cause__ or err.__context__
    return ""


def grade_submission(assignment, submission, isolation, slot, limits, cell_timeout, notebook_timeout):
    """The :class:`~.results.Result` of one submission (store.py writes it)."""
    started = time.monotonic()
    result = Result(submission.student, assignment.name, submission.status, submission.message,
                    list(submission.notes), timestamp=submission.timestamp)
    if submission.status == statuses.OK:
        session = SandboxSession(isolation, slot, limits, submission.folder_for_sandbox, cell_timeout,
                                 notebook_timeout)
        try:
            runner = TestRunner(assignment, submission, session).run()
        except SandboxError as err:
            result.status, result.message = statuses.GRADER_ERROR, str(err)
        except Exception as err:   # a bug of the grader's: never lose the batch for it
            result.status = statuses.GRADER_ERROR
            result.message = (f"the grader failed on this notebook: {type(err).__name__}: {err}\n"
                              + traceback.format_exc(limit=5))
        else:
            result.tests = runner.tests
            result.notes += runner.plan.notes + runner.grader_notes
            result.status, result.message = summarise(session.events)
            result.cells = [runner.cells.get(id(e)) for e in runner.plan.entries]
            result.restarts = max(0, session.restarts - 1)
    if result.status != statuses.OK and not result.tests:
        result.tests = {t.grade_id: TestResult.not_graded(t, f"not graded: {result.status}")
                        for t in assignment.tests}
    result.score = sum(t.points for t in result.tests.values())
    result.max_score = assignment.max_auto
    result.seconds = round(time.monotonic() - started, 3)
    return result


def summarise(events):
    """The submission's status (the most serious event) and a message listing them all."""
    messages = []
    for event in events:
        if event.message not in messages:
            messages.append(event.message)
    return statuses.most_serious(e.status for e in events), "; ".join(messages[:8])
