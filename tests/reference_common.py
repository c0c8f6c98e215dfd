"""What every plain NumPy reference loop (tests/reference_*.py) shares: the start vector, the
gradient as a flat float64 vector, η_t, the 0/0 := 0 division, the two ε placements and the branch
counter. The conventions they implement are listed in tests/reference.py (ALGORITHMS.md §1–4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["GradFn", "count_branch", "gradient_at", "rate_at", "root", "safe_div", "start_vector"]

GradFn = Callable[[np.ndarray], np.ndarray]


def start_vector(w0: Any) -> np.ndarray:
    """w₀ as a flat float64 copy."""
    return np.array(w0, dtype=np.float64).ravel()


def gradient_at(grad_fn: GradFn, w: np.ndarray) -> np.ndarray:
    """∇E(w) as a flat float64 vector."""
    return np.asarray(grad_fn(w), dtype=np.float64).ravel()


def rate_at(lr: Any, t: int) -> float:
    """η for step t (1-based): a constant, or a schedule evaluated at k = t − 1."""
    return float(lr(t - 1)) if callable(lr) else float(lr)


def safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num/den elementwise, with 0/0 := 0 (den = 0 only when ε = 0 and every g so far was 0)."""
    num, den = np.broadcast_arrays(np.asarray(num, np.float64), np.asarray(den, np.float64))
    out = np.zeros(num.shape)
    nz = den != 0
    out[nz] = num[nz] / den[nz]
    return out


def root(s: np.ndarray, eps: float, eps_in_sqrt: bool) -> np.ndarray:
    """√(s + ε) (L0, L1, L4) or √s + ε (L2, Kingma & Ba, torch)."""
    return np.sqrt(s + eps) if eps_in_sqrt else np.sqrt(s) + eps


def count_branch(stats: dict | None, key: str) -> None:
    """One more run of branch ``key`` in ``stats`` (when the caller asked for counts)."""
    if stats is not None:
        stats[key] = stats.get(key, 0) + 1
