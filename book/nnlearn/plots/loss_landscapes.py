"""Figures of the loss-landscapes chapter: surfaces, paths on them, and gradients layer by layer.

* :func:`draw_landscape`, :func:`draw_path`: contours with minima and saddles marked, and
  a path of iterates on them (shared with the second-order chapter and the demos). They
  follow the look of :func:`nnlearn.plots.gradient_descent.draw_surface`, with levels chosen
  so that a plateau looks flat (no lines where the surface barely changes) and a valley
  shows both its floor and its walls;
* :func:`landscape_gallery`: small multiples of surfaces with paths;
* :func:`descent_progress`: loss gap and gradient norm against the iteration;
* :func:`positive_definite_fraction`: how rarely a random Hessian is positive definite;
* :func:`gradient_norm_profiles`: ||dL/dW^(j-1,j)|| layer by layer, on a log scale.
"""

import numpy as np

from .style import COLORS, CYCLE, END, SEQUENTIAL, START, new_figure

FLOOR = 1e-16      # exact zeros cannot sit on a log axis: they are drawn here
PATH_COLORS = [COLORS["orange"], COLORS["purple"], COLORS["green"], COLORS["black"],
               COLORS["sky"]]


def surface_levels(surface, values, count=14):
    """Contour levels for a surface: geometric above the minimum, so that both the
    bottom of a valley and its steep walls get lines, or evenly spaced for the
    surfaces whose interesting part is a flat region (the plateau)."""
    low, high = float(np.min(values)), float(np.max(values))
    if surface.name == "plateau":
        return np.linspace(low, high, count + 2)[1:-1]
    span = high - low
    return low + span * np.geomspace(1e-3, 1.0, count + 1)[:-1]


def draw_landscape(ax, surface, n=121, count=14, filled=True, marks=True):
    """Contours of ``surface`` over its window, with its minima (stars) and saddles (crosses)."""
    X, Y, Z = surface.grid(n)
    levels = surface_levels(surface, Z, count)
    if filled:
        ax.contourf(X, Y, Z, levels=np.concatenate([[Z.min()], levels, [Z.max()]]),
                    cmap=SEQUENTIAL, alpha=0.35)
    ax.contour(X, Y, Z, levels=levels, colors="0.35", linewidths=0.6,
               negative_linestyles="solid")
    if marks:
        for x, y in surface.minima:
            ax.plot(x, y, marker="*", color=COLORS["yellow"], markersize=11, linestyle="none",
                    markeredgecolor=COLORS["black"], zorder=3)
        for x, y in surface.saddles:
            ax.plot(x, y, marker="X", color=COLORS["sky"], markersize=9, linestyle="none",
                    markeredgecolor=COLORS["black"], zorder=3)
    ax.set_xlim(*surface.xlim)
    ax.set_ylim(*surface.ylim)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.grid(False)
    return ax


def finite_points(points, far=1e4):
    """The rows of ``points`` before the first non-finite one, clipped to +-far.

    A diverging run ends in inf or nan; the renderer should only ever see the
    finite part, and nothing astronomically far off the window.
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    bad = ~np.all(np.isfinite(points), axis=1)
    if bad.any():
        points = points[:np.argmax(bad)]
    return np.clip(points, -far, far)


def draw_path(ax, points, color=COLORS["black"], label=None, animated=False):
    """A path of iterates: a line with dots, its start (blue) and its end (vermillion).

    Returns the three artists (line, start, end), so a demo can move them.
    """
    points = finite_points(points)
    # a dot per iterate, but no more than about 200 dots: a 20 000-step path would be a smear
    line, = ax.plot(points[:, 0], points[:, 1], "-o", color=color, markersize=3, linewidth=1.2,
                    markevery=max(1, len(points) // 200), label=label, animated=animated,
                    zorder=4)
    start, = ax.plot(*points[0], "o", color=START, markersize=8, markeredgecolor="white",
                     animated=animated, zorder=5)
    end, = ax.plot(*points[-1], "o", color=END, markersize=8, markeredgecolor="white",
                   animated=animated, zorder=5)
    return line, start, end


def move_path(artists, points):
    """Move the (line, start, end) of :func:`draw_path` to new iterates."""
    line, start, end = artists
    points = finite_points(points)
    line.set_data(points[:, 0], points[:, 1])
    start.set_data(points[:1, 0], points[:1, 1])
    end.set_data(points[-1:, 0], points[-1:, 1])


def landscape_gallery(panels, ncols=2, figsize=(8.0, 7.0)):
    """Small multiples: one surface per panel with gradient-descent paths on it.

    ``panels`` is a list of ``(surface, paths, title)`` where ``paths`` is a list of
    ``(points, label)``, points being the iterates (T + 1, 2) of one run.
    """
    if not panels:
        raise ValueError("landscape_gallery needs at least one panel; got none")
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axes = new_figure(figsize=figsize, nrows=nrows, ncols=ncols, squeeze=False)
    for ax, (surface, paths, title) in zip(axes.flat, panels):
        draw_landscape(ax, surface)
        for k, (points, label) in enumerate(paths):
            draw_path(ax, points, PATH_COLORS[k % len(PATH_COLORS)], label)
        ax.set_title(title)
        if any(label for _, label in paths):
            ax.legend(loc="lower left", fontsize=8, framealpha=0.8, frameon=True)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    return fig


def descent_progress(runs, figsize=(8.0, 3.2)):
    """Loss above its minimum and gradient norm against the iteration, on log scales.

    ``runs`` maps a label to ``(trajectory, L_star)``: a :class:`nnlearn.optim.Trajectory`
    recorded with losses, and the value of the minimum it is heading for. Long flat
    stretches are the crawls: near a saddle, on a plateau.
    """
    if not runs:
        raise ValueError("descent_progress needs at least one run; got none")
    fig, (left, right) = new_figure(figsize=figsize, ncols=2)
    for (label, (run, minimum)), color in zip(runs.items(), CYCLE):
        if run.loss is None:
            raise ValueError(f"run {label!r} has no losses: pass f= to the optimiser")
        t = np.arange(len(run.loss))
        left.semilogy(t, np.maximum(run.loss - minimum, FLOOR), color=color, label=label)
        right.semilogy(t, np.maximum(np.linalg.norm(run.grad, axis=1), FLOOR), color=color,
                       label=label)
    left.set_title(r"loss above the minimum, $L - L^*$")
    right.set_title(r"gradient norm $\|\nabla L\|$")
    for ax in (left, right):
        ax.set_xlabel("iteration $t$")
    left.legend(fontsize=8)
    return fig


def positive_definite_fraction(sizes, fractions, samples, figsize=(6.4, 3.6)):
    """Measured fraction of random symmetric N x N matrices with only positive eigenvalues.

    Sizes where no sample was positive definite are drawn as an upper bound at
    1 / samples (a downward triangle). The line 2^-N is what independent
    fair-coin signs would give.
    """
    sizes, fractions = np.asarray(sizes), np.asarray(fractions, dtype=float)
    if sizes.shape != fractions.shape:
        raise ValueError(f"sizes and fractions must match; got {sizes.shape} and {fractions.shape}")
    fig, ax = new_figure(figsize=figsize)
    seen = fractions > 0
    ax.semilogy(sizes, 0.5 ** sizes.astype(float), "--", color=COLORS["orange"],
                label=r"$2^{-N}$: independent coin flips")
    ax.semilogy(sizes[seen], fractions[seen], "o-", color=COLORS["blue"],
                label="measured: all eigenvalues $> 0$")
    if np.any(~seen):
        ax.semilogy(sizes[~seen], np.full((~seen).sum(), 1.0 / samples), "v",
                    color=COLORS["vermillion"], label=f"none in {samples:,} samples")
    ax.set_xlabel("dimension $N$")
    ax.set_ylabel("fraction that are minima")
    ax.set_xticks(sizes)
    ax.set_ylim(0.3 / samples, 1.0)
    ax.legend(fontsize=8)
    return fig


def gradient_norm_profiles(profiles, title=None, figsize=(6.8, 3.8)):
    """||dL/dW^(j-1,j)|| against the layer j, one line per configuration, log scale.

    ``profiles`` maps a label to the array of norms for layers 1..L. Layer 1 (the
    input side) is on the left; the backward pass runs from right to left.
    """
    if not profiles:
        raise ValueError("gradient_norm_profiles needs at least one profile; got none")
    fig, ax = new_figure(figsize=figsize)
    markers = "osD^v<>"
    for k, ((label, norms), color) in enumerate(zip(profiles.items(), CYCLE)):
        norms = np.asarray(norms, dtype=float)
        ax.semilogy(np.arange(1, norms.size + 1), norms, marker=markers[k % len(markers)],
                    markersize=4, color=color, label=label)
    depth = max(len(n) for n in profiles.values())
    ax.set_xticks(range(1, depth + 1, max(1, depth // 10)))
    ax.set_xlabel(r"layer $j$  (backward pass runs right to left $\leftarrow$)")
    ax.set_ylabel(r"$\|\partial L / \partial \mathbf{W}^{(j-1,j)}\|$")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc="best")
    return fig


def clipping_progress(runs, max_norm=None, figsize=(8.4, 3.4)):
    """Loss (left) and global gradient norm before clipping (right) against the step.

    ``runs`` maps a label to a history of :func:`nnlearn.practice.descend` (arrays
    "loss" and "grad_norm"). A run that blew up ends with a cross at its last finite value.
    """
    if not runs:
        raise ValueError("clipping_progress needs at least one run; got none")
    fig, (left, right) = new_figure(figsize=figsize, ncols=2)
    styles = ["-", "--"]
    ceiling = 1e4             # a run that blows up leaves the plot here, marked with a cross
    for k, ((label, history), color) in enumerate(zip(runs.items(), CYCLE)):
        for ax, key in [(left, "loss"), (right, "grad_norm")]:
            values = np.asarray(history[key], dtype=float)
            bad = ~(np.isfinite(values) & (values < ceiling))
            end = int(np.argmax(bad)) if bad.any() else values.size
            t = np.arange(end + 1 if bad.any() else end)
            shown = np.append(values[:end], ceiling) if bad.any() else values
            ax.semilogy(t, shown, styles[k % 2], color=color, label=label, linewidth=1.3)
            if bad.any():
                ax.plot(t[-1], ceiling, "X", color=color, markersize=9, markeredgecolor="black",
                        clip_on=False)
    for ax in (left, right):
        ax.set_ylim(top=ceiling)
    if max_norm is not None:
        right.axhline(max_norm, color="0.4", linestyle=":", linewidth=1.0)
        right.text(0.02, max_norm, f"clipping threshold {max_norm:g}",
                   transform=right.get_yaxis_transform(), ha="left", va="bottom", fontsize=8,
                   color="0.3")
    left.set_title("training loss $L$")
    right.set_title(r"gradient norm $\|\nabla L\|$ (before clipping)")
    for ax in (left, right):
        ax.set_xlabel("step $t$")
    left.legend(fontsize=8)
    return fig


def symmetry_fits(runs, X, Y, figsize=(9.6, 3.3)):
    """For each start, the hidden units' outputs h_k(x) (thin lines) and the network's
    output (thick) after training, against the data.

    ``runs`` maps a label to ``(W, b, history)`` of a 1-n-1 tanh network
    (:func:`nnlearn.practice.symmetry_runs`).
    """
    if not runs:
        raise ValueError("symmetry_fits needs at least one run; got none")
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    fig, axes = new_figure(figsize=figsize, ncols=len(runs), squeeze=False, sharey=True)
    x = X[:, 0]
    for ax, (label, (W, b, history)) in zip(axes[0], runs.items()):
        H = np.tanh(X @ W[1] + b[1])
        for k in range(H.shape[1]):
            ax.plot(x, H[:, k], color=CYCLE[k % len(CYCLE)], linewidth=1.0, alpha=0.8,
                    label="hidden units $h_k(x)$" if k == 0 else None)
        ax.plot(x, Y[:, 0], "o", color="0.6", markersize=2.5, label="data $y = \\sin x$")
        ax.plot(x, (H @ W[2] + b[2])[:, 0], color=COLORS["black"], linewidth=2.4,
                label="network output")
        ax.set_title(f"{label}: final $L$ = {history['loss'][-1]:.3g}", fontsize=10)
        ax.set_xlabel("$x$")
    axes[0, 0].legend(fontsize=7, loc="upper left")
    return fig
