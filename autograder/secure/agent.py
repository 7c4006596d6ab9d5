"""The student's side: runs the notebook's cells and answers the grader's questions.

This file runs inside the sandbox, as an unprivileged user, in the same Python
process as the student's code. Nothing here is trusted: a student can replace any
of it from a cell. That is fine, because nothing here decides a grade: the agent
only executes cells (in an IPython shell, so magics work as in Jupyter), hands out
the student's functions and variables, runs calls the grader asks for, and reports
what they returned. The verdicts are computed by the grader, outside, on values.

The one question about code it answers is ``reach``: what a function of the
student's refers to (the names its code uses, the modules of the objects it
reaches), computed here, where the function lives, by the setup cell's own
``reach`` (one algorithm: autograder/notebook_setup.py, copied in beside this file).

Usage (by the launcher): python -I agent.py READ_FD WRITE_FD MAX_OUTPUT_BYTES
"""

import io
import os
import re
import sys
import traceback
import types
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from nnl_secure import codec, notebook_setup, rpc  # noqa: E402
from nnl_secure.codec import Tag  # noqa: E402
from nnl_secure.rpc import Op, Outcome  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
KEEP_TEXT = 10_000        # characters of output kept per cell or call


class OutputLimit(BaseException):
    """The notebook printed more than the grader accepts."""


class Capture(io.TextIOBase):
    """A stand-in for sys.stdout/sys.stderr: keeps the start, counts everything, and
    stops the code that prints once the whole notebook has printed too much."""

    total = 0                 # bytes printed by the whole notebook so far
    limit = 2**20
    exceeded = False

    def __init__(self):
        self.kept = []
        self.kept_chars = 0
        self.raised = False

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        Capture.total += len(text)
        if self.kept_chars < KEEP_TEXT:
            self.kept.append(text[: KEEP_TEXT - self.kept_chars])
            self.kept_chars += len(self.kept[-1])
        if Capture.total > Capture.limit:
            Capture.exceeded = True
            if not self.raised:
                self.raised = True
                raise OutputLimit(f"the notebook printed more than {Capture.limit} characters")
        return len(text)

    def flush(self):
        pass

    @property
    def text(self):
        return ANSI.sub("", "".join(self.kept))


class capturing:
    """Route sys.stdout and sys.stderr to one Capture for the duration of a block."""

    def __enter__(self):
        self.capture = Capture()
        self.saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = self.capture
        return self.capture

    def __exit__(self, *exc):
        sys.stdout, sys.stderr = self.saved
        return False


module_of = notebook_setup.module_name
MAX_REACHED = 2000        # names (and modules) reported for one function


class SandboxPeer(rpc.Peer):
    """The sandbox's end: exports the student's objects, runs cells and calls."""

    def __init__(self, channel, shell):
        super().__init__(channel, codec.SANDBOX)
        self.shell = shell
        self.handlers.update({Op.RUN_CELL: self.on_run_cell, Op.GET: self.on_get, Op.REACH: self.on_reach,
                              Op.BYE: self.on_bye})

    # -- what the grader gets for objects that are not data --
    def export(self, obj):
        handle = getattr(obj, "_nnl_handle", None)
        if isinstance(handle, codec.Handle) and handle.side == codec.TRUSTED:
            return [Tag.HANDLE, codec.TRUSTED, handle.hid, {}]
        if isinstance(obj, types.ModuleType):
            return [Tag.MODULE, obj.__name__]
        name = getattr(obj, "__name__", None)
        if callable(obj) and isinstance(name, str) and getattr(np, name, None) is obj:
            return [Tag.NUMPY, name]
        if callable(obj):
            meta = {"name": str(name or type(obj).__name__)[:100],
                    "qualname": str(getattr(obj, "__qualname__", name) or "")[:200],
                    "module": module_of(obj)[:200],
                    "kind": "class" if isinstance(obj, type) else "function"}
            return self.export_handle(obj, meta)
        try:
            text = codec.clip(repr(obj), codec.MAX_REPR)
        except Exception:
            text = ""
        return [Tag.OPAQUE, type(obj).__name__, module_of(type(obj)), text]

    def make_proxy(self, handle):
        """A test's callable (a gradient, a loss): calling it asks the grader."""
        peer = self

        def callback(*args, **kwargs):
            return peer.call_remote(handle, args, kwargs)

        callback.__name__ = callback.__qualname__ = str(handle.meta.get("name", "callback"))
        callback._nnl_handle = handle
        return callback

    # -- calls from the grader: run with its warning filters, capture the output --
    def invoke(self, target, args, kwargs, message):
        with capturing() as out, warnings.catch_warnings(record=True) as caught:
            rpc.apply_filters(message.get("filters"))
            try:
                outcome = Outcome(True, target(*args, **kwargs))
            except (rpc.ChannelClosed, rpc.ChannelTimeout, rpc.ProtocolError):
                raise
            except BaseException as err:  # noqa: B036 (SystemExit from student code is a failure too)
                outcome = Outcome(False, error=err, traceback=student_traceback(err))
        outcome.extra = {
            "stdout": out.text[:2000],
            "warnings": [[w.category.__name__, codec.clip(rpc.safe_str(w.message), 500)] for w in caught[:20]],
            "output_exceeded": Capture.exceeded,
        }
        return outcome

    def on_run_cell(self, message, blobs):
        source = str(message.get("source", ""))
        with capturing() as out:
            try:
                result = self.shell.run_cell(source, store_history=False)
                error = result.error_before_exec or result.error_in_exec
            except BaseException as err:  # noqa: B036 (the shell itself broke)
                error = err
        reply = {"op": Op.DONE, "ok": error is None, "stdout": out.text, "output_exceeded": Capture.exceeded}
        if error is not None:
            reply.update(ename=type(error).__name__, evalue=codec.clip(rpc.safe_str(error), 2000),
                         memory=isinstance(error, MemoryError))
        return reply, []

    def on_get(self, message, blobs):
        name = str(message.get("name", ""))
        namespace = self.shell.user_ns
        if name not in namespace or name.startswith("_"):
            return {"op": Op.MISSING}, []
        try:
            tree, blobs, _ = self.encode(namespace[name])
        except codec.CodecError as err:
            return {"op": Op.UNREADABLE, "reason": str(err)}, []
        return {"op": Op.VALUE, "value": tree}, blobs

    def on_reach(self, message, blobs):
        """What a function of the student's reaches: the setup cell's ``reach``, run here."""
        node = message.get("target")
        if not (isinstance(node, list) and len(node) == 3 and node[0] == Tag.HANDLE and node[1] == codec.SANDBOX):
            raise rpc.ProtocolError("a reach of something that is not a handle of the sandbox")
        try:
            names, objects = notebook_setup.reach(self.local.get(node[2]))
            modules = {module_of(g) for g in objects}
        except Exception as err:     # a function built to break introspection: it reaches nothing known
            return {"op": Op.REACHED, "names": [], "modules": [], "error": codec.clip(rpc.safe_str(err), 300)}, []
        return {"op": Op.REACHED, "names": sorted(str(n) for n in names)[:MAX_REACHED],
                "modules": sorted(str(m) for m in modules)[:MAX_REACHED]}, []

    def on_bye(self, message, blobs):
        self.channel.send({"op": Op.BYE, "re": message.get("seq")})
        os._exit(0)


def student_traceback(err):
    """The traceback of an error in the student's code, without the agent's frames."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if "nnl_secure" not in f.filename
              and not f.filename.endswith("agent.py")]
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(err), err)
    return ANSI.sub("", "".join(lines))[-4000:]


def make_shell():
    """An IPython shell like a notebook's kernel: magics, display hook, no history."""
    from traitlets.config import Config
    from IPython.core.interactiveshell import InteractiveShell

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.xmode = "Plain"       # short tracebacks, as the student reads them
    return InteractiveShell.instance(config=config)


def main():
    read_fd, write_fd, limit = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    for fd in (read_fd, write_fd):
        os.set_inheritable(fd, False)          # programs the student starts do not get them
    Capture.limit = limit
    channel = rpc.Channel(read_fd, write_fd)

    def forget_channel():                       # a fork of the student's must not talk to us
        for fd in (read_fd, write_fd):
            try:
                os.close(fd)
            except OSError:
                pass

    os.register_at_fork(after_in_child=forget_channel)
    shell = make_shell()
    peer = SandboxPeer(channel, shell)
    channel.send({"op": Op.READY, "pid": os.getpid(), "uid": os.getuid()})
    while True:
        try:
            message, blobs = channel.recv()
            peer.serve(message, blobs)
        except (rpc.ChannelClosed, rpc.ProtocolError):
            os._exit(0)


if __name__ == "__main__":
    main()
