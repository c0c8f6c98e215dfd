"""The L3 notebook's regression problem: a 1-10-20-10-1 ReLU MLP fits y = sin(x) + U(0, 0.8).

Lecture L3, ALGORITHMS.md §10 example 7: x ∈ [0, 10], 100 training and 100 test points, MSE,
batch 16, Adam η = 0.02, 1000 epochs.

The noise floor. With u ~ U(0, 0.8) independent of x, the Bayes-optimal predictor is
E[y | x] = sin(x) + E[u] = sin(x) + 0.4 and its expected squared error is

    Var(u) = 0.8² / 12 = 0.05333…                                            (:data:`NOISE_FLOOR`)

No predictor has a lower expected test MSE; a trained network is good when its test MSE is close
to it. On a finite test set of m points the floor's own estimate, mean((u_i − 0.4)²), has standard
deviation √((0.4⁴/5 − (0.8²/12)²)/m) ≈ 0.048/√m (≈ 0.0048, 9% of the floor, for the notebook's
m = 100), so compare on a large test set or against :func:`bayes_predictor` on the same points.

>>> import jax
>>> from jaxopt_lectures.init import mlp_init
>>> (x, y), (x_test, y_test) = sin_regression_data(jax.random.key(0))
>>> x.shape, y.shape
((100, 1), (100, 1))
>>> params = mlp_init(jax.random.key(1), LAYER_SIZES, "relu_uniform")
>>> float(mse_loss(params, (x, y))) > NOISE_FLOOR
True
"""

from __future__ import annotations

import functools
from typing import Any, Sequence

import jax
import jax.numpy as jnp

from ..optimizers.base import check_integer

__all__ = [
    "LAYER_SIZES",
    "NOISE_FLOOR",
    "NOISE_HIGH",
    "X_RANGE",
    "bayes_predictor",
    "mlp_apply",
    "mse_loss",
    "sin_regression_data",
]

X_RANGE = (0.0, 10.0)  # x ~ U(0, 10)
NOISE_HIGH = 0.8  # y = sin(x) + u, u ~ U(0, NOISE_HIGH)
NOISE_FLOOR = NOISE_HIGH**2 / 12.0  # Var(U(0, 0.8)) = 0.0533…: the Bayes-optimal test MSE
LAYER_SIZES = (1, 10, 20, 10, 1)  # the notebook's network


def sin_regression_data(
    key: jax.Array, n_train: int = 100, n_test: int = 100, dtype: Any = jnp.float32
) -> tuple[tuple[jax.Array, jax.Array], tuple[jax.Array, jax.Array]]:
    """L3's data: ``((x_train, y_train), (x_test, y_test))``, each array of shape (n, 1).

    x ~ U(0, 10) and y = sin(x) + u with u ~ U(0, 0.8), all independent (L3 notebook,
    ALGORITHMS.md §10.7). The Bayes-optimal test MSE is :data:`NOISE_FLOOR` = 0.8²/12 ≈ 0.0533.
    """
    for name, n in (("n_train", n_train), ("n_test", n_test)):
        check_integer(name, n)
    return _draw(key, n_train, n_test, jnp.dtype(dtype))


@functools.partial(jax.jit, static_argnums=(1, 2, 3))  # one compiled program, not one per op
def _draw(key, n_train, n_test, dtype):
    kx, ku = jax.random.split(key)
    n = n_train + n_test
    x = jax.random.uniform(kx, (n, 1), dtype, minval=X_RANGE[0], maxval=X_RANGE[1])
    y = jnp.sin(x) + jax.random.uniform(ku, (n, 1), dtype, minval=0.0, maxval=NOISE_HIGH)  # y = sin x + U(0, 0.8)
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def mlp_apply(params: Sequence[tuple[jax.Array, jax.Array]], x: jax.Array) -> jax.Array:
    """The MLP of :func:`jaxopt_lectures.init.mlp_init` params: ReLU hidden layers, linear output.

    ``x`` has shape (..., n_in); each layer computes h ← relu(h W + b), the last one h W + b.
    """
    *hidden, (w_out, b_out) = params
    h = x
    for w, b in hidden:
        h = jax.nn.relu(h @ w + b)
    return h @ w_out + b_out


def mse_loss(params: Sequence[tuple[jax.Array, jax.Array]], batch: tuple[jax.Array, jax.Array]) -> jax.Array:
    """Mean squared error of :func:`mlp_apply` on ``batch = (x, y)`` (the notebook's loss)."""
    x, y = batch
    return jnp.mean(jnp.square(mlp_apply(params, x) - y))


def bayes_predictor(x: jax.Array) -> jax.Array:
    """E[y | x] = sin(x) + 0.4, the predictor whose expected test MSE is :data:`NOISE_FLOOR`."""
    return jnp.sin(x) + NOISE_HIGH / 2.0
