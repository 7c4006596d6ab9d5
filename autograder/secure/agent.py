"""The student's side: runs the notebook's cells and answers the grader's questions.

This file runs inside the sandbox, as an unprivileged user, in the same Python
process as the student's code. Nothing here is trusted: a student can replace any
of it from a cell. That is fine, because nothing here decides a grade: the agent
only executes cells (in an IPython shell, so magics work as in Jupyter), hands out
the student's functions and variables, runs calls the grader asks for, and reports
what they returned. The verdicts are computed by the grader, outside, on values.

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

from nnl_secure import codec, rpc  # noqa: E402

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


def module_of(obj):
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    try:
        return str(getattr(obj, "__module__", "") or "")
    except Exception:
        return ""


def code_tree(code, budget):
    """The names a code object uses and those of the code objects nested in it."""
    budget[0] -= 1
    if budget[0] < 0:
        return {"names": [], "consts": []}
    return {
        "names": [str(n) for n in code.co_names][:500],
        "consts": [code_tree(c, budget) for c in code.co_consts if isinstance(c, types.CodeType)][:100],
    }


class SandboxPeer(rpc.Peer):
    """The sandbox's end: exports the student's objects, runs cells and calls."""

    def __init__(self, channel, shell):
        super().__init__(channel, "s")
        self.shell = shell
        self.handlers.update(run_cell=self.on_run_cell, get=self.on_get, describe=self.on_describe,
                             globals=self.on_global, bye=self.on_bye)

    # -- what the grader gets for objects that are not data --
    def export(self, obj):
        handle = getattr(obj, "_nnl_handle", None)
        if isinstance(handle, codec.Handle) and handle.side == "t":
            return ["H", "t", handle.hid, {}]
        if isinstance(obj, types.ModuleType):
            return ["M", obj.__name__]
        name = getattr(obj, "__name__", None)
        if callable(obj) and isinstance(name, str) and getattr(np, name, None) is obj:
            return ["N", name]
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
        return ["O", type(obj).__name__, module_of(type(obj)), text]

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
                outcome = {"ok": True, "value": target(*args, **kwargs)}
            except (rpc.ChannelClosed, rpc.ChannelTimeout, rpc.ProtocolError):
                raise
            except BaseException as err:  # noqa: B036 (SystemExit from student code is a failure too)
                outcome = {"ok": False, "error": err, "traceback": student_traceback(err)}
        outcome["extra"] = {
            "stdout": out.text[:2000],
            "warnings": [f"{w.category.__name__}: {w.message}"[:500] for w in caught[:20]],
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
        reply = {"op": "done", "ok": error is None, "stdout": out.text, "output_exceeded": Capture.exceeded}
        if error is not None:
            reply.update(ename=type(error).__name__, evalue=codec.clip(rpc.safe_str(error), 2000),
                         memory=isinstance(error, MemoryError))
        return reply, []

    def on_get(self, message, blobs):
        name = str(message.get("name", ""))
        namespace = self.shell.user_ns
        if name not in namespace or name.startswith("_"):
            return {"op": "missing"}, []
        try:
            tree, blobs, _ = self.encode(namespace[name])
        except codec.CodecError as err:
            return {"op": "unreadable", "reason": str(err)}, []
        return {"op": "value", "value": tree}, blobs

    def target_of(self, message):
        node = message.get("target")
        if not (isinstance(node, list) and len(node) == 3 and node[0] == "H" and node[1] == "s"):
            raise codec.CodecError("a malformed handle")
        return self.local.get(node[2])

    def on_describe(self, message, blobs):
        obj = self.target_of(message)
        code = getattr(obj, "__code__", None)
        closure = []
        for cell in getattr(obj, "__closure__", None) or ():
            try:
                closure.append(cell.cell_contents)
            except ValueError:
                continue
        tree, blobs, _ = self.encode(closure, light=True)
        return {"op": "info", "module": module_of(obj),
                "code": code_tree(code, [400]) if isinstance(code, types.CodeType) else None,
                "closure": tree}, blobs

    def on_global(self, message, blobs):
        obj = self.target_of(message)
        space = getattr(obj, "__globals__", None)
        name = str(message.get("name", ""))
        if not isinstance(space, dict) or name not in space:
            return {"op": "missing"}, []
        tree, blobs, _ = self.encode([space[name]], light=True)
        return {"op": "value", "value": tree}, blobs

    def on_bye(self, message, blobs):
        self.channel.send({"op": "bye", "re": message.get("seq")})
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
    channel.send({"op": "ready", "pid": os.getpid(), "uid": os.getuid()})
    while True:
        try:
            message, blobs = channel.recv()
            peer.serve(message, blobs)
        except (rpc.ChannelClosed, rpc.ProtocolError):
            os._exit(0)


if __name__ == "__main__":
    main()
