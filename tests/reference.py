"""Plain NumPy (float64) reference loops of the lecture formulas, ALGORITHMS.md §1–4.

Written from ALGORITHMS.md and the lectures it cites, not from the JAX code: each function is the
textbook loop a student would type after the lecture, one array operation per formula line, and
per-element ``for i`` loops with explicit ``if``/``else`` branches wherever the lecture's rule
branches per weight (Rprop, Quickprop, the delta rules). Each registry entry's case
(``tests/cases.py``) names its loop, and ``tests/test_reference_loops.py`` checks that every
optimizer and lecture variant of ``jaxopt_lectures`` reproduces these iterates in float64.

Conventions shared by every ``<name>_ref``:

* ``grad_fn(w)`` returns ∇E(w) for a flat float64 vector ``w``; ``w0`` is the start.
* The result is the list ``[w_0, w_1, ..., w_steps]`` of parameter vectors (copies).
* The step counter t starts at 1 (bias corrections use βᵗ with t = 1 on the first step).
* ``lr`` is η: a number, or a callable ``k ↦ η_k`` of the 0-based step index k = t − 1 (the
  convention of optax schedules: the first update uses η(0)).
* Keyword names and defaults are the lectures' (and ALGORITHMS.md's where it states them), named
  like the keyword arguments of the optimizers so a test can pass one dict to both.
* ``x / y`` where y = 0 only happens with ε = 0 and a weight whose gradients were all exactly 0;
  the lecture formula is then 0/0 and the step is 0 (``_div`` says so in one place).
* Functions with per-element branches take an optional ``stats`` dict and count in it how often
  each branch ran, so tests can assert that a trajectory really exercised every branch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "adadelta_ref",
    "adagrad_ref",
    "adam_ref",
    "adamax_ref",
    "amsgrad_ref",
    "delta_bar_delta_ref",
    "delta_delta_ref",
    "momentum_ref",
    "nadam_ref",
    "nesterov_ref",
    "quickprop_ref",
    "rmsprop_ref",
    "rprop_ref",
    "sgd_ref",
    "yogi_ref",
]

GradFn = Callable[[np.ndarray], np.ndarray]


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _start(w0: Any) -> np.ndarray:
    return np.array(w0, dtype=np.float64).ravel()


def _grad(grad_fn: GradFn, w: np.ndarray) -> np.ndarray:
    return np.asarray(grad_fn(w), dtype=np.float64).ravel()


def _eta(lr: Any, t: int) -> float:
    """η for step t (1-based): a constant, or a schedule evaluated at k = t − 1."""
    return float(lr(t - 1)) if callable(lr) else float(lr)


def _div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num/den elementwise, with 0/0 := 0 (den = 0 only when ε = 0 and every g so far was 0)."""
    num, den = np.broadcast_arrays(np.asarray(num, np.float64), np.asarray(den, np.float64))
    out = np.zeros(num.shape)
    nz = den != 0
    out[nz] = num[nz] / den[nz]
    return out


def _root(s: np.ndarray, eps: float, eps_in_sqrt: bool) -> np.ndarray:
    """√(s + ε) (L0, L1, L4) or √s + ε (L2, Kingma & Ba, torch)."""
    return np.sqrt(s + eps) if eps_in_sqrt else np.sqrt(s) + eps


def _count(stats: dict | None, key: str) -> None:
    if stats is not None:
        stats[key] = stats.get(key, 0) + 1


# --------------------------------------------------------------------------------------------
# §1 gradient descent
# --------------------------------------------------------------------------------------------


def sgd_ref(grad_fn: GradFn, w0: Any, steps: int, lr: Any) -> list[np.ndarray]:
    """w ← w − η g (L0–L4)."""
    w = _start(w0)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        w = w - _eta(lr, t) * g
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
    w = _start(w0)
    v = np.zeros_like(w)  # v, or Δw for the dampened form
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        eta = _eta(lr, t)
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
    w = _start(w0)
    v = np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        eta = _eta(lr, t)
        v = beta * v - eta * g
        w = w + beta * v - eta * g
        ws.append(w.copy())
    return ws


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
    w = _start(w0)
    s = np.full_like(w, initial_accumulator)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        s = s + g**2
        w = w - _eta(lr, t) * _div(g, _root(s, eps, eps_in_sqrt))
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
    w = _start(w0)
    s = 0.0 if scalar else np.zeros_like(w)
    m_bar = np.zeros_like(w)
    v = np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        eta = _eta(lr, t)
        sq = np.sum(g**2) if scalar else g**2  # ‖g‖² (L3 eq. 35) or g² per weight
        if init == "first_grad" and t == 1:
            s = sq  # G(0) = (∇E(w₀))²  (L4)
        s = decay * s + (1 - decay) * sq
        if centered:
            m_bar = decay * m_bar + (1 - decay) * g
            d = _div(g, _root(s - m_bar**2, eps, eps_in_sqrt))
        else:
            d = _div(g, _root(s, eps, eps_in_sqrt))
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
    w = _start(w0)
    G = np.zeros_like(w)
    D = np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        G = rho * G + (1 - rho) * g**2
        numerator = np.sqrt(D + eps) if eps_in_sqrt else np.sqrt(D) + eps
        delta = -_div(numerator * g, np.sqrt(G + eps))
        D = rho * D + (1 - rho) * delta**2
        w = w + _eta(lr, t) * delta
        ws.append(w.copy())
    return ws


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
    w = _start(w0)
    m = np.zeros_like(w)
    v = 0.0 if scalar else np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * (np.sum(g**2) if scalar else g**2)
        if bias_correction:
            m_hat = m / (1 - b1**t)
            v_hat = v / (1 - b2**t)
        else:
            m_hat, v_hat = m, v
        w = w - _eta(lr, t) * _div(m_hat, _root(v_hat, eps, eps_in_sqrt))
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
    w = _start(w0)
    m = np.zeros_like(w)
    u = np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        m = b1 * m + (1 - b1) * g
        if eps_in_max:
            u = np.maximum(b2 * u, np.abs(g) + eps)
            denominator = u
        else:
            u = np.maximum(b2 * u, np.abs(g))
            denominator = u + eps
        w = w - _eta(lr, t) * _div(m, (1 - b1**t) * denominator)
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
    w = _start(w0)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_correction = 1 - b1 ** (t + 1) if correction == "dozat" else 1 - b1**t
        m_bar = b1 * m / m_correction + (1 - b1) * g / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        w = w - _eta(lr, t) * _div(m_bar, np.sqrt(v_hat) + eps)
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
    w = _start(w0)
    m = np.full_like(w, initial_accumulator)
    v = np.full_like(w, initial_accumulator)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        m = b1 * m + (1 - b1) * g
        v = v - (1 - b2) * np.sign(v - g**2) * g**2
        if bias_correction:
            m_hat = m / (1 - b1**t)
            v_hat = v / (1 - b2**t)
        else:
            m_hat, v_hat = m, v
        w = w - _eta(lr, t) * _div(m_hat, np.sqrt(v_hat) + eps)
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
    w = _start(w0)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    v_max = np.zeros_like(w)
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = m / (1 - b1**t)
        if max_of == "corrected":
            v_max = np.maximum(v_max, v / (1 - b2**t))
            denominator = np.sqrt(v_max) + eps
        else:
            v_max = np.maximum(v_max, v)
            denominator = np.sqrt(v_max / (1 - b2**t)) + eps
        w = w - _eta(lr, t) * _div(m_hat, denominator)
        ws.append(w.copy())
    return ws


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
    w = _start(w0)
    n = w.size
    step = [float(lr)] * n  # Δᵢ
    g_prev = [0.0] * n  # gᵢ(t−1) as remembered
    dw_prev = [0.0] * n  # Δwᵢ(t−1)
    E_prev = np.inf
    ws = [w.copy()]
    for _t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        E = float(loss_fn(w)) if variant == "irprop+" else None
        w = w.copy()
        dw = [0.0] * n
        for i in range(n):
            gi = float(g[i])
            if g_prev[i] * gi > 0:
                _count(stats, "grow")
                step[i] = min(step[i] * eta_plus, max_step)
                if step[i] == max_step:
                    _count(stats, "at_max_step")
                dw[i] = -np.sign(gi) * step[i]
                w[i] = w[i] + dw[i]
                g_prev[i] = gi
            elif g_prev[i] * gi < 0:
                _count(stats, "shrink")
                step[i] = max(step[i] * eta_minus, min_step)
                if step[i] == min_step:
                    _count(stats, "at_min_step")
                if variant == "rprop-":
                    dw[i] = -np.sign(gi) * step[i]
                    w[i] = w[i] + dw[i]
                    g_prev[i] = gi
                elif variant == "rprop+":
                    _count(stats, "backtrack")
                    w[i] = w[i] - dw_prev[i]
                    dw[i] = -dw_prev[i]
                    g_prev[i] = 0.0
                elif variant == "irprop-":
                    _count(stats, "no_step")
                    g_prev[i] = 0.0
                else:  # irprop+
                    if E > E_prev:
                        _count(stats, "backtrack")
                        w[i] = w[i] - dw_prev[i]
                        dw[i] = -dw_prev[i]
                    else:
                        _count(stats, "no_step")
                    g_prev[i] = 0.0
            else:
                _count(stats, "keep")
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
    w = _start(w0)
    n = w.size
    rate = [float(lr)] * n
    g_prev = [0.0] * n
    ws = [w.copy()]
    for _t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        w = w.copy()
        for i in range(n):
            gi = float(g[i])
            if gi * g_prev[i] > 0:
                _count(stats, "agree")
            elif gi * g_prev[i] < 0:
                _count(stats, "disagree")
            rate[i] = rate[i] + gamma * gi * g_prev[i]
            if min_rate is not None and rate[i] < min_rate:
                _count(stats, "clamped")
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
    w = _start(w0)
    n = w.size
    rate = [float(lr)] * n
    g_bar = [0.0] * n
    ws = [w.copy()]
    for _t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        w = w.copy()
        for i in range(n):
            gi = float(g[i])
            if g_bar[i] * gi > 0:
                _count(stats, "increase")
                rate[i] = rate[i] + kappa
            elif g_bar[i] * gi < 0:
                _count(stats, "decrease")
                rate[i] = rate[i] - phi * rate[i]
            else:
                _count(stats, "unchanged")
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
    w = _start(w0)
    n = w.size
    g_prev = [0.0] * n
    dw_prev = [0.0] * n
    ws = [w.copy()]
    for t in range(1, steps + 1):
        g = _grad(grad_fn, w)
        eta = _eta(lr, t)
        w = w.copy()
        dw = [0.0] * n
        for i in range(n):
            gi, gp = float(g[i]), g_prev[i]
            if t == 1 or dw_prev[i] == 0:
                _count(stats, "gd")
                dw[i] = -eta * gi
            elif gi * gp > 0 and abs(gi) >= abs(gp):
                _count(stats, "mu")
                dw[i] = max_growth * dw_prev[i]
            elif gi == gp:
                _count(stats, "flat")
                dw[i] = 0.0
            else:
                factor = gi / (gp - gi)
                if factor > max_growth:
                    _count(stats, "capped")
                    factor = max_growth
                elif factor < 0:
                    _count(stats, "sign_change")
                else:
                    _count(stats, "shrinking")
                dw[i] = factor * dw_prev[i]
            w[i] = w[i] + dw[i]
            g_prev[i] = gi
        dw_prev = dw
        ws.append(w.copy())
    return ws
