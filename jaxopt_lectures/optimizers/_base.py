"""Shared machinery of the first-order optimizers: argument checks, per-leaf maps, dtypes.

Nothing here is an algorithm. What optax already offers (``optax.chain``,
``optax.scale_by_learning_rate``, ``optax.safe_increment``) is used as is; this module adds
only what optax lacks:

* hyperparameter checks that name the argument and its valid range for concrete values and let
  tracers through, so ``jax.vmap`` over a grid of hyperparameters still compiles to one program;
* a per-leaf map with several outputs, so each algorithm reads as its per-array formula;
* a dtype policy: every update and state leaf keeps the dtype of its parameter (float16 and
  bfloat16 leaves are computed in float32 and cast back), whatever the dtype of a traced
  hyperparameter.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

__all__ = [
    "Evaluations",
    "check_callable",
    "check_choice",
    "check_finite",
    "check_float_params",
    "check_learning_rate",
    "check_optimizer",
    "check_range",
    "check_scalar_output",
    "check_scalar_value",
    "check_start",
    "compute_dtype",
    "extra_args_transformation",
    "float_checked",
    "global_sq_norm",
    "leafwise",
    "learning_rate_scale",
    "power",
    "require_extra_args",
    "saturate",
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


# --------------------------------------------------------------------------------------------
# Per-leaf computation
# --------------------------------------------------------------------------------------------


def compute_dtype(dtype: Any) -> jnp.dtype:
    """The dtype an update is computed in: float16/bfloat16 are promoted to float32."""
    dtype = jnp.dtype(dtype)
    if jnp.issubdtype(dtype, jnp.floating) and dtype.itemsize < 4:
        return jnp.dtype(jnp.float32)
    return dtype


def leafwise(fn: Callable[..., tuple], tree: Any, *rest: Any, n_out: int) -> tuple:
    """Apply ``fn(leaf, *other_leaves) -> tuple of n_out arrays`` to every leaf of ``tree``.

    Returns ``n_out`` pytrees shaped like ``tree``. ``rest`` are pytrees with the structure of
    ``tree`` (or ``None`` to pass ``None`` for every leaf, for optional state fields).
    """
    leaves, treedef = jax.tree.flatten(tree)
    others = [[None] * len(leaves) if r is None else treedef.flatten_up_to(r) for r in rest]
    outs = [fn(*args) for args in zip(leaves, *others)]
    if not outs:
        return tuple(treedef.unflatten([]) for _ in range(n_out))
    return tuple(treedef.unflatten([o[i] for o in outs]) for i in range(n_out))


def after(x: jax.Array, dep: jax.Array) -> jax.Array:
    """``x``, made to depend on ``dep`` (``dep > +inf`` is never true, not even for NaN).

    A scheduling device, not math. XLA:CPU gives every output of an update its own loop; when
    a state array is overwritten in place, every other loop that reads its old value must run
    first, or XLA copies the whole array. Making the overwriting loop consume a value of the
    other loop turns that order into a data dependency.
    """
    return jnp.where(dep > jnp.inf, jnp.zeros_like(x), x)


def as_compute(x: Any, like: jax.Array) -> jax.Array:
    """Cast a hyperparameter (float, array or tracer) to the compute dtype of ``like``."""
    return jnp.asarray(x, compute_dtype(like.dtype))


def saturate(x: jax.Array, dtype: Any) -> jax.Array:
    """A non-negative accumulator (Σg², an average of g² or of Δ²) stored in ``dtype``, the largest
    finite number of ``dtype`` where it is larger. NaN stays NaN.

    g² overflows float32 for |g| > 1.8e19 and float16 for |g| > 256. Stored as +∞, the
    accumulator would stay +∞ for ever (β·∞ = ∞, and Yogi's ∞ − ∞ is NaN) and freeze the weight,
    whose step m/√∞ is 0; saturated, it decays again once the gradients are representable, as the
    exact value would. The step of the update that overflowed is computed from the unsaturated
    value: m/√∞ = 0 for that weight (about ±η in exact arithmetic, which no state of this dtype
    can carry). Below the largest finite number this is the plain cast, bit for bit.
    """
    dtype = jnp.dtype(dtype)
    return jnp.minimum(x, jnp.asarray(jnp.finfo(dtype).max, x.dtype)).astype(dtype)


def power(base: Any, count: jax.Array, dtype: Any) -> jax.Array:
    """``base ** count`` for an int32 step counter, in ``dtype`` (used by bias corrections)."""
    return jnp.asarray(base, dtype) ** count.astype(dtype)


def all_finite(tree: Any) -> jax.Array:
    """True when every entry of every leaf is finite (True for an empty tree)."""
    leaves = jax.tree.leaves(tree)
    return jnp.all(jnp.stack([jnp.all(jnp.isfinite(x)) for x in leaves])) if leaves else jnp.array(True)


def global_sq_norm(tree: Any) -> jax.Array:
    """‖g‖² over every leaf of a pytree, in the widest compute dtype of its leaves."""
    leaves = jax.tree.leaves(tree)
    if not leaves:
        return jnp.zeros((), jnp.float32)
    dtype = jnp.result_type(*[compute_dtype(x.dtype) for x in leaves])
    return sum(jnp.sum(jnp.square(x.astype(dtype))) for x in leaves)


def global_norm(tree: Any) -> jax.Array:
    """‖g‖ over every leaf of a pytree, scaled by max|gᵢ| so that it does not overflow for finite g
    (√Σg² overflows in float32 once |gᵢ| ≳ 1.8e19) nor underflow to 0 for tiny ones."""
    leaves = jax.tree.leaves(tree)
    if not leaves:
        return jnp.zeros((), jnp.float32)
    dtype = jnp.result_type(*[compute_dtype(x.dtype) for x in leaves])
    big = jnp.max(jnp.stack([jnp.max(jnp.abs(x.astype(dtype)), initial=0.0) for x in leaves]))
    scale = jnp.where((big > 0) & jnp.isfinite(big), big, 1.0)
    return scale * jnp.sqrt(sum(jnp.sum(jnp.square(x.astype(dtype) / scale)) for x in leaves))


def zeros_like_tree(tree: Any) -> Any:
    return jax.tree.map(jnp.zeros_like, tree)


def full_like_tree(tree: Any, value: Any) -> Any:
    """Each leaf filled with ``value`` (a number or a tracer) in the leaf's dtype, and with the
    leaf's sharding (``jnp.full_like`` keeps it; a broadcast would land on one device)."""
    return jax.tree.map(lambda x: jnp.full_like(x, value, dtype=x.dtype), tree)


# --------------------------------------------------------------------------------------------
# Transformations
# --------------------------------------------------------------------------------------------


def extra_args_transformation(init: Callable, update: Callable) -> optax.GradientTransformationExtraArgs:
    """Wrap ``init``/``update(updates, state, params, **extra_args)`` as optax expects.

    Every primitive of this library accepts (and ignores) extra keyword arguments it does not
    use, so it drops into ``optax.chain`` next to line searches that pass ``value`` or ``value_fn``.
    Parameters are checked to be floating point when the state is created.
    """

    def init_fn(params):
        check_float_params(params)
        return init(params)

    def update_fn(updates, state, params=None, **extra_args):
        check_float_params(updates, "updates (gradients)")  # at trace time: costs nothing per step
        if params is not None:
            check_like_params(updates, params)
        value = extra_args.get("value")
        if value is not None and jnp.ndim(value) != 0:  # a vector would broadcast into the state silently
            raise ValueError(f"value must be the scalar loss f(params), shape (); got shape {jnp.shape(value)}")
        return update(updates, state, params, **extra_args)

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)


def float_checked(inner: optax.GradientTransformation) -> optax.GradientTransformationExtraArgs:
    """An optax transformation that takes no extra arguments, with the float check of the incoming
    updates every primitive here makes, ignoring extra arguments."""
    return extra_args_transformation(inner.init, lambda u, s, p=None, **_: inner.update(u, s, p))


def learning_rate_scale(learning_rate: Any) -> optax.GradientTransformationExtraArgs:
    """``optax.scale_by_learning_rate`` (multiply by −η, or by −η(t) for a schedule), float-checked."""
    return float_checked(optax.scale_by_learning_rate(learning_rate))


def chain(*transforms: Iterable[optax.GradientTransformation]) -> optax.GradientTransformationExtraArgs:
    """``optax.chain`` that always returns the extra-args protocol."""
    return optax.with_extra_args_support(optax.chain(*transforms))


# --------------------------------------------------------------------------------------------
# Evaluation counts
# --------------------------------------------------------------------------------------------


class Evaluations(NamedTuple):
    """Evaluations of the objective a transformation spent in its last ``update`` (int32 arrays).

    A transformation that calls ``value_fn`` or ``residual_fn`` itself (a line search, Newton's
    Hessian, Levenberg–Marquardt's trials) keeps one of these in its state; the loop core
    (:mod:`jaxopt_lectures.engine`) adds up every ``Evaluations`` it finds in the state tree after
    each step. The three counts, as scipy's ``nfev``/``njev``/``nhev``:

    * ``fun``: calls of the function in any form (plain, with a derivative, inside a
      Hessian-vector product): the forward passes;
    * ``grad``: first derivatives among them — a gradient (reverse mode), a directional derivative
      (a JVP), or a residual Jacobian;
    * ``hvp``: Hessian-vector products (forward-over-reverse); a dense ``jax.hessian`` of n
      parameters counts n.
    """

    fun: Any
    grad: Any
    hvp: Any

    @classmethod
    def of(cls, fun: Any = 0, grad: Any = 0, hvp: Any = 0) -> "Evaluations":
        return cls(*(jnp.asarray(v, jnp.int32) for v in (fun, grad, hvp)))

    def plus(self, other: "Evaluations") -> "Evaluations":
        """Elementwise sum (``+`` stays tuple concatenation)."""
        return Evaluations(*(a + b for a, b in zip(self, other)))
