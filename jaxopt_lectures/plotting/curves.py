"""Plots of values along a run: the loss per step, and a 1-D function with its iterates.

ALGORITHMS.md §10.2 and §10.5 (L0's convergence plots: GD at several learning rates; L0's
parabola f = x² with GD at η = 0.05 and 1.1), §10.8 (Adam vs the others) and §6 / §10.6 (L2's
line-search pictures).
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
    positive_for_log,
    recorded_history,
    unpack_function,
)

__all__ = ["plot_1d", "plot_loss_curves"]


# --- loss curves ---------------------------------------------------------------------------------


def _curve(label: str, run: Any) -> tuple[np.ndarray, bool]:
    """(values per step, diverged) of a recorded run or a 1-D array."""
    if isinstance(run, OptimizeResult):
        history, mask = recorded_history(label, run, "runs")
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
      title, path, figsize, dpi, ax: as in :func:`~jaxopt_lectures.plotting.plot_trajectories`.

    Returns:
      The figure; ``fig.axes[0].lines[i]`` is run i.
    """
    check_mapping("runs", runs)
    curves = {label: _curve(label, run) for label, run in runs.items()}
    fig, ax = figure_and_axes(ax, figsize)
    for label, (values, diverged) in curves.items():
        y = positive_for_log(values - (f_star or 0.0), log)
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
    return finish(fig, ax, title, path, dpi)


# --- 1-D functions ---------------------------------------------------------------------------------


def _iterates_1d(label: str, run: Any) -> np.ndarray:
    if isinstance(run, OptimizeResult):
        return iterate_path(label, run, 1, "iterates")[:, 0]
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
      title, path, figsize, dpi, ax: as in :func:`~jaxopt_lectures.plotting.plot_trajectories`.

    Returns:
      The figure; ``fig.axes[0].lines[0]`` is the function, ``lines[1:]`` the runs in order.
    """
    f, bounds, _ = unpack_function(fun)
    runs = iterates if isinstance(iterates, Mapping) else {"iterates": iterates}
    check_mapping("iterates", runs)
    check_resolution(resolution)
    pts = {label: _iterates_1d(label, run) for label, run in runs.items()}
    lo, hi = axis_limits("xlim", xlim, bounds[0] if bounds else None, np.concatenate(list(pts.values())))
    xs = np.linspace(lo, hi, resolution)
    fig, ax = figure_and_axes(ax, figsize)
    ax.plot(xs, _eval_1d(f, xs), color="0.3", lw=1.5, label="f")
    for label, p in pts.items():
        p = p[np.isfinite(p)]
        fp = _eval_1d(f, p) if p.size else p
        line, = ax.plot(p, fp, "o-", ms=4, lw=0.8, label=f"{label} ({max(p.size - 1, 0)} steps)")
        if p.size:  # the start, as a collection so that lines stay one per run
            ax.scatter(p[:1], fp[:1], marker="s", color=line.get_color(), s=40, zorder=3)
    ax.set(xlim=(lo, hi), xlabel="x", ylabel="f(x)")
    ax.legend(loc="best", fontsize="small")
    return finish(fig, ax, title, path, dpi)
