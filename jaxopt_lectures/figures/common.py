"""What the lectures' figure modules share: number formatting, tolerant comparison, recorded runs, panels.

ALGORITHMS.md §10. Every entry of :data:`~jaxopt_lectures.figures.EXAMPLES` prints the lecture's
numbers next to ours (:func:`num`, :func:`vec`), decides agreement with a stated tolerance
(:func:`close`), traces its optimizers with ``minimize(..., record=True)`` (:func:`run`) and lays
out its figure in side-by-side panels (:func:`panels`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import plotting
from ..solve import OptimizeResult, minimize

__all__ = ["WIDE", "close", "num", "panels", "run", "vec"]

#: Figure size in inches of two panels side by side.
WIDE = (11.0, 4.5)


def num(x: float, digits: int = 6) -> str:
    """``x`` with ``digits`` significant digits, as the claims print it."""
    return f"{x:.{digits}g}"


def vec(v: Iterable[float], digits: int = 6) -> str:
    """A vector as ``(v1, v2, …)``, each entry as :func:`num` prints it."""
    return "(" + ", ".join(num(float(x), digits) for x in v) + ")"


def close(lecture: float | Sequence[float], computed: Any, rtol: float, atol: float = 0.0) -> bool:
    """Whether ``computed`` equals the lecture's number(s) within ``rtol``/``atol`` (``np.allclose``, float64)."""
    return bool(np.allclose(np.asarray(computed, np.float64), np.asarray(lecture, np.float64), rtol=rtol, atol=atol))


def run(fun: Callable, x0: Any, optimizer: Any, steps: int, gtol: float = 0.0) -> OptimizeResult:
    """``minimize`` with a recorded history (``gtol = 0``: exactly ``steps`` steps unless ∇f = 0)."""
    return minimize(fun, jnp.asarray(x0, float), optimizer, max_steps=steps, gtol=gtol, record=True)


def panels(plot: bool, ncols: int = 2, figsize: Sequence[float] = WIDE):
    """``(figure, axes)`` for ``ncols`` panels, or ``(None, [None] * ncols)`` without plotting."""
    if not plot:
        return None, [None] * ncols
    fig, axes = plotting.new_figure(figsize, 1, ncols)
    return fig, (axes if ncols > 1 else [axes])
