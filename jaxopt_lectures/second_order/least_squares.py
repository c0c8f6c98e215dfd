"""Gauss–Newton for E(w) = ½‖r(w)‖² (ALGORITHMS.md §7; L4), and the residual helpers it shares
with :mod:`.marquardt` (Levenberg–Marquardt).

Both methods take the residual function as the extra argument ``residual_fn`` (``r(params)``, any pytree
of arrays; :func:`jaxopt_lectures.least_squares` passes it). J is the Jacobian of the flattened
residuals with respect to the flattened parameters; ∇E = Jᵀr and the Gauss–Newton Hessian is JᵀJ.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import optax
from jax.flatten_util import ravel_pytree

from ..optimizers.recipe import rebuildable
from ..optimizers.base import Evaluations, extra_args_transformation, require_extra_args
from .common import Flat, dot, flatten, with_line_search

__all__ = [
    "GaussNewtonState",
    "gauss_newton",
    "half_squared_norm",
    "jacobian",
    "residual_vector",
    "scale_by_gauss_newton",
]


def residual_vector(x: Flat, residual_fn: Callable) -> Callable[[jax.Array], jax.Array]:
    """r as a function of the parameter vector, returning one residual vector in x's dtype."""
    return lambda v: ravel_pytree(residual_fn(x.unravel(v)))[0].astype(x.dtype)


def jacobian(rfun: Callable, x: jax.Array) -> jax.Array:
    """J (m × n): forward mode when n ≤ m (n JVPs), reverse mode otherwise (m VJPs)."""
    m = jax.eval_shape(rfun, x).size
    return (jax.jacfwd if x.size <= m else jax.jacrev)(rfun)(x)


def half_squared_norm(r: jax.Array) -> jax.Array:
    """E = ½‖r‖², +∞ when r is not finite (a trial step into a region where r is undefined)."""
    e = 0.5 * dot(r, r)
    return jnp.where(jnp.isfinite(e), e, jnp.inf)


class GaussNewtonState(NamedTuple):
    """State of :func:`scale_by_gauss_newton`: E = ½‖r‖² at the point the last step started from."""

    value: jax.Array
    evaluations: Evaluations  # r, then its Jacobian


def _column_norms(jac: jax.Array) -> jax.Array:
    """‖J₍:,ⱼ₎‖ for each column, a zero column counted as 1 (it is left as it is)."""
    c = jnp.sqrt(jnp.sum(jac * jac, axis=0))
    return jnp.where(c > 0, c, 1.0)


def scale_by_gauss_newton() -> optax.GradientTransformationExtraArgs:
    """The Gauss–Newton direction d = −(JᵀJ)⁻¹Jᵀr, as the least-squares solution of J d = −r.

    ALGORITHMS.md §7, L4. Solved with ``jnp.linalg.lstsq`` (SVD) rather than the normal equations:
    the same d when J has full column rank, and the minimum-norm solution (finite, never NaN) when
    JᵀJ is singular — as at the minimum of Powell's singular function.

    The columns of J are scaled to unit norm first, d = C⁻¹ lstsq(J C⁻¹, −r) with C = diag(‖J₍:,ⱼ₎‖)
    (the same d whenever J has full rank). ``lstsq`` treats singular values below
    ε·max(m, n)·σ_max as zero (its default cutoff, 2.4e-7 for a 2 × 2 float32 J); unscaled, a
    parameter whose column is 1e7 times shorter than another's (r = (1e7(w₀ − 1), w₁ − 1), or
    1e6 with eleven residuals) has its singular value cut and never moves. Scaled, only a
    direction in which the columns themselves are dependent to within that cutoff is cut: the
    minimum-norm solution is then the one of the scaled variables C w.

    Examples: :func:`gauss_newton` (this direction with the unit step).
    """

    def init(params):
        return GaussNewtonState(jnp.full((), jnp.inf, flatten(params).dtype), Evaluations.of())

    def update(updates, state, params=None, *, residual_fn=None, **extra_args):
        del updates, state, extra_args
        require_extra_args("gauss_newton", residual_fn=residual_fn, params=params)
        x = flatten(params)
        rfun = residual_vector(x, residual_fn)
        r = rfun(x.vec)
        jac = jacobian(rfun, x.vec)
        c = _column_norms(jac)
        d = jnp.linalg.lstsq(jac / c, -r)[0] / c  # d = C⁻¹ (JC⁻¹)⁺(−r): scale-free cutoff (see above)
        d = jnp.where(jnp.all(jnp.isfinite(d)), d, 0.0)  # r or J not finite at x: no step
        return x.unravel(d), GaussNewtonState(half_squared_norm(r), Evaluations.of(fun=2, grad=1))

    return extra_args_transformation(init, update)


@rebuildable
def gauss_newton(*, line_search: Any = None) -> optax.GradientTransformationExtraArgs:
    """Gauss–Newton: w ← w − α (JᵀJ)⁻¹Jᵀr for E = ½‖r(w)‖².

    Lecture L4, ALGORITHMS.md §7: Newton's method with the Hessian approximated by JᵀJ (the
    second-order term Σ rᵢ∇²rᵢ dropped), exact at a zero-residual minimum. Quadratic convergence
    on zero-residual problems with J of full rank; a line search (e.g. ``"armijo"``) makes it
    globally convergent.

    Args:
      line_search: ``None`` (unit step, the lecture's update; the default),
        any name in :data:`jaxopt_lectures.linesearch.LINE_SEARCHES`, or a line-search transformation.

    Extras: ``residual_fn`` (and ``value``, ``grad``, ``value_fn`` for a line search).

    Examples:
      Rosenbrock's residuals: r₂ = 1 − w₀ is linear, so the first step sets w₀ = 1 exactly; r₁ is
      then linear in w₁, and the second step ends at the minimum.

      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> r = lambda w: jnp.array([10 * (w[1] - w[0] ** 2), 1 - w[0]])
      >>> for k in (1, 2):
      ...     res = jl.least_squares(r, jnp.array([-1.2, 1.0]), jl.gauss_newton(), max_steps=k)
      ...     print(k, [round(float(v), 4) for v in res.params])
      1 [1.0, -3.84]
      2 [1.0, 1.0]

    References:
      Nocedal & Wright, Numerical Optimization (2006), §10.3 (the Gauss–Newton method). Lecture L4.
    """
    return with_line_search(scale_by_gauss_newton(), line_search)
