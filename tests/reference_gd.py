"""Plain NumPy reference loops of gradient descent and momentum, ALGORITHMS.md §1–2 (L0–L4).

Conventions (``grad_fn``, ``w0``, the returned list, t from 1, ``lr`` as η or ``k ↦ η_k``):
see tests/reference.py, which re-exports every loop.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reference_common import GradFn, gradient_at, rate_at, start_vector

__all__ = [
    "momentum_ref",
    "nesterov_ref",
    "sgd_ref",
]


# --------------------------------------------------------------------------------------------
# §1 gradient descent
# --------------------------------------------------------------------------------------------


def sgd_ref(grad_fn: GradFn, w0: Any, steps: int, lr: Any) -> list[np.ndarray]:
    """w ← w − η g (L0–L4)."""
    w = start_vector(w0)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        w = w - rate_at(lr, t) * g
        ws.append(w.copy())
    return ws


# --------------------------------------------------------------------------------------------
# §2 momentum
# --------------------------------------------------------------------------------------------


def momentum_ref(grad_fn: GradFn, w0: Any, steps: int, lr: Any, beta: float = 0.9, form: str = "classic") -> list[np.ndarray]:
    """The three momentum forms of the lectures.

    classic  (L2, L3 eq. 8, L4 impl. 1): v ← βv − η_t g ; w ← w + v
    ema      (L0, L1):                   v ← βv + (1−β) g ; w ← w − η_t v
    dampened (L4 impl. 2):               Δw ← −η_t (1−β) g + β Δw ; w ← w + Δw
    """
    if form not in ("classic", "ema", "dampened"):
        raise ValueError(form)
    w = start_vector(w0)
    v = np.zeros_like(w)  # v, or Δw for the dampened form
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        eta = rate_at(lr, t)
        if form == "classic":
            v = beta * v - eta * g
            w = w + v
        elif form == "ema":
            v = beta * v + (1 - beta) * g
            w = w - eta * v
        else:
            v = -eta * (1 - beta) * g + beta * v
            w = w + v
        ws.append(w.copy())
    return ws


def nesterov_ref(grad_fn: GradFn, w0: Any, steps: int, lr: Any, beta: float = 0.9) -> list[np.ndarray]:
    """Nesterov momentum in the re-parameterised form on w̃ = w + βv (L2, L4; Sutskever 2013).

    g = ∇E(w̃) ; v ← βv − η_t g ; w̃ ← w̃ + βv − η_t g   (with the new v).
    The equivalence with the look-ahead loop g̃ = ∇E(w + βv) is tested elsewhere.
    """
    w = start_vector(w0)
    v = np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        eta = rate_at(lr, t)
        v = beta * v - eta * g
        w = w + beta * v - eta * g
        ws.append(w.copy())
    return ws
