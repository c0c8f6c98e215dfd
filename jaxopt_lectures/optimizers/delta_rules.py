"""Per-parameter learning rates adapted by gradient signs: delta-delta and delta-bar-delta
(Jacobs 1988; L1, L3, L4; ALGORITHMS.md §4).

delta-delta:      ηᵢ ← ηᵢ + γ gᵢ(t) gᵢ(t−1) ;                      wᵢ ← wᵢ − ηᵢ gᵢ
delta-bar-delta:  Δηᵢ = κ if ḡᵢ(t−1) gᵢ(t) > 0, −φηᵢ if < 0, else 0 ; ηᵢ ← ηᵢ + Δηᵢ ;
                  wᵢ ← wᵢ − ηᵢ gᵢ ; ḡ ← θḡ + (1−θ)g

The rates ηᵢ are state, initialised to ``learning_rate``; the rates the step uses are the ones
just updated. Delta-delta's rate can turn negative when consecutive gradients disagree for
long (the flaw that motivated delta-bar-delta); ``min_rate`` clamps it if wanted.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax.numpy as jnp
import optax

from .recipe import rebuildable
from .base import (
    after,
    as_compute,
    chain,
    check_learning_rate,
    check_range,
    extra_args_transformation,
    full_like_tree,
    leafwise,
    zeros_like_tree,
)

__all__ = ["delta_bar_delta", "delta_delta", "scale_by_delta_bar_delta", "scale_by_delta_delta"]


class DeltaDeltaState(NamedTuple):
    """Per-parameter rates ηᵢ and the previous gradient."""

    rate: Any
    prev_grad: Any


def scale_by_delta_delta(
    learning_rate: Any, gamma: Any, *, min_rate: Any = None
) -> optax.GradientTransformationExtraArgs:
    """Delta-delta primitive: ηᵢ ← ηᵢ + γgᵢ(t)gᵢ(t−1) ; returns ηᵢgᵢ (to be negated).

    Examples: :func:`delta_delta` (its update is minus this one's).
    """
    check_learning_rate(learning_rate, allow_schedule=False)
    check_range("gamma", gamma, low=0.0)

    def init(params):
        return DeltaDeltaState(full_like_tree(params, learning_rate), zeros_like_tree(params))

    def update(updates, state, params=None, **extra_args):
        del params, extra_args

        def leaf(g, rate, g_prev):
            gm = as_compute(gamma, g)
            gc = g.astype(gm.dtype)
            rate = rate.astype(gm.dtype) + gm * gc * g_prev.astype(gm.dtype)  # ηᵢ ← ηᵢ + γ gᵢ(t) gᵢ(t−1)
            if min_rate is not None:
                rate = jnp.maximum(rate, as_compute(min_rate, g))
            rate = rate.astype(g.dtype)
            return (rate * gc).astype(g.dtype), rate, after(g, rate)  # old gᵢ(t−1) read first

        out, rate, g_prev = leafwise(leaf, updates, state.rate, state.prev_grad, n_out=3)
        return out, DeltaDeltaState(rate, g_prev)

    return extra_args_transformation(init, update)


@rebuildable
def delta_delta(learning_rate: Any, gamma: Any = 1e-3, min_rate: Any = None) -> optax.GradientTransformationExtraArgs:
    """Delta-delta rule (Jacobs 1988; L1, L4; ALGORITHMS.md §4).

    Args:
      learning_rate: initial per-parameter rate η₀ ≥ 0 (state; not a schedule).
      gamma: meta learning rate γ ≥ 0.
      min_rate: optional lower clamp of ηᵢ (not in the lecture formula; ``None`` leaves it out).

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> opt = jl.delta_delta(0.1, gamma=0.1)
      >>> g = jnp.array([1.0, -2.0]); state = opt.init(jnp.zeros(2))
      >>> u, state = opt.update(g, state)   # no g(t−1) yet: η = 0.1
      >>> u, state = opt.update(g, state)   # η ← 0.1 + γ g² = (0.2, 0.5)
      >>> [round(float(x), 4) for x in u]
      [-0.2, 1.0]

    References:
      R. A. Jacobs, "Increased rates of convergence through learning rate adaptation", Neural
      Networks 1 (1988) 295–307. Lectures L1, L4.
    """
    return chain(scale_by_delta_delta(learning_rate, gamma, min_rate=min_rate), optax.scale(-1.0))


class DeltaBarDeltaState(NamedTuple):
    """Per-parameter rates ηᵢ and the exponential average ḡ of past gradients."""

    rate: Any
    grad_avg: Any


def scale_by_delta_bar_delta(
    learning_rate: Any, kappa: Any, phi: Any, theta: Any
) -> optax.GradientTransformationExtraArgs:
    """Delta-bar-delta primitive (Jacobs 1988): adapts ηᵢ, returns ηᵢgᵢ (to be negated).

    Examples: :func:`delta_bar_delta` (its update is minus this one's).
    """
    check_learning_rate(learning_rate, allow_schedule=False)
    check_range("kappa", kappa, low=0.0)
    check_range("phi", phi, low=0.0, high=1.0)
    check_range("theta", theta, low=0.0, high=1.0, high_open=True)

    def init(params):
        return DeltaBarDeltaState(full_like_tree(params, learning_rate), zeros_like_tree(params))

    def update(updates, state, params=None, **extra_args):
        del params, extra_args

        def leaf(g, rate, gbar):
            k, p, th = as_compute(kappa, g), as_compute(phi, g), as_compute(theta, g)
            gc, rate, gbar = g.astype(k.dtype), rate.astype(k.dtype), gbar.astype(k.dtype)
            agree = gbar * gc  # ḡᵢ(t−1) gᵢ(t)
            rate = rate + jnp.where(agree > 0, k, jnp.where(agree < 0, -p * rate, 0))  # ηᵢ ← ηᵢ + Δηᵢ
            gbar = th * gbar + (1 - th) * gc  # ḡ ← θḡ + (1−θ)g
            rate = rate.astype(g.dtype)
            return (rate * gc).astype(g.dtype), rate, after(gbar.astype(g.dtype), rate)

        out, rate, gbar = leafwise(leaf, updates, state.rate, state.grad_avg, n_out=3)
        return out, DeltaBarDeltaState(rate, gbar)

    return extra_args_transformation(init, update)


@rebuildable
def delta_bar_delta(
    learning_rate: Any, kappa: Any = 1e-3, phi: Any = 0.1, theta: Any = 0.7
) -> optax.GradientTransformationExtraArgs:
    """Delta-bar-delta (Jacobs 1988; L1, L3, L4; ALGORITHMS.md §4).

    Args:
      learning_rate: initial per-parameter rate η₀ ≥ 0 (state; not a schedule).
      kappa: additive increase κ ≥ 0 while ḡ and g agree in sign.
      phi: multiplicative decrease φ in [0, 1] on disagreement.
      theta: averaging factor θ in [0, 1) of ḡ (0.7 in Jacobs 1988).

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> opt = jl.delta_bar_delta(0.1, kappa=0.05, phi=0.5)
      >>> g = jnp.array([1.0, -2.0]); state = opt.init(jnp.zeros(2))
      >>> for grad in (g, g, -g):   # ḡ = 0: η kept; ḡ agrees: η + κ; ḡ disagrees: η − φη
      ...     u, state = opt.update(grad, state)
      ...     print([round(float(x), 4) for x in u])
      [-0.1, 0.2]
      [-0.15, 0.3]
      [0.075, -0.15]

    References:
      R. A. Jacobs, "Increased rates of convergence through learning rate adaptation", Neural
      Networks 1 (1988) 295–307. Lectures L1, L3, L4.
    """
    return chain(scale_by_delta_bar_delta(learning_rate, kappa, phi, theta), optax.scale(-1.0))
