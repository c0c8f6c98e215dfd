"""Plots on a 2-D function's contours: optimizers' trajectories and critical points by kind.

ALGORITHMS.md §10.8 (L4 / cs231n: GD, momentum and NAG on an oblong quadratic, the optimizers on
Beale's function and at a saddle), §10.5 (L0's momentum picture), §10.6 (CG vs steepest descent)
and §8 (critical points classified by the Hessian's eigenvalues). ``f`` is evaluated on the grid
once, with ``jax.vmap``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..problems import Problem
from ..solve import OptimizeResult
from .base import (
    DPI,
    FIGSIZE,
    axis_limits,
    check_mapping,
    check_resolution,
    figure_and_axes,
    finish,
    iterate_path,
    unpack_function,
)

__all__ = ["CRITICAL_POINT_MARKERS", "plot_critical_points", "plot_trajectories"]


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
    f, bounds, minimisers = unpack_function(fun)
    check_mapping("results", results)
    check_resolution(resolution)
    paths = {label: iterate_path(label, r, 2, "results") for label, r in results.items()}
    every = np.concatenate(list(paths.values()))
    x_lo, x_hi = axis_limits("xlim", xlim, bounds[0] if bounds else None, every[:, 0])
    y_lo, y_hi = axis_limits("ylim", ylim, bounds[1] if bounds else None, every[:, 1])

    grid = _contour_grid(f, (x_lo, x_hi), (y_lo, y_hi), resolution, levels, log_levels)

    fig, ax = figure_and_axes(ax, figsize)
    for label, pts in paths.items():  # lines first, so axes.lines[i] is run i
        ax.plot(pts[:, 0], pts[:, 1], "o-", ms=3, lw=1.2, label=f"{label} ({len(pts) - 1} steps)")
    _draw_contours(ax, grid)
    marks = minimisers if minimum is None else np.asarray(minimum, dtype=np.float64).reshape(1, 2)
    if marks is not None:
        ax.scatter(marks[:, 0], marks[:, 1], marker="*", s=150, c="k", zorder=3, label="minimum")
    start = next(iter(paths.values()))[0]
    ax.scatter([start[0]], [start[1]], marker="s", c="k", s=30, zorder=3, label="start")
    ax.legend(loc="best", fontsize="small")
    return finish(fig, ax, title, path, dpi)


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
    f, bounds, _ = unpack_function(fun)
    check_resolution(resolution)
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2) if np.size(points) else np.zeros((0, 2))
    kinds = list(kinds)
    if len(kinds) != len(pts):
        raise ValueError(f"kinds must give one kind per point: {len(pts)} points, {len(kinds)} kinds")
    unknown = sorted(set(kinds) - set(CRITICAL_POINT_MARKERS))
    if unknown:
        raise ValueError(f"kinds must be among {', '.join(CRITICAL_POINT_MARKERS)}; got {', '.join(map(repr, unknown))}")
    x_lo, x_hi = axis_limits("xlim", xlim, bounds[0] if bounds else None, pts[:, 0])
    y_lo, y_hi = axis_limits("ylim", ylim, bounds[1] if bounds else None, pts[:, 1])
    grid = _contour_grid(f, (x_lo, x_hi), (y_lo, y_hi), resolution, levels, log_levels)
    fig, ax = figure_and_axes(ax, figsize)
    _draw_contours(ax, grid)
    for kind, marker in CRITICAL_POINT_MARKERS.items():
        sel = pts[[k == kind for k in kinds]]
        if len(sel):
            ax.scatter(sel[:, 0], sel[:, 1], marker=marker, s=130, zorder=3, label=f"{kind} ({len(sel)})")
    if len(pts):
        ax.legend(loc="best", fontsize="small")
    return finish(fig, ax, title, path, dpi)
