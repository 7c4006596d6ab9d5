"""The one source of the assignments' setup cell (the first code cell, grade id ``setup``).

Each assignment's notebook starts with a locked cell of helpers for its self-checks:
``reach`` and ``uses_nnlearn`` (what a function refers to), ``call`` (a call with
errors restated in one line), and for some assignments ``numerical_gradient``,
``relative_error``, ``random_network`` and ``check_layers``. They are written here
once, as code (so they are linted and the grader's sandbox can import ``reach``),
and :func:`setup_source` composes each notebook's cell from them.
``python -m autograder.sync_setup`` writes that text into solutions/ and regenerates
exercises/; ``--check`` (and tests/test_grading_setup.py) says whether they agree.
"""

import inspect
import types
import warnings

import numpy as np

HEADER = """\
# Setup: run this cell first. It is locked: the grader restores it before grading.
# The functions below serve the self-checks; you may call them too.
import types
import warnings

import numpy as np"""


def reach(f):
    """What f can reach by name: the names its code uses, and the objects they and its
    closure refer to, following the functions defined in this notebook."""
    names, objects, todo, seen = set(), [], [f], set()
    while todo:
        g = todo.pop()
        if id(g) in seen:
            continue
        seen.add(id(g))
        objects.append(g)
        code = getattr(g, "__code__", None)
        if code is None or (g is not f and module_name(g) != "__main__"):
            continue                      # follow only functions written in this notebook
        own, codes = set(), [code]
        while codes:                      # the function and the functions nested in it
            c = codes.pop()
            own.update(c.co_names)
            codes.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
        names |= own
        space = getattr(g, "__globals__", {})
        todo.extend(space[n] for n in own if n in space)
        for cell in getattr(g, "__closure__", None) or ():
            try:
                todo.append(cell.cell_contents)
            except ValueError:            # an empty closure cell
                pass
    return names, objects


def uses_nnlearn(f):
    """True if f comes from the course library nnlearn or refers to it, directly or
    through a helper function defined in this notebook. Graded code must not."""
    names, objects = reach(f)
    return (any(n.split(".")[0] == "nnlearn" for n in names)
            or any(module_name(g).split(".")[0] == "nnlearn" for g in objects))


def module_name(obj):
    """The name of the module obj is, or was defined in ("" if none)."""
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    try:
        return str(getattr(obj, "__module__", "") or "")
    except Exception:
        return ""


def call(f, *args, context=""):
    """f(*args) with warnings turned into errors, and any error restated in one line
    (the original error, with the line of your code it came from, is shown above it)."""
    name = getattr(f, "__name__", "the function")
    where = f" {context}" if context else ""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return f(*args)
        except NotImplementedError:
            raise AssertionError(f"{name} is not implemented yet") from None
        except Warning as w:
            raise AssertionError(
                f"{name}{where} gave a warning ({type(w).__name__}: {w}); "
                "a warning counts as a failure") from w
        except Exception as err:
            hint = ""
            if isinstance(err, ValueError) and ("matmul" in str(err) or "shapes" in str(err)):
                hint = " (the shapes in a matrix product do not match)"
            raise AssertionError(f"{name}{where} raised {type(err).__name__}: {err}{hint}") from err


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function f at the array x (any shape).
    x is not modified: f is evaluated at perturbed copies."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||): 0 for equal arrays, about 1 for unrelated ones."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def random_network(sizes, seed=0):
    """Weights W[1..L] and biases b[1..L] for layer sizes [n_0, n_1, ..., n_L]:
    W[j] has shape (n_{j-1}, n_j) and variance 1 / n_{j-1}; b[j] is small and random."""
    rng = np.random.default_rng(seed)
    W = {j: rng.normal(0.0, 1.0 / np.sqrt(sizes[j - 1]), (sizes[j - 1], sizes[j]))
         for j in range(1, len(sizes))}
    b = {j: rng.normal(0.0, 0.1, sizes[j]) for j in range(1, len(sizes))}
    return W, b


def check_layers(got, expected, name, context="", top_down=True, tol=1e-6):
    """Compare a dict of per-layer arrays with the expected one and explain the first
    difference: a wrong key, a wrong shape, or the layer whose values are off."""
    where = f" {context}" if context else ""
    assert isinstance(got, dict), \
        f"{name} should be a dict keyed by layer number{where}; got a {type(got).__name__}"
    assert sorted(got) == sorted(expected), \
        f"{name} should have the keys {sorted(expected)}{where}; got {sorted(got)}"
    layers = sorted(expected, reverse=top_down)
    for k, j in enumerate(layers):
        g, e = np.asarray(got[j]), np.asarray(expected[j])
        if g.shape != e.shape:
            hint = " (transposed?)" if g.ndim == 2 and g.shape == e.shape[::-1] else ""
            raise AssertionError(f"{name}[{j}] has shape {g.shape}, expected {e.shape}{hint}{where}")
        err = relative_error(g, e)
        if not err < tol:
            right = ", ".join(f"{name}[{i}]" for i in layers[:k])
            also = f"; {right} {'is' if k == 1 else 'are'} right" if right else ""
            if right and top_down and name in ("dW", "db"):
                also += f", so the error enters at delta[{j}], made from delta[{j + 1}], W[{j + 1}] and f'(z[{j}])"
            raise AssertionError(f"{name}[{j}] is wrong (relative error {err:.1e}){where}{also}")


# --- the cell, assignment by assignment --------------------------------------------------

COMMON = [reach, uses_nnlearn, module_name, call]
GRADCHECK = [numerical_gradient, relative_error]
NETWORK = [random_network, check_layers]

HELPERS = {
    "activations": COMMON,
    "gradient_descent": COMMON + GRADCHECK,
    "backprop": COMMON + GRADCHECK + NETWORK,
    "newton": COMMON,
}


def setup_source(assignment):
    """The source of ``assignment``'s setup cell."""
    if assignment not in HELPERS:
        raise KeyError(f"no setup cell is defined for {assignment!r}; known: {sorted(HELPERS)}")
    return "\n\n\n".join([HEADER] + [inspect.getsource(f).rstrip("\n") for f in HELPERS[assignment]])
