"""Gauss–Newton and Levenberg–Marquardt for E(w) = ½‖r(w)‖² (ALGORITHMS.md §7; L4).

Both take the residual function as the extra argument ``residual_fn`` (``r(params)``, any pytree
of arrays; :func:`jaxopt_lectures.least_squares` passes it). J is the Jacobian of the flattened
residuals with respect to the flattened parameters; ∇E = Jᵀr and the Gauss–Newton Hessian is JᵀJ.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import optax
from jax.flatten_util import ravel_pytree

from ..optimizers._recipe import rebuildable
from ..optimizers._base import Evaluations, check_integer, check_range, extra_args_transformation, require_extra_args
from ._common import Flat, binary_normalized, dot, flatten, safe_div, truncated_cg, with_line_search

__all__ = [
    "GaussNewtonState",
    "LevenbergMarquardtState",
    "gauss_newton",
    "levenberg_marquardt",
    "scale_by_gauss_newton",
    "scale_by_levenberg_marquardt",
]


def _residual_vector(x: Flat, residual_fn: Callable) -> Callable[[jax.Array], jax.Array]:
    """r as a function of the parameter vector, returning one residual vector in x's dtype."""
    return lambda v: ravel_pytree(residual_fn(x.unravel(v)))[0].astype(x.dtype)


def _jacobian(rfun: Callable, x: jax.Array) -> jax.Array:
    """J (m × n): forward mode when n ≤ m (n JVPs), reverse mode otherwise (m VJPs)."""
    m = jax.eval_shape(rfun, x).size
    return (jax.jacfwd if x.size <= m else jax.jacrev)(rfun)(x)


def _half_sq(r: jax.Array) -> jax.Array:
    """E = ½‖r‖², +∞ when r is not finite (a trial step into a region where r is undefined)."""
    e = 0.5 * dot(r, r)
    return jnp.where(jnp.isfinite(e), e, jnp.inf)


class GaussNewtonState(NamedTuple):
    """State of :func:`scale_by_gauss_newton`: E = ½‖r‖² at the point the last step started from."""

    value: jax.Array
    evaluations: Evaluations  # r, then its Jacobian


def scale_by_gauss_newton() -> optax.GradientTransformationExtraArgs:
    """The Gauss–Newton direction d = −(JᵀJ)⁻¹Jᵀr, as the least-squares solution of J d = −r.

    ALGORITHMS.md §7, L4. Solved with ``jnp.linalg.lstsq`` (SVD) rather than the normal equations:
    the same d when J has full column rank, and the minimum-norm solution (finite, never NaN) when
    JᵀJ is singular — as at the minimum of Powell's singular function.
    """

    def init(params):
        return GaussNewtonState(jnp.full((), jnp.inf, flatten(params).dtype), Evaluations.of())

    def update(updates, state, params=None, *, residual_fn=None, **extra_args):
        del updates, state, extra_args
        require_extra_args("gauss_newton", residual_fn=residual_fn, params=params)
        x = flatten(params)
        rfun = _residual_vector(x, residual_fn)
        r = rfun(x.vec)
        jac = _jacobian(rfun, x.vec)
        d = jnp.linalg.lstsq(jac, -r)[0]
        d = jnp.where(jnp.all(jnp.isfinite(d)), d, 0.0)  # r or J not finite at x: no step
        return x.unravel(d), GaussNewtonState(_half_sq(r), Evaluations.of(fun=2, grad=1))

    return extra_args_transformation(init, update)


@rebuildable
def gauss_newton(*, line_search: Any = None) -> optax.GradientTransformationExtraArgs:
    """Gauss–Newton: w ← w − α (JᵀJ)⁻¹Jᵀr for E = ½‖r(w)‖².

    Lecture L4, ALGORITHMS.md §7: Newton's method with the Hessian approximated by JᵀJ (the
    second-order term Σ rᵢ∇²rᵢ dropped), exact at a zero-residual minimum. Quadratic convergence
    on zero-residual problems with J of full rank; a line search (e.g. ``"armijo"``) makes it
    globally convergent.

    Args:
      line_search: ``None`` (unit step, the lecture's update; the default), ``"armijo"``,
        ``"wolfe"``, ``"exact"``, ``"halving"`` or a line-search transformation.

    Extras: ``residual_fn`` (and ``value``, ``grad``, ``value_fn`` for a line search).

    Example:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> r = lambda w: jnp.array([10 * (w[1] - w[0] ** 2), 1 - w[0]])  # Rosenbrock residuals
      >>> res = jl.least_squares(r, jnp.array([-1.2, 1.0]), jl.gauss_newton(), max_steps=20)
      >>> int(res.num_steps), [round(float(v), 6) for v in res.params]
      (2, [1.0, 1.0])
    """
    return with_line_search(scale_by_gauss_newton(), line_search)


class LevenbergMarquardtState(NamedTuple):
    """State of :func:`scale_by_levenberg_marquardt`.

    ``damping`` μ for the next step; of the last step: ``value`` E at the accepted point (E at
    the start when every trial was rejected), ``num_evals`` residual evaluations (r at the start
    and one per trial), ``rejected`` trials rejected because E went up, ``failed`` no trial within
    ``max_tries`` lowered E (the step is then 0 and μ has grown).
    """

    damping: jax.Array
    value: jax.Array
    num_evals: jax.Array
    rejected: jax.Array
    failed: jax.Array
    evaluations: Evaluations  # the residual evaluations and the Jacobian (one linearisation if matrix-free)


_MU_MIN, _MU_MAX = 1e-30, 1e30  # μ stays in a range where μI neither vanishes nor swamps JᵀJ in floats


def scale_by_levenberg_marquardt(
    *,
    damping: Any = 1e-3,
    increase: Any = 10.0,
    decrease: Any = 0.1,
    matrix_free: bool = False,
    max_tries: int = 20,
    max_cg_steps: int | None = None,
    cg_tol: Any = 1e-10,
) -> optax.GradientTransformationExtraArgs:
    """The Levenberg–Marquardt step with adaptive damping; the step is already accepted (no search).

    Lecture L4, ALGORITHMS.md §7:

        δ = −(μI + JᵀJ)⁻¹ Jᵀr,

    tried at the current μ; if E(w + δ) < E(w) the step is taken and μ ← μ·``decrease``, else it is
    rejected, μ ← max(μ·``increase``, √ε·gᵀJᵀJg/gᵀg) and δ re-solved, at most ``max_tries`` times
    (then the step is 0 and ``failed`` is set); the floor only matters when μ is too small to
    change the solve at all (μ = 0, say). Dense (default): J from ``jax.jacfwd``/``jacrev``, solved by Cholesky
    (μ > 0 makes μI + JᵀJ positive definite). ``matrix_free=True``: the products (μI + JᵀJ)v by one
    JVP and one VJP of r (``jax.linearize`` and its transpose), solved by CG to the relative
    tolerance ``cg_tol`` in at most ``max_cg_steps`` (default n) products: memory O(n + m).

    L4 writes the sums over samples divided by n, (μI + (1/n)Σ JᵢᵀJᵢ)⁻¹ (1/n)Σ Jᵢᵀeᵢ: that is this
    step for E/n with μ scaled by n, so the iterates are the same with μ_here = n μ_L4.
    """
    check_range("damping", damping, low=0.0)
    check_range("increase", increase, low=1.0, low_open=True)
    check_range("decrease", decrease, low=0.0, high=1.0, low_open=True, high_open=True)
    check_integer("max_tries", max_tries, why="trial steps per update")
    if max_cg_steps is not None:
        check_integer("max_cg_steps", max_cg_steps, why="CG products per trial")
    check_range("cg_tol", cg_tol, low=0.0, low_open=True)

    def init(params):
        dtype = flatten(params).dtype
        return LevenbergMarquardtState(
            damping=jnp.asarray(damping, dtype),
            value=jnp.full((), jnp.inf, dtype),
            num_evals=jnp.zeros((), jnp.int32),
            rejected=jnp.zeros((), jnp.int32),
            failed=jnp.zeros((), bool),
            evaluations=Evaluations.of(),
        )

    def update(updates, state, params=None, *, residual_fn=None, **extra_args):
        del updates, extra_args
        require_extra_args("levenberg_marquardt", residual_fn=residual_fn, params=params)
        x = flatten(params)
        rfun = _residual_vector(x, residual_fn)
        dtype = x.dtype
        if matrix_free:
            r, jvp = jax.linearize(rfun, x.vec)  # v ↦ J v
            vjp = jax.linear_transpose(jvp, x.vec)  # u ↦ Jᵀ u
            g = vjp(r)[0]
            gnorm = jnp.sqrt(dot(g, g))
            jg = jvp(binary_normalized(g))  # J g for the μ floor below, g scaled exactly

            def solve(mu):
                matvec = lambda v: vjp(jvp(v))[0] + mu * v  # noqa: E731 - (JᵀJ + μI) v
                return truncated_cg(matvec, -g, jnp.asarray(cg_tol, dtype) * gnorm, max_cg_steps or g.size)[0]

        else:
            r = rfun(x.vec)
            jac = _jacobian(rfun, x.vec)
            jtj, g = jac.T @ jac, jac.T @ r
            jg = jac @ binary_normalized(g)  # J g for the μ floor below, g scaled exactly
            eye = jnp.eye(g.size, dtype=dtype)

            def solve(mu):
                chol = jnp.linalg.cholesky(jtj + mu * eye)
                # μ = 0 with a singular JᵀJ has no Cholesky factor: take the least-squares step then
                return jax.lax.cond(
                    jnp.all(jnp.isfinite(chol)),
                    lambda _: -jsl.cho_solve((chol, True), g),
                    lambda _: jnp.linalg.lstsq(jac, -r)[0],
                    None,
                )

        e0 = _half_sq(r)
        up, down = jnp.asarray(increase, dtype), jnp.asarray(decrease, dtype)
        # μ below √ε times the curvature of JᵀJ along g (a Rayleigh quotient, one product) does not
        # change the solve in floating point: a rejected trial grows μ to at least that, so growth
        # from μ = 0 or 1e-30 does not spend its tries on damping that cannot matter. g enters
        # scaled by a power of two (the same quotient), so ‖Jg‖² and ‖g‖² cannot overflow to ∞/∞
        g_scaled = binary_normalized(g)
        mu_floor = jnp.sqrt(jnp.finfo(dtype).eps) * safe_div(dot(jg, jg), dot(g_scaled, g_scaled))  # g = 0: no floor

        def cond(s):
            k, _, _, _, accepted = s
            return (~accepted) & (k < max_tries)

        def body(s):
            k, mu, _, _, _ = s
            delta = solve(mu)
            delta = jnp.where(jnp.all(jnp.isfinite(delta)), delta, 0.0)
            e = _half_sq(rfun(x.vec + delta))
            accepted = e < e0  # L4: keep a step that lowers the loss, reject one that raises it
            mu_next = jnp.clip(jnp.where(accepted, mu * down, jnp.maximum(mu * up, mu_floor)), _MU_MIN, _MU_MAX)
            return k + 1, mu_next, delta, e, accepted

        mu0 = jnp.clip(state.damping, 0.0, _MU_MAX)
        init_s = (jnp.int32(0), mu0, jnp.zeros_like(x.vec), e0, jnp.array(False))
        k, mu, delta, e, accepted = jax.lax.while_loop(cond, body, init_s)
        step = jnp.where(accepted, delta, 0.0)
        new = LevenbergMarquardtState(
            damping=mu,
            value=jnp.where(accepted, e, e0),
            num_evals=k + 1,
            rejected=k - accepted.astype(jnp.int32),
            failed=~accepted,
            # dense: r, then J (a second pass), then the trials; matrix-free: r and J v by one linearisation
            evaluations=Evaluations.of(fun=k + (1 if matrix_free else 2), grad=1),
        )
        return x.unravel(step), new

    return extra_args_transformation(init, update)


@rebuildable
def levenberg_marquardt(
    damping: Any = 1e-3,
    increase: Any = 10.0,
    decrease: Any = 0.1,
    matrix_free: bool = False,
    *,
    max_tries: int = 20,
    max_cg_steps: int | None = None,
    cg_tol: Any = 1e-10,
) -> optax.GradientTransformationExtraArgs:
    """Levenberg–Marquardt: w ← w − (μI + JᵀJ)⁻¹Jᵀr with the lectures' adaptive μ.

    Lecture L4, ALGORITHMS.md §7. Interpolates between Gauss–Newton (μ → 0) and gradient descent
    with η = 1/μ (μ ≫ ‖JᵀJ‖). After a step that lowers E = ½‖r‖², μ shrinks by ``decrease``; a step
    that would raise E is rejected and retried with μ grown by ``increase``
    (:func:`scale_by_levenberg_marquardt`). Every accepted step lowers E, so no line search.

    Args:
      damping: the initial μ ≥ 0 (a float or a traced array: vmap over it works).
      increase: factor > 1 applied to μ after a rejected trial.
      decrease: factor in (0, 1) applied to μ after an accepted step.
      matrix_free: solve with CG on JVP/VJP products instead of forming J (large n).
      max_tries: trials per step before giving up (step 0, ``failed`` in the state).
      max_cg_steps, cg_tol: the CG budget and relative tolerance when ``matrix_free``.

    Extras: ``residual_fn``.

    Example:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> t = jnp.linspace(0.0, 3.0, 8); y = 2.0 * jnp.exp(-0.7 * t)
      >>> r = lambda w: w[0] * jnp.exp(-w[1] * t) - y
      >>> res = jl.least_squares(r, jnp.array([1.0, 0.0]), jl.levenberg_marquardt(), max_steps=50)
      >>> [round(float(v), 6) for v in res.params]
      [2.0, 0.7]

    References:
      K. Levenberg (1944); D. Marquardt (1963); Nocedal & Wright (2006), §10.3.
    """
    return scale_by_levenberg_marquardt(
        damping=damping, increase=increase, decrease=decrease, matrix_free=matrix_free,
        max_tries=max_tries, max_cg_steps=max_cg_steps, cg_tol=cg_tol,
    )  # fmt: skip
