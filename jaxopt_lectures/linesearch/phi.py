"""The 1-D function every line search works on, and the pieces the searches share (ALGORITHMS.md §6).

A search chained after a direction d at the point x sees

    φ(α) = f(x + α d),   φ(0) = f(x),   φ'(0) = gᵀd                  (L3 eq. 5–9; N&W §3.1)

Here: φ and (φ, φ') as functions of α (:func:`phi_of`, :func:`phi_dphi_of`), the slope φ'(0)
(:func:`slope`), the point x + α d and the output α d (:func:`step`, :func:`scaled`), f(x) from the
extra argument or one evaluation (:func:`value0`), the common state fields (:func:`init_state`)
and the argument checks the searches share. A non-finite φ(α) is +∞ ("no decrease", never a
step: the failure rule of §6), so no search outputs NaN.

Public so that a new search (a module of this package plus its registration in
:mod:`jaxopt_lectures.linesearch.registry`) is written from them without private imports.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp

from ..optimizers.base import Evaluations, check_integer, check_range

__all__ = [
    "check_max_steps", "check_unit", "finite_or_inf", "init_state", "phi_dphi_of", "phi_of", "scaled", "slope",
    "step", "value0", "value_dtype",
]  # fmt: skip


def check_max_steps(max_steps: Any, name: str = "max_steps") -> None:
    """``max_steps`` is an integer ≥ 1 (it bounds the number of evaluations)."""
    check_integer(name, max_steps, why="it bounds the number of evaluations")


def check_unit(name: str, value: Any) -> None:
    """0 < ``value`` < 1 (c1, c2, a shrink factor, a relative tolerance)."""
    check_range(name, value, low=0.0, high=1.0, low_open=True, high_open=True)


def value_dtype(params: Any) -> jnp.dtype:
    """The dtype of φ: the promotion of the parameters' dtypes, float16/bfloat16 lifted to float32."""
    leaves = jax.tree.leaves(params)
    dtype = jnp.result_type(*[x.dtype for x in leaves]) if leaves else jnp.float32
    return jnp.dtype(jnp.float32) if jnp.dtype(dtype).itemsize < 4 else jnp.dtype(dtype)


def step(params: Any, alpha: jax.Array, direction: Any) -> Any:
    """x + α d, leaf by leaf in each parameter's dtype."""
    return jax.tree.map(lambda p, d: p + (alpha * d).astype(p.dtype), params, direction)


def scaled(alpha: jax.Array, direction: Any) -> Any:
    """α d, the search's output, leaf by leaf in each direction leaf's dtype."""
    return jax.tree.map(lambda d: (alpha * d).astype(d.dtype), direction)


def finite_or_inf(v: jax.Array, dtype: jnp.dtype) -> jax.Array:
    """``v`` in ``dtype``, +∞ where it is not finite."""
    v = jnp.asarray(v, dtype)
    return jnp.where(jnp.isfinite(v), v, jnp.inf)  # a NaN/±inf value is "no decrease", never a step


def phi_of(value_fn: Callable, params: Any, direction: Any, dtype: jnp.dtype) -> Callable:
    """φ(α) = f(x + α d), with non-finite values mapped to +∞."""
    return lambda alpha: finite_or_inf(value_fn(step(params, alpha, direction)), dtype)


def phi_dphi_of(value_fn: Callable, params: Any, direction: Any, dtype: jnp.dtype) -> Callable:
    """α ↦ (φ(α), φ'(α)) by one forward-mode JVP of f along d (non-finite φ mapped to +∞)."""

    def at(alpha):
        x = step(params, alpha, direction)
        v, dv = jax.jvp(value_fn, (x,), (jax.tree.map(lambda p, d: d.astype(p.dtype), x, direction),))
        return finite_or_inf(v, dtype), jnp.asarray(dv, dtype)

    return at


def slope(grad: Any, direction: Any, dtype: jnp.dtype) -> jax.Array:
    """φ'(0) = gᵀd over every leaf, each product summed in ``dtype`` (float32 at least): a
    float16/bfloat16 dot would round every partial sum to 3 digits, and XLA:CPU accumulates it at
    another precision inside a fused program than alone (jit and eager gave different slopes)."""
    products = jax.tree.map(lambda g, d: jnp.vdot(g.astype(dtype), d.astype(dtype)).real, grad, direction)
    leaves = jax.tree.leaves(products)
    return jnp.asarray(sum(leaves) if leaves else 0.0, dtype)


def value0(value: Any, phi: Callable, dtype: jnp.dtype) -> tuple[jax.Array, int]:
    """f(x) from the extra argument, or one evaluation of φ(0) when it was not passed."""
    if value is None:
        return phi(jnp.zeros((), dtype)), 1
    return jnp.asarray(value, dtype), 0


def init_state(cls: type, params: Any, **extra: Any) -> Any:
    """A search state before its first search: α = 0, f = +∞, no evaluations, not failed.

    ``cls`` has the fields every search of this package records (failures are data, STYLE.md
    habit 10): ``step_size``, ``value``, ``num_evals``, ``failed`` and ``evaluations``; ``extra``
    fills the others.
    """
    dtype = value_dtype(params)
    return cls(
        step_size=jnp.zeros((), dtype),
        value=jnp.full((), jnp.inf, dtype),
        num_evals=jnp.zeros((), jnp.int32),
        failed=jnp.zeros((), bool),
        evaluations=Evaluations.of(),
        **extra,
    )
