"""The public base for writing an optimizer in this library's style: checks, per-leaf maps, dtypes.

Every optimizer of :mod:`jaxopt_lectures` is built from these pieces, and a user's own optimizer
can be too. Nothing here is an algorithm. What optax already offers (``optax.chain``,
``optax.scale_by_learning_rate``, ``optax.safe_increment``) is used as is; this module adds
only what optax lacks:

* hyperparameter checks (:mod:`.checks`, re-exported here) that name the argument and its valid
  range for concrete values and let tracers through, so ``jax.vmap`` over a grid of
  hyperparameters still compiles to one program;
* a per-leaf map with several outputs (:func:`leafwise`), so each algorithm reads as its
  per-array formula;
* a dtype policy (:func:`compute_dtype`, :func:`as_compute`, :func:`saturate`): every update and
  state leaf keeps the dtype of its parameter (float16 and bfloat16 leaves are computed in
  float32 and cast back), whatever the dtype of a traced hyperparameter;
* :func:`extra_args_transformation` and :func:`chain`, which make a transformation an optax
  ``GradientTransformationExtraArgs`` (``value``, ``grad``, ``value_fn`` passed the optax way).

Sign-SGD, w ← w − η sign(g), written with them:

>>> import jax.numpy as jnp, optax
>>> from jaxopt_lectures.optimizers import base
>>> def sign_sgd(learning_rate):
...     base.check_learning_rate(learning_rate)
...     def update(updates, state, params=None, **extra_args):
...         return base.leafwise(lambda g: (jnp.sign(g),), updates, n_out=1)[0], state
...     direction = base.extra_args_transformation(lambda params: optax.EmptyState(), update)
...     return base.chain(direction, base.learning_rate_scale(learning_rate))
>>> opt = sign_sgd(0.1)
>>> w = jnp.array([1.0, -2.0]); updates, _ = opt.update(jnp.array([3.0, -0.5]), opt.init(w), w)
>>> [round(float(u), 4) for u in updates]
[-0.1, 0.1]
>>> base.check_range("beta", 1.5, low=0.0, high=1.0, high_open=True)
Traceback (most recent call last):
...
ValueError: beta must lie in [0, 1), got 1.5
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from . import checks
from .checks import *  # noqa: F403  (the argument checks are part of this base)
from .checks import check_float_params, check_like_params

__all__ = [
    "Evaluations",
    "after",
    "all_finite",
    "as_compute",
    "chain",
    "compute_dtype",
    "extra_args_transformation",
    "float_checked",
    "full_like_tree",
    "global_norm",
    "global_sq_norm",
    "leafwise",
    "learning_rate_scale",
    "power",
    "saturate",
    "zeros_like_tree",
    *checks.__all__,
]


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
