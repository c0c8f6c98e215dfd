"""Plain NumPy reference loops of the Adam family, ALGORITHMS.md §3: Adam, AdaMax, Nadam, Yogi,
AMSGrad (Kingma & Ba 2015 alg. 1–2; Dozat 2016; Zaheer et al. 2018; Reddi et al. 2018).

Conventions (``grad_fn``, ``w0``, the returned list, t from 1, ``lr`` as η or ``k ↦ η_k``):
see tests/reference.py, which re-exports every loop.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reference_common import GradFn, gradient_at, rate_at, root, safe_div, start_vector

__all__ = [
    "adam_ref",
    "adamax_ref",
    "amsgrad_ref",
    "nadam_ref",
    "yogi_ref",
]


def adam_ref(
    grad_fn: GradFn,
    w0: Any,
    steps: int,
    lr: Any = 1e-3,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    eps_in_sqrt: bool = False,
    bias_correction: bool = True,
    scalar: bool = False,
) -> list[np.ndarray]:
    """Adam (Kingma & Ba 2015 alg. 1) with the lecture variants.

    m ← β1m + (1−β1)g ; v ← β2v + (1−β2)g²  (scalar, L3 eq. 38: v ← β2v + (1−β2)‖g‖²) ;
    m̂ = m/(1−β1ᵗ) ; v̂ = v/(1−β2ᵗ)  (bias_correction=False, L1: m̂ = m, v̂ = v) ;
    w ← w − η m̂/(√v̂ + ε)  (eps_in_sqrt=True, L0 alg. 6 and L4: η m̂/√(v̂ + ε)).
    """
    w = start_vector(w0)
    m = np.zeros_like(w)
    v = 0.0 if scalar else np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * (np.sum(g**2) if scalar else g**2)
        if bias_correction:
            m_hat = m / (1 - b1**t)
            v_hat = v / (1 - b2**t)
        else:
            m_hat, v_hat = m, v
        w = w - rate_at(lr, t) * safe_div(m_hat, root(v_hat, eps, eps_in_sqrt))
        ws.append(w.copy())
    return ws


def adamax_ref(
    grad_fn: GradFn,
    w0: Any,
    steps: int,
    lr: Any = 2e-3,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    eps_in_max: bool = False,
) -> list[np.ndarray]:
    """AdaMax (Kingma & Ba 2015 alg. 2; L4).

    m ← β1m + (1−β1)g ;
    eps_in_max=False (catalogue): u ← max(β2u, |g|) ;      w ← w − η/(1−β1ᵗ) · m/(u+ε)
    eps_in_max=True (optax/torch): u ← max(β2u, |g| + ε) ; w ← w − η/(1−β1ᵗ) · m/u
    """
    w = start_vector(w0)
    m = np.zeros_like(w)
    u = np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        m = b1 * m + (1 - b1) * g
        if eps_in_max:
            u = np.maximum(b2 * u, np.abs(g) + eps)
            denominator = u
        else:
            u = np.maximum(b2 * u, np.abs(g))
            denominator = u + eps
        w = w - rate_at(lr, t) * safe_div(m, (1 - b1**t) * denominator)
        ws.append(w.copy())
    return ws


def nadam_ref(
    grad_fn: GradFn,
    w0: Any,
    steps: int,
    lr: Any = 2e-3,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    correction: str = "dozat",
) -> list[np.ndarray]:
    """Nadam (Dozat 2016; L4): Adam with m̂ replaced by a Nesterov-corrected m̄.

    correction="dozat": m̄ = β1 m/(1−β1ᵗ⁺¹) + (1−β1) g/(1−β1ᵗ)
    correction="adam" : m̄ = β1 m/(1−β1ᵗ)   + (1−β1) g/(1−β1ᵗ)   (ALGORITHMS.md §3 literally)
    w ← w − η m̄/(√v̂ + ε), v̂ = v/(1−β2ᵗ).
    """
    if correction not in ("dozat", "adam"):
        raise ValueError(correction)
    w = start_vector(w0)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_correction = 1 - b1 ** (t + 1) if correction == "dozat" else 1 - b1**t
        m_bar = b1 * m / m_correction + (1 - b1) * g / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        w = w - rate_at(lr, t) * safe_div(m_bar, np.sqrt(v_hat) + eps)
        ws.append(w.copy())
    return ws


def yogi_ref(
    grad_fn: GradFn,
    w0: Any,
    steps: int,
    lr: Any = 1e-2,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-3,
    initial_accumulator: float = 1e-6,
    bias_correction: bool = True,
) -> list[np.ndarray]:
    """Yogi (Zaheer et al. 2018; L0): Adam with the additive second-moment update.

    m₀ = v₀ = initial_accumulator ; m ← β1m + (1−β1)g ; v ← v − (1−β2) sign(v − g²) g² ;
    m̂, v̂ bias-corrected (or m, v with bias_correction=False) ; w ← w − η m̂/(√v̂ + ε).
    """
    w = start_vector(w0)
    m = np.full_like(w, initial_accumulator)
    v = np.full_like(w, initial_accumulator)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        m = b1 * m + (1 - b1) * g
        v = v - (1 - b2) * np.sign(v - g**2) * g**2
        if bias_correction:
            m_hat = m / (1 - b1**t)
            v_hat = v / (1 - b2**t)
        else:
            m_hat, v_hat = m, v
        w = w - rate_at(lr, t) * safe_div(m_hat, np.sqrt(v_hat) + eps)
        ws.append(w.copy())
    return ws


def amsgrad_ref(
    grad_fn: GradFn,
    w0: Any,
    steps: int,
    lr: Any = 1e-3,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    max_of: str = "corrected",
) -> list[np.ndarray]:
    """AMSGrad (Reddi et al. 2018): Adam whose denominator never shrinks.

    max_of="corrected" (optax): v̂max ← max(v̂max, v/(1−β2ᵗ)) ; w ← w − η m̂/(√v̂max + ε)
    max_of="raw" (torch):       vmax ← max(vmax, v) ;        w ← w − η m̂/(√(vmax/(1−β2ᵗ)) + ε)
    """
    if max_of not in ("corrected", "raw"):
        raise ValueError(max_of)
    w = start_vector(w0)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    v_max = np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = m / (1 - b1**t)
        if max_of == "corrected":
            v_max = np.maximum(v_max, v / (1 - b2**t))
            denominator = np.sqrt(v_max) + eps
        else:
            v_max = np.maximum(v_max, v)
            denominator = np.sqrt(v_max / (1 - b2**t)) + eps
        w = w - rate_at(lr, t) * safe_div(m_hat, denominator)
        ws.append(w.copy())
    return ws
