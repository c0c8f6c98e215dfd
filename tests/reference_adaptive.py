"""Plain NumPy reference loops of the per-parameter adaptive rates before Adam, ALGORITHMS.md §3:
AdaGrad, RMSProp (every lecture variant), AdaDelta.

Conventions (``grad_fn``, ``w0``, the returned list, t from 1, ``lr`` as η or ``k ↦ η_k``):
see tests/reference.py, which re-exports every loop.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reference_common import GradFn, gradient_at, rate_at, root, safe_div, start_vector

__all__ = [
    "adadelta_ref",
    "adagrad_ref",
    "rmsprop_ref",
]


# --------------------------------------------------------------------------------------------
# §3 per-parameter adaptive rates
# --------------------------------------------------------------------------------------------


def adagrad_ref(
    grad_fn: GradFn,
    w0: Any,
    steps: int,
    lr: Any,
    eps: float = 1e-8,
    eps_in_sqrt: bool = True,
    initial_accumulator: float = 0.0,
) -> list[np.ndarray]:
    """AdaGrad: s ← s + g² ; w ← w − η g/√(s+ε) (L0, L1, L4) or η g/(δ+√s) (L2). s₀ given."""
    w = start_vector(w0)
    s = np.full_like(w, initial_accumulator)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        s = s + g**2
        w = w - rate_at(lr, t) * safe_div(g, root(s, eps, eps_in_sqrt))
        ws.append(w.copy())
    return ws


def rmsprop_ref(
    grad_fn: GradFn,
    w0: Any,
    steps: int,
    lr: Any,
    decay: float = 0.9,
    eps: float = 1e-8,
    eps_in_sqrt: bool = True,
    centered: bool = False,
    momentum: float = 0.0,
    nesterov: bool = False,
    init: str = "zeros",
    scalar: bool = False,
) -> list[np.ndarray]:
    """RMSProp with every lecture variant.

    s ← γs + (1−γ)g² ; d = g/√(s+ε)  (or g/(√s+ε) with eps_in_sqrt=False)
      centered (Graves 2013):  m̄ ← γm̄ + (1−γ)g ; d = g/√(s − m̄² + ε)
      init="first_grad" (L4):  s = g₀² before the first EMA (so s₁ = g₀²)
      scalar (L3 eq. 35):      s ← γs + (1−γ)‖g‖², one number for all weights
    then
      momentum = 0:            w ← w − η d
      momentum α > 0:          v ← αv − η d ; w ← w + v
      nesterov (L2), α > 0:    u = −η d ; v ← αv + u ; w ← w + u + αv  (re-parameterised like
                               nesterov_ref: the gradient fed in is the look-ahead gradient)
    """
    if scalar and centered:
        raise ValueError("centered needs per-weight statistics")
    if nesterov and momentum == 0:
        raise ValueError("nesterov needs momentum > 0")
    w = start_vector(w0)
    s = 0.0 if scalar else np.zeros_like(w)
    m_bar = np.zeros_like(w)
    v = np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        eta = rate_at(lr, t)
        sq = np.sum(g**2) if scalar else g**2  # ‖g‖² (L3 eq. 35) or g² per weight
        if init == "first_grad" and t == 1:
            s = sq  # G(0) = (∇E(w₀))²  (L4)
        s = decay * s + (1 - decay) * sq
        if centered:
            m_bar = decay * m_bar + (1 - decay) * g
            d = safe_div(g, root(s - m_bar**2, eps, eps_in_sqrt))
        else:
            d = safe_div(g, root(s, eps, eps_in_sqrt))
        if momentum == 0:
            w = w - eta * d
        elif not nesterov:
            v = momentum * v - eta * d
            w = w + v
        else:
            u = -eta * d
            v = momentum * v + u
            w = w + u + momentum * v
        ws.append(w.copy())
    return ws


def adadelta_ref(
    grad_fn: GradFn, w0: Any, steps: int, lr: Any = 1.0, rho: float = 0.9, eps: float = 1e-6, eps_in_sqrt: bool = True
) -> list[np.ndarray]:
    """AdaDelta (Zeiler 2012).

    G ← ρG + (1−ρ)g² ; Δ = −√(D+ε)/√(G+ε) ⊙ g  (L4)  or  −(√D + ε)/√(G+ε) ⊙ g  (L1) ;
    D ← ρD + (1−ρ)Δ² ; w ← w + ηΔ.
    """
    w = start_vector(w0)
    G = np.zeros_like(w)
    D = np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        G = rho * G + (1 - rho) * g**2
        numerator = np.sqrt(D + eps) if eps_in_sqrt else np.sqrt(D) + eps
        delta = -safe_div(numerator * g, np.sqrt(G + eps))
        D = rho * D + (1 - rho) * delta**2
        w = w + rate_at(lr, t) * delta
        ws.append(w.copy())
    return ws
