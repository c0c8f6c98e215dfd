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
    """Each member's hyperparameter ``name`` against the epoch, the copies between members, and
    the schedule PBT found.

    One thin step line per member slot (``result.slot_schedules[name][i]``: the value slot i
    trained with in each epoch; it jumps where the slot copied another member and perturbed the
    value); with ``lineage``, a dotted connector from the source's value to the copy's new one at
    each exploit; on top, thick and black, the best member's schedule along its ancestry
    (``result.schedules[name][best]``, :meth:`PBTResult.best`): the schedule that trains its final
    parameters from the start. Diverged slots are dashed.

    Args:
      result: a :class:`~jaxopt_lectures.PBTResult` (``sweep_fit(..., pbt=jl.PBT(...))``).
      name: the hyperparameter (default: the only float one, else ``"learning_rate"``).
      lineage: draw the exploit connectors.
      log: logarithmic value axis (learning rates span decades).
      title, path, figsize, dpi, ax: as in :func:`~jaxopt_lectures.plotting.plot_trajectories`.

    Returns:
      The figure; ``fig.axes[0].lines[i]`` is slot i (x = epochs 0 … E, steps-post), ``lines[N]``
      the best schedule, then one connector per exploit.
    """
    if not isinstance(result, PBTResult):
        raise ValueError(f"result must be a PBTResult (from jl.sweep_fit(..., pbt=jl.PBT(...))), "
                         f"got {type(result).__name__}")  # fmt: skip
    floats = [k for k, v in result.schedules.items() if np.asarray(v).dtype.kind == "f"]
    if name is None:
        name = floats[0] if len(floats) == 1 else "learning_rate"
    if name not in floats:
        raise ValueError(f"name={name!r} is not a float hyperparameter of the PBT run; known: {floats}")
    slots = np.asarray(result.slot_schedules[name], np.float64)
    n, epochs = slots.shape
    x = np.arange(epochs + 1)
    diverged = np.asarray(result.diverged, bool)
    fig, ax = figure_and_axes(ax, figsize)
    for i in range(n):  # steps-post: the value during epoch e spans [e, e + 1]
        ax.plot(x, np.append(slots[i], slots[i, -1]), drawstyle="steps-post", lw=0.9, alpha=0.7, color=f"C{i % 10}",
                ls="--" if diverged[i] else "-")  # fmt: skip
    if not np.all(diverged):
        best = result.best().index
        schedule = np.asarray(result.schedules[name][best], np.float64)
        ax.plot(x, np.append(schedule, schedule[-1]), drawstyle="steps-post", lw=2.2, color="k", zorder=3,
                label=f"best: member {best}, final loss {result.ranking_values[best]:.4g}")  # fmt: skip
    if lineage:
        for r in range(1, result.lineage.shape[1]):
            start = r * result.interval
            for i in np.flatnonzero(result.lineage[:, r] != np.arange(n)):
                source = result.lineage[i, r]
                ax.plot([start, start], [slots[source, start - 1], slots[i, start]], ":", lw=0.8,
                        color=f"C{i % 10}", marker=".", ms=4)  # fmt: skip
        ax.plot([], [], ":", marker=".", color="0.3", label="exploit: the source's value → the copy's")
    if log and np.all(slots[np.isfinite(slots)] > 0):
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel=name)
    ax.legend(loc="best", fontsize="small")
    return finish(fig, ax, title, path, dpi)
