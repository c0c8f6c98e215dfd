"""Hyperparameter and argument checks that name the argument and its valid range.

Every check applies to values known now (Python and NumPy numbers, concrete JAX arrays) and lets
tracers and schedules through, so ``jax.vmap`` over a grid of hyperparameters still compiles to
one program (the house rule: bad input gets an error naming the argument and the accepted range,
a traced value is the caller's business). Nothing here is an algorithm; optax has no such checks.

>>> import jax, jax.numpy as jnp
>>> from jaxopt_lectures.optimizers.checks import check_integer, check_range
>>> check_integer("memory_size", 0)
Traceback (most recent call last):
...
ValueError: memory_size must be an integer ≥ 1; got 0
>>> jax.vmap(lambda eps: check_range("eps", eps, low=0.0) or eps)(jnp.array([-1.0, 1.0])).shape  # traced: passes
(2,)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

__all__ = [
    "check_callable",
    "check_choice",
    "check_finite",
    "check_float_params",
    "check_integer",
    "check_learning_rate",
    "check_like_params",
    "check_optimizer",
    "check_order",
    "check_range",
    "check_scalar_output",
    "check_scalar_value",
    "check_start",
    "is_concrete_positive",
    "is_concrete_zero",
    "require_extra_args",
    "scalar_valued",
]

# --------------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------------


def _concrete_values(value: Any) -> np.ndarray | None:
    """The value as a NumPy array when it is known now; None for tracers and schedules."""
    if callable(value):
        return None
    if isinstance(value, jax.core.Tracer):
        return None
    if isinstance(value, (numbers.Number, np.ndarray, np.generic, jax.Array)):
        try:
            return np.asarray(value, dtype=np.float64)
        except (TypeError, jax.errors.ConcretizationTypeError):  # pragma: no cover
            return None
    return None


def check_range(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> None:
    """Raise ``ValueError`` naming ``name`` when a concrete ``value`` lies outside the range.

    Tracers and schedules pass unchecked, so ``jax.vmap`` over hyperparameters keeps working.
    NaN is always out of range, and so is +inf unless ``high=inf`` is given explicitly.
    """
    fast = type(value) in (float, int)  # the common case, compared without NumPy (sweeps build many optimizers)
    arr = float(value) if fast else _concrete_values(value)
    if arr is None:
        return
    # the same comparisons serve a Python float (giving a bool) and an array (elementwise)
    ok = arr == arr  # not NaN
    if high is None:
        ok &= arr < math.inf
    if low is not None:
        ok &= (arr > low) if low_open else (arr >= low)
    if high is not None:
        ok &= (arr < high) if high_open else (arr <= high)
    if fast and ok:
        return
    arr, ok = np.asarray(arr), np.asarray(ok)
    if not np.all(ok):
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        interval = f"{'(' if low_open or low is None else '['}{lo}, {hi}{')' if high_open or high is None else ']'}"
        bad = arr[~ok].ravel()[0] if arr.ndim else arr.item()
        raise ValueError(f"{name} must lie in {interval}, got {bad!r}")


def check_integer(name: str, value: Any, *, low: int = 1, high: int | None = None, why: str = "") -> None:
    """Raise ``ValueError`` unless ``value`` is an integer (not a bool) in [low, high].

    For arguments that set shapes or loop lengths (steps, epochs, batch sizes), which must be
    concrete Python or NumPy integers.
    """
    ok = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    if ok and value >= low and (high is None or value <= high):
        return
    interval = f"≥ {low}" if high is None else f"in [{low}, {high}]"
    reason = f" ({why})" if why else ""
    raise ValueError(f"{name} must be an integer {interval}{reason}; got {value!r}")


def is_concrete_zero(value: Any) -> bool:
    """True when ``value`` is known now (not a tracer) and every entry of it is 0."""
    arr = _concrete_values(value)
    return arr is not None and bool(np.all(arr == 0))


_FLOAT32_TINY = float(np.finfo(np.float32).tiny)


def is_concrete_positive(value: Any) -> bool:
    """True when ``value`` is known now (not a tracer) and every entry of it is a positive normal
    float32 number (≥ 1.18e-38): XLA:CPU flushes subnormals to zero, so a smaller positive ε or ρ
    would act as 0 inside a kernel, and the 0/0 guards it lets callers drop are needed after all."""
    if type(value) in (float, int):
        return value >= _FLOAT32_TINY
    arr = _concrete_values(value)
    return arr is not None and bool(np.all(arr >= _FLOAT32_TINY))


def check_order(low_name: str, low: Any, high_name: str, high: Any, *, strict: bool = False, why: str = "") -> None:
    """Raise ``ValueError`` when concrete values (floats or arrays, checked elementwise) have
    ``low > high`` anywhere (``low ≥ high`` with ``strict``); tracers pass."""
    lo, hi = _concrete_values(low), _concrete_values(high)
    if lo is None or hi is None:
        return
    with np.errstate(invalid="ignore"):
        bad = np.any(~(lo < hi)) if strict else np.any(lo > hi)
    if bad:
        need = f"need {low_name} < {high_name}" if strict else f"{low_name} must not exceed {high_name}"
        reason = f" ({why})" if why else ""
        raise ValueError(f"{need}{reason}; got {low_name}={low!r}, {high_name}={high!r}")


def check_choice(name: str, value: Any, choices: Sequence[str]) -> None:
    """Raise ``ValueError`` listing the accepted strings when ``value`` is not one of them."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")


def _is_number_like(value: Any) -> bool:
    """A real number, a real NumPy/JAX array or scalar, or a tracer (not a bool, string, None, list)."""
    if isinstance(value, jax.core.Tracer):
        return True
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, numbers.Real):
        return True
    if isinstance(value, (np.ndarray, np.generic, jax.Array)):
        return np.issubdtype(value.dtype, np.integer) or np.issubdtype(value.dtype, np.floating)
    return False


def check_learning_rate(learning_rate: Any, name: str = "learning_rate", allow_schedule: bool = True) -> None:
    """A learning rate is a non-negative number, array, tracer or (if allowed) an optax schedule.

    ``None`` is refused: optax reads it as "no scaling", which would drop the −η sign and turn
    descent into ascent.
    """
    if not callable(learning_rate) and not _is_number_like(learning_rate):
        kinds = "a number ≥ 0, a real array of them" + (" or an optax schedule" if allow_schedule else "")
        raise TypeError(f"{name} must be {kinds}; got {type(learning_rate).__name__} {learning_rate!r}")
    if callable(learning_rate):
        if not allow_schedule:
            raise TypeError(
                f"{name} is the initial value of a per-parameter state here and cannot be a "
                f"schedule; pass a number or an array, got {learning_rate!r}"
            )
        return
    check_range(name, learning_rate, low=0.0)


def require_extra_args(who: str, **named: Any) -> None:
    """Raise ``TypeError`` naming every extra argument of ``update`` that was not passed (``None``)."""
    missing = [k for k, v in named.items() if v is None]
    if missing:
        names = ", ".join(missing)
        raise TypeError(
            f"{who} needs the extra argument(s) {names}: call update(updates, state, params, "
            "value=f(params), grad=∇f(params), value_fn=f[, residual_fn=r]) "
            "(jaxopt_lectures.minimize, least_squares and fit pass them)"
        )


def scalar_valued(who: str, value_fn: Callable) -> Callable:
    """``value_fn`` whose output is checked to be one real scalar each time it is traced (raising
    ``ValueError`` instead of a JAX error about gradients, cond branches or loop carries). The
    check reads only the output's shape: nothing is evaluated beyond what the caller evaluates."""

    def checked(*args: Any, **kwargs: Any) -> Any:
        out = value_fn(*args, **kwargs)
        check_scalar_value("value_fn", jax.tree.map(jnp.asarray, out), who=who)  # a Python 0 is a scalar too
        return out

    return checked


def _shapes(out: Any) -> str:
    leaves = jax.tree.leaves(out)
    if len(leaves) == 1:
        return f"an output of shape {tuple(jnp.shape(leaves[0]))}"
    return f"a pytree of {len(leaves)} arrays ({jax.tree.structure(out)})"


def check_scalar_output(name: str, fn: Any, *args: Any, who: str = "") -> Any:
    """Raise ``TypeError`` unless ``fn`` is callable, ``ValueError`` unless ``fn(*args)`` is one real
    scalar (the loss). Only shapes are computed (``jax.eval_shape``), so it costs one trace and works
    on tracers. Returns the output's ``ShapeDtypeStruct``."""
    if not callable(fn):
        prefix = f"{who}: " if who else ""
        raise TypeError(f"{prefix}{name} must be a callable returning a scalar loss; got {type(fn).__name__} {fn!r}")
    return check_scalar_value(name, jax.eval_shape(fn, *args), who=who)


def check_scalar_value(name: str, out: Any, who: str = "") -> Any:
    """Raise ``ValueError`` unless ``out`` (what the function ``name`` returned, or its shape) is one
    real scalar; returns it."""
    prefix = f"{who}: " if who else ""
    leaves = jax.tree.leaves(out)
    if len(leaves) != 1 or jnp.shape(leaves[0]) != () or not hasattr(leaves[0], "dtype"):
        raise ValueError(
            f"{prefix}{name} must return a scalar (the loss to minimise, shape ()); got {_shapes(out)}"
            " (sum or average the per-example losses)"
        )
    if jnp.issubdtype(leaves[0].dtype, jnp.complexfloating):
        raise ValueError(f"{prefix}{name} must return a real scalar; got dtype {leaves[0].dtype}")
    return leaves[0]


def check_optimizer(optimizer: Any, name: str = "optimizer") -> None:
    """Raise ``TypeError`` unless ``optimizer`` is an optax transformation (has ``init`` and
    ``update``): passing a factory such as ``jl.sgd`` itself is the usual slip."""
    if not (hasattr(optimizer, "init") and hasattr(optimizer, "update")):
        hint = " (a factory? call it, e.g. jl.sgd(0.1))" if callable(optimizer) else ""
        raise TypeError(
            f"{name} must be an optax GradientTransformation with init and update{hint}; "
            f"got {type(optimizer).__name__} {optimizer!r}"
        )


def check_callable(name: str, fn: Any, takes: str = "the parameters") -> None:
    """Raise ``TypeError`` unless ``fn`` is callable (JAX would say only "Expected a callable value")."""
    if not callable(fn):
        raise TypeError(f"{name} must be a callable of {takes}; got {type(fn).__name__} {fn!r}")


def check_start(name: str, tree: Any) -> None:
    """A starting point of a run: real floating point, and finite when concrete (every step from a
    NaN or ±inf start is NaN; traced starts under ``jit``/``vmap`` pass)."""
    check_float_params(tree, name)
    check_finite(name, tree, why="every step from a NaN or infinite start would be NaN")


def check_finite(name: str, tree: Any, why: str = "") -> None:
    """Raise ``ValueError`` naming the first leaf of ``tree`` with a NaN or ±inf entry.

    For starting points and evaluation points: every step from a non-finite point is NaN, so the
    run would only report it. Tracers (``jit``, ``vmap``) and arrays spread over several hosts
    pass unchecked; a concrete leaf is read on the host once.
    """
    for path, leaf in jax.tree_util.tree_flatten_with_path(tree)[0]:
        if isinstance(leaf, jax.core.Tracer) or (isinstance(leaf, jax.Array) and not leaf.is_fully_addressable):
            continue
        dtype = getattr(leaf, "dtype", None)
        if dtype is None and isinstance(leaf, numbers.Number):
            dtype = np.asarray(leaf).dtype
        if not isinstance(dtype, np.dtype) or dtype.kind not in "fc":
            continue
        arr = np.asarray(leaf)
        finite = np.isfinite(arr)
        if not finite.all():
            where = jax.tree_util.keystr(path)
            bad = (arr[~finite].ravel()[0] if arr.ndim else arr).item()
            count = int(arr.size - finite.sum())
            reason = f" ({why})" if why else ""
            raise ValueError(
                f"{name}{where} must be finite{reason}; got {count} non-finite "
                f"entr{'y' if count == 1 else 'ies'} (the first is {bad!r})"
            )


def check_float_params(tree: Any, what: str = "params") -> None:
    """Raise ``TypeError`` when any leaf is not a real floating-point array.

    Complex parameters are refused: the lectures' formulas square g (g², not |g|² = g ḡ), which
    for complex g is not a magnitude, so the adaptive methods would silently go wrong.
    """
    leaves, _ = jax.tree_util.tree_flatten_with_path(tree)
    for path, leaf in leaves:
        dtype = jnp.result_type(leaf)
        if not jnp.issubdtype(dtype, jnp.floating):
            where = jax.tree_util.keystr(path) or "<root>"
            kind = "complex parameters are not supported" if jnp.issubdtype(dtype, jnp.complexfloating) else (
                "cast with .astype(jnp.float32) or similar")
            raise TypeError(
                f"{what}{where} has dtype {dtype}; optimizers of jaxopt_lectures update real "
                f"floating-point parameters only ({kind})"
            )


def check_like_params(updates: Any, params: Any) -> None:
    """Raise ``ValueError`` naming the first path where the gradients' tree or shapes differ from
    the parameters' (a clear message instead of a broadcasting error deep inside an update)."""
    u_leaves, u_def = jax.tree_util.tree_flatten_with_path(updates)
    p_leaves, p_def = jax.tree_util.tree_flatten_with_path(params)
    if u_def != p_def:
        raise ValueError(
            f"updates (gradients) must have the tree structure of params; got {u_def} for params {p_def}"
        )
    for (path, u), (_, p) in zip(u_leaves, p_leaves):
        if jnp.shape(u) != jnp.shape(p):
            where = jax.tree_util.keystr(path) or "<root>"
            raise ValueError(
                f"updates (gradients){where} has shape {jnp.shape(u)}, but params{where} has shape {jnp.shape(p)}"
            )
