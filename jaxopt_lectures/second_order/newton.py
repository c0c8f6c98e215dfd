"""Newton's method, dense and Hessian-free (ALGORITHMS.md §7; L2, L4, the card: jax.hessian, jax.jvp).

Directions chained with an optional line search: the direction transformation outputs the Newton
step d = −H⁻¹g (solved, never inverted), the search scales it. The incoming ``updates`` are g;
``value_fn`` (f) is needed for the curvature.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import optax

from ..optimizers.recipe import rebuildable
from ..optimizers.base import (
    Evaluations, check_integer, check_range, extra_args_transformation, require_extra_args, scalar_valued,
)  # fmt: skip
from .common import dot, flatten, truncated_cg, with_line_search

__all__ = ["NewtonCGState", "NewtonState", "newton", "newton_cg", "scale_by_newton", "scale_by_newton_cg"]


class NewtonState(NamedTuple):
    """State of :func:`scale_by_newton` (the last step's diagnostics).

    ``modified``: H + λI was not positive definite (its Cholesky factorisation failed), so the
    eigenvalue-modified Hessian was used; ``min_eigenvalue``: the smallest eigenvalue of H + λI
    when that happened (+inf when Cholesky succeeded and no eigenvalues were computed).
    """

    modified: jax.Array
    min_eigenvalue: jax.Array
    evaluations: Evaluations  # one call of f for jax.hessian: n Hessian-vector products


def _modified_newton_step(h: jax.Array, g: jax.Array) -> tuple[jax.Array, jax.Array]:
    """−H̃⁻¹g with H̃ = Q max(|Λ|, δ) Qᵀ (N&W §3.4, eigenvalue modification).

    Negative eigenvalues are flipped (the step then descends along them, away from a saddle) and
    tiny ones floored at δ = √ε · max(1, max|λ|), so a singular or indefinite H gives a finite
    descent direction. Returns (step, λ_min).
    """
    lam, q = jnp.linalg.eigh(h)
    # initial: no parameters (an empty tree) give no eigenvalues, λ_min = +∞ and d the empty vector
    floor = jnp.sqrt(jnp.finfo(h.dtype).eps) * jnp.maximum(1.0, jnp.max(jnp.abs(lam), initial=0.0))
    lam_mod = jnp.maximum(jnp.abs(lam), floor)
    return -(q @ ((q.T @ g) / lam_mod)), jnp.min(lam, initial=jnp.inf)


def scale_by_newton(*, damping: Any = 0.0) -> optax.GradientTransformationExtraArgs:
    """The (damped, modified) Newton direction d = −(H + λI)⁻¹ g, H = ``jax.hessian`` of f.

    Lecture L2 and L4, ALGORITHMS.md §7. H is the dense Hessian of ``value_fn`` at the flattened
    parameters. The system is solved by Cholesky (never inverted); when H + λI is not positive
    definite the Cholesky factor is not finite and the eigenvalue modification of
    :func:`_modified_newton_step` is used instead, so an indefinite or singular H never gives NaN.
    A non-finite H (f undefined nearby) gives the steepest-descent direction −g.

    Examples: :func:`newton` (one step of this direction on a quadratic).
    """
    check_range("damping", damping, low=0.0)

    def init(params):
        dtype = flatten(params).dtype
        return NewtonState(jnp.zeros((), bool), jnp.full((), jnp.inf, dtype), Evaluations.of())

    def update(updates, state, params=None, *, value_fn=None, **extra_args):
        del state, extra_args
        require_extra_args("newton", value_fn=value_fn, params=params)
        value_fn = scalar_valued("newton", value_fn)
        x = flatten(params)
        g = x.of(updates)
        h = x.hessian(value_fn) + jnp.asarray(damping, x.dtype) * jnp.eye(g.size, dtype=x.dtype)
        finite = jnp.all(jnp.isfinite(h))
        h = jnp.where(finite, h, jnp.eye(g.size, dtype=x.dtype))  # f undefined near x: fall back to −g
        chol = jnp.linalg.cholesky(h, symmetrize_input=False)  # h is symmetric: symmetrised above
        spd = jnp.all(jnp.isfinite(chol))

        def solve(_):
            return -jsl.cho_solve((chol, True), g), jnp.full((), jnp.inf, x.dtype)

        def modify(_):
            return _modified_newton_step(h, g)

        d, lam_min = jax.lax.cond(spd, solve, modify, None)
        return x.unravel(d), NewtonState(~spd, lam_min.astype(x.dtype), Evaluations.of(fun=1, hvp=g.size))

    return extra_args_transformation(init, update)


@rebuildable
def newton(*, damping: Any = 0.0, line_search: Any = None) -> optax.GradientTransformationExtraArgs:
    """Newton's method: w ← w − α (H + λI)⁻¹ g with H from ``jax.hessian``.

    Lecture L2 and L4, ALGORITHMS.md §7. With ``damping=0`` and no line search this is the pure
    Newton step, which minimises any quadratic with positive-definite Hessian in one step. An
    indefinite or singular Hessian is modified (eigenvalues |λ| floored, see
    :func:`scale_by_newton`); ``damping`` λ adds λI first (Levenberg's damping). Memory and time are
    those of the dense n×n Hessian (O(n²) and O(n³)): for large n use :func:`newton_cg`.

    Args:
      damping: λ ≥ 0 added to the Hessian's diagonal.
      line_search: ``None`` (unit step, the default), any name in
        :data:`jaxopt_lectures.linesearch.LINE_SEARCHES`, or a line-search transformation; one
        makes Newton globally convergent.

    Extras: ``value_fn`` (and ``value``, ``grad`` for a line search).

    Examples:
      >>> import jax, jax.numpy as jnp, jaxopt_lectures as jl
      >>> f = lambda w: 0.5 * w @ jnp.array([[3.0, 1.0], [1.0, 2.0]]) @ w - w[0]
      >>> opt = jl.newton(); w = jnp.zeros(2); s = opt.init(w)
      >>> u, s = opt.update(jax.grad(f)(w), s, w, value_fn=f)
      >>> [round(float(v), 6) for v in w + u]  # H⁻¹b = (0.4, −0.2)
      [0.4, -0.2]

    References:
      Nocedal & Wright, Numerical Optimization (2006), §3.3–3.4 (the modification, §3.4).
      Lectures L2, L4.
    """
    return with_line_search(scale_by_newton(damping=damping), line_search)


class NewtonCGState(NamedTuple):
    """State of :func:`scale_by_newton_cg`: the last solve's CG steps (Hessian-vector products)
    and whether it stopped on negative curvature."""

    cg_steps: jax.Array
    negative_curvature: jax.Array
    evaluations: Evaluations  # one call of f per product


def hessian_vector_product(value_fn: Any, x: jax.Array, v: jax.Array) -> jax.Array:
    """H(x) v = d/dε ∇f(x + ε v) at ε = 0: ``jax.jvp`` of ``jax.grad`` (forward-over-reverse).

    Costs a small multiple of one gradient and O(n) memory; the Hessian is never formed.
    """
    return jax.jvp(jax.grad(value_fn), (x,), (v,))[1]


def scale_by_newton_cg(
    *, max_cg_steps: int | None = None, cg_tol: Any = None, damping: Any = 0.0
) -> optax.GradientTransformationExtraArgs:
    """The truncated-Newton direction: (H + λI) d = −g solved by CG on Hessian-vector products.

    Lecture L4 (Hessian-free), ALGORITHMS.md §7, N&W alg. 7.1. Each product H v is ``jax.jvp`` of
    ``jax.grad`` (:func:`hessian_vector_product`); the Hessian is never formed, memory is O(n).
    CG stops when ‖(H + λI) d + g‖ ≤ η ‖g‖ with η = ``cg_tol``, or by default the forcing term
    η = min(0.5, √‖g‖) (superlinear convergence, N&W eq. 7.3 and thm. 7.2); after
    ``max_cg_steps`` products (default n); or at negative curvature (then the CG iterate so far,
    or −g at the first CG step).

    Examples: :func:`newton_cg` (this direction chained with a line search).
    """
    if max_cg_steps is not None:
        check_integer("max_cg_steps", max_cg_steps, why="Hessian-vector products per step")
    if cg_tol is not None:
        check_range("cg_tol", cg_tol, low=0.0, low_open=True)
    check_range("damping", damping, low=0.0)

    def init(params):
        del params
        return NewtonCGState(jnp.zeros((), jnp.int32), jnp.zeros((), bool), Evaluations.of())

    def update(updates, state, params=None, *, value_fn=None, **extra_args):
        del state, extra_args
        require_extra_args("newton_cg", value_fn=value_fn, params=params)
        value_fn = scalar_valued("newton_cg", value_fn)
        x = flatten(params)
        g = x.of(updates)
        f = x.function(value_fn)
        lam = jnp.asarray(damping, x.dtype)
        gnorm = jnp.sqrt(dot(g, g))
        eta = jnp.minimum(0.5, jnp.sqrt(gnorm)) if cg_tol is None else jnp.asarray(cg_tol, x.dtype)
        matvec = lambda v: hessian_vector_product(f, x.vec, v).astype(x.dtype) + lam * v  # noqa: E731
        d, k, negative = truncated_cg(matvec, -g, eta * gnorm, max_cg_steps or g.size)
        return x.unravel(d), NewtonCGState(k, negative, Evaluations.of(fun=k, hvp=k))

    return extra_args_transformation(init, update)


@rebuildable
def newton_cg(
    *, max_cg_steps: int | None = None, cg_tol: Any = None, damping: Any = 0.0, line_search: Any = "armijo"
) -> optax.GradientTransformationExtraArgs:
    """Newton-CG (Hessian-free): CG on Hessian-vector products, then a line search.

    Lecture L4, ALGORITHMS.md §7. Each step solves (H + λI) d = −g approximately by conjugate
    gradients whose products H v come from ``jax.jvp`` of ``jax.grad``; w ← w + α d with α from
    the line search (Armijo by default; the CG direction is a descent direction). Memory O(n).

    Args:
      max_cg_steps: CG iterations (Hessian-vector products) per step, default n.
      cg_tol: relative CG tolerance η > 0; default the forcing term min(0.5, √‖g‖).
      damping: λ ≥ 0 added to H (Martens 2010 uses it for neural networks).
      line_search: any name in :data:`jaxopt_lectures.linesearch.LINE_SEARCHES` (default ``"armijo"``), a
        line-search transformation, or ``None`` (unit step).

    Extras: ``value``, ``grad``, ``value_fn``.

    Examples:
      The 100-dimensional Rosenbrock function, whose 100 × 100 Hessian is never formed:

      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> from jaxopt_lectures.problems import rosenbrock
      >>> p = rosenbrock(100)
      >>> r = jl.minimize(p.fun, jnp.asarray(p.x0), jl.newton_cg(), max_steps=500)
      >>> r.reason_name, round(float(jnp.max(jnp.abs(r.params - 1.0))), 4)
      ('gtol', 0.0)

    References:
      Nocedal & Wright, Numerical Optimization (2006), §7.1, alg. 7.1;
      R. S. Dembo, S. C. Eisenstat and T. Steihaug, "Inexact Newton methods", SIAM J. Numer.
      Anal. 19 (1982) 400–408 (the forcing term);
      J. Martens, "Deep learning via Hessian-free optimization", ICML 2010. Lecture L4.
    """
    direction = scale_by_newton_cg(max_cg_steps=max_cg_steps, cg_tol=cg_tol, damping=damping)
    return with_line_search(direction, line_search)
