"""Values that cross the sandbox boundary, as data and never as pickles.

Both sides of the boundary (the trusted grader and the sandboxed student process)
use this module. A value becomes a *tree* of JSON-able nodes plus a list of binary
*blobs* (NumPy arrays written by ``np.save`` with ``allow_pickle=False``):

* ``None``, ``bool``, ``int``, ``float``, ``str`` are themselves;
* ``["T", [items]]`` a tuple, ``["L", oid, [items]]`` a list,
  ``["D", oid, [[key, value], ...]]`` a dict, ``["A", oid, blob]`` an array,
  ``["S", blob]`` a NumPy scalar (a 0-d array in the blob), ``["C", re, im]`` a complex,
  ``["Y", blob]`` bytes, ``["F", [items]]`` a set, ``["X", "nan" | "inf" | "-inf"]`` a float
  that JSON cannot hold;
* ``["R", oid]`` an object already seen: the same list, dict or array again (aliasing
  survives the trip, so ``h[0] is x`` stays true);
* ``["H", side, hid, meta]`` a *handle* to something that stays on its own side: a
  student's function in the sandbox (side ``"s"``), a test's callable on the trusted
  side (``"t"``); the other side gets a proxy that calls through the channel;
* ``["N", name]`` a NumPy function known by name (``np.tanh``): the sandbox uses its own;
* ``["M", name]`` a module, by name only;
* ``["O", type name, module, repr]`` anything else: an opaque description.

Every mutable object (list, dict, array) gets an *oid*, numbered in the order of a
depth-first walk; both sides number alike, so a reply can refer to an object of the
request (``["R", oid]``) and say which of them the call changed in place.

The decoder is strict: unknown tags, object arrays, too deep nesting or too big
messages raise :class:`CodecError`. It never calls anything the other side sent.
"""

import io
import math

import numpy as np

MAX_DEPTH = 48            # nesting of containers
MAX_ITEMS = 200_000       # nodes in one message
MAX_STR = 1_000_000       # characters of one string
MAX_REPR = 300            # characters of an opaque object's description
SAFE_DTYPE_KINDS = "biufcSUM m?"   # bool, ints, floats, complex, bytes, str, datetimes


class Tag:
    """The node tags of a tree (the module's docstring says what each holds)."""

    TUPLE, LIST, DICT, ARRAY, SCALAR, COMPLEX, BYTES, SET = "T", "L", "D", "A", "S", "C", "Y", "F"
    REF, HANDLE, NUMPY, MODULE, OPAQUE, FLOAT = "R", "H", "N", "M", "O", "X"


# the two sides of the boundary, as a handle names them
SANDBOX, TRUSTED = "s", "t"


class CodecError(ValueError):
    """A value that cannot be sent, or a message that is not well formed."""


class Handle:
    """A reference to an object that lives on one side of the boundary."""

    __slots__ = ("side", "hid", "meta")

    def __init__(self, side, hid, meta=None):
        self.side, self.hid, self.meta = side, int(hid), dict(meta or {})


def clip(text, limit):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- arrays ---------------------------------------------------------------------------

def array_to_blob(array):
    if array.dtype.kind not in SAFE_DTYPE_KINDS or array.dtype.hasobject:
        raise CodecError(f"an array of dtype {array.dtype} cannot be sent (arrays of numbers only)")
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def blob_to_array(blob):
    try:
        array = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as err:  # a malformed or object array
        raise CodecError(f"unreadable array ({type(err).__name__}: {err})") from None
    if not isinstance(array, np.ndarray):
        raise CodecError("an array blob held something else")
    return array


# --- encoding ---------------------------------------------------------------------------

class Encoder:
    """Turns values into (tree, blobs). ``memo`` maps id(object) -> oid for objects
    already numbered (those of the request, when encoding a reply); ``export`` turns
    an object that is not data into a node (a handle, a module, an opaque)."""

    def __init__(self, export, memo=None, next_oid=0):
        self.export = export
        self.memo = dict(memo or {})
        self.keep = []                     # keeps memo ids alive while encoding
        self.next_oid = next_oid
        self.blobs = []
        self.count = 0

    def number(self, obj):
        oid = self.next_oid
        self.next_oid += 1
        self.memo[id(obj)] = oid
        self.keep.append(obj)
        return oid

    def blob(self, data):
        self.blobs.append(data)
        return len(self.blobs) - 1

    def encode_state(self, obj):
        """The current contents of an object numbered before (one of the request's),
        rather than a reference to it: how a reply says what a call changed in place."""
        saved = self.memo.pop(id(obj), None)
        try:
            return self.encode(obj)
        finally:
            if saved is not None:
                self.memo[id(obj)] = saved

    def encode(self, obj, depth=0):
        self.count += 1
        if self.count > MAX_ITEMS:
            raise CodecError(f"the value is too large to send (more than {MAX_ITEMS} parts)")
        if depth > MAX_DEPTH:
            raise CodecError(f"the value is nested too deeply to send (more than {MAX_DEPTH} levels)")
        if obj is None or isinstance(obj, bool):
            return obj
        if id(obj) in self.memo and isinstance(obj, (list, dict, np.ndarray)):
            return [Tag.REF, self.memo[id(obj)]]
        if isinstance(obj, np.generic):
            if obj.dtype.kind not in SAFE_DTYPE_KINDS:
                return self.export(obj)
            return [Tag.SCALAR, self.blob(array_to_blob(np.asarray(obj)))]
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            return float(obj) if math.isfinite(obj) else [Tag.FLOAT, repr(float(obj))]
        if isinstance(obj, str):
            if len(obj) > MAX_STR:
                raise CodecError(f"a string of {len(obj)} characters is too long to send")
            return str(obj)
        if isinstance(obj, complex):
            return [Tag.COMPLEX, self.encode(obj.real, depth + 1), self.encode(obj.imag, depth + 1)]
        if isinstance(obj, (bytes, bytearray)):
            return [Tag.BYTES, self.blob(bytes(obj))]
        if isinstance(obj, np.ndarray):
            if obj.dtype.kind not in SAFE_DTYPE_KINDS or obj.dtype.hasobject:
                return self.export(obj)
            return [Tag.ARRAY, self.number(obj), self.blob(array_to_blob(np.asarray(obj)))]
        if isinstance(obj, tuple):
            return [Tag.TUPLE, [self.encode(x, depth + 1) for x in obj]]
        if isinstance(obj, list):
            oid = self.number(obj)
            return [Tag.LIST, oid, [self.encode(x, depth + 1) for x in obj]]
        if isinstance(obj, dict):
            oid = self.number(obj)
            return [Tag.DICT, oid, [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in obj.items()]]
        if isinstance(obj, (set, frozenset)):
            return [Tag.SET, [self.encode(x, depth + 1) for x in obj]]
        return self.export(obj)


def encode(obj, export, memo=None, next_oid=0):
    """(tree, blobs, encoder) for one value."""
    encoder = Encoder(export, memo, next_oid)
    tree = encoder.encode(obj)
    return tree, encoder.blobs, encoder


# --- decoding ---------------------------------------------------------------------------

class Decoder:
    """Turns (tree, blobs) back into values. ``table`` holds the objects already
    numbered (oid -> object); ``resolve`` turns a handle, a NumPy name or a module
    name into an object of this side."""

    def __init__(self, blobs, resolve, table=None):
        self.blobs = blobs
        self.resolve = resolve
        self.table = dict(table or {})
        self.count = 0

    def blob(self, index):
        if not isinstance(index, int) or not 0 <= index < len(self.blobs):
            raise CodecError("a reference to a missing blob")
        return self.blobs[index]

    def register(self, oid, obj):
        if not isinstance(oid, int) or oid in self.table:
            raise CodecError("a duplicate or malformed object number")
        self.table[oid] = obj
        return obj

    def decode(self, node, depth=0):
        self.count += 1
        if self.count > MAX_ITEMS:
            raise CodecError("the message is too large")
        if depth > MAX_DEPTH:
            raise CodecError("the message is nested too deeply")
        if node is None or isinstance(node, (bool, int, float)):
            return node
        if isinstance(node, str):
            if len(node) > MAX_STR:
                raise CodecError("a string in the message is too long")
            return node
        if not isinstance(node, list) or not node or not isinstance(node[0], str):
            raise CodecError(f"an unexpected node of type {type(node).__name__}")
        tag, args = node[0], node[1:]
        try:
            return self.decode_tagged(tag, args, depth)
        except (TypeError, ValueError, IndexError) as err:
            if isinstance(err, CodecError):
                raise
            raise CodecError(f"a malformed {tag!r} node ({err})") from None

    def decode_tagged(self, tag, args, depth):
        if tag == Tag.TUPLE:
            return tuple(self.decode(x, depth + 1) for x in self.items(args[0]))
        if tag == Tag.LIST:
            out = self.register(args[0], [])
            out.extend(self.decode(x, depth + 1) for x in self.items(args[1]))
            return out
        if tag == Tag.DICT:
            out = self.register(args[0], {})
            for pair in self.items(args[1]):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise CodecError("a malformed dict entry")
                key = self.decode(pair[0], depth + 1)
                try:
                    out[key] = self.decode(pair[1], depth + 1)
                except TypeError:
                    raise CodecError(f"an unhashable dict key of type {type(key).__name__}") from None
            return out
        if tag == Tag.ARRAY:
            return self.register(args[0], blob_to_array(self.blob(args[1])))
        if tag == Tag.SCALAR:
            array = blob_to_array(self.blob(args[0]))
            if array.ndim != 0:
                raise CodecError("a NumPy scalar that is not 0-d")
            return array[()]
        if tag == Tag.FLOAT:
            if args[0] not in ("nan", "inf", "-inf"):
                raise CodecError("a malformed special float")
            return float(args[0])
        if tag == Tag.COMPLEX:
            real, imag = self.decode(args[0], depth + 1), self.decode(args[1], depth + 1)
            if not isinstance(real, (int, float)) or not isinstance(imag, (int, float)):
                raise CodecError("a malformed complex number")
            return complex(real, imag)
        if tag == Tag.BYTES:
            return bytes(self.blob(args[0]))
        if tag == Tag.SET:
            try:
                return set(self.decode(x, depth + 1) for x in self.items(args[0]))
            except TypeError:
                raise CodecError("an unhashable set member") from None
        if tag == Tag.REF:
            if args[0] not in self.table:
                raise CodecError("a reference to an unknown object")
            return self.table[args[0]]
        if tag == Tag.HANDLE:
            side, hid, meta = args[0], args[1], args[2] if len(args) > 2 else {}
            if side not in (SANDBOX, TRUSTED) or not isinstance(hid, int) or not isinstance(meta, dict):
                raise CodecError("a malformed handle")
            return self.resolve(Handle(side, hid, meta))
        if tag in (Tag.NUMPY, Tag.MODULE):
            if not isinstance(args[0], str) or len(args[0]) > 200:
                raise CodecError("a malformed name")
            return self.resolve((tag, args[0]))
        if tag == Tag.OPAQUE:
            return self.resolve((Tag.OPAQUE, *(clip(a, MAX_REPR) for a in args[:3])))
        raise CodecError(f"an unknown node tag {tag!r}")

    @staticmethod
    def items(value):
        if not isinstance(value, list):
            raise CodecError("a malformed container")
        return value


def decode(tree, blobs, resolve, table=None):
    """(value, decoder) for one tree; decoder.table maps oids to the objects made."""
    decoder = Decoder(blobs, resolve, table)
    return decoder.decode(tree), decoder


# --- snapshots: which objects of a request did a call change? ---------------------------------

def snapshot(table):
    """A cheap fingerprint of each numbered object, to compare after a call."""
    marks = {}
    for oid, obj in table.items():
        if isinstance(obj, np.ndarray):
            marks[oid] = (obj.shape, obj.dtype.str, obj.tobytes())
        elif isinstance(obj, list):
            marks[oid] = [id(x) for x in obj]
        elif isinstance(obj, dict):
            marks[oid] = [(id(k), id(v)) for k, v in obj.items()]
    return marks


def changed(table, marks):
    """The oids of the numbered objects that differ from their snapshot."""
    return [oid for oid, mark in marks.items() if snapshot({oid: table[oid]}).get(oid) != mark]


def apply_change(target, new):
    """Make ``target`` (an object of this side) look like ``new`` (its decoded new
    state), in place, as the call on the other side changed it in place."""
    if isinstance(target, np.ndarray) and isinstance(new, np.ndarray):
        if target.shape == new.shape and target.dtype == new.dtype:
            target[...] = new
        elif target.size == new.size and target.dtype == new.dtype:
            target.shape = new.shape
            target[...] = new
        else:
            raise CodecError("an array changed its size or type in place")
    elif isinstance(target, list) and isinstance(new, list):
        target[:] = new
    elif isinstance(target, dict) and isinstance(new, dict):
        target.clear()
        target.update(new)
    else:
        raise CodecError("a changed object changed its kind")
