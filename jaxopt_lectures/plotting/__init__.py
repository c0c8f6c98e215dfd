"""The lectures' figures: trajectories on contours, loss curves, sweeps and 1-D iterates.

ALGORITHMS.md §10 (examples 5 and 8: GD, momentum and NAG traced on an oblong quadratic, the
Beale function and a saddle; CG vs steepest descent), §10.2 / §10.5 (learning-rate sweeps),
the L0 parabola f = x² with GD at η = 0.05 and 1.1, and §8's critical points. matplotlib does
all the drawing; this package only lays out those figures from arrays the rest of the library
returns (``minimize(..., record=True)``, ``sweep``, hand-written loops). It never calls an
optimizer; :mod:`jaxopt_lectures.figures` runs the lectures' examples and draws with it.

matplotlib is imported lazily, on the first call, and only through ``matplotlib.figure.Figure``
with an Agg canvas: nothing is shown on screen, no pyplot figure is opened and the backend is left
as it was. Every function returns the ``Figure`` and, given ``path``, saves it at
``figsize × dpi`` pixels (no tight bounding box, so the size is exact).

The package, split by what is drawn: :mod:`.contours` (trajectories and critical points on a 2-D
function's contours), :mod:`.curves` (loss curves, 1-D functions with their iterates),
:mod:`.sweep_plots` (a sweep's final losses, curves and heatmap), :mod:`.halving_plots`
(successive halving's rung diagram), :mod:`.pbt_plots` (population-based training's schedules),
:mod:`.seeds_plots` (a seeded sweep's curves with a band over seeds) and :mod:`.base` (the figure
plumbing and argument checks they share). Every function is imported from here.

Examples:
  >>> import jax.numpy as jnp, jaxopt_lectures as jl
  >>> from jaxopt_lectures import plotting
  >>> from jaxopt_lectures.problems import get_problem
  >>> p = get_problem("quadratic_l0")                              # 0.1 x1² + 2 x2² (L0, §10.5)
  >>> runs = {f"GD η={lr}": jl.minimize(p.fun, jnp.asarray(p.x0), jl.sgd(lr), max_steps=30, record=True)
  ...         for lr in (0.1, 0.4)}
  >>> fig = plotting.plot_trajectories(p, runs)                   # doctest: +SKIP
"""

from __future__ import annotations

from .base import DPI, FIGSIZE, new_figure
from .contours import CRITICAL_POINT_MARKERS, plot_critical_points, plot_trajectories
from .curves import plot_1d, plot_loss_curves
from .halving_plots import plot_halving
from .sweep_plots import plot_sweep, plot_sweep_heatmap
from .pbt_plots import plot_pbt_schedules
from .seeds_plots import plot_seeds

__all__ = [
    "CRITICAL_POINT_MARKERS",
    "DPI",
    "FIGSIZE",
    "new_figure",
    "plot_1d",
    "plot_critical_points",
    "plot_halving",
    "plot_loss_curves",
    "plot_pbt_schedules",
    "plot_seeds",
    "plot_sweep",
    "plot_sweep_heatmap",
    "plot_trajectories",
]
