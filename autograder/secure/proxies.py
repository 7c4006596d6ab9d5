"""The student's objects as the tests see them, on the grader's side.

A test cell runs in a :class:`TestNamespace`: the grader's own names first (the
gradebook's setup cells ran there), then, for any other name, the student's value
from the sandbox. A student's function becomes a :class:`StudentFunction`: calling
it runs it in the sandbox and returns plain data. What it refers to (the setup
cell's ``reach``, which the checks for nnlearn and for the notebook's own helpers
use) is one question the sandbox answers (:meth:`StudentFunction.reach`), and
:func:`reach_from_sandbox` gives the setup cell's ``reach`` that answer for such a
function. :class:`TrustedPeer` is the grader's end of the channel: the test's own
callables (a gradient, a loss) stay here and are called back from the sandbox, so
the hidden tests' code never goes there.
"""

import builtins
import types
import warnings

import numpy as np

from . import codec, rpc
from .codec import Tag
from .rpc import Op, Outcome


class Budget(BaseException):
    """Grading of this notebook stops here: its time budget is spent (or, with a
    status and message as arguments, it could not be kept running)."""


class TestAborted(BaseException):
    """The sandbox was lost in the middle of a test (the test fails with the message);
    ``status`` is the event it was (a timeout or a crash)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class StudentDependency(BaseException):
    """A setup cell run on the grader's side needed a name of the student's."""


# --- proxies of the student's objects on the grader's side ----------------------------------

class StudentFunction:
    """A function of the student's, in the sandbox. Calling it runs it there."""

    def __init__(self, session, handle, name=None):
        self._session, self._handle = session, handle
        self._generation = session.generation
        self._lookup_name = name
        self._reached = None
        meta = handle.meta
        self.__name__ = str(meta.get("name") or name or "function")
        self.__qualname__ = str(meta.get("qualname") or self.__name__)
        self.__module__ = str(meta.get("module", ""))

    def __call__(self, *args, **kwargs):
        return self._session.call(self, args, kwargs)

    def __repr__(self):
        return f"<function {self.__qualname__} (in the sandbox)>"

    # what the session needs to know of it
    @property
    def handle(self):
        return self._handle

    @property
    def lookup_name(self):
        """The global name it was fetched by (to fetch it again after a restart)."""
        return self._lookup_name

    def named(self, name):
        self._lookup_name = name
        return self

    def is_current(self):
        """True while the sandbox it lives in is the one running."""
        return self._generation == self._session.generation

    def reach(self):
        """(names, objects) as the setup cell's ``reach`` gives them, computed in the
        sandbox; each object is a stand-in that has only the module it came from."""
        if self._reached is None:
            names, modules = self._session.reach(self)
            self._reached = set(names), [rpc.Opaque("reached", m) for m in modules]
        names, objects = self._reached
        return set(names), list(objects)


def reach_from_sandbox(local_reach):
    """The setup cell's ``reach``, answering from the sandbox for a student's function."""

    def reach(f):
        if isinstance(f, StudentFunction):
            return f.reach()
        return local_reach(f)

    reach.__doc__, reach.__name__ = local_reach.__doc__, "reach"
    return reach


class TrustedPeer(rpc.Peer):
    """The grader's end of the channel."""

    def __init__(self, channel, session):
        super().__init__(channel, codec.TRUSTED, deadline=lambda: session.deadline)
        self.session = session

    def export(self, obj):
        if isinstance(obj, StudentFunction):
            if obj.is_current():
                return [Tag.HANDLE, codec.SANDBOX, obj.handle.hid, {}]
            raise codec.CodecError(f"{obj.__name__} is from an earlier run of the notebook")
        name = getattr(obj, "__name__", None)
        if callable(obj) and isinstance(name, str) and getattr(np, name, None) is obj:
            return [Tag.NUMPY, name]
        if isinstance(obj, types.ModuleType):
            return [Tag.MODULE, obj.__name__]
        if callable(obj):
            return self.export_handle(obj, {"name": str(name or "callback")[:100]})
        return [Tag.OPAQUE, type(obj).__name__, "", ""]

    def make_proxy(self, handle):
        if handle.meta.get("kind") in ("function", "class"):
            return StudentFunction(self.session, handle)
        return rpc.Opaque(handle.meta.get("kind", "object"), handle.meta.get("module", ""),
                          f"<{handle.meta.get('name', 'object')}>")

    def module(self, name):
        return types.ModuleType(name)

    def on_reply(self, reply):
        self.session.collect(reply)
        reemit_warnings(reply.get("warnings"))

    def ask_reach(self, function):
        """(names, modules) of what a student's function reaches, from the sandbox."""
        reply, _ = self.request({"op": Op.REACH, "target": [Tag.HANDLE, codec.SANDBOX, function.handle.hid]})
        if reply.get("op") != Op.REACHED:
            raise rpc.ProtocolError("an unexpected reply to reach")
        names, modules = reply.get("names", []), reply.get("modules", [])
        if not (isinstance(names, list) and isinstance(modules, list)):
            raise rpc.ProtocolError("a malformed reply to reach")
        return [str(n)[:200] for n in names[:2000]], [str(m)[:200] for m in modules[:2000]]

    def invoke(self, target, args, kwargs, message):
        # a test's own callable, called by the student's code: it runs here; its
        # errors go back as a name and a message only, never a traceback (which would
        # show the test's source to the student's code)
        try:
            return Outcome(True, target(*args, **kwargs))
        except (rpc.ChannelClosed, rpc.ChannelTimeout, rpc.ProtocolError, Budget, TestAborted):
            raise
        except Exception as err:
            return Outcome(False, error=err)


def reemit_warnings(reported):
    """Warn here what the student's code warned in the sandbox (category and message),
    so that the test's own warning handling (the setup cell's ``call``) sees it."""
    for item in (reported or [])[:20]:
        if not (isinstance(item, list) and len(item) == 2):
            continue
        category, message = rpc.warning_class(str(item[0])), str(item[1])[:500]
        warnings.warn_explicit(message, category, "<student code>", 0, module="student")


class TestNamespace(dict):
    """The globals of the test cells: the grader's own names first, then the
    student's, fetched from the sandbox when a test uses them."""

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.strict = False
        self.reserved = {}        # name -> why: names only the grader's setup may define

    def __missing__(self, name):
        if name.startswith("__") or hasattr(builtins, name):
            raise KeyError(name)
        if self.strict:
            raise StudentDependency(name)
        if name in self.reserved:
            raise NameError(f"name '{name}' is not available to the tests: {self.reserved[name]}")
        return self.session.fetch(name)

    def get(self, name, default=None):
        try:
            return self[name]
        except (KeyError, NameError):
            return default

    def answer_reach_from_sandbox(self):
        """After a setup cell ran here: its ``reach`` asks the sandbox about students' functions."""
        local = dict.get(self, "reach")
        if callable(local) and not getattr(local, "from_sandbox", False):
            self["reach"] = reach_from_sandbox(local)
            self["reach"].from_sandbox = True
