"""The rung diagram of successive halving: every configuration's curve up to where it stopped.

Issue 16 item 6; Jamieson & Talwalkar (2016), Algorithm 1 (:mod:`jaxopt_lectures.sweeps.halving`).
It reads a :class:`~jaxopt_lectures.HalvingResult` (``sweep_fit(..., halving=η)``), never runs one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..sweeps import HalvingResult
from .base import DPI, FIGSIZE, figure_and_axes, finish, positive_for_log

__all__ = ["plot_halving"]


def _joined(curves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One polyline for many curves [m, E]: x = epochs 1 … E, a NaN gap between curves."""
    m, epochs = curves.shape
    x = np.tile(np.append(np.arange(1.0, epochs + 1), np.nan), m)
    y = np.hstack([curves, np.full((m, 1), np.nan)]).ravel()
    return x, y


def plot_halving(
    result: HalvingResult,
    *,
    log: bool = True,
    title: str | None = None,
    path: Any = None,
    figsize: Sequence[float] = FIGSIZE,
    dpi: int = DPI,
    ax: Any = None,
):
    """Successive halving's rung diagram: each configuration's ranking curve up to the rung where it stopped.

    The ranking measure per epoch (``val_values`` when the sweep had validation data, else
    ``values``) of every configuration, drawn up to its ``stopped_epoch``: grey for those stopped
    at an early rung (lighter the earlier), blue for the ones that ran to the end, red for
    :meth:`~jaxopt_lectures.HalvingResult.best`. A dashed vertical line marks each rung r_k with
    the number of configurations m_k that ran to it.

    Args:
      result: a :class:`~jaxopt_lectures.HalvingResult`.
      log: logarithmic loss axis.
      title, path, figsize, dpi, ax: as in :func:`~jaxopt_lectures.plotting.plot_trajectories`.

    Returns:
      The figure. Its axes hold one line per rung (the curves stopped there, joined with NaN
      gaps, labelled with how many), then the best configuration's curve, then the rungs' lines.
    """
    if not isinstance(result, HalvingResult):
        raise ValueError(f"result must be a HalvingResult (from jl.sweep_fit(..., halving=η)), got "
                         f"{type(result).__name__}")  # fmt: skip
    curves = np.asarray(result.values if result.val_values is None else result.val_values, dtype=np.float64)
    stopped = np.asarray(result.stopped_epoch)
    rungs, sizes = list(result.rungs), result.rung_sizes
    fig, ax = figure_and_axes(ax, figsize)
    shades = np.linspace(0.8, 0.45, max(len(rungs) - 1, 1))
    for k, rung in enumerate(rungs):
        rows = stopped == rung
        x, y = _joined(positive_for_log(curves[rows], log))
        last = k == len(rungs) - 1
        color, width, alpha = ("tab:blue", 1.0, 0.9) if last else (str(shades[k]), 0.6, 0.6)
        what = "ran to the end" if last else f"stopped at epoch {rung}"
        ax.plot(x, y, color=color, lw=width, alpha=alpha, label=f"{what} ({int(rows.sum())})")
    finite = np.isfinite(result.ranking_values[~result.diverged])
    if finite.any():
        best = result.best()
        ax.plot(np.arange(1, curves.shape[1] + 1), positive_for_log(curves[best.index], log), color="tab:red",
                lw=2.0, label=f"best: {best.final_value:.4g}")  # fmt: skip
    for rung, m in zip(rungs, sizes):
        ax.axvline(rung, color="0.3", ls="--", lw=0.8)
        ax.text(rung, 0.99, f"{m} ", transform=ax.get_xaxis_transform(), ha="right", va="top", fontsize="small")
    ax.set(xlabel="epoch", ylabel="validation loss" if result.val_values is not None else "training loss")
    if log:
        ax.set_yscale("log")
    ax.legend(loc="best", fontsize="x-small")
    return finish(fig, ax, title, path, dpi)
