"""Figures of chapter 5, gradient descent.

* :func:`draw_surface`: contours of a test surface on an axis (shared with the demos);
* :func:`steepest_ascent`: the directional derivative in every direction, largest along the gradient;
* :func:`descent_path`: one run of gradient descent drawn on the contours (the notes' figure);
* :func:`learning_rate_paths`: the same start, several learning rates, side by side;
* :func:`contraction_factor`: how much one step shrinks (or grows) the error, against alpha;
* :func:`loss_history`: the loss per iteration of a run, ready for a log axis;
* :func:`iteration_table_html`: the per-iteration table of a run, as HTML.
"""

import html

import numpy as np

from .style import COLORS, END, START, new_figure, styled

LOSS_FLOOR = 1e-16     # a loss of exactly 0 cannot sit on a log axis: it is drawn here


# --- shared pieces ------------------------------------------------------------------

def contour_levels(values, count=14):
    """Contour levels at evenly spaced quantiles of the values: dense where the surface is flat."""
    finite = np.asarray(values)[np.isfinite(values)]
    return np.unique(np.quantile(finite, np.linspace(0.02, 0.98, count)))


def draw_surface(ax, surface, n=121, count=14, filled=True):
    """Contours of ``surface`` over its window, its minima marked with stars; fixes the limits."""
    X, Y, L = surface.grid(n)
    levels = contour_levels(L, count)
    if filled:
        ax.contourf(X, Y, L, levels=levels, cmap="viridis", alpha=0.35, extend="both")
    ax.contour(X, Y, L, levels=levels, colors="0.35", linewidths=0.6)
    for point in surface.minima:
        ax.plot(*point, marker="*", markersize=11, color=COLORS["yellow"],
                markeredgecolor="black", linestyle="none", zorder=3)
    ax.set_xlim(*surface.xlim)
    ax.set_ylim(*surface.ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.grid(False)
    return ax


def draw_path(ax, points, label=None, color="black", animated=False):
    """The path of iterates as a line with dots, its start (blue) and its end (vermillion)."""
    points = np.asarray(points, dtype=float)
    line, = ax.plot(points[:, 0], points[:, 1], "-o", color=color, markersize=3,
                    linewidth=1.2, label=label, animated=animated, zorder=4)
    start, = ax.plot(*points[0], "o", color=START, markersize=9, markeredgecolor="white",
                     label="start", animated=animated, zorder=5)
    end, = ax.plot(*points[-1], "o", color=END, markersize=9, markeredgecolor="white",
                   label="end", animated=animated, zorder=5)
    return line, start, end


def unit_directions(count):
    """(angles, unit vectors u = (cos a, sin a)) for ``count`` angles evenly spread over [0, 2 pi)."""
    angles = np.linspace(0.0, 2 * np.pi, count, endpoint=False)
    return angles, np.stack([np.cos(angles), np.sin(angles)], axis=-1)


def directional_derivatives(surface, point, directions):
    """D_u L(p) = grad L(p) . u for each row u of ``directions`` (unit vectors)."""
    return np.asarray(directions, dtype=float) @ surface.grad(np.asarray(point, dtype=float))


# --- figures ---------------------------------------------------------------------------

@styled
def steepest_ascent(surface, point, count=360):
    """Left: the contours near ``point`` with unit directions coloured by D_u L and the
    gradient drawn; right: D_u L against the angle of u, largest where u points along the gradient."""
    point = np.asarray(point, dtype=float)
    g = surface.grad(point)
    norm = np.linalg.norm(g)
    fig, (left, right) = new_figure(figsize=(9.0, 3.8), ncols=2)
    draw_surface(left, surface, filled=False)
    angles, u = unit_directions(24)
    rates = directional_derivatives(surface, point, u)
    scale = 0.8
    left.quiver(np.full(len(u), point[0]), np.full(len(u), point[1]), u[:, 0] * scale, u[:, 1] * scale,
                rates, cmap="PuOr_r", angles="xy", scale_units="xy", scale=1, width=0.006,
                clim=(-norm, norm))
    left.quiver(*point, *(g / norm * 1.6), color=COLORS["vermillion"], angles="xy",
                scale_units="xy", scale=1, width=0.012, label=r"$\nabla L$ (scaled)")
    left.quiver(*point, *(-g / norm * 1.6), color=COLORS["blue"], angles="xy",
                scale_units="xy", scale=1, width=0.012, label=r"$-\nabla L$ (scaled)")
    left.plot(*point, "o", color="black", markersize=4)
    left.legend(loc="lower left", fontsize=8)
    left.set_title(f"unit directions at $p = ({point[0]:g}, {point[1]:g})$")

    angles, u = unit_directions(count)
    rates = directional_derivatives(surface, point, u)
    degrees = np.degrees(angles)
    right.plot(degrees, rates, color=COLORS["black"], label=r"$D_{\mathbf{u}}L = \nabla L\cdot\mathbf{u}$")
    best = np.degrees(np.arctan2(g[1], g[0])) % 360
    worst = (best + 180) % 360
    right.axhline(norm, color=COLORS["vermillion"], linestyle="--", linewidth=1,
                  label=rf"$\|\nabla L\| = {norm:.3g}$")
    right.axhline(-norm, color=COLORS["blue"], linestyle="--", linewidth=1,
                  label=r"$-\|\nabla L\|$")
    right.plot(best, norm, "o", color=COLORS["vermillion"])
    right.plot(worst, -norm, "o", color=COLORS["blue"])
    right.set_xlim(0, 360)
    right.set_xticks(range(0, 361, 90))
    right.set_xlabel(r"angle of $\mathbf{u}$ (degrees)")
    right.set_ylabel("rate of change of $L$")
    right.set_title("largest along the gradient, smallest against it")
    right.legend(loc="lower left", fontsize=8)
    return fig


@styled
def descent_path(surface, run, title=None):
    """One run of gradient descent (a :class:`~nnlearn.optim.Trajectory`) on the contours."""
    fig, ax = new_figure(figsize=(5.2, 4.6))
    draw_surface(ax, surface)
    draw_path(ax, run.x, label=f"{run.steps} steps")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(title or surface.title)
    return fig


@styled
def learning_rate_paths(surface, start, lrs, steps):
    """The same start and number of steps, one panel per learning rate."""
    from ..optim import gradient_descent

    lrs = list(lrs)
    if not lrs:
        raise ValueError("lrs must list at least one learning rate; got an empty list")
    fig, axes = new_figure(figsize=(2.6 * len(lrs), 3.0), ncols=len(lrs), squeeze=False)
    for ax, lr in zip(axes[0], lrs):
        run = gradient_descent(surface.grad, start, lr, steps, f=surface.f)
        draw_surface(ax, surface, count=10)
        draw_path(ax, run.x)
        ax.set_title(rf"$\alpha = {lr:g}$" + f"\n$L_{{{run.steps}}}$ = {_short(run.loss[-1])}",
                     fontsize=10)
        ax.set_ylabel("")
    axes[0][0].set_ylabel("$y$")
    return fig


def _short(value):
    return "nan" if not np.isfinite(value) else f"{value:.2g}"


def rate(lr, eigenvalues):
    """max_i |1 - lr * lambda_i|: the factor by which one step of gradient descent shrinks the
    slowest component of the error on a quadratic with Hessian eigenvalues lambda_i."""
    lr = np.asarray(lr, dtype=float)
    eigenvalues = np.asarray(eigenvalues, dtype=float)
    return np.max(np.abs(1.0 - lr[..., None] * eigenvalues), axis=-1)


@styled
def contraction_factor(eigenvalues=(2.0,), lr_max=1.2):
    """|1 - alpha lambda| against alpha, with the regimes of the bowl shaded (one eigenvalue)
    or the best fixed alpha marked (several)."""
    eigenvalues = np.asarray(eigenvalues, dtype=float)
    if eigenvalues.ndim != 1 or eigenvalues.size == 0 or np.any(eigenvalues <= 0):
        raise ValueError(f"eigenvalues must be a non-empty list of positive numbers; got {eigenvalues}")
    fig, ax = new_figure(figsize=(6.4, 3.6))
    lr = np.linspace(0.0, lr_max, 601)
    low, high = eigenvalues.min(), eigenvalues.max()
    limit = 2.0 / high
    ax.axvspan(limit, lr_max, color=COLORS["vermillion"], alpha=0.12, lw=0)
    ax.text((limit + lr_max) / 2, 1.45, "diverges", ha="center", color=COLORS["vermillion"])
    if eigenvalues.size == 1 or np.isclose(low, high):
        ax.axvspan(0, 1 / high, color=COLORS["green"], alpha=0.12, lw=0)
        ax.axvspan(1 / high, limit, color=COLORS["orange"], alpha=0.15, lw=0)
        ax.text(0.5 / high, 1.45, "monotone", ha="center", color=COLORS["green"])
        ax.text(1.5 / high, 1.45, "oscillates", ha="center", color=COLORS["orange"])
        ax.plot(lr, np.abs(1 - lr * high), color="black",
                label=rf"$|1 - {high:g}\alpha|$")
        ax.plot(1 / high, 0, "o", color=END, label=rf"one step to the minimum, $\alpha = {1 / high:g}$")
    else:
        for lam, color in zip(eigenvalues, (COLORS["blue"], COLORS["orange"], COLORS["purple"])):
            ax.plot(lr, np.abs(1 - lr * lam), color=color, linewidth=1,
                    label=rf"$|1 - \alpha\lambda|$ for $\lambda = {lam:g}$")
        ax.plot(lr, rate(lr, eigenvalues), color="black", linewidth=2, label="the slower of the two")
        best = 2.0 / (low + high)
        ax.plot(best, rate(best, eigenvalues), "o", color=END,
                label=rf"best fixed $\alpha = 2/(\lambda_{{min}} + \lambda_{{max}}) = {best:.3g}$")
    ax.axhline(1.0, color="0.4", linestyle="--", linewidth=1)
    ax.axvline(limit, color=COLORS["vermillion"], linestyle=":", linewidth=1)
    ax.set_xlim(0, lr_max)
    ax.set_ylim(0, 1.6)
    ax.set_xlabel(r"learning rate $\alpha$")
    ax.set_ylabel("factor per step")
    ax.legend(loc="lower left", fontsize=8)
    return fig


def loss_history(surface, start, lr, steps):
    """The loss L_0..L_steps of gradient descent, with exact zeros raised to :data:`LOSS_FLOOR`."""
    from ..optim import gradient_descent

    run = gradient_descent(surface.grad, start, lr, steps, f=surface.f)
    loss = np.full(steps + 1, np.nan)
    loss[:len(run.loss)] = run.loss
    return np.maximum(loss, LOSS_FLOOR)


def iteration_table_html(run, names=("x", "y"), max_rows=11, digits=4):
    """The table of a run (t, parameters, gradient, loss) as an HTML table of ``max_rows`` rows."""
    rows = run.table(list(names), max_rows)
    if not rows:
        raise ValueError("the run has no iterations to tabulate")
    columns = list(rows[0])
    head = "".join(f"<th>{html.escape(_header(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(row[c], digits)}</td>" for c in columns) + "</tr>"
        for row in rows
    )
    return (f'<table class="nnl-iterations" style="font-size:0.85em;text-align:right;'
            'border-collapse:separate;border-spacing:1em 0.1em">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _header(column):
    return "∂" + column[1:].replace("/d", "/∂") if column.startswith("dL/d") else column


def _cell(value, digits):
    if isinstance(value, (int, np.integer)):
        return str(value)
    if not np.isfinite(value):
        return "diverged"
    if value == 0 or 10 ** -digits <= abs(value) < 1e5:
        return f"{value:.{digits}f}"
    return f"{value:.{digits - 1}e}"


# --- what practitioners use next: momentum, Adam, schedules, mini-batches -----------------

def label_thetas(ax, left=True):
    """Axis labels theta_1, theta_2 for a surface drawn by :func:`draw_surface`."""
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$" if left else "")


def optimizer_runs(surface, steps, lr, beta, adam_lr):
    """{name: Trajectory} for gradient descent, the heavy ball and Adam from the surface's start."""
    from .. import optim

    start = surface.start
    return {
        "gradient descent": optim.gradient_descent(surface.grad, start, lr, steps, f=surface.f),
        "momentum": optim.momentum(surface.grad, start, lr, beta, steps, f=surface.f),
        "Adam": optim.adam(surface.grad, start, adam_lr, steps, f=surface.f),
    }


@styled
def optimizer_paths(surfaces, steps, lr, beta, adam_lr):
    """One row per surface, one column per method (gradient descent, momentum, Adam): the
    same start, step size and number of steps; each title gives the loss at the end."""
    surfaces = list(surfaces)
    if not surfaces:
        raise ValueError("surfaces must list at least one surface; got an empty list")
    fig, axes = new_figure(figsize=(9.0, 3.1 * len(surfaces)), nrows=len(surfaces), ncols=3,
                           squeeze=False)
    for row, surface in zip(axes, surfaces):
        runs = optimizer_runs(surface, steps, lr, beta, adam_lr)
        for ax, (name, run) in zip(row, runs.items()):
            draw_surface(ax, surface, count=10)
            draw_path(ax, run.x)
            label_thetas(ax, left=ax is row[0])
            ax.set_title(f"{name}\n$L_{{{run.steps}}}$ = {_short(run.loss[-1])}", fontsize=10)
    return fig


SCHEDULE_COLORS = {"constant": COLORS["black"], "step decay": COLORS["orange"],
                   "cosine": COLORS["blue"], "1/t": COLORS["green"]}


def schedules(lr, steps):
    """The four schedules the chapter compares, {name: rates}, all starting at ``lr``."""
    from .. import optim

    return {"constant": optim.constant_schedule(lr, steps),
            "step decay": optim.step_decay(lr, steps, every=max(steps // 4, 1), drop=0.3),
            "cosine": optim.cosine_schedule(lr, steps),
            "1/t": optim.inverse_time(lr, steps, decay=20.0 / steps)}


def schedule_runs(problem, start, lr, steps, batch_size, seed=0):
    """{name: Trajectory} of mini-batch SGD on ``problem`` (a LineFit) under each schedule,
    with the same batches (same seed) for all of them."""
    from .. import optim

    return {name: optim.sgd(problem.batch_grad, problem.size, start, rates, steps, batch_size,
                            seed=seed, f=problem.f)
            for name, rates in schedules(lr, steps).items()}


@styled
def schedule_comparison(problem, start, lr, steps, batch_size, seed=0):
    """Left: alpha_t for each schedule; right: the distance to the minimiser of mini-batch SGD
    under each schedule, with the same batches, on a log axis."""
    fig, (left, right) = new_figure(figsize=(9.0, 3.6), ncols=2)
    best = problem.minimiser()
    t = np.arange(steps)
    for name, rates in schedules(lr, steps).items():
        left.plot(t, rates, color=SCHEDULE_COLORS[name], label=name)
    for name, run in schedule_runs(problem, start, lr, steps, batch_size, seed).items():
        right.semilogy(np.arange(run.steps + 1), np.linalg.norm(run.x - best, axis=1),
                       color=SCHEDULE_COLORS[name], linewidth=1, label=name)
    left.set_xlabel("step $t$")
    left.set_ylabel(r"step size $\alpha_t$")
    left.set_title("the schedules")
    left.legend(fontsize=8)
    right.set_xlabel("step $t$")
    right.set_ylabel(r"distance to the minimiser $\|\theta^{(t)} - \theta^\star\|$")
    right.set_title(f"mini-batch SGD, batch size $m = {batch_size}$")
    right.legend(fontsize=8, loc="lower left")
    return fig
