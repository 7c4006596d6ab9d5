"""One submission's sandbox, across restarts: the grader's side of the student's process.

A :class:`SandboxSession` starts the sandbox (and starts it again when it is lost,
replaying the cells that ran before), runs the student's cells in it, and answers
the tests' questions about the student's names: a value (:meth:`fetch`), a call
(:meth:`call`), what a function reaches (:meth:`reach`). Whatever goes wrong (a cell
or a call past its time, a process that dies or floods its output, the notebook's
whole budget spent) becomes an :class:`~.results.Event` whose kind is a status, and
the notebook goes on where it can.
"""

import time

from .. import statuses
from . import codec, rpc
from .proxies import Budget, StudentFunction, TestAborted, TrustedPeer
from .results import CellResult, Event
from .sandbox import Sandbox, SandboxError

MAX_RESTARTS = 4


class SandboxSession:
    def __init__(self, isolation, slot, limits, folder, cell_timeout, notebook_timeout):
        self.isolation, self.slot, self.limits, self.folder = isolation, slot, limits, folder
        self.cell_timeout, self.notebook_timeout = cell_timeout, notebook_timeout
        self.end = time.monotonic() + notebook_timeout
        self.deadline = None          # of what runs now (a cell, a test)
        self.box = self.peer = None
        self.generation = 0           # which run of the sandbox is the current one
        self.restarts = 0
        self.ran = []                 # entries run in the sandbox, to replay after a restart
        self.skipped = set()          # entries never to run again (they hung or crashed)
        self.events = []
        self.notes = None             # where the notes of the current test go (a list), if any
        self.first_cell_error = None
        self.reached = {}             # (generation, handle) -> what the function reaches

    # -- events and time --
    def event(self, status, message):
        self.events.append(Event(statuses.get(status).name, message))

    def budget_left(self):
        return self.end - time.monotonic()

    def start_deadline(self):
        self.deadline = min(self.end, time.monotonic() + self.cell_timeout)

    # -- the sandbox's life --
    def ensure(self):
        if self.box is None:
            self.start()

    def start(self):
        if self.budget_left() <= 0.5:
            raise Budget()
        self.restarts += 1
        if self.restarts > MAX_RESTARTS + 1:
            raise Budget(statuses.CRASHED, f"the notebook had to be restarted more than {MAX_RESTARTS} times; "
                         "grading stopped there and the tests not yet run score 0")
        self.generation += 1
        self.box = Sandbox(self.isolation, self.slot, self.limits, self.folder)
        # a busy machine may take a while to start it: that is not the student's time
        # to lose, but the notebook's budget still ends the grading
        try:
            channel = self.box.start(min(time.monotonic() + 60, self.end + 10))
        except SandboxError:
            self.box = None
            if time.monotonic() >= self.end:
                raise Budget() from None
            raise
        self.peer = TrustedPeer(channel, self)
        for entry in list(self.ran):          # replay what ran before the restart
            if self.box is None:              # a replayed cell failed this time: again, without it
                return self.start()
            self.run_cell(entry, replay=True)
        if self.box is None:
            return self.start()

    def lose(self, why):
        """End the sandbox (if not already); (the status it ended with, how, in words)."""
        box, self.box, self.peer = self.box, None, None
        if box is None:
            return why, "the notebook had already stopped"
        if why != statuses.TIMEOUT:
            time.sleep(0.05)           # let the output drain see the end
        if box.output_exceeded:
            why = statuses.OUTPUT
        box.kill(why)
        description = box.exit_description()
        box.close()
        if why == statuses.OUTPUT:
            return why, f"it printed more than {self.limits.output} characters"
        return why, description

    def close(self):
        if self.box is not None:
            self.lose("end")

    # -- cells --
    def run_cell(self, entry, replay=False):
        """Run one cell in the sandbox; its CellResult (None for an empty cell)."""
        if not entry.source.strip():
            return None
        self.reached.clear()          # a cell may redefine what a function reaches
        self.start_deadline()
        try:
            reply, _ = self.peer.request({"op": rpc.Op.RUN_CELL, "source": entry.source})
        except rpc.ChannelTimeout:
            return self.skip(entry, statuses.TIMEOUT, f"the cell {entry.label} ran for more than "
                             f"{self.cell_timeout:g} s and was stopped"
                             + (" (the notebook's time budget ran out)" if self.budget_left() <= 0 else ""))
        except (rpc.ChannelClosed, rpc.ProtocolError) as err:
            status, why = self.lose(statuses.CRASHED)
            if isinstance(err, rpc.ProtocolError):
                why = "it wrote into the grader's channel"
            return self.skip(entry, status, f"the cell {entry.label} ended the notebook's Python process ({why}); "
                             "it was skipped and the rest of the notebook was graded", lost=True)
        if not replay:
            self.ran.append(entry)
        if reply.get("output_exceeded"):
            self.event(statuses.OUTPUT, f"the notebook printed more than {self.limits.output} characters "
                       f"(in {entry.label}); the output beyond that was dropped")
        result = CellResult(entry.label, bool(reply.get("ok")), str(reply.get("stdout", ""))[:10_000])
        if not result.ok:
            result.error = f"{reply.get('ename', 'Error')}: {reply.get('evalue', '')}"[:2000]
            if reply.get("memory"):
                self.event(statuses.MEMORY, f"the cell {entry.label} ran out of memory (the limit is "
                           f"{self.limits.memory / 2**30:g} GiB)")
            if self.first_cell_error is None and entry.kind != "locked":
                self.first_cell_error = f"{entry.label} raised {result.error[:300]}"
        return result

    def skip(self, entry, status, message, lost=False):
        """A cell that hung or crashed: never run again; the notebook goes on without it."""
        if not lost:
            self.lose(status)
        self.skipped.add(id(entry))
        if entry in self.ran:
            self.ran.remove(entry)
        self.event(status, message)
        if self.budget_left() <= 0:
            raise Budget()
        return CellResult(entry.label, False, error=message)

    # -- the student's names, seen from the tests --
    def ensure_live(self):
        if self.peer is None:
            raise TestAborted(statuses.CRASHED, "your notebook's Python process had stopped earlier in this test")

    def fetch(self, name):
        """The value of the student's global ``name`` (a NameError if there is none)."""
        self.ensure_live()
        reply, blobs = self.peer.request({"op": rpc.Op.GET, "name": name})
        if reply.get("op") == rpc.Op.MISSING:
            hint = f" ({self.first_cell_error})" if self.first_cell_error else ""
            raise NameError(f"name '{name}' is not defined: your notebook does not define it{hint}")
        if reply.get("op") != rpc.Op.VALUE:
            raise rpc.ResultError(f"the grader could not read {name}: {reply.get('reason', 'unreadable')}")
        try:
            value, _ = self.peer.decode(reply.get("value"), blobs)
        except codec.CodecError as err:
            raise rpc.ResultError(f"the grader could not read {name}: {err}") from None
        return value.named(name) if isinstance(value, StudentFunction) else value

    def current(self, function):
        """The function as the running sandbox knows it (fetched again after a restart)."""
        self.ensure_live()
        if function.is_current():
            return function
        if not function.lookup_name:
            raise TestAborted(statuses.CRASHED, f"{function.__name__} is from a run of your notebook that was stopped")
        return self.fetch(function.lookup_name)

    def call(self, function, args, kwargs):
        function = self.current(function)
        return self.guarded(function.__name__, lambda: self.peer.call_remote(function.handle, args, kwargs))

    def reach(self, function):
        """(names, modules) of what a student's function reaches, asked of the sandbox
        once per function and run of the sandbox."""
        function = self.current(function)
        key = (self.generation, function.handle.hid)
        if key not in self.reached:
            self.reached[key] = self.guarded(function.__name__, lambda: self.peer.ask_reach(function))
        return self.reached[key]

    def guarded(self, name, ask):
        """Ask the sandbox something on behalf of a test; losing it aborts the test."""
        try:
            return ask()
        except rpc.ChannelTimeout:
            limit = self.cell_timeout if self.budget_left() > 0 else self.notebook_timeout
            self.lose(statuses.TIMEOUT)
            raise TestAborted(statuses.TIMEOUT, f"{name} did not finish within {limit:g} s "
                              "(an endless loop?) and was stopped") from None
        except rpc.ChannelClosed:
            status, why = self.lose(statuses.CRASHED)
            raise TestAborted(status, f"{name} ended the notebook's Python process ({why})") from None
        except rpc.ProtocolError:
            self.lose(statuses.CRASHED)
            raise TestAborted(statuses.CRASHED, f"{name} wrote into the grader's channel; the notebook's "
                              "Python process was ended") from None

    def collect(self, reply):
        """Warnings and output of a call, kept as notes of the current test."""
        if reply.get("op") == rpc.Op.RAISE and reply.get("ename") == "MemoryError":
            self.event(statuses.MEMORY, "your code ran out of memory while it was tested (the limit is "
                       f"{self.limits.memory / 2**30:g} GiB)")
        if reply.get("output_exceeded"):
            self.event(statuses.OUTPUT, f"the notebook printed more than {self.limits.output} characters")
        if self.notes is None:
            return
        for warning in reply.get("warnings", [])[:5]:
            text = ": ".join(str(part) for part in warning) if isinstance(warning, list) else str(warning)
            note = f"your code warned: {text[:300]}"
            if note not in self.notes:
                self.notes.append(note)
        if reply.get("stdout") and len(self.notes) < 10:
            note = "your code printed output while it was tested"
            if note not in self.notes:
                self.notes.append(note)
