"""Learning-rate schedules of the lectures (ALGORITHMS.md §5), as optax schedules ``count -> η``.

``count`` is optax's step counter, 0 at the first update. Where optax ships the identical
formula it is used (and said so); the rest are written here. All accept traced hyperparameters,
so a ``jax.vmap`` over η0 or a decay constant compiles once.

Robbins–Monro (L2): SGD converges for a decreasing η_t with Σ η_t = ∞ and Σ η_t² < ∞ — true of
1/t and of the polynomial schedule with ½ < α ≤ 1; not of 1/√t (Σ η² = ∞) nor of exponential
decay (Σ η < ∞), which are used in practice with a floor or a finite budget.

=========================  ===========================================  =======================
lecture name               η(t), t = count                              implementation
=========================  ===========================================  =======================
piecewise_constant         η0 · Π{scale_i : t ≥ boundary_i}             ``optax.piecewise_constant_schedule``
step_decay                 η0 · factor^⌊t/k⌋ (×factor every k steps)     ``optax.exponential_decay(staircase)``
exponential_decay          η0 · e^(−λt)                                 ``optax.exponential_decay``
polynomial_decay           η0 (βt + 1)^(−α)  (L0, d2l)                  here
inverse_time_decay         η0 / (1 + kt)                                here
one_over_t                 η0 / (t + 1)  (L3 eq. 17, 1/t from t = 1)    here
one_over_sqrt_t            η0 / √(t + 1)  (L3 eq. 17)                   here
linear_to_floor            η0 → floor·η0 linearly over τ steps, then    ``optax.linear_schedule``
                           constant (L2; floor = 1%)
cosine_annealing           ½η0 (1 + cos(π t/T)), 0 after T              ``optax.cosine_decay_schedule``
sgdr                       cosine annealing with warm restarts          ``optax.sgdr_schedule``
inverse_sqrt               η0 √(w / max(t, w)) (warm-up w, then 1/√t)   here
reduce_on_plateau          ×factor when the loss stalls (a transform)   ``optax.contrib.reduce_on_plateau``
=========================  ===========================================  =======================
"""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import optax

from .optimizers.base import check_integer, check_range

__all__ = [
    "cosine_annealing",
    "exponential_decay",
    "inverse_sqrt",
    "inverse_time_decay",
    "linear_to_floor",
    "one_over_sqrt_t",
    "one_over_t",
    "piecewise_constant",
    "polynomial_decay",
    "reduce_on_plateau",
    "sgdr",
    "step_decay",
]


def _t(count: Any, like: Any) -> jnp.ndarray:
    dtype = jnp.result_type(float, jnp.asarray(like).dtype)
    return jnp.asarray(count).astype(dtype)


def piecewise_constant(init_value: float, boundaries_and_scales: dict[int, float]) -> optax.Schedule:
    """η0 multiplied by ``scale`` from each ``boundary`` step on (``optax.piecewise_constant_schedule``)."""
    return optax.piecewise_constant_schedule(init_value, boundaries_and_scales)


def step_decay(init_value: Any, factor: Any, every: int) -> optax.Schedule:
    """η0 · factor^⌊t/every⌋: multiply by ``factor`` every ``every`` steps (epochs in L0/L1)."""
    check_range("factor", factor, low=0.0)
    check_integer("every", every)
    return optax.exponential_decay(init_value, transition_steps=every, decay_rate=factor, staircase=True)


def exponential_decay(init_value: Any, rate: Any) -> optax.Schedule:
    """η0 · e^(−λt) with λ = ``rate`` ≥ 0 (optax's exponential decay with decay_rate e^(−λ))."""
    check_range("rate", rate, low=0.0)

    def schedule(count):
        # optax.exponential_decay needs a concrete decay_rate; e^(−λt) directly keeps λ traceable.
        return init_value * jnp.exp(-rate * _t(count, init_value))

    return schedule


def polynomial_decay(init_value: Any, alpha: Any, beta: Any = 1.0) -> optax.Schedule:
    """η0 (βt + 1)^(−α) (L0; d2l's polynomial decay). ``optax.polynomial_schedule`` is a
    different formula (a polynomial ramp between two values over a fixed horizon)."""
    check_range("alpha", alpha, low=0.0)
    check_range("beta", beta, low=0.0)

    def schedule(count):
        return init_value * (beta * _t(count, init_value) + 1.0) ** (-alpha)

    return schedule


def inverse_time_decay(init_value: Any, k: Any) -> optax.Schedule:
    """η0 / (1 + kt), the "1/t decay" of L0/L4 with decay constant k ≥ 0."""
    check_range("k", k, low=0.0)

    def schedule(count):
        return init_value / (1.0 + k * _t(count, init_value))

    return schedule


def one_over_t(init_value: Any = 1.0) -> optax.Schedule:
    """η_t = η0/t for t = 1, 2, … (L3 eq. 17); count 0 is t = 1."""

    def schedule(count):
        return init_value / (_t(count, init_value) + 1.0)

    return schedule


def one_over_sqrt_t(init_value: Any = 1.0) -> optax.Schedule:
    """η_t = η0/√t for t = 1, 2, … (L3 eq. 17); count 0 is t = 1."""

    def schedule(count):
        return init_value / jnp.sqrt(_t(count, init_value) + 1.0)

    return schedule


def linear_to_floor(init_value: float, steps: int, floor: float = 0.01) -> optax.Schedule:
    """L2's linear decay: ε_t = (1 − t/τ)ε0 + (t/τ)ε_τ for t ≤ τ, then ε_τ, with ε_τ = floor·ε0
    (1% by default) and τ = ``steps`` (``optax.linear_schedule``)."""
    check_range("floor", floor, low=0.0)
    check_integer("steps", steps)
    return optax.linear_schedule(init_value, floor * init_value, transition_steps=steps)


def cosine_annealing(init_value: float, steps: int, floor: float = 0.0) -> optax.Schedule:
    """½η0(1 + cos(πt/T)) for t ≤ T = ``steps``, then ``floor``·η0 (``optax.cosine_decay_schedule``)."""
    check_integer("steps", steps)
    return optax.cosine_decay_schedule(init_value, steps, alpha=floor)


def sgdr(init_value: float, period: int, restarts: int, period_mult: float = 1.0) -> optax.Schedule:
    """SGDR (Loshchilov & Hutter 2017): cosine annealing restarted ``restarts`` times, periods
    growing by ``period_mult`` (built from ``optax.sgdr_schedule``, no warm-up); 0 after the last
    period."""
    check_integer("period", period)
    check_integer("restarts", restarts)
    kwargs = []
    length = float(period)
    for _ in range(restarts):
        steps = max(1, int(math.floor(length)))
        kwargs.append(dict(init_value=init_value, peak_value=init_value, warmup_steps=0, decay_steps=steps, end_value=0.0))
        length *= period_mult
    return optax.sgdr_schedule(kwargs)


def inverse_sqrt(init_value: Any, warmup_steps: int = 1) -> optax.Schedule:
    """Inverse square root: η0 for t < w, then η0 √(w/t) (the Transformer schedule without its
    linear warm-up ramp); w = ``warmup_steps`` ≥ 1."""
    check_integer("warmup_steps", warmup_steps)

    def schedule(count):
        t = _t(count, init_value)
        return init_value * jnp.sqrt(warmup_steps / jnp.maximum(t, warmup_steps))

    return schedule


reduce_on_plateau = optax.contrib.reduce_on_plateau
