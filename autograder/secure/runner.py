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

The result is plain data (see :func:`grade_submission`), written by the parent.
"""

import ast
import time
import traceback
import warnings

from . import codec, rpc
from .plan import make_plan
from .proxies import Budget, StudentDependency, StudentFunction, TestAborted, TestNamespace, TrustedPeer
from .sandbox import Sandbox, SandboxError

MAX_RESTARTS = 4


# --- the runner -----------------------------------------------------------------------------

class Runner:
    """Grades one submission (one instance per submission)."""

    def __init__(self, assignment, submission, isolation, slot, limits, cell_timeout, notebook_timeout):
        self.assignment, self.submission = assignment, submission
        self.isolation, self.slot, self.limits = isolation, slot, limits
        self.cell_timeout, self.notebook_timeout = cell_timeout, notebook_timeout
        self.sandbox = None
        self.peer = None
        self.generation = 0
        self.deadline = None
        self.end = None
        self.done_cells = []          # entries run in the sandbox, to replay after a restart
        self.skipped = set()          # entries never to run again (they hung or crashed)
        self.events = []              # (status, message)
        self.cell_results = {}        # id(entry) -> dict
        self.tests = {}               # grade id -> dict
        self.current = None           # notes of the test being run
        self.restarts = 0
        self.first_cell_error = None
        self.grader_notes = []        # problems of the grader's side, for the instructor

    # -- the sandbox's life --
    def budget_left(self):
        return self.end - time.monotonic()

    def start_sandbox(self):
        if self.budget_left() <= 0.5:
            raise Budget()
        self.restarts += 1
        if self.restarts > MAX_RESTARTS + 1:
            raise Budget("crashed", f"the notebook had to be restarted more than {MAX_RESTARTS} times; "
                         "grading stopped there and the tests not yet run score 0")
        self.generation += 1
        self.sandbox = Sandbox(self.isolation, self.slot, self.limits, self.submission.folder_for_sandbox)
        # a busy machine may take a while to start it: that is not the student's time
        # to lose, but the notebook's budget still ends the grading
        try:
            channel = self.sandbox.start(min(time.monotonic() + 60, self.end + 10))
        except SandboxError:
            self.sandbox = None
            if time.monotonic() >= self.end:
                raise Budget() from None
            raise
        self.peer = TrustedPeer(channel, self)
        for entry in list(self.done_cells):     # replay what ran before the restart
            if self.sandbox is None:            # a replayed cell failed this time: again, without it
                return self.start_sandbox()
            self.run_cell(entry, replay=True)
        if self.sandbox is None:
            return self.start_sandbox()

    def ensure_sandbox(self):
        if self.sandbox is None:
            self.start_sandbox()

    def lose_sandbox(self, why):
        """End the sandbox (if not already) and say how it ended."""
        sandbox, self.sandbox, self.peer = self.sandbox, None, None
        if sandbox is None:
            return "the notebook had already stopped"
        if why != "timeout":
            time.sleep(0.05)           # let the output drain see the end
        if sandbox.output_exceeded:
            why = "output"
        sandbox.kill(why)
        description = sandbox.exit_description()
        sandbox.close()
        if why == "output":
            return f"it printed more than {self.limits.output} characters"
        return description

    def event(self, status, message):
        self.events.append((status, message))

    # -- cells in the sandbox --
    def run_cell(self, entry, replay=False):
        source = entry.source
        if not source.strip():
            return
        self.deadline = min(self.end, time.monotonic() + self.cell_timeout)
        try:
            reply, _ = self.peer.request({"op": "run_cell", "source": source})
        except rpc.ChannelTimeout:
            self.skip(entry, "timeout", f"the cell {entry.label} ran for more than {self.cell_timeout:g} s "
                      "and was stopped" + (" (the notebook's time budget ran out)" if self.budget_left() <= 0 else ""))
            return
        except (rpc.ChannelClosed, rpc.ProtocolError) as err:
            why = self.lose_sandbox("crash")
            if isinstance(err, rpc.ProtocolError):
                why = "it wrote into the grader's channel"
            status = "output" if "printed more" in why else "crashed"
            self.skip(entry, status, f"the cell {entry.label} ended the notebook's Python process ({why}); "
                      "it was skipped and the rest of the notebook was graded", lost=True)
            return
        if not replay:
            self.done_cells.append(entry)
        if reply.get("output_exceeded"):
            self.event("output", f"the notebook printed more than {self.limits.output} characters "
                       f"(in {entry.label}); the output beyond that was dropped")
        result = {"label": entry.label, "ok": bool(reply.get("ok")), "stdout": str(reply.get("stdout", ""))[:10_000]}
        if not reply.get("ok"):
            result["error"] = f"{reply.get('ename', 'Error')}: {reply.get('evalue', '')}"[:2000]
            if reply.get("memory"):
                self.event("memory", f"the cell {entry.label} ran out of memory (the limit is "
                           f"{self.limits.memory / 2**30:g} GiB)")
            if self.first_cell_error is None and entry.kind != "locked":
                self.first_cell_error = f"{entry.label} raised {result['error'][:300]}"
        if not replay:
            self.cell_results[id(entry)] = result

    def skip(self, entry, status, message, lost=False):
        if not lost:
            self.lose_sandbox(status)
        self.skipped.add(id(entry))
        if entry in self.done_cells:
            self.done_cells.remove(entry)
        self.cell_results[id(entry)] = {"label": entry.label, "ok": False, "stdout": "", "error": message}
        self.event(status, message)
        if self.budget_left() <= 0:
            raise Budget()

    # -- the student's names, seen from the tests --
    def fetch(self, name):
        """The value of the student's global ``name`` (a NameError if there is none)."""
        self.ensure_live()
        reply, blobs = self.peer.request({"op": "get", "name": name})
        if reply.get("op") == "missing":
            hint = f" ({self.first_cell_error})" if self.first_cell_error else ""
            raise NameError(f"name '{name}' is not defined: your notebook does not define it{hint}")
        if reply.get("op") != "value":
            raise rpc.ResultError(f"the grader could not read {name}: {reply.get('reason', 'unreadable')}")
        try:
            value, _ = self.peer.decode(reply.get("value"), blobs)
        except codec.CodecError as err:
            raise rpc.ResultError(f"the grader could not read {name}: {err}") from None
        if isinstance(value, StudentFunction):
            value._lookup_name = name
        return value

    def ensure_live(self):
        if self.peer is None:
            raise TestAborted("your notebook's Python process had stopped earlier in this test")

    def call_student(self, function, args, kwargs):
        self.ensure_live()
        if function._generation != self.generation:
            if not function._lookup_name:
                raise TestAborted(f"{function.__name__} is from a run of your notebook that was stopped")
            function = self.fetch(function._lookup_name)
        try:
            return self.peer.call_remote(function._handle, args, kwargs)
        except rpc.ChannelTimeout:
            limit = self.cell_timeout if self.budget_left() > 0 else self.notebook_timeout
            self.lose_sandbox("timeout")
            raise TestAborted(f"{function.__name__} did not finish within {limit:g} s "
                              "(an endless loop?) and was stopped") from None
        except rpc.ChannelClosed:
            why = self.lose_sandbox("crash")
            raise TestAborted(f"{function.__name__} ended the notebook's Python process ({why})") from None
        except rpc.ProtocolError:
            self.lose_sandbox("crash")
            raise TestAborted(f"{function.__name__} wrote into the grader's channel; the notebook's Python "
                              "process was ended") from None

    def describe(self, function):
        self.ensure_live()
        if function._generation != self.generation:
            return {"code": None, "closure": []}
        reply, blobs = self.peer.request({"op": "describe", "target": ["H", "s", function._handle.hid]})
        try:
            closure, _ = self.peer.decode(reply.get("closure", ["L", 0, []]), blobs)
        except codec.CodecError:
            closure = []
        return {"code": reply.get("code"), "module": reply.get("module"), "closure": closure or []}

    def function_global(self, function, name):
        self.ensure_live()
        if function._generation != self.generation:
            return False, None
        reply, blobs = self.peer.request({"op": "globals", "target": ["H", "s", function._handle.hid],
                                          "name": name})
        if reply.get("op") != "value":
            return False, None
        try:
            value, _ = self.peer.decode(reply.get("value"), blobs)
            return True, value[0]
        except (codec.CodecError, TypeError, IndexError, KeyError):
            return False, None

    def collect(self, reply):
        """Warnings and output of a call, kept as notes of the current test."""
        if reply.get("op") == "raise" and reply.get("ename") == "MemoryError":
            self.event("memory", "your code ran out of memory while it was tested (the limit is "
                       f"{self.limits.memory / 2**30:g} GiB)")
        if self.current is None:
            return
        for warning in reply.get("warnings", [])[:5]:
            note = f"your code warned: {str(warning)[:300]}"
            if note not in self.current:
                self.current.append(note)
        if reply.get("stdout") and len(self.current) < 10:
            note = "your code printed output while it was tested"
            if note not in self.current:
                self.current.append(note)
        if reply.get("output_exceeded"):
            self.event("output", f"the notebook printed more than {self.limits.output} characters")

    # -- the tests, here --
    def run_setup_here(self, entry, namespace):
        """A locked setup cell, run on the grader's side too (unless it uses the
        student's names, like a gradient check: then it runs in the sandbox only)."""
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

    def run_test(self, entry, namespace):
        template = entry.template
        record = {"name": template.grade_id, "points": 0.0, "max_points": template.points,
                  "passed": False, "message": "", "notes": []}
        self.tests[template.grade_id] = record
        self.current = record["notes"]
        self.deadline = min(self.end, time.monotonic() + self.cell_timeout)
        try:
            self.ensure_sandbox()
            self.deadline = min(self.end, time.monotonic() + self.cell_timeout)
            # warnings outside the test's own checks are recorded, never printed: only
            # what the test asserts decides (a warning is a failure where the test's
            # `call` helper says so, as the assignments announce)
            with warnings.catch_warnings(record=True), quiet():
                warnings.simplefilter("always")
                value = execute(entry.source, namespace, f"<test {template.grade_id}>")
            record["points"] = partial_credit(value, template.points)
            record["passed"] = record["points"] >= template.points
            if 0 < record["points"] < template.points:
                record["message"] = f"partial credit: {record['points']:g} of {template.points:g}"
        except AssertionError as err:
            record["message"] = assertion_message(err)
            record["student_traceback"] = remote_traceback(err)
        except TestAborted as err:
            record["message"] = str(err)
            self.event("timeout" if "did not finish" in str(err) else "crashed", f"{template.grade_id}: {err}")
        except rpc.ChannelTimeout:
            self.lose_sandbox("timeout")
            record["message"] = f"this test took more than {self.cell_timeout:g} s and was stopped"
            self.event("timeout", f"{template.grade_id}: {record['message']}")
        except (rpc.ChannelClosed, rpc.ProtocolError):
            why = self.lose_sandbox("crash")
            record["message"] = f"the notebook's Python process stopped during this test ({why})"
            self.event("crashed", f"{template.grade_id}: {record['message']}")
        except Budget as stop:
            record["message"] = "not run: " + (stop.args[1] if stop.args else "the notebook's time budget ran out")
            self.current = None
            raise
        except SandboxError:
            raise
        except Exception as err:
            record["message"] = f"{type(err).__name__}: {rpc.safe_str(err)}"[:2000]
            record["student_traceback"] = remote_traceback(err)
        finally:
            self.current = None
        if time.monotonic() > self.end:
            raise Budget()

    # -- the whole notebook --
    def run(self):
        self.end = time.monotonic() + self.notebook_timeout
        plan = make_plan(self.assignment, self.submission.notebook)
        self.plan = plan
        if plan.missing:
            self.event("missing_cells", "these cells of the assignment are missing from the notebook (deleted, "
                       f"or their ids changed): {', '.join(plan.missing)}; the rest was graded")
        namespace = TestNamespace(self)
        try:
            for entry in plan.entries:
                if entry.cell_type != "code" or id(entry) in self.skipped:
                    continue
                if entry.kind == "test":
                    self.run_test(entry, namespace)
                    continue
                self.ensure_sandbox()
                self.run_cell(entry)
                if entry.kind == "locked":
                    self.run_setup_here(entry, namespace)
        except Budget as stop:
            if stop.args:
                self.event(*stop.args)
            else:
                self.event("timeout", f"the notebook's time budget of {self.notebook_timeout:g} s ran out; "
                           "the tests not yet run score 0")
        finally:
            if self.sandbox is not None:
                self.lose_sandbox("end")
        for template in self.assignment.tests:
            if template.grade_id not in self.tests:
                self.tests[template.grade_id] = {
                    "name": template.grade_id, "points": 0.0, "max_points": template.points, "passed": False,
                    "message": "not run: the notebook's time budget ran out", "notes": []}
        return self


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
    """The result of one submission, as plain data (see store.py for its use)."""
    started = time.monotonic()
    result = {"student": submission.student, "assignment": assignment.name, "status": submission.status,
              "message": submission.message, "notes": list(submission.notes), "tests": {}, "cells": [],
              "timestamp": submission.timestamp, "answers": {}}
    if submission.status == "ok":
        runner = Runner(assignment, submission, isolation, slot, limits, cell_timeout, notebook_timeout)
        try:
            runner.run()
        except SandboxError as err:
            result.update(status="grader_error", message=str(err))
            runner = None
        except Exception as err:   # a bug of the grader's: never lose the batch for it
            result.update(status="grader_error",
                          message=f"the grader failed on this notebook: {type(err).__name__}: {err}\n"
                                  + traceback.format_exc(limit=5))
            runner = None
        if runner is not None:
            result["tests"] = runner.tests
            result["notes"] += runner.plan.notes + runner.grader_notes
            result["status"], result["message"] = summarise(runner.events)
            result["cells"] = [runner.cell_results.get(id(e)) for e in runner.plan.entries]
            result["entries"] = [(e.template.grade_id if e.template else None, e.label, e.cell_type, e.kind)
                                 for e in runner.plan.entries]
            result["restarts"] = max(0, runner.restarts - 1)
    if result["status"] != "ok" and not result["tests"]:
        result["tests"] = {t.grade_id: {"name": t.grade_id, "points": 0.0, "max_points": t.points,
                                        "passed": False, "message": f"not graded: {result['status']}", "notes": []}
                           for t in assignment.tests}
    result["score"] = sum(t["points"] for t in result["tests"].values())
    result["max_score"] = assignment.max_auto
    result["seconds"] = round(time.monotonic() - started, 3)
    return result


SEVERITY = ["timeout", "crashed", "output", "memory", "missing_cells"]


def summarise(events):
    """The submission's status (the most serious event) and a message listing them all."""
    if not events:
        return "ok", ""
    statuses = [status for status, _ in events]
    status = min(statuses, key=lambda s: SEVERITY.index(s) if s in SEVERITY else len(SEVERITY))
    messages = []
    for _, message in events:
        if message not in messages:
            messages.append(message)
    return status, "; ".join(messages[:8])
