"""Weight initialisation of L4 (ALGORITHMS.md §9), as ``jax.nn.initializers``-style functions.

Each initialiser is ``init(key, shape, dtype=float32) -> array`` for a weight matrix of shape
(n_in, n_out) (fans computed by ``jax.nn.initializers`` conventions: last axis out, the one
before in, leading axes receptive field).

=====================  =====================================================  ===============================
name                   distribution                                           built on
=====================  =====================================================  ===============================
normal(σ)              N(0, σ²)                                               ``jax.nn.initializers.normal``
uniform(a)             U(−a, a)                                               here (jax's ``uniform`` is [0, a))
truncated_normal(σ)    N(0, σ²) conditioned on (−2σ, 2σ)                      ``jax.nn.initializers.truncated_normal``
xavier_normal          σ² = 2/(n_in + n_out) (Glorot & Bengio 2010)           ``variance_scaling(1, fan_avg, normal)``
xavier_uniform         a = √(6/(n_in + n_out))                                ``glorot_uniform``
relu_normal            σ² = 4/(n_in + n_out)  (Xavier × √2)                   ``variance_scaling(2, fan_avg, normal)``
relu_uniform           a = √(12/(n_in + n_out))                               ``variance_scaling(2, fan_avg, uniform)``
logistic_normal        σ = 4√(2/(n_in + n_out))  (Xavier × 4)                 ``variance_scaling(16, fan_avg, normal)``
logistic_uniform       a = 4√(6/(n_in + n_out))                               ``variance_scaling(16, fan_avg, uniform)``
=====================  =====================================================  ===============================

``jax.nn.initializers.glorot_normal`` is *not* the lecture's Xavier normal: it draws from a
truncated normal (rescaled to the same variance), so ``xavier_normal`` uses the untruncated
``variance_scaling`` instead.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import jax
import jax.numpy as jnp
from jax.nn import initializers as jinit

from .optimizers.base import check_range

__all__ = [
    "SCHEMES",
    "logistic_normal",
    "logistic_uniform",
    "mlp_init",
    "normal",
    "relu_normal",
    "relu_uniform",
    "truncated_normal",
    "uniform",
    "xavier_normal",
    "xavier_uniform",
]

Initializer = Callable[..., jax.Array]


def normal(stddev: float = 1.0) -> Initializer:
    """N(0, σ²) with σ = ``stddev`` (``jax.nn.initializers.normal``)."""
    check_range("stddev", stddev, low=0.0)
    return jinit.normal(stddev)


def uniform(limit: float = 1.0) -> Initializer:
    """U(−a, a) with a = ``limit`` (L4's R(−a, a)); jax's ``uniform`` covers [0, a) only."""
    check_range("limit", limit, low=0.0)

    def init(key, shape, dtype=jnp.float32):
        return jax.random.uniform(key, shape, dtype, minval=-limit, maxval=limit)

    return init


def truncated_normal(stddev: float = 1.0) -> Initializer:
    """N(0, σ²) restricted to (−2σ, 2σ) (L4; ``jax.nn.initializers.truncated_normal``, which
    truncates at two standard deviations of the underlying normal)."""
    check_range("stddev", stddev, low=0.0)
    return jinit.truncated_normal(stddev)


xavier_normal: Initializer = jinit.variance_scaling(1.0, "fan_avg", "normal")
xavier_uniform: Initializer = jinit.variance_scaling(1.0, "fan_avg", "uniform")
relu_normal: Initializer = jinit.variance_scaling(2.0, "fan_avg", "normal")
relu_uniform: Initializer = jinit.variance_scaling(2.0, "fan_avg", "uniform")
logistic_normal: Initializer = jinit.variance_scaling(16.0, "fan_avg", "normal")
logistic_uniform: Initializer = jinit.variance_scaling(16.0, "fan_avg", "uniform")

SCHEMES: dict[str, Initializer] = {
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "relu_normal": relu_normal,
    "relu_uniform": relu_uniform,
    "logistic_normal": logistic_normal,
    "logistic_uniform": logistic_uniform,
}


def mlp_init(
    key: jax.Array, sizes: Sequence[int], scheme: str | Initializer = "xavier_normal", dtype: Any = jnp.float32
) -> list[tuple[jax.Array, jax.Array]]:
    """Parameters of an MLP with layer widths ``sizes`` (e.g. L3's [1, 10, 20, 10, 1]).

    Returns a list of ``(W, b)`` per layer, W of shape (n_in, n_out) drawn with ``scheme`` (a
    name of :data:`SCHEMES` or an initialiser), b = 0.
    """
    if isinstance(scheme, str):
        if scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {tuple(SCHEMES)} or an initializer; got {scheme!r}")
        scheme = SCHEMES[scheme]
    sizes = list(sizes)
    if len(sizes) < 2 or any(not isinstance(n, int) or n < 1 for n in sizes):
        raise ValueError(f"sizes must list at least two positive integer layer widths; got {sizes!r}")
    keys = jax.random.split(key, len(sizes) - 1)
    return [
        (scheme(k, (n_in, n_out), dtype), jnp.zeros((n_out,), dtype))
        for k, n_in, n_out in zip(keys, sizes[:-1], sizes[1:])
    ]
