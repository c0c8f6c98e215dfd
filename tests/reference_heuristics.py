"""Plain NumPy reference loops of the sign- and curvature-heuristic rules, ALGORITHMS.md §4:
Rprop (four variants), delta-delta, delta-bar-delta, Quickprop, written as per-weight loops with
explicit branches; each takes an optional ``stats`` dict counting the branches it ran.

Conventions (``grad_fn``, ``w0``, the returned list, t from 1, ``lr`` as η or ``k ↦ η_k``):
see tests/reference.py, which re-exports every loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from reference_common import GradFn, count_branch, gradient_at, rate_at, start_vector

__all__ = [
    "delta_bar_delta_ref",
    "delta_delta_ref",
    "quickprop_ref",
    "rprop_ref",
]


# --------------------------------------------------------------------------------------------
# §4 sign- and curvature-heuristic rules (per-weight branches, written as per-weight loops)
# --------------------------------------------------------------------------------------------


def rprop_ref(
    grad_fn: GradFn,
    w0: Any,
    steps: int,
    lr: float = 0.01,
    eta_minus: float = 0.5,
    eta_plus: float = 1.2,
    min_step: float = 1e-6,
    max_step: float = 50.0,
    variant: str = "irprop-",
    loss_fn: Callable[[np.ndarray], float] | None = None,
    stats: dict | None = None,
) -> list[np.ndarray]:
    """Rprop in the four variants of L4, as the pseudo-code of Igel & Hüsken (2000, 2003).

    ``lr`` is the initial step size Δ₀. For every weight i at every step t:

        if gᵢ(t−1)·gᵢ(t) > 0:  Δᵢ ← min(η⁺Δᵢ, Δmax) ; Δwᵢ = −sign(gᵢ)Δᵢ ; wᵢ ← wᵢ + Δwᵢ
        if gᵢ(t−1)·gᵢ(t) < 0:  Δᵢ ← max(η⁻Δᵢ, Δmin) and then
            rprop-:  Δwᵢ = −sign(gᵢ)Δᵢ ; wᵢ ← wᵢ + Δwᵢ            (the rule as written)
            rprop+:  wᵢ ← wᵢ − Δwᵢ(t−1) ; gᵢ(t) := 0              (backtrack, forget)
            irprop-: gᵢ(t) := 0 (no step)                          (torch.optim.Rprop)
            irprop+: if E(t) > E(t−1): wᵢ ← wᵢ − Δwᵢ(t−1) ; gᵢ(t) := 0
        if gᵢ(t−1)·gᵢ(t) = 0:  Δwᵢ = −sign(gᵢ)Δᵢ ; wᵢ ← wᵢ + Δwᵢ
        gᵢ(t−1) ← gᵢ(t)   (the possibly forgotten one)

    irprop+ needs ``loss_fn`` (E(w)); E(0) is compared with E(−1) = +∞.
    ``stats`` counts the branches: "grow", "shrink", "keep", "backtrack", "no_step", and how
    often Δᵢ sits at a bound after an update: "at_max_step", "at_min_step".
    """
    if variant not in ("rprop-", "rprop+", "irprop-", "irprop+"):
        raise ValueError(variant)
    if variant == "irprop+" and loss_fn is None:
        raise ValueError("irprop+ needs loss_fn")
    w = start_vector(w0)
    n = w.size
    step = [float(lr)] * n  # Δᵢ
    g_prev = [0.0] * n  # gᵢ(t−1) as remembered
    dw_prev = [0.0] * n  # Δwᵢ(t−1)
    E_prev = np.inf
    ws = [w.copy()]
    for _t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        E = float(loss_fn(w)) if variant == "irprop+" else None
        w = w.copy()
        dw = [0.0] * n
        for i in range(n):
            gi = float(g[i])
            if g_prev[i] * gi > 0:
                count_branch(stats, "grow")
                step[i] = min(step[i] * eta_plus, max_step)
                if step[i] == max_step:
                    count_branch(stats, "at_max_step")
                dw[i] = -np.sign(gi) * step[i]
                w[i] = w[i] + dw[i]
                g_prev[i] = gi
            elif g_prev[i] * gi < 0:
                count_branch(stats, "shrink")
                step[i] = max(step[i] * eta_minus, min_step)
                if step[i] == min_step:
                    count_branch(stats, "at_min_step")
                if variant == "rprop-":
                    dw[i] = -np.sign(gi) * step[i]
                    w[i] = w[i] + dw[i]
                    g_prev[i] = gi
                elif variant == "rprop+":
                    count_branch(stats, "backtrack")
                    w[i] = w[i] - dw_prev[i]
                    dw[i] = -dw_prev[i]
                    g_prev[i] = 0.0
                elif variant == "irprop-":
                    count_branch(stats, "no_step")
                    g_prev[i] = 0.0
                else:  # irprop+
                    if E > E_prev:
                        count_branch(stats, "backtrack")
                        w[i] = w[i] - dw_prev[i]
                        dw[i] = -dw_prev[i]
                    else:
                        count_branch(stats, "no_step")
                    g_prev[i] = 0.0
            else:
                count_branch(stats, "keep")
                dw[i] = -np.sign(gi) * step[i]
                w[i] = w[i] + dw[i]
                g_prev[i] = gi
        dw_prev = dw
        E_prev = E
        ws.append(w.copy())
    return ws


def delta_delta_ref(
    grad_fn: GradFn,
    w0: Any,
    steps: int,
    lr: float,
    gamma: float = 1e-3,
    min_rate: float | None = None,
    stats: dict | None = None,
) -> list[np.ndarray]:
    """Delta-delta (Jacobs 1988; L1, L4), per weight i:

        ηᵢ ← ηᵢ + γ gᵢ(t) gᵢ(t−1)   (gᵢ(0) = 0 ; optionally ηᵢ ← max(ηᵢ, min_rate)) ;
        wᵢ ← wᵢ − ηᵢ gᵢ(t)

    ``stats`` counts "agree"/"disagree" (the sign of gᵢ(t)gᵢ(t−1)) and "clamped".
    """
    w = start_vector(w0)
    n = w.size
    rate = [float(lr)] * n
    g_prev = [0.0] * n
    ws = [w.copy()]
    for _t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        w = w.copy()
        for i in range(n):
            gi = float(g[i])
            if gi * g_prev[i] > 0:
                count_branch(stats, "agree")
            elif gi * g_prev[i] < 0:
                count_branch(stats, "disagree")
            rate[i] = rate[i] + gamma * gi * g_prev[i]
            if min_rate is not None and rate[i] < min_rate:
                count_branch(stats, "clamped")
                rate[i] = min_rate
            w[i] = w[i] - rate[i] * gi
            g_prev[i] = gi
        ws.append(w.copy())
    return ws


def delta_bar_delta_ref(
    grad_fn: GradFn,
    w0: Any,
    steps: int,
    lr: float,
    kappa: float = 1e-3,
    phi: float = 0.1,
    theta: float = 0.7,
    stats: dict | None = None,
) -> list[np.ndarray]:
    """Delta-bar-delta (Jacobs 1988; L1, L3, L4), per weight i:

        if ḡᵢ(t−1) gᵢ(t) > 0: ηᵢ ← ηᵢ + κ
        elif        ...  < 0: ηᵢ ← ηᵢ − φηᵢ
        else:                 ηᵢ unchanged
        wᵢ ← wᵢ − ηᵢ gᵢ(t) ;  ḡᵢ ← θḡᵢ + (1−θ)gᵢ(t)     (ḡᵢ(0) = 0)

    ``stats`` counts "increase", "decrease", "unchanged".
    """
    w = start_vector(w0)
    n = w.size
    rate = [float(lr)] * n
    g_bar = [0.0] * n
    ws = [w.copy()]
    for _t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        w = w.copy()
        for i in range(n):
            gi = float(g[i])
            if g_bar[i] * gi > 0:
                count_branch(stats, "increase")
                rate[i] = rate[i] + kappa
            elif g_bar[i] * gi < 0:
                count_branch(stats, "decrease")
                rate[i] = rate[i] - phi * rate[i]
            else:
                count_branch(stats, "unchanged")
            w[i] = w[i] - rate[i] * gi
            g_bar[i] = theta * g_bar[i] + (1 - theta) * gi
        ws.append(w.copy())
    return ws


def quickprop_ref(
    grad_fn: GradFn, w0: Any, steps: int, lr: Any, max_growth: float = 1.75, stats: dict | None = None
) -> list[np.ndarray]:
    """Quickprop (Fahlman 1988; L1, L4), per weight i, with the catalogue's guards:

        if t = 1 or Δwᵢ(t−1) = 0:               Δwᵢ(t) = −η_t gᵢ(t)                (GD step)
        elif gᵢ(t)gᵢ(t−1) > 0 and |gᵢ(t)| ≥ |gᵢ(t−1)|:
                                                Δwᵢ(t) = μ Δwᵢ(t−1)   (no minimum ahead;
                                                                       covers gᵢ(t−1) = gᵢ(t) ≠ 0)
        elif gᵢ(t−1) = gᵢ(t) (= 0):             Δwᵢ(t) = 0            (flat: 0/0 := 0)
        else:                                   Δwᵢ(t) = min(gᵢ(t)/(gᵢ(t−1) − gᵢ(t)), μ) Δwᵢ(t−1)
        wᵢ ← wᵢ + Δwᵢ(t)

    μ = ``max_growth``. ``stats`` counts "gd", "mu" (no minimum ahead), "capped" (the parabola
    factor hit μ), "shrinking" (same sign, |g| smaller: factor in (0, μ)), "sign_change" (jump
    back to the parabola's minimum: factor in (−1, 0)), "flat".
    """
    w = start_vector(w0)
    n = w.size
    g_prev = [0.0] * n
    dw_prev = [0.0] * n
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = gradient_at(grad_fn, w)
        eta = rate_at(lr, t)
        w = w.copy()
        dw = [0.0] * n
        for i in range(n):
            gi, gp = float(g[i]), g_prev[i]
            if t == 1 or dw_prev[i] == 0:
                count_branch(stats, "gd")
                dw[i] = -eta * gi
            elif gi * gp > 0 and abs(gi) >= abs(gp):
                count_branch(stats, "mu")
                dw[i] = max_growth * dw_prev[i]
            elif gi == gp:
                count_branch(stats, "flat")
                dw[i] = 0.0
            else:
                factor = gi / (gp - gi)
                if factor > max_growth:
                    count_branch(stats, "capped")
                    factor = max_growth
                elif factor < 0:
                    count_branch(stats, "sign_change")
                else:
                    count_branch(stats, "shrinking")
                dw[i] = factor * dw_prev[i]
            w[i] = w[i] + dw[i]
            g_prev[i] = gi
        dw_prev = dw
        ws.append(w.copy())
    return ws
