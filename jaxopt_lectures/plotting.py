"""The lectures' figures: trajectories on contours, loss curves, sweeps and 1-D iterates.

ALGORITHMS.md §10 (examples 5 and 8: GD, momentum and NAG traced on an oblong quadratic, the
Beale function and a saddle; CG vs steepest descent), §10.2 / §10.5 (learning-rate sweeps),
the L0 parabola f = x² with GD at η = 0.05 and 1.1, and §8's critical points. matplotlib does
all the drawing; this module only lays out those figures from arrays the rest of the library
returns (``minimize(..., record=True)``, ``sweep``, hand-written loops). It never calls an
optimizer; :mod:`jaxopt_lectures.figures` runs the lectures' examples and draws with it.

matplotlib is imported lazily, on the first call, and only through ``matplotlib.figure.Figure``
with an Agg canvas: nothing is shown on screen, no pyplot figure is opened and the backend is left
as it was. Every function returns the ``Figure`` and, given ``path``, saves it at
``figsize × dpi`` pixels (no tight bounding box, so the size is exact).

Example:
  >>> import jax.numpy as jnp, jaxopt_lectures as jl
  >>> from jaxopt_lectures import plotting
  >>> from jaxopt_lectures.problems import get_problem
  >>> p = get_problem("quadratic_l0")                              # 0.1 x1² + 2 x2² (L0, §10.5)
  >>> runs = {f"GD η={lr}": jl.minimize(p.fun, jnp.asarray(p.x0), jl.sgd(lr), max_steps=30, record=True)
  ...         for lr in (0.1, 0.4)}
  >>> fig = plotting.plot_trajectories(p, runs)                   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .problems import Problem
from .solve import OptimizeResult
from .sweeps import SweepResult

__all__ = [
    "CRITICAL_POINT_MARKERS",
    "DPI",
    "FIGSIZE",
    "new_figure",
    "plot_1d",
    "plot_critical_points",
    "plot_loss_curves",
    "plot_sweep",
    "plot_sweep_heatmap",
    "plot_trajectories",
]

#: Default figure size in inches and resolution: a saved PNG is FIGSIZE × DPI pixels.
FIGSIZE = (6.0, 4.5)
DPI = 100

_INSTALL = "jaxopt_lectures.plotting needs matplotlib: pip install 'jaxopt-lectures[plot]'"


# --- figure plumbing -------------------------------------------------------------------------


def new_figure(figsize: Sequence[float] = FIGSIZE, nrows: int = 1, ncols: int = 1):
    """A pyplot-free ``(Figure, axes)`` on an Agg canvas: nothing shown, no global figure registry.

    ``axes`` is one ``Axes`` for a 1 × 1 grid, else a flat list of ``nrows · ncols`` of them, to
    pass as ``ax=`` to the ``plot_*`` functions (several panels in one figure). Save with
    ``fig.savefig(path, dpi=...)``: the PNG is ``figsize × dpi`` pixels.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as err:  # tested by hiding matplotlib.figure
        raise ImportError(_INSTALL) from err
    try:
        size = [float(v) for v in figsize]
    except (TypeError, ValueError):
        size = []
    if len(size) != 2 or not all(np.isfinite(v) and v > 0 for v in size):
        raise ValueError(f"figsize must be (width, height) in inches, two positive finite numbers; got {figsize!r}")
    for name, n in (("nrows", nrows), ("ncols", ncols)):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{name} must be an integer ≥ 1, got {n!r}")
    fig = Figure(figsize=tuple(figsize), layout="constrained")
    FigureCanvasAgg(fig)
    axes = [fig.add_subplot(nrows, ncols, i + 1) for i in range(nrows * ncols)]
    return fig, (axes[0] if len(axes) == 1 else axes)


def _figure_and_axes(ax: Any, figsize: Sequence[float]):
    """A new single-panel figure, or ``ax`` and the figure it belongs to."""
    return new_figure(figsize) if ax is None else (ax.figure, ax)


def _finish(fig, ax, title: str | None, path: Any, dpi: int):
    number = isinstance(dpi, (int, float, np.number)) and not isinstance(dpi, bool)
    if path is not None and not (number and 0 < dpi < np.inf):
        raise ValueError(f"dpi must be a positive finite number of pixels per inch, got {dpi!r}")
    if title is not None:
        ax.set_title(title)
    if path is not None:
        fig.savefig(path, dpi=dpi)  # no bbox_inches="tight": the PNG is exactly figsize × dpi
    return fig


def _check_mapping(name: str, value: Any) -> None:
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"{name} must be a non-empty mapping label → run, got {type(value).__name__}")


def _history(label: str, result: OptimizeResult, argname: str) -> tuple[Any, np.ndarray]:
    """(history, mask) of a recorded, unbatched run."""
    if result.history is None:
        raise ValueError(f"{argname}[{label!r}] has no history: run minimize(..., record=True)")
    mask = np.asarray(result.history.mask)
    if mask.ndim != 1:
        raise ValueError(f"{argname}[{label!r}] is a batched result (mask shape {mask.shape}); pass one run per label")
    return result.history, mask


def _path(label: str, result: OptimizeResult, dim: int | None, argname: str) -> np.ndarray:
    """[k+1, d] iterates x_0 … x_k of a recorded run plus its final params, or a given [k+1, d] array."""
    if isinstance(result, OptimizeResult):
        _history(label, result, argname)
        try:
            path = result.path()
        except ValueError as err:
            raise ValueError(f"{argname}[{label!r}]: {err}") from None
    else:
        path = np.asarray(result, dtype=np.float64)
        if path.ndim != 2 or path.shape[0] < 1:
            raise ValueError(f"{argname}[{label!r}] must be a recorded OptimizeResult or a [steps, d] array, "
                             f"got shape {path.shape}")
    if dim is not None and path.shape[1] != dim:
        raise ValueError(f"{argname}[{label!r}]: params have {path.shape[1]} coordinates, this plot needs {dim}")
    return path


def _unpack(fun: Any) -> tuple[Callable, tuple | None, np.ndarray | None]:
    """(function, bounds, minimisers) from a Problem or a plain callable."""
    if isinstance(fun, Problem):
        return fun.fun, fun.bounds, (fun.minimizers if len(fun.minimizers) else fun.x_star[None])
    if not callable(fun):
        raise ValueError(f"fun must be a callable or a Problem, got {type(fun).__name__}")
    return fun, None, None


def _limits(name: str, given: Any, default: Any, points: np.ndarray) -> tuple[float, float]:
    if given is None:
        given = default
    if given is None:  # the iterates' extent, padded by 10 %
        finite = points[np.isfinite(points)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
        pad = 0.1 * (hi - lo) or 1.0
        given = (lo - pad, hi + pad)
    lo, hi = (float(v) for v in given)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be (low, high) with low < high, got {given!r}")
    return lo, hi


def _positive(values: np.ndarray, log: bool) -> np.ndarray:
    """For a log axis: non-positive values become NaN (gaps) instead of matplotlib warnings."""
    values = np.asarray(values, dtype=np.float64)
    return np.where(values > 0, values, np.nan) if log else values


# --- trajectories on contours ------------------------------------------------------------------


def _contour_grid(f: Callable, xlim, ylim, resolution: int, levels: Any, log_levels: bool):
    """f on a resolution² grid (one ``jax.vmap``) and the contour levels: geometric above min f
    when ``levels`` is an integer and ``log_levels`` (what makes narrow valleys visible)."""
    xx, yy = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    grid = jnp.asarray(np.stack([xx.ravel(), yy.ravel()], axis=1), dtype=jnp.result_type(float))
    zz = np.asarray(jax.jit(jax.vmap(f))(grid), dtype=np.float64)
    if zz.shape != (grid.shape[0],):
        raise ValueError(f"fun must return a scalar for a length-2 input, got shape {zz.shape[1:]}")
    zz = np.ma.masked_invalid(zz.reshape(xx.shape))
    if isinstance(levels, int) and log_levels and zz.count() > 1:
        z_min, z_max = float(zz.min()), float(zz.max())
        gap = np.asarray((zz - z_min).compressed())
        gap = gap[gap > 0]
        if gap.size:
            levels = z_min + np.geomspace(max(float(np.percentile(gap, 0.5)), 1e-12 * (z_max - z_min)), z_max - z_min, levels)
    return xx, yy, zz, levels


def _draw_contours(ax, grid) -> None:
    """Contour lines of a :func:`_contour_grid` on ``ax``, which then shows exactly the grid's box."""
    xx, yy, zz, levels = grid
    if zz.count() > 1:
        ax.contour(xx, yy, zz, levels=levels, colors="0.6", linewidths=0.6, zorder=1)
    ax.set(xlim=(xx[0, 0], xx[0, -1]), ylim=(yy[0, 0], yy[-1, 0]), xlabel="$x_1$", ylabel="$x_2$")


def _check_resolution(resolution: Any) -> None:
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer ≥ 2, got {resolution!r}")


def plot_trajectories(
    fun: Callable | Problem,
    results: Mapping[str, OptimizeResult | Any],
    *,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    levels: int | Sequence[float] = 20,
    log_levels: bool = True,
    minimum: Sequence[float] | None = None,
    resolution: int = 200,
    title: str | None = None,
    path: Any = None,
    figsize: Sequence[float] = FIGSIZE,
    dpi: int = DPI,
    ax: Any = None,
):
    """Iterates of several optimizers on the contours of a 2-D function.

    The L4 / cs231n figures (ALGORITHMS.md §10.8: GD, momentum and NAG on an oblong quadratic,
    optimizers on the Beale function and at a saddle) and L0's momentum picture (§10.5).

    Args:
      fun: ``f(x)`` of a length-2 array, or a :class:`~jaxopt_lectures.problems.Problem` (its
        ``bounds`` give the default limits and its minimisers are marked).
      results: label → ``minimize(..., record=True)`` result, or a ``[k + 1, 2]`` array of points
        (a hand-written loop's). Each run is drawn as the line x_0, x_1, …, x_k
        (``result.path()``: ``history.params[mask]`` and the final ``params``), with markers.
      xlim, ylim: the plotted box; default the problem's bounds, else the iterates' extent + 10 %.
      levels: the number of contour levels, or the levels themselves.
      log_levels: with an integer ``levels``, space them geometrically above min f on the grid
        (what makes narrow valleys such as Rosenbrock's visible).
      minimum: a point to mark with a star (default: the problem's minimisers, if any).
      resolution: grid points per axis; ``f`` is evaluated once with ``jax.vmap``.
      title, path, figsize, dpi: the title; where to save the figure (any path ``savefig``
        takes); its size in inches and pixels per inch.
      ax: draw into this ``Axes`` (e.g. a panel of :func:`new_figure`) instead of a new figure;
        ``figsize`` is then ignored and ``path`` saves the whole figure ``ax`` belongs to.

    Returns:
      The ``matplotlib.figure.Figure``: ``fig.axes[0].lines`` holds one line per run, in order.
    """
    f, bounds, minimisers = _unpack(fun)
    _check_mapping("results", results)
    _check_resolution(resolution)
    paths = {label: _path(label, r, 2, "results") for label, r in results.items()}
    every = np.concatenate(list(paths.values()))
    x_lo, x_hi = _limits("xlim", xlim, bounds[0] if bounds else None, every[:, 0])
    y_lo, y_hi = _limits("ylim", ylim, bounds[1] if bounds else None, every[:, 1])

    grid = _contour_grid(f, (x_lo, x_hi), (y_lo, y_hi), resolution, levels, log_levels)

    fig, ax = _figure_and_axes(ax, figsize)
    for label, pts in paths.items():  # lines first, so axes.lines[i] is run i
        ax.plot(pts[:, 0], pts[:, 1], "o-", ms=3, lw=1.2, label=f"{label} ({len(pts) - 1} steps)")
    _draw_contours(ax, grid)
    marks = minimisers if minimum is None else np.asarray(minimum, dtype=np.float64).reshape(1, 2)
    if marks is not None:
        ax.scatter(marks[:, 0], marks[:, 1], marker="*", s=150, c="k", zorder=3, label="minimum")
    start = next(iter(paths.values()))[0]
    ax.scatter([start[0]], [start[1]], marker="s", c="k", s=30, zorder=3, label="start")
    ax.legend(loc="best", fontsize="small")
    return _finish(fig, ax, title, path, dpi)


#: Markers of :func:`plot_critical_points`, by :func:`~jaxopt_lectures.analysis.classify_critical_point`'s kinds.
CRITICAL_POINT_MARKERS = {"minimum": "*", "maximum": "^", "saddle": "X", "degenerate": "o"}


def plot_critical_points(
    fun: Callable | Problem,
    points: Any,
    kinds: Sequence[str],
    *,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    levels: int | Sequence[float] = 30,
    log_levels: bool = True,
    resolution: int = 200,
    title: str | None = None,
    path: Any = None,
    figsize: Sequence[float] = FIGSIZE,
    dpi: int = DPI,
    ax: Any = None,
):
    """Critical points of a 2-D function on its contours, marked by kind (ALGORITHMS.md §8).

    Args:
      fun: ``f(x)`` of a length-2 array, or a :class:`~jaxopt_lectures.problems.Problem`.
      points: ``[n, 2]`` critical points.
      kinds: ``n`` kinds from :func:`~jaxopt_lectures.analysis.classify_critical_point`
        (``"minimum"``, ``"maximum"``, ``"saddle"``, ``"degenerate"``).
      xlim, ylim, levels, log_levels, resolution, title, path, figsize, dpi, ax: as in
        :func:`plot_trajectories`.

    Returns:
      The figure; ``fig.axes[0].collections`` after the contours hold one scatter per kind present,
      in :data:`CRITICAL_POINT_MARKERS` order, labelled ``"kind (count)"``.
    """
    f, bounds, _ = _unpack(fun)
    _check_resolution(resolution)
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2) if np.size(points) else np.zeros((0, 2))
    kinds = list(kinds)
    if len(kinds) != len(pts):
        raise ValueError(f"kinds must give one kind per point: {len(pts)} points, {len(kinds)} kinds")
    unknown = sorted(set(kinds) - set(CRITICAL_POINT_MARKERS))
    if unknown:
        raise ValueError(f"kinds must be among {', '.join(CRITICAL_POINT_MARKERS)}; got {', '.join(map(repr, unknown))}")
    x_lo, x_hi = _limits("xlim", xlim, bounds[0] if bounds else None, pts[:, 0])
    y_lo, y_hi = _limits("ylim", ylim, bounds[1] if bounds else None, pts[:, 1])
    grid = _contour_grid(f, (x_lo, x_hi), (y_lo, y_hi), resolution, levels, log_levels)
    fig, ax = _figure_and_axes(ax, figsize)
    _draw_contours(ax, grid)
    for kind, marker in CRITICAL_POINT_MARKERS.items():
        sel = pts[[k == kind for k in kinds]]
        if len(sel):
            ax.scatter(sel[:, 0], sel[:, 1], marker=marker, s=130, zorder=3, label=f"{kind} ({len(sel)})")
    if len(pts):
        ax.legend(loc="best", fontsize="small")
    return _finish(fig, ax, title, path, dpi)


# --- loss curves ---------------------------------------------------------------------------------


def _curve(label: str, run: Any) -> tuple[np.ndarray, bool]:
    """(values per step, diverged) of a recorded run or a 1-D array."""
    if isinstance(run, OptimizeResult):
        history, mask = _history(label, run, "runs")
        values = np.append(np.asarray(history.values, dtype=np.float64)[mask], float(run.value))
        diverged = bool(np.asarray(run.diverged))
        if diverged:  # run.value is the last finite point's; the curve ends where it blew up
            values[-1] = np.nan
        return values, diverged
    values = np.asarray(run, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"runs[{label!r}] must be an OptimizeResult or a 1-D array, got shape {values.shape}")
    return values, not np.all(np.isfinite(values))


def plot_loss_curves(
    runs: Mapping[str, OptimizeResult | Any],
    *,
    log: bool = True,
    f_star: float | None = None,
    title: str | None = None,
    path: Any = None,
    figsize: Sequence[float] = FIGSIZE,
    dpi: int = DPI,
    ax: Any = None,
):
    """The loss after each step of several runs, on a log axis.

    The lectures' convergence plots (ALGORITHMS.md §10.2, §10.5: GD at several learning rates;
    §10.8: Adam vs others). Step k is f(x_k); a run's last point is its final value.

    Args:
      runs: label → ``minimize(..., record=True)`` result, or a 1-D array of values per step.
        NaN / ∞ (a diverged run, or steps never taken) leave a gap; a diverged run's label says so
        and its last finite value is marked with ✕.
      log: a logarithmic y axis (non-positive values are left out; pass ``f_star``).
      f_star: plot f − f_star (the optimality gap) instead of f.
      title, path, figsize, dpi, ax: as in :func:`plot_trajectories`.

    Returns:
      The figure; ``fig.axes[0].lines[i]`` is run i.
    """
    _check_mapping("runs", runs)
    curves = {label: _curve(label, run) for label, run in runs.items()}
    fig, ax = _figure_and_axes(ax, figsize)
    for label, (values, diverged) in curves.items():
        y = _positive(values - (f_star or 0.0), log)
        ax.plot(np.arange(len(y)), y, lw=1.5, label=label + (" (diverged)" if diverged else ""))
    for (values, diverged), line in zip(curves.values(), list(ax.lines)):
        y = line.get_ydata()
        ok = np.flatnonzero(np.isfinite(y))
        if diverged and ok.size:
            ax.plot([ok[-1]], [y[ok[-1]]], "x", color=line.get_color(), ms=9, mew=2)
    if log:
        ax.set_yscale("log")
    ax.set(xlabel="step", ylabel="f − f*" if f_star is not None else "f")
    ax.legend(loc="best", fontsize="small")
    return _finish(fig, ax, title, path, dpi)


# --- sweeps ----------------------------------------------------------------------------------------


def _check_sweep(result: Any) -> None:
    if not isinstance(result, SweepResult):
        raise ValueError(f"result must be a SweepResult (from jl.sweep / jl.sweep_fit), got {type(result).__name__}")


def _check_name(argname: str, name: Any, result: SweepResult) -> np.ndarray:
    if name not in result.configs:
        raise ValueError(f"{argname}={name!r} is not a hyperparameter of the sweep; known: {list(result.configs)}")
    column = np.asarray(result.configs[name])
    if column.dtype.kind not in "biuf":
        raise ValueError(f"{argname}={name!r} must be a numeric hyperparameter, got dtype {column.dtype}")
    return column.astype(np.float64)


def _log_scale_ok(values: np.ndarray) -> bool:
    return bool(np.all(values > 0)) and values.max() / values.min() > 10


def plot_sweep(
    result: SweepResult,
    *,
    x: str | None = None,
    kind: str = "final",
    log: bool = True,
    title: str | None = None,
    path: Any = None,
    figsize: Sequence[float] = FIGSIZE,
    dpi: int = DPI,
    ax: Any = None,
):
    """A hyperparameter sweep: the final loss against one hyperparameter, or every loss curve.

    The L0 learning-rate sweep (ALGORITHMS.md §10.2: GD on 3x² + 2y² + 4z² + 6 diverges for
    η > 0.25, fastest at η = 1/6; §10.5 momentum on 0.1 x1² + 2 x2²).

    Args:
      result: a :class:`~jaxopt_lectures.SweepResult`.
      x: ``kind="final"``: the hyperparameter on the x axis (default: the only one). Any others
        give one line per combination of their values.
      kind: ``"final"`` (final loss vs ``x``; diverged configurations are marked with ✕ at the top
        of the axes) or ``"curves"`` (``values`` per step, one line per configuration).
      log: logarithmic loss axis (and x axis for ``"final"`` when ``x`` spans > 10× and is positive).
      title, path, figsize, dpi, ax: as in :func:`plot_trajectories`.

    Returns:
      The figure.
    """
    _check_sweep(result)
    if kind not in ("final", "curves"):
        raise ValueError(f"kind must be 'final' or 'curves', got {kind!r}")
    names = list(result.configs)
    diverged = np.asarray(result.diverged, dtype=bool)
    fig, ax = _figure_and_axes(ax, figsize)
    if kind == "curves":
        values = np.asarray(result.values, dtype=np.float64)
        for i in range(values.shape[0]):
            label = ", ".join(f"{n}={result.config(i)[n]:.3g}" if isinstance(result.config(i)[n], float)
                              else f"{n}={result.config(i)[n]}" for n in names)
            ax.plot(np.arange(1, values.shape[1] + 1), _positive(values[i], log), lw=1.2,
                    ls="--" if diverged[i] else "-", label=label + (" (diverged)" if diverged[i] else ""))
        ax.set(xlabel="step" if result.step_losses is None else "epoch", ylabel="loss")
        if values.shape[0] <= 12:
            ax.legend(loc="best", fontsize="x-small")
    else:
        if x is None:
            if len(names) != 1:
                raise ValueError(f"x must name the hyperparameter on the x axis, one of {names}")
            x = names[0]
        xs = _check_name("x", x, result)
        others = [n for n in names if n != x]
        groups: dict[tuple, list[int]] = {}
        for i in range(len(xs)):
            groups.setdefault(tuple(result.config(i)[n] for n in others), []).append(i)
        final = np.asarray(result.final_values, dtype=np.float64)
        for key, idx in groups.items():
            idx = np.asarray(idx)[np.argsort(xs[idx], kind="stable")]
            y = np.where(diverged[idx], np.nan, _positive(final[idx], log))
            label = ", ".join(f"{n}={v}" for n, v in zip(others, key)) or "final loss"
            line, = ax.plot(xs[idx], y, "o-", ms=4, label=label)
            bad = idx[diverged[idx]]
            if bad.size:  # diverged: no loss to plot, so a ✕ at the top of the axes
                ax.plot(xs[bad], np.full(bad.size, 0.97), "x", color=line.get_color(), ms=8, mew=2,
                        transform=ax.get_xaxis_transform(), clip_on=False)
        if _log_scale_ok(xs):
            ax.set_xscale("log")
        if diverged.any():
            ax.plot([], [], "x", color="0.3", label="diverged")
        ax.set(xlabel=x, ylabel="final loss")
        ax.legend(loc="best", fontsize="small")
    if log:
        ax.set_yscale("log")
    return _finish(fig, ax, title, path, dpi)


def plot_sweep_heatmap(
    result: SweepResult,
    x: str,
    y: str,
    *,
    log: bool = True,
    annotate: bool = True,
    title: str | None = None,
    path: Any = None,
    figsize: Sequence[float] = FIGSIZE,
    dpi: int = DPI,
    ax: Any = None,
):
    """The final loss over a grid of two hyperparameters (e.g. learning rate × momentum).

    L0's momentum study (ALGORITHMS.md §10.5: η = 0.6 diverges for GD, converges with β = 0.5).

    Args:
      result: a :class:`~jaxopt_lectures.SweepResult` whose configurations are a grid over ``x``
        and ``y`` (any other hyperparameter must be constant).
      x, y: the hyperparameters on the columns and rows.
      log: colour by log10 of the final loss.
      annotate: write the final loss in each cell; diverged cells are grey with ✕, missing ones blank.
      title, path, figsize, dpi, ax: as in :func:`plot_trajectories`.

    Returns:
      The figure; ``fig.axes[0].images[0].get_array()`` is the [len(y values), len(x values)] grid.
    """
    _check_sweep(result)
    xs, ys = _check_name("x", x, result), _check_name("y", y, result)
    if x == y:
        raise ValueError(f"x and y must be different hyperparameters, both are {x!r}")
    x_vals, y_vals = np.unique(xs), np.unique(ys)
    col, row = np.searchsorted(x_vals, xs), np.searchsorted(y_vals, ys)
    grid = np.full((len(y_vals), len(x_vals)), np.nan)
    bad = np.zeros(grid.shape, bool)
    seen = np.zeros(grid.shape, bool)
    final = np.asarray(result.final_values, dtype=np.float64)
    diverged = np.asarray(result.diverged, dtype=bool)
    for i in range(len(xs)):
        if seen[row[i], col[i]]:
            others = [n for n in result.configs if n not in (x, y)]
            raise ValueError(f"x={x!r}, y={y!r}: two configurations share a cell; fix the other hyperparameters {others}")
        seen[row[i], col[i]] = True
        bad[row[i], col[i]] = diverged[i] or not np.isfinite(final[i])
        if not bad[row[i], col[i]]:
            grid[row[i], col[i]] = final[i]
    shown = np.log10(_positive(grid, True)) if log else grid
    fig, ax = _figure_and_axes(ax, figsize)
    image = ax.imshow(np.ma.masked_invalid(shown), origin="lower", aspect="auto", cmap="viridis")
    image.set_cmap(image.get_cmap().with_extremes(bad="0.85"))
    fig.colorbar(image, ax=ax, label="log10 final loss" if log else "final loss")
    ax.set_xticks(range(len(x_vals)), [f"{v:.3g}" for v in x_vals])
    ax.set_yticks(range(len(y_vals)), [f"{v:.3g}" for v in y_vals])
    ax.set(xlabel=x, ylabel=y)
    for r, c in zip(*np.nonzero(bad)):
        ax.text(c, r, "✕", ha="center", va="center", color="tab:red", fontsize=12)
    if annotate and grid.size <= 100:
        for r, c in zip(*np.nonzero(np.isfinite(grid))):
            ax.text(c, r, f"{grid[r, c]:.2g}", ha="center", va="center", color="w", fontsize=7)
    return _finish(fig, ax, title, path, dpi)


# --- 1-D functions ---------------------------------------------------------------------------------


def _iterates_1d(label: str, run: Any) -> np.ndarray:
    if isinstance(run, OptimizeResult):
        return _path(label, run, 1, "iterates")[:, 0]
    pts = np.asarray(run, dtype=np.float64)
    if pts.ndim == 2 and pts.shape[1] == 1:
        pts = pts[:, 0]
    if pts.ndim != 1:
        raise ValueError(f"iterates[{label!r}] must be 1-D (one scalar per step), got shape {pts.shape}")
    return pts


def _eval_1d(f: Callable, xs: np.ndarray) -> np.ndarray:
    """f on a 1-D grid: f of a scalar, or (Problem convention) of a length-1 array."""
    grid = jnp.asarray(xs, dtype=jnp.result_type(float))
    try:
        out = np.asarray(jax.vmap(f)(grid), dtype=np.float64)
        if out.shape == xs.shape:
            return out
    except Exception:  # noqa: BLE001 - fall through to the length-1-array convention
        pass
    out = np.asarray(jax.vmap(f)(grid[:, None]), dtype=np.float64)
    if out.size != xs.size:
        raise ValueError(f"fun must map a scalar (or a length-1 array) to a scalar, got shape {out.shape[1:]}")
    return out.reshape(xs.shape)


def plot_1d(
    fun: Callable | Problem,
    iterates: Any,
    *,
    xlim: tuple[float, float] | None = None,
    resolution: int = 400,
    title: str | None = None,
    path: Any = None,
    figsize: Sequence[float] = FIGSIZE,
    dpi: int = DPI,
    ax: Any = None,
):
    """A 1-D function with iterates as points connected in order.

    L0's parabola f = x² with GD at η = 0.05 (slow) and 1.1 (diverges) (ALGORITHMS.md §10.5) and
    L2's line-search pictures (§6, §10.6).

    Args:
      fun: ``f(x)`` of a scalar or of a length-1 array, or a 1-D
        :class:`~jaxopt_lectures.problems.Problem` (its bounds give the default ``xlim``).
      iterates: the points x_0, x_1, … (a 1-D array or a recorded ``OptimizeResult`` of a 1-D
        problem), or label → such, for several runs. Non-finite points are skipped.
      xlim: the plotted interval; default the problem's bounds, else the iterates' extent + 10 %.
      resolution: grid points for the curve.
      title, path, figsize, dpi, ax: as in :func:`plot_trajectories`.

    Returns:
      The figure; ``fig.axes[0].lines[0]`` is the function, ``lines[1:]`` the runs in order.
    """
    f, bounds, _ = _unpack(fun)
    runs = iterates if isinstance(iterates, Mapping) else {"iterates": iterates}
    _check_mapping("iterates", runs)
    _check_resolution(resolution)
    pts = {label: _iterates_1d(label, run) for label, run in runs.items()}
    lo, hi = _limits("xlim", xlim, bounds[0] if bounds else None, np.concatenate(list(pts.values())))
    xs = np.linspace(lo, hi, resolution)
    fig, ax = _figure_and_axes(ax, figsize)
    ax.plot(xs, _eval_1d(f, xs), color="0.3", lw=1.5, label="f")
    for label, p in pts.items():
        p = p[np.isfinite(p)]
        fp = _eval_1d(f, p) if p.size else p
        line, = ax.plot(p, fp, "o-", ms=4, lw=0.8, label=f"{label} ({max(p.size - 1, 0)} steps)")
        if p.size:  # the start, as a collection so that lines stay one per run
            ax.scatter(p[:1], fp[:1], marker="s", color=line.get_color(), s=40, zorder=3)
    ax.set(xlim=(lo, hi), xlabel="x", ylabel="f(x)")
    ax.legend(loc="best", fontsize="small")
    return _finish(fig, ax, title, path, dpi)
