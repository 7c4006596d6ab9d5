"""The student's objects as the tests see them, on the grader's side.

A test cell runs in a :class:`TestNamespace`: the grader's own names first (the
gradebook's setup cells ran there), then, for any other name, the student's value
from the sandbox. A student's function becomes a :class:`StudentFunction`: calling
it runs it in the sandbox and returns plain data; its ``__code__``, ``__globals__``
and ``__closure__`` answer what the notebooks' ``reach`` helper inspects, from what
the sandbox reports. :class:`TrustedPeer` is the grader's end of the channel: the
test's own callables (a gradient, a loss) stay here and are called back from the
sandbox, so the hidden tests' code never goes there.
"""

import builtins
import types

import numpy as np

from . import codec, rpc


class Budget(BaseException):
    """Grading of this notebook stops here: its time budget is spent (or, with a
    status and message as arguments, it could not be kept running)."""


class TestAborted(BaseException):
    """The sandbox was lost in the middle of a test (the test fails with the message)."""


class StudentDependency(BaseException):
    """A setup cell run on the grader's side needed a name of the student's."""


# --- proxies of the student's objects on the grader's side ----------------------------------

CODE_TEMPLATE = (lambda: None).__code__


def build_code(tree, depth=0):
    """A code object that is never run: it only carries the names the student's code
    uses, for tests that look at them (``reach`` in the notebooks)."""
    if not isinstance(tree, dict) or depth > 20:
        return CODE_TEMPLATE
    names = tuple(str(n) for n in tree.get("names", []) if isinstance(n, str))[:500]
    consts = tuple(build_code(c, depth + 1) for c in tree.get("consts", [])[:100])
    return CODE_TEMPLATE.replace(co_names=names, co_consts=consts + (None,))


class StudentFunction:
    """A function of the student's, in the sandbox. Calling it runs it there."""

    def __init__(self, runner, handle, name=None):
        self._runner, self._handle = runner, handle
        self._generation = runner.generation
        self._lookup_name = name
        meta = handle.meta
        self.__name__ = str(meta.get("name") or name or "function")
        self.__qualname__ = str(meta.get("qualname") or self.__name__)
        self.__module__ = str(meta.get("module", ""))
        self._info = None
        self._globals = None

    def __call__(self, *args, **kwargs):
        return self._runner.call_student(self, args, kwargs)

    def __repr__(self):
        return f"<function {self.__qualname__} (in the sandbox)>"

    def _describe(self):
        if self._info is None:
            self._info = self._runner.describe(self)
        return self._info

    @property
    def __code__(self):
        info = self._describe()
        return build_code(info["code"]) if info.get("code") else None

    @property
    def __closure__(self):
        return tuple(types.CellType(v) for v in self._describe().get("closure", ())) or None

    @property
    def __globals__(self):
        if self._globals is None:
            self._globals = GlobalsView(self)
        return self._globals


class GlobalsView:
    """The globals of a student's function, looked up one name at a time."""

    def __init__(self, function):
        self.function = function
        self.cache = {}

    def lookup(self, name):
        if name not in self.cache:
            self.cache[name] = self.function._runner.function_global(self.function, name)
        return self.cache[name]

    def __contains__(self, name):
        return self.lookup(name)[0]

    def __getitem__(self, name):
        found, value = self.lookup(name)
        if not found:
            raise KeyError(name)
        return value

    def get(self, name, default=None):
        found, value = self.lookup(name)
        return value if found else default


class TrustedPeer(rpc.Peer):
    """The grader's end of the channel."""

    def __init__(self, channel, runner):
        super().__init__(channel, "t", deadline=lambda: runner.deadline)
        self.runner = runner

    def export(self, obj):
        if isinstance(obj, StudentFunction):
            if obj._generation == self.runner.generation:
                return ["H", "s", obj._handle.hid, {}]
            raise codec.CodecError(f"{obj.__name__} is from an earlier run of the notebook")
        name = getattr(obj, "__name__", None)
        if callable(obj) and isinstance(name, str) and getattr(np, name, None) is obj:
            return ["N", name]
        if isinstance(obj, types.ModuleType):
            return ["M", obj.__name__]
        if callable(obj):
            return self.export_handle(obj, {"name": str(name or "callback")[:100]})
        return ["O", type(obj).__name__, "", ""]

    def make_proxy(self, handle):
        if handle.meta.get("kind") in ("function", "class"):
            return StudentFunction(self.runner, handle)
        return rpc.Opaque(handle.meta.get("kind", "object"), handle.meta.get("module", ""),
                          f"<{handle.meta.get('name', 'object')}>")

    def module(self, name):
        return types.ModuleType(name)

    def on_reply(self, reply):
        self.runner.collect(reply)

    def invoke(self, target, args, kwargs, message):
        # a test's own callable, called by the student's code: it runs here; its
        # errors go back as a name and a message only, never a traceback (which would
        # show the test's source to the student's code)
        try:
            return {"ok": True, "value": target(*args, **kwargs)}
        except (rpc.ChannelClosed, rpc.ChannelTimeout, rpc.ProtocolError, Budget, TestAborted):
            raise
        except Exception as err:
            return {"ok": False, "error": err, "traceback": ""}


class TestNamespace(dict):
    """The globals of the test cells: the grader's own names first, then the
    student's, fetched from the sandbox when a test uses them."""

    def __init__(self, runner):
        super().__init__()
        self.runner = runner
        self.strict = False
        self.reserved = {}        # name -> why: names only the grader's setup may define

    def __missing__(self, name):
        if name.startswith("__") or hasattr(builtins, name):
            raise KeyError(name)
        if self.strict:
            raise StudentDependency(name)
        if name in self.reserved:
            raise NameError(f"name '{name}' is not available to the tests: {self.reserved[name]}")
        return self.runner.fetch(name)

    def get(self, name, default=None):
        try:
            return self[name]
        except (KeyError, NameError):
            return default
