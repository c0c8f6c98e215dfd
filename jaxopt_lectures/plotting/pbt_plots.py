"""Population-based training's hyperparameter schedules over time (issue 16, item 6).

ALGORITHMS.md §5 (a learning rate that changes during training) and
:mod:`jaxopt_lectures.sweeps.pbt` (Jaderberg et al. 2017). Reads a
:class:`~jaxopt_lectures.PBTResult`, never runs one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..sweeps import PBTResult
from .base import DPI, FIGSIZE, figure_and_axes, finish

__all__ = ["plot_pbt_schedules"]


def plot_pbt_schedules(
    result: PBTResult,
    name: str | None = None,
    *,
    lineage: bool = True,
    log: bool = True,
    title: str | None = None,
    path: Any = None,
    figsize: Sequence[float] = FIGSIZE,
    dpi: int = DPI,
    ax: Any = None,
):
    """Each member's hyperparameter ``name`` against the epoch: the schedule PBT found for it.

    One step line per member (``result.schedules[name][i]``: the value during each epoch along
    the member's ancestry, so members that share an ancestor share the start of their lines and
    the picture is the population's family tree); the best member (:meth:`PBTResult.best`) is
    drawn thick and black, a diverged one dashed.

    Args:
      result: a :class:`~jaxopt_lectures.PBTResult` (``sweep_fit(..., pbt=jl.PBT(...))``).
      name: the hyperparameter (default: the only float one, else ``"learning_rate"``).
      lineage: mark each exploit in a member's history: a dot where its ancestry moved to the copy
        of another member (the value after explore).
      log: logarithmic value axis (learning rates span decades).
      title, path, figsize, dpi, ax: as in :func:`~jaxopt_lectures.plotting.plot_trajectories`.

    Returns:
      The figure; ``fig.axes[0].lines[i]`` is member i's schedule (x = epochs 0 … E, steps-post).
    """
    if not isinstance(result, PBTResult):
        raise ValueError(f"result must be a PBTResult (from jl.sweep_fit(..., pbt=jl.PBT(...))), "
                         f"got {type(result).__name__}")  # fmt: skip
    floats = [k for k, v in result.schedules.items() if np.asarray(v).dtype.kind == "f"]
    if name is None:
        name = floats[0] if len(floats) == 1 else "learning_rate"
    if name not in floats:
        raise ValueError(f"name={name!r} is not a float hyperparameter of the PBT run; known: {floats}")
    values = np.asarray(result.schedules[name], np.float64)
    n, epochs = values.shape
    x = np.arange(epochs + 1)
    best = result.best().index if not np.all(result.diverged) else -1
    diverged = np.asarray(result.diverged, bool)
    fig, ax = figure_and_axes(ax, figsize)
    colors = [f"C{i % 10}" for i in range(n)]
    for i in range(n):
        y = np.append(values[i], values[i, -1])  # steps-post: the value during epoch e spans [e, e + 1]
        ax.plot(x, y, drawstyle="steps-post", lw=2.2 if i == best else 0.9, alpha=1.0 if i == best else 0.6,
                color="k" if i == best else colors[i], ls="--" if diverged[i] else "-", zorder=3 if i == best else 2,
                label=f"best: member {i}, final loss {result.ranking_values[i]:.4g}" if i == best else None)  # fmt: skip
    if lineage:
        starts = np.arange(result.lineage.shape[1]) * result.interval
        for i in range(n):
            slots = result.ancestors(i)
            moved = np.flatnonzero(slots[1:] != slots[:-1]) + 1  # intervals that began with a copy
            moved = moved[starts[moved] < epochs]
            ax.plot(starts[moved], values[i, starts[moved]], "o", ms=3, color="k" if i == best else colors[i],
                    zorder=4)  # fmt: skip
        ax.plot([], [], "o", ms=3, color="0.3", label="exploit (copy) + explore")
    if log and np.all(values[np.isfinite(values)] > 0):
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel=name)
    ax.legend(loc="best", fontsize="small")
    return finish(fig, ax, title, path, dpi)
