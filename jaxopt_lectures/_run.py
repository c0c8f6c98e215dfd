"""A minimal compiled run loop for the tour: a fixed number of steps, vmapped over learning rates.

Private and temporary: the ``minimize`` of issue 3 (stopping criteria, divergence handling,
histories) replaces it. It speaks only the optax ``GradientTransformation`` protocol and never
names an algorithm (STYLE.md: loops → optax).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax

__all__ = ["EXTRA_ARGS", "run_fixed_steps", "run_learning_rate_grid"]

#: Extra arguments this loop can pass to ``update`` (the optax names, plus ``residual_fn``).
EXTRA_ARGS = ("value", "grad", "value_fn", "residual_fn")


def _check_extra_args(extra_args: Sequence[str], residual_fn: Callable | None) -> None:
    unknown = [a for a in extra_args if a not in EXTRA_ARGS]
    if unknown:
        raise ValueError(f"the run loop cannot provide extra argument(s) {unknown}; it provides {list(EXTRA_ARGS)}")
    if "residual_fn" in extra_args and residual_fn is None:
        raise ValueError("the optimizer needs residual_fn but the problem has none")


def run_fixed_steps(
    fun: Callable[[jax.Array], jax.Array],
    x0: jax.Array,
    optimizer: optax.GradientTransformation,
    num_steps: int,
    *,
    extra_args: Sequence[str] = (),
    residual_fn: Callable | None = None,
) -> tuple[jax.Array, jax.Array]:
    """``num_steps`` optimizer steps from ``x0`` in one ``lax.scan``.

    Returns ``(values, x_final)`` where ``values[k] = fun(x_k)`` for k = 0 … num_steps (so
    ``values[0]`` is the start). No stopping test and no divergence guard: a diverging run fills
    ``values`` with inf/NaN, which the caller reads as data. Traceable (use under ``jit``/``vmap``).
    """
    _check_extra_args(extra_args, residual_fn)
    available = {"value_fn": fun, "residual_fn": residual_fn}
    value_and_grad = jax.value_and_grad(fun)

    def step(carry, _):
        x, state = carry
        value, grad = value_and_grad(x)
        available_now = {**available, "value": value, "grad": grad}
        extra = {name: available_now[name] for name in extra_args}
        updates, state = optimizer.update(grad, state, x, **extra)
        return (optax.apply_updates(x, updates), state), value

    (x_final, _), values = jax.lax.scan(step, (x0, optimizer.init(x0)), None, length=num_steps)
    return jnp.append(values, fun(x_final)), x_final


def run_learning_rate_grid(
    fun: Callable[[jax.Array], jax.Array],
    x0: Any,
    make_optimizer: Callable[[jax.Array], optax.GradientTransformation],
    learning_rates: Sequence[float] | np.ndarray,
    num_steps: int,
    *,
    extra_args: Sequence[str] = (),
    residual_fn: Callable | None = None,
    dtype: Any = jnp.float32,
) -> tuple[np.ndarray, np.ndarray]:
    """Run ``make_optimizer(lr)`` from ``x0`` for every ``lr`` in one compiled program.

    ``jax.vmap`` maps over the learning rate, which reaches the factory as a traced scalar, so the
    whole grid is a single XLA program (one compilation per optimizer and problem).

    Returns NumPy ``(values, x_final)`` of shapes ``(len(learning_rates), num_steps + 1)`` and
    ``(len(learning_rates), dim)``.
    """
    x0 = jnp.asarray(x0, dtype)
    lrs = jnp.asarray(learning_rates, dtype)

    def one(lr):
        return run_fixed_steps(fun, x0, make_optimizer(lr), num_steps, extra_args=extra_args, residual_fn=residual_fn)

    values, x_final = jax.jit(jax.vmap(one))(lrs)
    return np.asarray(values), np.asarray(x_final)
