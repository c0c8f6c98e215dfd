"""Quickprop (Fahlman 1988; L1, L4; ALGORITHMS.md §4).

Each weight fits a parabola through its last two slopes and jumps to its minimum:

    Δwᵢ(t) = gᵢ(t) / (gᵢ(t−1) − gᵢ(t)) · Δwᵢ(t−1)

with the safeguards the catalogue requires, written out so every case is defined:

* the first step, and any weight whose last step was 0, takes a plain GD step −η gᵢ;
* growth is capped: the factor gᵢ(t)/(gᵢ(t−1) − gᵢ(t)) is at most μ (``max_growth``, 1.75);
* when the slope kept its sign without shrinking (|gᵢ(t)| ≥ |gᵢ(t−1)|, which includes the
  guarded case gᵢ(t−1) = gᵢ(t) ≠ 0) the parabola has no minimum ahead and the factor is μ;
* a sign change gives a factor in (−1, 0): a step back to the parabola's minimum.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
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
    leafwise,
    zeros_like_tree,
)

__all__ = ["quickprop", "scale_by_quickprop"]


class QuickpropState(NamedTuple):
    """Step count, previous gradient and previous weight change Δw."""

    count: jax.Array
    prev_grad: Any
    prev_step: Any


def scale_by_quickprop(learning_rate: Any, max_growth: Any = 1.75) -> optax.GradientTransformationExtraArgs:
    """Quickprop primitive: returns −Δwᵢ(t) (to be negated by the alias, optax style).

    ``learning_rate`` sets the GD fallback step and may be an optax schedule.

    Examples:
      >>> import jax.numpy as jnp
      >>> tx = scale_by_quickprop(0.1)
      >>> d, _ = tx.update(jnp.array([1.0, -2.0]), tx.init(jnp.zeros(2)))   # first step: η g
      >>> [round(float(x), 4) for x in d]
      [0.1, -0.2]
    """
    check_learning_rate(learning_rate)
    check_range("max_growth", max_growth, low=0.0, low_open=True)

    def init(params):
        return QuickpropState(jnp.zeros([], jnp.int32), zeros_like_tree(params), zeros_like_tree(params))

    def update(updates, state, params=None, **extra_args):
        del params, extra_args
        eta = learning_rate(state.count) if callable(learning_rate) else learning_rate

        def leaf(g, g_prev, dw_prev):
            mu, lr = as_compute(max_growth, g), as_compute(eta, g)
            gc, gp, dwp = g.astype(mu.dtype), g_prev.astype(mu.dtype), dw_prev.astype(mu.dtype)
            denom = gp - gc
            raw = gc / jnp.where(denom == 0, 1, denom)  # gᵢ(t)/(gᵢ(t−1) − gᵢ(t)), guarded
            no_minimum_ahead = (gc * gp > 0) & (jnp.abs(gc) >= jnp.abs(gp))
            factor = jnp.where(no_minimum_ahead, mu, jnp.minimum(raw, mu))
            use_gd = (state.count == 0) | (dwp == 0)
            dw = jnp.where(use_gd, -lr * gc, factor * dwp)  # Δwᵢ(t)
            dw = dw.astype(g.dtype)
            return -dw, after(g, dw), dw  # the old gᵢ(t−1) is read before it is overwritten

        out, g_prev, dw = leafwise(leaf, updates, state.prev_grad, state.prev_step, n_out=3)
        return out, QuickpropState(optax.safe_increment(state.count), g_prev, dw)

    return extra_args_transformation(init, update)


@rebuildable
def quickprop(learning_rate: Any, max_growth: Any = 1.75) -> optax.GradientTransformationExtraArgs:
    """Quickprop: Δwᵢ = gᵢ/(gᵢ_old − gᵢ) · Δwᵢ_old with a GD start and growth cap μ.

    Fahlman 1988; L1, L4; ALGORITHMS.md §4. See the module docstring for every guarded case.

    Args:
      learning_rate: η ≥ 0 of the GD steps (first step, and weights whose last step was 0);
        a number, array, tracer or optax schedule.
      max_growth: μ > 0, the largest factor between consecutive steps (1.75 in Fahlman 1988).

    Examples:
      On f = ½‖w‖² (g = w) the parabola is exact: the second step lands on the minimum when the
      growth cap allows the factor gᵢ/(gᵢ_old − gᵢ) = 0.9/0.1 = 9.

      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> w = jnp.array([1.0, -2.0])
      >>> for mu in (10.0, 1.75):
      ...     opt = jl.quickprop(0.1, max_growth=mu); state = opt.init(w)
      ...     u1, state = opt.update(w, state)   # GD: −η g = (−0.1, 0.2)
      ...     u2, state = opt.update(w + u1, state)
      ...     print(mu, [round(float(x), 4) for x in u2])
      10.0 [-0.9, 1.8]
      1.75 [-0.175, 0.35]

    References:
      S. E. Fahlman, "An empirical study of learning speed in back-propagation networks",
      Technical Report CMU-CS-88-162, Carnegie Mellon University (1988). Lectures L1, L4.
    """
    return chain(scale_by_quickprop(learning_rate, max_growth), optax.scale(-1.0))
