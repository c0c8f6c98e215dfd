"""Plots of a hyperparameter sweep: the final loss against a hyperparameter, every curve, a heatmap.

ALGORITHMS.md §10.2 (L0's learning-rate sweep of GD on 3x² + 2y² + 4z² + 6: divergence above
η = 0.25, the fastest rate 1/6) and §10.5 (momentum on 0.1 x1² + 2 x2²: η = 0.6 diverges for GD
and converges with β = 0.5). They read a :class:`~jaxopt_lectures.SweepResult`, never run one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..sweeps import SweepResult
from .base import DPI, FIGSIZE, figure_and_axes, finish, positive_for_log

__all__ = ["plot_sweep", "plot_sweep_heatmap"]


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


def _numeric(result: SweepResult, name: str) -> bool:
    return np.asarray(result.configs[name]).dtype.kind in "biuf"


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
        give one line per combination of their values — or, when every configuration has its own
        (random search), one scatter coloured by the first of them.
      kind: ``"final"`` (final loss vs ``x`` — the validation loss when ``sweep_fit`` had validation
        data, what ``best()`` ranks; diverged configurations are marked with ✕ at the top
        of the axes) or ``"curves"`` (``values`` per step, one line per configuration).
      log: logarithmic loss axis (and x axis for ``"final"`` when ``x`` spans > 10× and is positive).
      title, path, figsize, dpi, ax: as in :func:`~jaxopt_lectures.plotting.plot_trajectories`.

    Returns:
      The figure.
    """
    _check_sweep(result)
    if kind not in ("final", "curves"):
        raise ValueError(f"kind must be 'final' or 'curves', got {kind!r}")
    names = list(result.configs)
    diverged = np.asarray(result.diverged, dtype=bool)
    fig, ax = figure_and_axes(ax, figsize)
    if kind == "curves":
        values = np.asarray(result.values, dtype=np.float64)
        for i in range(values.shape[0]):
            label = ", ".join(f"{n}={result.config(i)[n]:.3g}" if isinstance(result.config(i)[n], float)
                              else f"{n}={result.config(i)[n]}" for n in names)
            ax.plot(np.arange(1, values.shape[1] + 1), positive_for_log(values[i], log), lw=1.2,
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
        final = np.asarray(result.ranking_values, dtype=np.float64)  # the validation loss when there is one
        if len(groups) > 1 and all(len(idx) == 1 for idx in groups.values()) and _numeric(result, others[0]):
            # random search: every configuration has its own other values; one scatter, coloured by the first
            colour = np.asarray(result.configs[others[0]], dtype=np.float64)
            ok = ~diverged
            points = ax.scatter(xs[ok], positive_for_log(final[ok], log), c=colour[ok], s=24, cmap="viridis")
            fig.colorbar(points, ax=ax, label=others[0])
            if diverged.any():
                ax.plot(xs[diverged], np.full(int(diverged.sum()), 0.97), "x", color="0.3", ms=8, mew=2,
                        transform=ax.get_xaxis_transform(), clip_on=False)
            groups = {}
        for key, idx in groups.items():
            idx = np.asarray(idx)[np.argsort(xs[idx], kind="stable")]
            y = np.where(diverged[idx], np.nan, positive_for_log(final[idx], log))
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
        ax.set(xlabel=x, ylabel="final loss" if result.val_values is None else "final validation loss")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best", fontsize="small")
    if log:
        ax.set_yscale("log")
    return finish(fig, ax, title, path, dpi)


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
      title, path, figsize, dpi, ax: as in :func:`~jaxopt_lectures.plotting.plot_trajectories`.

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
    shown = np.log10(positive_for_log(grid, True)) if log else grid
    fig, ax = figure_and_axes(ax, figsize)
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
    return finish(fig, ax, title, path, dpi)
