"""The channel between the trusted grader and the sandbox, and the calls over it.

A :class:`Channel` moves framed messages over two pipes: a JSON header and the
binary blobs of :mod:`codec`. Reading is bounded (size of a message, and a deadline),
so a sandbox that writes garbage, floods the pipe or stops answering cannot hang or
swell the grader: it gets a :class:`ProtocolError`, :class:`ChannelClosed` or
:class:`ChannelTimeout`.

A :class:`Peer` is one end of the conversation. ``request`` sends a message and waits
for its reply; while it waits it serves the other side's requests (a student's
``gradient_descent`` calling the test's ``grad`` while the test waits for it), so
calls can nest in either direction. Both sides run this same code; what differs is
what each side exports (its ``local`` objects) and how it makes proxies of the
other side's handles (``make_proxy``).

Messages (every request has ``seq``, every reply ``re``; the ops are :class:`Op`'s):

* ``call``  target, args, kwargs, warning filters -> ``return`` (value, changes) or ``raise``,
  either with the warnings the call gave, the start of what it printed, and whether the
  notebook's output limit was passed;
* ``get``   a global name of the student's namespace -> ``value``, ``missing`` or ``unreadable``;
* ``reach`` a handle -> ``reached``: the names the function uses and the modules of the
  objects it reaches, as the setup cell's ``reach`` computes them (sandbox only);
* ``run_cell`` source -> ``done`` (sandbox only); ``bye`` (the sandbox leaves).

The sandbox says ``ready`` once, when it has started.
"""

import builtins
import json
import os
import select
import struct
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import codec

class Op:
    """The ``op`` of every message (see the module's docstring)."""

    CALL, RETURN, RAISE = "call", "return", "raise"
    GET, VALUE, MISSING, UNREADABLE = "get", "value", "missing", "unreadable"
    REACH, REACHED = "reach", "reached"
    RUN_CELL, DONE, READY, BYE = "run_cell", "done", "ready", "bye"


MAGIC = b"NNL1"
HEADER = struct.Struct(">4sII")      # magic, JSON length, number of blobs
BLOB = struct.Struct(">Q")


class ChannelClosed(BaseException):
    """The other side is gone (its process ended)."""


class ChannelTimeout(BaseException):
    """No answer before the deadline."""


class ProtocolError(BaseException):
    """The other side sent something that is not a well-formed message."""


# BaseException, not Exception: the test code's own `except Exception` (as in the
# notebooks' `call` helper) must not swallow the end of a sandbox.


class Channel:
    """Framed messages over a pair of file descriptors."""

    def __init__(self, read_fd, write_fd, max_message=64 * 2**20):
        self.read_fd, self.write_fd = read_fd, write_fd
        self.max_message = max_message
        self.buffer = bytearray()
        os.set_blocking(read_fd, False)

    # -- reading --
    def _fill(self, need, deadline):
        while len(self.buffer) < need:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            if timeout is not None and timeout == 0.0:
                raise ChannelTimeout()
            ready, _, _ = select.select([self.read_fd], [], [], timeout)
            if not ready:
                raise ChannelTimeout()
            try:
                chunk = os.read(self.read_fd, max(65536, min(need - len(self.buffer), 2**22)))
            except BlockingIOError:
                continue
            except OSError as err:
                raise ChannelClosed(str(err)) from None
            if not chunk:
                raise ChannelClosed("end of stream")
            self.buffer += chunk

    def _take(self, n, deadline):
        self._fill(n, deadline)
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data

    def recv(self, deadline=None):
        """(message dict, blobs); deadline is a time.monotonic() value or None."""
        magic, size, nblobs = HEADER.unpack(self._take(HEADER.size, deadline))
        if magic != MAGIC:
            raise ProtocolError("a message without the expected header")
        if size > self.max_message or nblobs > 100_000:
            raise ProtocolError(f"a message of {size} bytes is larger than the limit")
        try:
            message = json.loads(self._take(size, deadline).decode("utf-8"))
        except (ValueError, RecursionError) as err:
            raise ProtocolError(f"an unreadable message ({type(err).__name__})") from None
        if not isinstance(message, dict):
            raise ProtocolError("a message that is not a JSON object")
        blobs, total = [], size
        for _ in range(nblobs):
            (length,) = BLOB.unpack(self._take(BLOB.size, deadline))
            total += length
            if total > self.max_message:
                raise ProtocolError("a message larger than the limit")
            blobs.append(self._take(length, deadline))
        return message, blobs

    # -- writing --
    def send(self, message, blobs=(), deadline=None):
        try:
            data = json.dumps(message, allow_nan=True).encode("utf-8")
        except (TypeError, ValueError, RecursionError) as err:
            raise codec.CodecError(f"cannot write the message ({err})") from None
        parts = [HEADER.pack(MAGIC, len(data), len(blobs)), data]
        for blob in blobs:
            parts += [BLOB.pack(len(blob)), blob]
        payload = memoryview(b"".join(parts))
        while payload:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            _, ready, _ = select.select([], [self.write_fd], [], timeout)
            if not ready:
                raise ChannelTimeout()
            try:
                written = os.write(self.write_fd, payload[: 2**20])
            except BlockingIOError:
                continue
            except OSError as err:
                raise ChannelClosed(str(err)) from None
            payload = payload[written:]


# --- exceptions across the boundary ------------------------------------------------------

SAFE_EXCEPTIONS = {
    name: obj for name, obj in vars(builtins).items()
    if isinstance(obj, type) and issubclass(obj, Exception)
}
SAFE_EXCEPTIONS["LinAlgError"] = np.linalg.LinAlgError
SAFE_EXCEPTIONS["AxisError"] = getattr(np, "exceptions", np).AxisError
_made = {}


def exception_class(name):
    """The class to raise for an error called ``name`` on the other side: the builtin
    (or NumPy) class of that name, or a new Exception subclass with that name."""
    if name in SAFE_EXCEPTIONS:
        return SAFE_EXCEPTIONS[name]
    clean = "".join(ch for ch in str(name) if ch.isalnum() or ch == "_")[:60] or "Error"
    if clean[0].isdigit():
        clean = "E" + clean
    if clean not in _made:
        _made[clean] = type(clean, (Exception,), {"__module__": "student"})
    return _made[clean]


def warning_class(name):
    cls = SAFE_EXCEPTIONS.get(name)
    return cls if isinstance(cls, type) and issubclass(cls, Warning) else UserWarning


def describe_filters():
    """The caller's warning filters, as data (the sandbox applies them to the call)."""
    out = []
    for action, message, category, module, lineno in warnings.filters:
        out.append([
            action,
            getattr(message, "pattern", message) or "",
            getattr(category, "__name__", "Warning"),
            getattr(module, "pattern", module) or "",
            int(lineno or 0),
        ])
    return out[:50]


def apply_filters(filters):
    """Install the caller's warning filters (inside a catch_warnings block)."""
    warnings.resetwarnings()
    for action, message, category, module, lineno in reversed(filters or []):
        if action not in ("error", "ignore", "always", "default", "module", "once"):
            continue
        try:
            warnings.filterwarnings(action, message, warning_class(category), module, lineno)
        except Exception:   # a malformed filter: skip it
            continue


# --- the peer ------------------------------------------------------------------------------

class Peer:
    """One end of the conversation. ``side`` is codec.SANDBOX or codec.TRUSTED."""

    def __init__(self, channel, side, deadline=lambda: None):
        self.channel = channel
        self.side = side
        self.other = codec.TRUSTED if side == codec.SANDBOX else codec.SANDBOX
        self.deadline = deadline          # the current deadline, a function of nothing
        self.local = {}                   # hid -> object this side exports
        self.local_ids = {}               # id(object) -> hid
        self.seq = 0
        self.handlers = {Op.CALL: self.on_call}

    # -- handles --
    def export_handle(self, obj, meta):
        hid = self.local_ids.get(id(obj))
        if hid is None or self.local.get(hid) is not obj:
            hid = len(self.local) + 1
            self.local[hid] = obj
            self.local_ids[id(obj)] = hid
        return [codec.Tag.HANDLE, self.side, hid, meta]

    def export(self, obj):
        """A node for an object that is not plain data: a handle for a callable, a
        description for anything else (each side refines this)."""
        if callable(obj):
            return self.export_handle(obj, {"name": str(getattr(obj, "__name__", "callable"))[:100],
                                            "kind": "function"})
        return [codec.Tag.OPAQUE, type(obj).__name__, getattr(type(obj), "__module__", ""), ""]

    def resolve(self, item):
        """An object of this side for a handle, NumPy name, module or opaque node."""
        if isinstance(item, codec.Handle):
            if item.side == self.side:
                if item.hid not in self.local:
                    raise codec.CodecError("a handle to an object this side never sent")
                return self.local[item.hid]
            return self.make_proxy(item)
        tag = item[0]
        if tag == codec.Tag.NUMPY:
            obj = getattr(np, item[1], None)
            if isinstance(obj, np.ufunc) or callable(obj) and getattr(obj, "__module__", "").startswith("numpy"):
                return obj
            return Opaque("function", "numpy", item[1])
        if tag == codec.Tag.MODULE:
            return self.module(item[1])
        return Opaque(*item[1:4])

    def module(self, name):
        import types
        return types.ModuleType(name)

    def make_proxy(self, handle):
        raise NotImplementedError

    # -- encoding with this side's rules --
    def encode(self, value, memo=None, next_oid=0):
        return codec.encode(value, self.export, memo, next_oid)

    def decode(self, tree, blobs, table=None):
        return codec.decode(tree, blobs, self.resolve, table)

    # -- requests --
    def request(self, message, blobs=()):
        """Send a request and wait for its reply, serving the other side meanwhile."""
        self.seq += 1
        seq = self.seq
        message = dict(message, seq=seq)
        self.channel.send(message, blobs, self.deadline())
        while True:
            reply, reply_blobs = self.channel.recv(self.deadline())
            if "re" in reply:
                if reply["re"] != seq:
                    raise ProtocolError("a reply to a request that was not made")
                return reply, reply_blobs
            self.serve(reply, reply_blobs)

    def serve(self, message, blobs):
        op = message.get("op")
        handler = self.handlers.get(op)
        seq = message.get("seq")
        if handler is None or not isinstance(seq, int):
            raise ProtocolError(f"an unexpected message {str(op)[:40]!r}")
        reply, reply_blobs = handler(message, blobs)
        reply["re"] = seq
        self.channel.send(reply, reply_blobs, self.deadline())

    # -- calls --
    def call_remote(self, handle, args, kwargs, extra=None):
        """Call an object of the other side; returns its value, having applied to
        args/kwargs whatever the call changed in place; raises what it raised."""
        tree, blobs, encoder = self.encode([list(args), dict(kwargs)])
        table = {encoder.memo[id(obj)]: obj for obj in encoder.keep}
        message = {"op": Op.CALL, "target": [codec.Tag.HANDLE, handle.side, handle.hid], "args": tree,
                   "filters": describe_filters(), **(extra or {})}
        reply, reply_blobs = self.request(message, blobs)
        self.on_reply(reply)
        if reply.get("op") not in (Op.RETURN, Op.RAISE):
            raise ProtocolError("an unexpected reply to a call")
        # decode in the order the other side encoded: first the changes, then the value
        try:
            changes = reply.get("changes") or []
            if not isinstance(changes, list) or not all(isinstance(c, list) and len(c) == 2 for c in changes):
                raise codec.CodecError("malformed changes")
            tree = ["T", [["T", [["T", [c[0], c[1]]] for c in changes]], reply.get("value")]]
            (change_list, value), _ = self.decode(tree, reply_blobs, table)
        except codec.CodecError as err:
            raise ResultError(f"the grader could not read what it returned: {err}") from None
        for oid, new in change_list:
            if oid in table:
                try:
                    codec.apply_change(table[oid], new)
                except codec.CodecError:
                    pass
        if reply["op"] == Op.RAISE:
            raise self.rebuild_exception(reply, value)
        return value

    def on_reply(self, reply):
        """Hook: the trusted side collects the warnings and output a call produced."""

    def rebuild_exception(self, reply, args):
        cls = exception_class(reply.get("ename", "Error"))
        if not isinstance(args, tuple):
            args = (codec.clip(reply.get("evalue", ""), 2000),)
        try:
            err = cls(*args)
        except Exception:
            err = cls(codec.clip(reply.get("evalue", ""), 2000))
        err.remote_traceback = codec.clip(reply.get("traceback", ""), 4000)
        return err

    def on_call(self, message, blobs):
        """Serve a call from the other side: decode, call, report value and changes."""
        try:
            target = self.resolve(self.decode_target(message.get("target")))
            (args, kwargs), decoder = self.decode(message.get("args"), blobs)
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise codec.CodecError("malformed call arguments")
            if not all(isinstance(k, str) for k in kwargs):
                raise codec.CodecError("keyword names must be strings")
        except codec.CodecError as err:
            return {"op": Op.RAISE, "ename": "TypeError", "evalue": f"bad call: {err}"}, []
        table = decoder.table
        marks = codec.snapshot(table)
        outcome = self.invoke(target, args, kwargs, message)
        memo = {id(obj): oid for oid, obj in table.items()}
        next_oid = max(table, default=-1) + 1
        encoder = codec.Encoder(self.export, memo, next_oid)
        changes = []
        for oid in codec.changed(table, marks):
            try:
                changes.append([oid, encoder.encode_state(table[oid])])
            except codec.CodecError:
                continue
        reply = dict(outcome.extra)
        if outcome.ok:
            try:
                value_tree = encoder.encode(outcome.value)
            except codec.CodecError as err:
                reply.update(op=Op.RAISE, ename="TypeError",
                             evalue=f"its result cannot be handed to the grader: {err}")
                value_tree = None
            else:
                reply.update(op=Op.RETURN)
        else:
            err = outcome.error
            reply.update(op=Op.RAISE, ename=type(err).__name__, evalue=codec.clip(safe_str(err), 2000),
                         traceback=outcome.traceback)
            try:
                value_tree = encoder.encode(tuple(err.args))
            except Exception:
                value_tree = None
        reply.update(value=value_tree, changes=changes)
        return reply, encoder.blobs

    def decode_target(self, node):
        if not (isinstance(node, list) and len(node) == 3 and node[0] == "H"
                and node[1] in (codec.SANDBOX, codec.TRUSTED) and isinstance(node[2], int)):
            raise codec.CodecError("a malformed call target")
        return codec.Handle(node[1], node[2])

    def invoke(self, target, args, kwargs, message):
        """Run target(*args, **kwargs) and say how it went (an :class:`Outcome`)."""
        try:
            return Outcome(True, target(*args, **kwargs))
        except (ChannelClosed, ChannelTimeout, ProtocolError):
            raise
        except Exception as err:
            return Outcome(False, error=err)


@dataclass
class Outcome:
    """How a served call went: its value, or its error (with the traceback to show);
    ``extra`` goes into the reply as it is (the sandbox adds warnings and output)."""

    ok: bool
    value: object = None
    error: BaseException = None
    traceback: str = ""
    extra: dict = field(default_factory=dict)


class ResultError(Exception):
    """A result the grader could not read (too big, too deep, of a forbidden type)."""


def safe_str(obj):
    try:
        return str(obj)
    except Exception:
        return f"<{type(obj).__name__}>"


class Opaque:
    """Something from the other side that is not data: only its description."""

    def __init__(self, typename="object", module="", text=""):
        self.typename, self.text = str(typename), str(text)
        self.__module__ = str(module)      # what `module_name` in the notebooks reads

    def __repr__(self):
        return self.text or f"<{self.typename} object>"
