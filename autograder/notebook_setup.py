"""The one source of the assignments' setup cell (the first code cell, grade id ``setup``).

Each assignment's notebook starts with a locked cell of helpers for its self-checks:
``reach`` and ``uses_nnlearn`` (what a function refers to), ``call`` (a call with
errors restated in one line), and for some assignments ``numerical_gradient``,
``relative_error``, ``random_network``, ``check_layers`` and ``check_accuracy``. They
are written here once, as code (so they are linted and the grader's sandbox can import ``reach``),
and :func:`setup_source` composes each notebook's cell from them.
``python -m autograder.sync_setup`` writes that text into solutions/ and regenerates
exercises/; ``--check`` (and tests/test_grading_setup.py) says whether they agree.
"""

import inspect
import types
import warnings

import numpy as np

SETUP_MODULE = "setup_cell"      # the module the setup cell's helpers say they come from
FLOATING_POINT = ("overflow", "invalid value", "divide by zero")

# The functions whose task demands numerical stability, assignment by assignment: a
# floating-point RuntimeWarning from one of them fails the check that caused it (the
# students' page lists them too). Any other warning costs no marks.
STABLE = {
    "activations": ["sigmoid"],
    "gradient_descent": ["softmax", "cross_entropy"],
    "backprop": [],
    "newton": [],
}
MUST_BE_STABLE = []              # in a notebook: its assignment's STABLE list
PROVIDED = []                    # in a notebook: the setup cell's helpers

HEADER = """\
# Setup: run this cell first. It is locked: the grader restores it before grading.
# The functions below serve the self-checks and your experiments. A graded function
# must do its own work: one that calls them (or nnlearn) scores nothing for that part.
import types
import warnings

import numpy as np"""

RULE = """\
# A floating-point RuntimeWarning (overflow, invalid value, divide by zero) from these
# functions fails their checks: their tasks ask for numerical stability. Any other
# warning costs no marks."""

FOOTER = (
    "# The helpers above are the notebook's: marked so, `reach` tells them from your code.\n"
    "PROVIDED = [{names}]\n"
    "for _helper in PROVIDED:\n"
    '    _helper.__module__ = "{module}"')


def reach(f):
    """What f can reach by name: the names its code uses, and the objects they, its
    default arguments and its closure refer to, following the functions defined in
    this notebook."""
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
        todo.extend(getattr(g, "__defaults__", None) or ())
        todo.extend((getattr(g, "__kwdefaults__", None) or {}).values())
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


def borrowed(f):
    """The code this notebook provides that f hands its work to: the helpers of this
    cell it uses, and "nnlearn" if it uses the course library ([] if none)."""
    names, objects = reach(f)
    used = []
    if any(module_name(g) == "setup_cell" for g in objects):
        mine = {getattr(h, "__name__", "") for h in PROVIDED}
        used += sorted(n for n in names if n in mine) or ["a helper of the setup cell"]
    if (any(n.split(".")[0] == "nnlearn" for n in names)
            or any(module_name(g).split(".")[0] == "nnlearn" for g in objects)):
        used.append("nnlearn")
    return used


def module_name(obj):
    """The name of the module obj is, or was defined in ("" if none)."""
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    try:
        return str(getattr(obj, "__module__", "") or "")
    except Exception:
        return ""


def call(f, *args, context=""):
    """f(*args), checked as the grader checks it: f must do its own work (not hand it to
    this cell's helpers or to nnlearn); a floating-point warning from a function of
    MUST_BE_STABLE fails, naming the input; any other warning is only reported; an
    error is restated in one line (the original error, with the line of your code it
    came from, is shown above it)."""
    name = getattr(f, "__name__", "the function")
    where = f" {context}" if context else ""
    used = borrowed(f)
    if used == ["nnlearn"]:
        raise AssertionError(f"{name} uses nnlearn: write it in plain NumPy")
    if used:
        raise AssertionError(
            f"{name} uses {', '.join(used)}, which the notebook provides for its self-checks: "
            "write the computation yourself (a function that hands it over scores nothing here)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = f(*args)
        except NotImplementedError:
            raise AssertionError(f"{name} is not implemented yet") from None
        except Exception as err:
            hint = ""
            if isinstance(err, ValueError) and ("matmul" in str(err) or "shapes" in str(err)):
                hint = " (the shapes in a matrix product do not match)"
            raise AssertionError(f"{name}{where} raised {type(err).__name__}: {err}{hint}") from err
    for w in caught:
        text = f"{w.category.__name__}: {w.message}"
        if (name in MUST_BE_STABLE and issubclass(w.category, RuntimeWarning)
                and any(kind in str(w.message) for kind in FLOATING_POINT)):
            raise AssertionError(
                f"{name}{where} gave a warning ({text}) for the input {describe_input(args)}; "
                f"{name} must stay finite and warning-free for every input (its task asks for "
                "numerical stability)")
        print(f"Note: {name}{where} warned ({text}). Warnings cost no marks here, but find out why.")
    return value


def describe_input(args):
    """The arguments of a call, short enough for a message."""
    parts = []
    for a in args:
        if isinstance(a, np.ndarray) and a.size > 6:
            try:
                parts.append(f"an array of shape {a.shape} with values from {a.min():.6g} to {a.max():.6g}")
            except (TypeError, ValueError):
                parts.append(f"an array of shape {a.shape}")
        else:
            text = repr(a)
            parts.append(text if len(text) <= 120 else text[:117] + "...")
    return ", ".join(parts)


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
    """Weights W[1..N] and biases b[1..N] for layer sizes [n_0, n_1, ..., n_N]:
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


def check_accuracy(name, reported, probabilities, Y):
    """Compare an accuracy the notebook computed with that of the network's output
    (``probabilities``, one row per example; ``Y`` one-hot rows) and explain a difference.
    The usual one: == between predictions of shape (n,) and labels of shape (n, 1)
    broadcasts to (n, n), every prediction against every label."""
    predicted, labels = np.argmax(probabilities, axis=1), np.argmax(Y, axis=1)
    right, n = float(np.mean(predicted == labels)), len(labels)
    if abs(reported - right) < 1e-9:
        return
    if abs(reported - np.mean(predicted[:, None] == labels[None, :])) < 1e-9:
        raise AssertionError(
            f"{name} is {reported:.3f}, but the network classifies {right:.3f} of these {n} images right: "
            f"== between predictions of shape ({n},) and labels of shape ({n}, 1) broadcasts them to "
            f"({n}, {n}), every prediction against every label. Compare arrays of one shape, both "
            f"({n},): there is nothing to tune")
    raise AssertionError(
        f"{name} is {reported:.3f}, but the network's most probable class is the labelled one for "
        f"{right:.3f} of these {n} images: compute it from the network you keep, as that fraction")


# --- the cell, assignment by assignment --------------------------------------------------

COMMON = [reach, uses_nnlearn, borrowed, module_name, call, describe_input]
GRADCHECK = [numerical_gradient, relative_error]
NETWORK = [random_network, check_layers]
CLASSIFY = [check_accuracy]

HELPERS = {
    "activations": COMMON,
    "gradient_descent": COMMON + GRADCHECK,
    "backprop": COMMON + GRADCHECK + NETWORK + CLASSIFY,
    "newton": COMMON,
}


def setup_source(assignment):
    """The source of ``assignment``'s setup cell."""
    if assignment not in HELPERS:
        raise KeyError(f"no setup cell is defined for {assignment!r}; known: {sorted(HELPERS)}")
    helpers = HELPERS[assignment]
    rule = f"{RULE}\nMUST_BE_STABLE = {STABLE[assignment]!r}\nFLOATING_POINT = {FLOATING_POINT!r}"
    footer = FOOTER.format(names=", ".join(f.__name__ for f in helpers), module=SETUP_MODULE)
    return "\n\n\n".join([HEADER + "\n\n" + rule] + [inspect.getsource(f).rstrip("\n") for f in helpers]
                          + [footer])


def warnings_item(assignment):
    """The "How to work" item of the notebook's introduction that states the rule on warnings."""
    stable = STABLE.get(assignment, [])
    if not stable:
        return ("A warning costs no marks: the checks report it and go on. Still, find out why "
                "your code warns.")
    names = " and ".join(f"`{n}`" for n in stable)
    verb = "asks" if len(stable) == 1 else "ask"
    return ("A warning costs no marks, with one exception: a floating-point `RuntimeWarning` "
            f"(overflow, invalid value, divide by zero) from {names}, whose task{'s' if len(stable) > 1 else ''} "
            f"{verb} for numerical stability, fails that check, and the message names the input that "
            "caused it. Make such code warning-free rather than silencing the warning.")
