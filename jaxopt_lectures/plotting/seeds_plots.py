"""A seeded sweep's curves: per configuration a centre line with a band over seeds.

ALGORITHMS.md §9 (``fit``'s loss per epoch) and §10.2 (sweeps). It reads a
:class:`~jaxopt_lectures.SeedsResult` (``sweep_fit(..., seeds=k)``), never runs one: one colour
per configuration, the mean over seeds with a ±1 standard deviation band, or the median with a
quantile band [q, 1 − q]; optionally every seed's own curve, thin.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..sweeps import SeedsResult
from .base import DPI, FIGSIZE, figure_and_axes, finish, positive_for_log

__all__ = ["plot_seeds"]


def _label(result: SeedsResult, i: int) -> str:
    config = result.config(i)
    text = ", ".join(f"{n}={v:.3g}" if isinstance(v, float) else f"{n}={v}" for n, v in config.items())
    bad = int(result.diverged[i].sum())
    return text + (f" ({bad}/{result.seeds} diverged)" if bad else "")


def plot_seeds(
    result: SeedsResult,
    *,
    on: str = "train",
    band: str = "std",
    q: float = 0.25,
    show_seeds: bool = False,
    configs: Sequence[int] | None = None,
    log: bool = True,
    title: str | None = None,
    path: Any = None,
    figsize: Sequence[float] = FIGSIZE,
    dpi: int = DPI,
    ax: Any = None,
):
    """Per configuration the loss per epoch over seeds: a centre line and a band.

    Args:
      result: a :class:`~jaxopt_lectures.SeedsResult`.
      on: ``"train"`` (``values``) or ``"val"`` (``val_values``, a sweep run with validation data).
      band: ``"std"`` (the mean ± one standard deviation over seeds) or ``"quantiles"`` (the
        median and the band between quantiles ``q`` and ``1 − q``).
      q: the lower quantile of ``band="quantiles"``, in (0, 0.5].
      show_seeds: also draw every seed's curve, thin and faint.
      configs: the configurations to draw (indices; default all).
      log: logarithmic loss axis (a band's non-positive lower edge is clipped to the axis).
      title, path, figsize, dpi, ax: as in :func:`~jaxopt_lectures.plotting.plot_trajectories`.

    Returns:
      The figure. A configuration with a diverged seed is drawn dashed; its statistics are NaN
      from the epoch that seed stopped (:mod:`jaxopt_lectures.sweeps.seeds_result`).
    """
    if not isinstance(result, SeedsResult):
        raise ValueError(f"result must be a SeedsResult (from jl.sweep_fit(..., seeds=k)), got {type(result).__name__}")
    if band not in ("std", "quantiles"):
        raise ValueError(f"band must be 'std' or 'quantiles', got {band!r}")
    if band == "quantiles" and not (isinstance(q, (int, float, np.number)) and 0 < q <= 0.5):
        raise ValueError(f"q must be a quantile in (0, 0.5] (the band is [q, 1 − q]), got {q!r}")
    curves = np.asarray(result.curves(on), dtype=np.float64)
    n = curves.shape[0]
    chosen = list(range(n)) if configs is None else [int(i) for i in configs]
    if not chosen or any(not 0 <= i < n for i in chosen):
        raise ValueError(f"configs must be indices in [0, {n - 1}], got {configs!r}")
    if band == "std":
        centre, spread = result.mean(on), result.std(on)
        low, high = centre - spread, centre + spread
    else:
        low, centre, high = result.quantile([q, 0.5, 1 - q], on)
    fig, ax = figure_and_axes(ax, figsize)
    epochs = np.arange(1, curves.shape[2] + 1)
    for i in chosen:
        dashed = bool(result.diverged[i].any())
        (line,) = ax.plot(epochs, positive_for_log(centre[i], log), lw=1.6, ls="--" if dashed else "-",
                          label=_label(result, i))  # fmt: skip
        lo = positive_for_log(low[i], log)
        if log:  # a band reaching ≤ 0 is clipped to the smallest value shown rather than dropped
            lo = np.where(np.isnan(lo) & np.isfinite(low[i]), np.nanmin(positive_for_log(curves, True)), lo)
        ax.fill_between(epochs, lo, positive_for_log(high[i], log), color=line.get_color(), alpha=0.2, lw=0)
        if show_seeds:
            for s in range(curves.shape[1]):
                ax.plot(epochs, positive_for_log(curves[i, s], log), lw=0.6, alpha=0.35, color=line.get_color())
    what = "validation loss" if on == "val" else "loss"
    ax.set(xlabel="step" if result.step_losses is None else "epoch", ylabel=what)
    if len(chosen) <= 12:
        kind = "mean ± std" if band == "std" else f"median, [{q:g}, {1 - q:g}] quantiles"
        ax.legend(loc="best", fontsize="x-small", title=f"{result.seeds} seeds: {kind}", title_fontsize="x-small")
    if log:
        ax.set_yscale("log")
    return finish(fig, ax, title, path, dpi)
