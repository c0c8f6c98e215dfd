"""Shared pieces of the curvature methods: flat parameter vectors, line-search choice, truncated CG.

Nothing here is an algorithm of the lectures. Directions are computed on the flattened parameters
(``jax.flatten_util.ravel_pytree``: the Hessian, the Jacobian and the quasi-Newton matrices are
those of that vector, ALGORITHMS.md §7) in the compute dtype of the parameters (float16/bfloat16
in float32) and cast back leaf by leaf.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp
import optax
from jax.flatten_util import ravel_pytree

from ..linesearch import LINE_SEARCHES
from ..optimizers.base import check_choice, chain, compute_dtype

__all__ = ["Flat", "flatten", "resolve_line_search", "truncated_cg", "with_line_search"]


class Flat:
    """A pytree as one vector in its compute dtype, and the way back (leaf dtypes kept).

    The compute dtype is the promotion of the leaves' dtypes, float16/bfloat16 lifted to float32:
    float16, bfloat16 and float32 leaves give float32; one float64 leaf (under x64) makes it
    float64. :meth:`unravel` casts each leaf back to its own dtype, so updates have the dtypes of
    the parameters; the state vectors of the curvature methods (nonlinear CG's direction, BFGS's
    matrix, L-BFGS's pairs) live in the compute dtype, the same one after every update. An empty
    tree is the empty vector.
    """

    def __init__(self, tree: Any):
        # abstract parameters (``init(jax.ShapeDtypeStruct(...))``, as optax's L-BFGS allows): their
        # zeros, so that a state can be built from shapes and dtypes alone
        tree = jax.tree.map(lambda x: jnp.zeros(x.shape, x.dtype) if isinstance(x, jax.ShapeDtypeStruct) else x, tree)
        vec, self._unravel = ravel_pytree(tree)
        self._dtype = vec.dtype
        self.dtype = compute_dtype(vec.dtype) if jnp.issubdtype(vec.dtype, jnp.floating) else vec.dtype
        self.vec = vec.astype(self.dtype)

    def unravel(self, v: jax.Array) -> Any:
        return self._unravel(v.astype(self._dtype))

    def of(self, tree: Any) -> jax.Array:
        """Another pytree of the same structure (the gradient, say) as a vector in this dtype."""
        return ravel_pytree(tree)[0].astype(self.dtype)

    def function(self, fn: Callable[[Any], Any]) -> Callable[[jax.Array], Any]:
        """``fn`` of the parameters as a function of the vector."""
        return lambda v: fn(self.unravel(v))

    def hessian(self, fn: Callable[[Any], Any]) -> jax.Array:
        """``jax.hessian`` of ``fn`` at this vector, symmetrised (forward-over-reverse rounding can
        leave H slightly asymmetric), in this dtype."""
        h = jax.hessian(self.function(fn))(self.vec).astype(self.dtype)
        return 0.5 * (h + h.T)


def flatten(tree: Any) -> Flat:
    return Flat(tree)


def resolve_line_search(
    line_search: Any, defaults: dict[str, dict[str, Any]] | None = None
) -> optax.GradientTransformationExtraArgs | None:
    """A line search given as ``None`` (unit step), a transformation, or the name of one in
    :data:`jaxopt_lectures.linesearch.LINE_SEARCHES` (read at call time: a search registered
    later is accepted by name by every curvature method).

    ``defaults`` maps a search name to the keyword arguments the method prefers for it (nonlinear
    CG asks the Wolfe search for c2 = 0.1, N&W §5.2).
    """
    if line_search is None:
        return None
    if isinstance(line_search, str):
        check_choice("line_search", line_search, (*LINE_SEARCHES, None))
        return LINE_SEARCHES[line_search].factory(**(defaults or {}).get(line_search, {}))
    if isinstance(line_search, optax.GradientTransformation):
        return line_search
    raise TypeError(
        f"line_search must be None, one of {', '.join(repr(n) for n in LINE_SEARCHES)}, or an optax "
        f"transformation (e.g. jaxopt_lectures.scale_by_wolfe_line_search(c2=0.5)); got {line_search!r}"
    )


def with_line_search(
    direction: optax.GradientTransformation, line_search: Any, defaults: dict[str, dict[str, Any]] | None = None
) -> optax.GradientTransformationExtraArgs:
    """``chain(direction, search)``: the search scales the direction (``None``: the unit step)."""
    search = resolve_line_search(line_search, defaults)
    return chain(direction) if search is None else chain(direction, search)


def dot(a: jax.Array, b: jax.Array) -> jax.Array:
    return jnp.vdot(a, b).real


def binary_exponent(v: jax.Array) -> jax.Array:
    """The integer e with max|vᵢ| · 2⁻ᵉ in [½, 1) (0 for a zero or non-finite max): scaling by 2⁻ᵉ
    is exact (only exponents change), so a ratio of products of the scaled vector (a Rayleigh
    quotient) has the bits it would have unscaled, while its squares cannot overflow (‖g‖² does
    in float32 once |gᵢ| ≳ 1.8e19)."""
    big = jnp.max(jnp.abs(v), initial=0.0)
    return jnp.frexp(jnp.where((big > 0) & jnp.isfinite(big), big, 1.0))[1]


def safe_div(num: jax.Array, den: jax.Array) -> jax.Array:
    """num/den, 0 where den = 0 (callers state why 0 is the right limit)."""
    return jnp.where(den == 0, jnp.zeros_like(num), num / jnp.where(den == 0, 1.0, den))


def truncated_cg(
    matvec: Callable[[jax.Array], jax.Array], b: jax.Array, tol: jax.Array, max_steps: int | jax.Array
) -> tuple[jax.Array, jax.Array, jax.Array]:
    """Solve A z = b by conjugate gradients, stopping at negative curvature (N&W alg. 5.2 and 7.1).

    Starts at z = 0 and stops when ‖A z − b‖ ≤ ``tol``, after ``max_steps`` products, or when a
    search direction has pᵀAp ≤ 0 (A not positive definite along p): then the iterate so far is
    returned, or b itself if that happens at the first step (for Newton-CG, b = −g: steepest
    descent). Returns (z, number of products with A, negative curvature met).

    Written here rather than ``jax.scipy.sparse.linalg.cg``, which has no negative-curvature exit
    and does not report its iteration count.
    """
    dtype = b.dtype

    def cond(s):
        k, _, r, _, rr, stop = s
        return (~stop) & (k < max_steps) & (jnp.sqrt(rr) > tol)

    def body(s):
        k, z, r, p, rr, _ = s
        ap = matvec(p)
        pap = dot(p, ap)
        negative = ~(pap > 0)  # also catches a NaN product
        alpha = safe_div(rr, pap)  # pap = 0 only on the negative branch, whose step is discarded
        z_new = z + alpha * p
        r_new = r - alpha * ap  # r = b − A z
        rr_new = dot(r_new, r_new)
        p_new = r_new + safe_div(rr_new, rr) * p  # rr > 0 here: the loop runs only while ‖r‖ > tol ≥ 0
        z_out = jnp.where(negative, jnp.where(k == 0, b, z), z_new)
        keep = lambda new, old: jnp.where(negative, old, new)  # noqa: E731
        return k + 1, z_out, keep(r_new, r), keep(p_new, p), keep(rr_new, rr), negative

    zero = jnp.zeros_like(b)
    init = (jnp.int32(0), zero, b, b, dot(b, b), jnp.array(False))
    k, z, _, _, _, negative = jax.lax.while_loop(cond, body, init)
    return z.astype(dtype), k, negative
