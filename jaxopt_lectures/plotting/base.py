"""The plumbing every plot of :mod:`jaxopt_lectures.plotting` shares: a pyplot-free figure, saving,
and the checks that turn runs, problems and limits into arrays.

ALGORITHMS.md §10 (the lectures' figures). matplotlib is imported lazily, on the first call of
:func:`new_figure`, and only through ``matplotlib.figure.Figure`` with an Agg canvas: nothing is
shown on screen, no pyplot figure is opened and the backend is left as it was. :func:`finish`
saves a figure at ``figsize × dpi`` pixels (no tight bounding box, so the size is exact).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..problems import Problem
from ..solve import OptimizeResult

__all__ = [
    "DPI",
    "FIGSIZE",
    "axis_limits",
    "check_mapping",
    "check_resolution",
    "figure_and_axes",
    "finish",
    "iterate_path",
    "new_figure",
    "positive_for_log",
    "recorded_history",
    "unpack_function",
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


def figure_and_axes(ax: Any, figsize: Sequence[float]):
    """A new single-panel figure, or ``ax`` and the figure it belongs to."""
    return new_figure(figsize) if ax is None else (ax.figure, ax)


def finish(fig, ax, title: str | None, path: Any, dpi: int):
    """Title ``ax``, save ``fig`` to ``path`` (if given) at exactly ``figsize × dpi`` pixels, return ``fig``."""
    number = isinstance(dpi, (int, float, np.number)) and not isinstance(dpi, bool)
    if path is not None and not (number and 0 < dpi < np.inf):
        raise ValueError(f"dpi must be a positive finite number of pixels per inch, got {dpi!r}")
    if title is not None:
        ax.set_title(title)
    if path is not None:
        fig.savefig(path, dpi=dpi)  # no bbox_inches="tight": the PNG is exactly figsize × dpi
    return fig


def check_mapping(name: str, value: Any) -> None:
    """``value`` (the argument ``name``) is a non-empty mapping label → run."""
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"{name} must be a non-empty mapping label → run, got {type(value).__name__}")


def recorded_history(label: str, result: OptimizeResult, argname: str) -> tuple[Any, np.ndarray]:
    """(history, mask) of a recorded, unbatched run."""
    if result.history is None:
        raise ValueError(f"{argname}[{label!r}] has no history: run minimize(..., record=True)")
    mask = np.asarray(result.history.mask)
    if mask.ndim != 1:
        raise ValueError(f"{argname}[{label!r}] is a batched result (mask shape {mask.shape}); pass one run per label")
    return result.history, mask


def iterate_path(label: str, result: OptimizeResult, dim: int | None, argname: str) -> np.ndarray:
    """[k+1, d] iterates x_0 … x_k of a recorded run plus its final params, or a given [k+1, d] array."""
    if isinstance(result, OptimizeResult):
        recorded_history(label, result, argname)
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


def unpack_function(fun: Any) -> tuple[Callable, tuple | None, np.ndarray | None]:
    """(function, bounds, minimisers) from a Problem or a plain callable."""
    if isinstance(fun, Problem):
        return fun.fun, fun.bounds, (fun.minimizers if len(fun.minimizers) else fun.x_star[None])
    if not callable(fun):
        raise ValueError(f"fun must be a callable or a Problem, got {type(fun).__name__}")
    return fun, None, None


def axis_limits(name: str, given: Any, default: Any, points: np.ndarray) -> tuple[float, float]:
    """``(low, high)`` of one axis: ``given``, else ``default`` (a problem's bounds), else the finite
    ``points``' extent padded by 10 %; ``name`` is the argument the error names."""
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


def positive_for_log(values: np.ndarray, log: bool) -> np.ndarray:
    """For a log axis: non-positive values become NaN (gaps) instead of matplotlib warnings."""
    values = np.asarray(values, dtype=np.float64)
    return np.where(values > 0, values, np.nan) if log else values


def check_resolution(resolution: Any) -> None:
    """``resolution`` (grid points per axis) is an integer ≥ 2."""
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer ≥ 2, got {resolution!r}")
