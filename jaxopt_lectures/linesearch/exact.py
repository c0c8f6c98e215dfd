"""The exact step rule: α = argmin_{α ≥ 0} φ(α) by bracketing, Brent's method and a secant polish.

Lecture L3 (eq. 9) and L4, ALGORITHMS.md §6 and the L2 exercise §10.6: steepest descent with
the exact search is ``optax.chain(optax.scale(-1.0), scale_by_exact_line_search())``, and on a
quadratic the step is the closed form α = −gᵀd / dᵀHd. φ(α) = f(x + α d) and (φ, φ') come
from :mod:`.phi`. :func:`_bracket` is N&W §3.5 / Numerical Recipes §10.1, :func:`_brent`
Numerical Recipes §10.2, :func:`_secant_polish` one secant step on φ'. Written here: optax has
no exact line search.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from ..optimizers.base import (
    Evaluations, check_integer, check_range, extra_args_transformation, require_extra_args, scalar_valued,
)  # fmt: skip
from ..optimizers.recipe import rebuildable
from .phi import init_state, phi_dphi_of, phi_of, scaled, slope, value0, value_dtype

__all__ = ["ExactLineSearchState", "scale_by_exact_line_search"]


# --------------------------------------------------------------------------------------------
# Exact: bracket, then Brent's method
# --------------------------------------------------------------------------------------------

_GOLD = 1.618033988749895  # bracket growth ratio
_CGOLD = 0.3819660112501051  # golden-section fraction 2 − φ


class ExactLineSearchState(NamedTuple):
    """State of :func:`scale_by_exact_line_search` (the last search's outcome)."""

    step_size: jax.Array  # α ≈ argmin_{α ≥ 0} f(x + α d) (best seen after a failure, or 0)
    value: jax.Array  # f(x + α d)
    num_evals: jax.Array  # int32, evaluations of f spent by the last search (the polish's JVPs included)
    failed: jax.Array  # bool: no bracket, tolerance not reached in budget, or gᵀd ≥ 0
    evaluations: Evaluations  # for the loop core: the polish's JVPs are also derivatives


def _bracket(phi, f0, alpha0, budget):
    """Find 0 ≤ a < b < c with φ(b) < φ(a) and φ(b) ≤ φ(c) (N&W §3.5; Numerical Recipes §10.1).

    Expands b by the golden ratio while φ keeps falling; halves b while φ(b) ≥ φ(0).
    Returns (a, φ(a), b, φ(b), c, evaluations, found); φ(c) is not kept (Brent does not need it).
    """
    dtype = f0.dtype
    fb0 = phi(alpha0)
    # state: k, a, fa, b, fb, c, found
    init = (jnp.int32(1), jnp.zeros((), dtype), f0, alpha0, fb0, jnp.full((), jnp.inf, dtype), jnp.array(False))

    def cond(s):
        k, *_, found = s
        return (~found) & (k < budget)

    def body(s):
        k, a, fa, b, fb, c, _ = s
        expanding = fb < fa
        trial = jnp.where(expanding, b + _GOLD * (b - a), 0.5 * b)
        ft = phi(trial)
        # expanding: stop at the first rise (c = trial), else slide (a, b) ← (b, trial)
        # shrinking: (b, c) ← (trial, b), stop once φ(trial) < φ(0)
        found = jnp.where(expanding, ft >= fb, ft < fa)
        slide = expanding & ~found
        new_a, new_fa = jnp.where(slide, b, a), jnp.where(slide, fb, fa)
        new_b = jnp.where(expanding, jnp.where(found, b, trial), trial)
        new_fb = jnp.where(expanding, jnp.where(found, fb, ft), ft)
        new_c = jnp.where(expanding, jnp.where(found, trial, c), b)
        return k + 1, new_a, new_fa, new_b, new_fb, new_c, found

    k, a, fa, b, fb, c, found = jax.lax.while_loop(cond, body, init)
    return a, fa, b, fb, c, k, found


def _brent(phi, a, fa, b, x, fx, tol, budget):
    """Brent's method on [a, b] from the interior point x (Numerical Recipes §10.2, ``brent``).

    Parabolic interpolation through the three best points when it stays inside the bracket and
    shrinks, golden section otherwise; stops when |x − m| ≤ 2·tol1 − (b − a)/2, tol1 = tol|x| + ε.
    Unlike NR, which starts with x = w = v (a golden step first), the second-best point w starts
    at a (φ(a) is known from the bracket), so the first step is the parabola through (a, x) with
    the secant slope, and a quadratic φ is minimised after two steps to rounding error.
    Returns (x, φ(x), evaluations, converged).
    """
    dtype = fx.dtype
    tiny = jnp.asarray(jnp.finfo(dtype).tiny, dtype) ** 0.5  # absolute floor of the tolerance near α = 0
    tol = jnp.asarray(tol, dtype)
    noise = 4 * jnp.finfo(dtype).eps

    def tols(s):
        _, a, b, x, *_ = s
        tol1 = tol * jnp.abs(x) + tiny
        return 0.5 * (a + b), tol1, 2.0 * tol1

    def converged(s):
        _, a, b, x, *_ = s
        xm, _, tol2 = tols(s)
        return jnp.abs(x - xm) <= tol2 - 0.5 * (b - a)

    def cond(s):
        return (~converged(s)) & (s[0] < budget)

    def body(s):
        k, a, b, x, w, v, fx, fw, fv, d, e = s
        xm, tol1, tol2 = tols(s)
        # trial parabola through (x, fx), (w, fw), (v, fv)
        r = (x - w) * (fx - fv)
        q = (x - v) * (fx - fw)
        p = (x - v) * q - (x - w) * r
        q = 2.0 * (q - r)
        p = jnp.where(q > 0, -p, p)
        q = jnp.abs(q)
        parabolic = (
            (jnp.abs(e) > tol1)
            & jnp.isfinite(p)
            & jnp.isfinite(q)  # an infinite φ (NaN region) makes the parabola meaningless
            & (jnp.abs(p) < jnp.abs(0.5 * q * e))
            & (p > q * (a - x))
            & (p < q * (b - x))
        )
        d_par = p / jnp.where(q == 0, 1.0, q)  # q = 0 never passes the tests above; guard the division
        u_par = x + d_par
        d_par = jnp.where((u_par - a < tol2) | (b - u_par < tol2), jnp.where(xm >= x, tol1, -tol1), d_par)
        e_gold = jnp.where(x >= xm, a - x, b - x)
        new_e = jnp.where(parabolic, d, e_gold)
        new_d = jnp.where(parabolic, d_par, _CGOLD * e_gold)
        u = jnp.where(jnp.abs(new_d) >= tol1, x + new_d, x + jnp.where(new_d >= 0, tol1, -tol1))
        fu = phi(u)
        # NR moves x on fu ≤ fx; here a decrease within rounding noise of φ does not move it, so the
        # accurate parabolic vertex is not traded for a probe at x ± tol1 that rounds one ulp lower
        better = fu < fx - noise * jnp.abs(fx)
        # shrink the bracket
        a2 = jnp.where(better, jnp.where(u >= x, x, a), jnp.where(u < x, u, a))
        b2 = jnp.where(better, jnp.where(u >= x, b, x), jnp.where(u < x, b, u))
        # update the three best points
        to_w = (~better) & ((fu <= fw) | (w == x))
        to_v = (~better) & (~to_w) & ((fu <= fv) | (v == x) | (v == w))
        v2 = jnp.where(better | to_w, w, jnp.where(to_v, u, v))
        fv2 = jnp.where(better | to_w, fw, jnp.where(to_v, fu, fv))
        w2 = jnp.where(better, x, jnp.where(to_w, u, w))
        fw2 = jnp.where(better, fx, jnp.where(to_w, fu, fw))
        x2, fx2 = jnp.where(better, u, x), jnp.where(better, fu, fx)
        return k + 1, a2, b2, x2, w2, v2, fx2, fw2, fv2, new_d, new_e

    zero = jnp.zeros((), dtype)
    init = (jnp.int32(0), a, b, x, a, a, fx, fa, fa, zero, b - a)
    s = jax.lax.while_loop(cond, body, init)
    return s[3], s[6], s[0], converged(s), s[1], s[2], s[4]


def _secant_polish(phi_dphi, a, b, x, fx, w):
    """One secant step on φ' through the two best points x, w of Brent (N&W §3.5, eq. 3.59 spirit).

    Brent compares values of φ, which near the minimum differ by less than the rounding of φ
    itself: α is then known only to ~√ε relative. φ' (a JVP of f along d) has no such floor, and
    on a quadratic φ' is linear, so the secant root is exact to rounding. The polished α is kept
    only inside the bracket (a, b), when the secant's curvature is positive, |φ'| drops and φ
    does not rise by more than √ε relative.
    Returns (α, φ(α), 3).
    """
    fx_, dx = phi_dphi(x)
    fw_, dw = phi_dphi(w)
    del fx_, fw_
    denom = dx - dw
    ok = (w != x) & (denom * (x - w) > 0)  # the secant's curvature estimate is positive: a minimum
    alpha = x - dx * (x - w) / jnp.where(ok, denom, 1.0)
    inside = ok & (alpha > a) & (alpha < b) & jnp.isfinite(alpha)
    alpha = jnp.where(inside, alpha, x)
    fa, da = phi_dphi(alpha)
    # φ itself may be computed with a relative error far above ε (f = ½(x − x*)ᵀH(x − x*) loses
    # digits to the cancellation in x − x*), so values only guard against a real rise
    slack = jnp.sqrt(jnp.finfo(fx.dtype).eps) * jnp.abs(fx)
    keep = inside & jnp.isfinite(fa) & (jnp.abs(da) < jnp.abs(dx)) & (fa <= fx + slack)
    return jnp.where(keep, alpha, x), jnp.where(keep, fa, fx), jnp.int32(3)


@rebuildable
def scale_by_exact_line_search(
    *, max_steps: int = 100, tol: Any = None, initial_step: Any = 1.0, polish: bool = True
) -> optax.GradientTransformationExtraArgs:
    """Exact step rule: α = argmin_{α ≥ 0} f(x + α d), by bracketing then Brent's method.

    Lecture L3 (eq. 9) and L4, ALGORITHMS.md §6 and the L2 exercise §10.6. Minimises the 1-D
    function φ(α) = f(x + α d):

        1. bracket: from α₀ grow by the golden ratio while φ falls, or halve while φ(α) ≥ φ(0),
           until 0 ≤ a < b < c with φ(b) < φ(a), φ(b) ≤ φ(c);
        2. Brent: parabolic interpolation with golden-section safeguard on [a, c] until
           |α − m| ≤ 2 tol |α| − (c − a)/2 (m the midpoint);
        3. polish (``polish=True``): one secant step on φ'(α) = ∇f(x + αd)ᵀd (forward-mode JVPs)
           through Brent's two best points, kept when |φ'| drops. Values alone fix α only to
           ~√ε relative near the minimum, where φ's changes sink below its rounding; the
           derivative has no such floor, so conjugate-gradient and BFGS theory (exact searches)
           hold to rounding, e.g. CG ends on an m-dimensional quadratic in m steps.

    On a quadratic the first parabolic step is exact, α = −gᵀd / dᵀHd. Steepest descent (L3 eq. 9)
    is ``optax.chain(optax.scale(-1.0), scale_by_exact_line_search())``. Extras: ``value_fn``
    (required), ``value`` (evaluated if missing) and ``grad`` (optional; with it, gᵀd ≥ 0 fails at
    once with step 0). All loops are ``lax.while_loop`` with a fixed budget, so it jits and vmaps.
    Written here: optax has no exact line search.

    Args:
      max_steps: budget of evaluations of f for both phases, an integer ≥ 2.
      tol: relative tolerance on α (default √ε of the parameters' dtype, Brent's floor).
      initial_step: first trial α₀ > 0.
      polish: finish with the secant step on φ' (3 JVPs of f; needs f differentiable).

    Examples:
      >>> import jax.numpy as jnp, optax
      >>> f = lambda x: 0.5 * (x[0] ** 2 + 10 * x[1] ** 2)
      >>> opt = optax.chain(optax.scale(-1.0), scale_by_exact_line_search())
      >>> x = jnp.array([1.0, 1.0]); g = jnp.array([1.0, 10.0]); s = opt.init(x)
      >>> u, s = opt.update(g, s, x, value=f(x), grad=g, value_fn=f)
      >>> round(float(s[1].step_size), 5)  # gᵀg / gᵀHg = 101 / 1001
      0.1009

    References:
      Lecture L3 eq. 9 and the L2 exercise (ALGORITHMS.md §10.6); A. Cauchy, "Méthode générale
      pour la résolution des systèmes d'équations simultanées", C. R. Acad. Sci. Paris 25 (1847)
      536–538 (steepest descent with the exact step); R. P. Brent, Algorithms for Minimization without Derivatives (1973), ch. 5;
      Press et al., Numerical Recipes, 3rd ed., §10.2–10.3.
    """
    check_integer("max_steps", max_steps, low=2, why="bracket and refine")
    if tol is not None:
        check_range("tol", tol, low=0.0, low_open=True)
    check_range("initial_step", initial_step, low=0.0, low_open=True)

    def init(params):
        return init_state(ExactLineSearchState, params)

    def update(updates, state, params=None, *, value=None, grad=None, value_fn=None, **extra_args):
        del extra_args
        require_extra_args("scale_by_exact_line_search", value_fn=value_fn, params=params)
        value_fn = scalar_valued("scale_by_exact_line_search", value_fn)
        dtype = value_dtype(params)
        rtol = jnp.sqrt(jnp.finfo(dtype).eps) if tol is None else tol
        phi = phi_of(value_fn, params, updates, dtype)
        f0, n0 = value0(value, phi, dtype)
        descent = jnp.array(True) if grad is None else slope(grad, updates, dtype) < 0
        budget = jnp.where(descent, max_steps, 0)
        alpha0 = jnp.asarray(initial_step, dtype)
        a, fa, b, fb, c, k1, found = _bracket(phi, f0, alpha0, jnp.maximum(budget - 1, 1))
        found = found & descent
        x, fx, k2, conv, _, _, w = _brent(phi, a, fa, c, b, fb, rtol, jnp.where(found, budget - k1, 0))
        if polish:
            # within the bracket (a, c), not Brent's final interval: value comparisons at rounding
            # level may have shrunk that past the true minimiser (measured on CG's quadratics)
            pd = phi_dphi_of(value_fn, params, updates, dtype)
            x, fx, k3 = jax.lax.cond(
                found & (budget - k1 - k2 >= 3),  # the polish's 3 JVPs count against max_steps
                lambda _: _secant_polish(pd, a, c, x, fx, w),
                lambda _: (x, fx, jnp.int32(0)),
                None,
            )
            k2 = k2 + k3
        else:
            k3 = jnp.int32(0)
        # after a failed bracket the best point seen is b when it lowered f (expansion ran out)
        improved = fx < f0
        alpha = jnp.where(improved & descent, x, 0.0)
        v = jnp.where(improved & descent, fx, f0)
        failed = ~(found & conv & improved)
        n = (k1 + k2 + n0).astype(jnp.int32)
        new = ExactLineSearchState(alpha, v, n, failed, Evaluations.of(fun=n, grad=k3))
        return scaled(alpha, updates), new

    return extra_args_transformation(init, update)
