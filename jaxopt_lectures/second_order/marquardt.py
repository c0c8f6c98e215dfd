"""Levenberg–Marquardt for E(w) = ½‖r(w)‖² (ALGORITHMS.md §7; L4), with MINPACK's options.

The lecture's update w ← w − (μI + JᵀJ)⁻¹Jᵀr with its adaptive μ, and, as options, Marquardt's
scaled damping μD², a QR solve of the stacked system and MINPACK's trust region (Moré 1978).
Takes the residual function as the extra argument ``residual_fn`` like :mod:`.least_squares`.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import optax

from ..optimizers.recipe import rebuildable
from ..optimizers.base import (
    Evaluations, check_choice, check_integer, check_range, extra_args_transformation, require_extra_args,
)  # fmt: skip
from .common import binary_exponent, dot, flatten, safe_div, truncated_cg
from .least_squares import half_squared_norm, jacobian, residual_vector

__all__ = ["LM_DAMPING_RULES", "LM_SCALINGS", "LM_SOLVERS", "LevenbergMarquardtState", "levenberg_marquardt",
           "scale_by_levenberg_marquardt"]  # fmt: skip


class LevenbergMarquardtState(NamedTuple):
    """State of :func:`scale_by_levenberg_marquardt`.

    ``damping`` μ for the next step (its first guess under ``damping_rule="trust_region"``);
    ``scale`` the diagonal D of the damping term μD² (ones for ``scaling="identity"``; for
    ``"marquardt"`` the running maximum of J's column norms, zeros before the first step);
    ``radius`` the trust region's step bound Δ (0 before the first step, and always under the
    lecture's rule); of the last step: ``value`` E at the accepted point (E at the start when every
    trial was rejected), ``num_evals`` residual evaluations (r at the start and one per trial),
    ``rejected`` trials rejected, ``failed`` no trial within ``max_tries`` was accepted (the step
    is then 0 and μ has grown, or Δ shrunk).
    """

    damping: jax.Array
    scale: jax.Array
    radius: jax.Array
    value: jax.Array
    num_evals: jax.Array
    rejected: jax.Array
    failed: jax.Array
    evaluations: Evaluations  # the residual evaluations and the Jacobian (one linearisation if matrix-free)


_MU_MIN, _MU_MAX = 1e-30, 1e30  # μ stays in a range where μI neither vanishes nor swamps JᵀJ in floats
#: The damping term μD²: the lecture's D = I, or Marquardt's D = diag(JᵀJ)^½ as MINPACK keeps it.
LM_SCALINGS = ("identity", "marquardt")
#: How the damped system is solved: Cholesky of JᵀJ + μD², or QR of the stacked [J; √μ D].
LM_SOLVERS = ("cholesky", "qr")
#: How μ adapts: the lecture's factors, or MINPACK's trust region ‖Dδ‖ ≤ Δ (Moré 1978 §4–5).
LM_DAMPING_RULES = ("lecture", "trust_region")
_FACTOR = 100.0  # MINPACK's default initial step bound Δ₀ = factor·‖D w₀‖ (scipy's least_squares too)


def _lmpar(factor: Callable, fallback: Callable, scale: jax.Array, g: jax.Array, radius: jax.Array, par0: jax.Array):
    """MINPACK's lmpar (Moré 1978 §5): the μ ≥ 0 whose step δ(μ) = −(JᵀJ + μD²)⁻¹g has ‖Dδ‖
    within 10 % of the bound Δ, or μ = 0 when the Gauss–Newton step is shorter than 1.1Δ.

    Hebden's Newton iteration on 1/‖Dδ(μ)‖ − 1/Δ, μ ← μ + (‖Dδ‖ − Δ)/(Δ‖w‖²) with
    w = L⁻¹D²δ/‖Dδ‖, safeguarded in [l, u] (l from the Gauss–Newton step, 0 when J is
    rank-deficient; u = ‖D⁻¹g‖/Δ), from ``par0`` and for at most 10 factorisations.
    ``factor(μ)`` gives (nonsingular?, () ↦ δ(μ), v ↦ L⁻¹v with LLᵀ = JᵀJ + μD²); ``fallback()``
    the minimum-norm Gauss–Newton step for a rank-deficient J. Returns (δ, μ).
    """
    tiny = jnp.finfo(g.dtype).tiny
    ok0, step0, lower0 = factor(0.0)
    p = jax.lax.cond(ok0, lambda _: step0(), lambda _: fallback(), None)  # the Gauss–Newton step
    dp = scale * p
    dxnorm = jnp.sqrt(dot(dp, dp))
    fp = dxnorm - radius
    fits = fp <= 0.1 * radius
    w = lower0(scale * safe_div(dp, dxnorm))  # L⁻¹D²δ/‖Dδ‖ at μ = 0
    parl = jnp.where(ok0, safe_div(fp / radius, dot(w, w)), 0.0)  # one Newton step from 0: a lower bound
    parl = jnp.where(jnp.isfinite(parl), parl, 0.0)
    gnorm = jnp.sqrt(dot(g / scale, g / scale))
    paru = gnorm / radius
    paru = jnp.where(paru == 0, tiny / jnp.minimum(radius, 0.1), paru)
    par = jnp.minimum(jnp.maximum(par0, parl), paru)
    par = jnp.where(par == 0, safe_div(gnorm, dxnorm), par)

    def cond(s):
        return ~s[-1]

    def body(s):
        it, par, parl, paru, _, fp_last, _ = s  # fp_last: ‖Dδ‖ − Δ of the last iterate
        par = jnp.where(par == 0, jnp.maximum(tiny, 0.001 * paru), par)
        _, step, lower = factor(par)
        p = step()
        dp = scale * p
        dxnorm = jnp.sqrt(dot(dp, dp))
        fp = dxnorm - radius
        done = (jnp.abs(fp) <= 0.1 * radius) | ((parl == 0) & (fp <= fp_last) & (fp_last < 0)) | (it + 1 == 10)
        w = lower(scale * safe_div(dp, dxnorm))
        parc = safe_div(fp / radius, dot(w, w))  # Hebden's Newton correction
        parl = jnp.where(fp > 0, jnp.maximum(parl, par), parl)
        paru = jnp.where(fp < 0, jnp.minimum(paru, par), paru)
        par = jnp.where(done, par, jnp.maximum(parl, par + parc))
        return it + 1, par, parl, paru, p, fp, done

    init = (jnp.int32(0), jnp.where(fits, 0.0, par), parl, paru, p, fp, fits)
    _, par, _, _, p, _, _ = jax.lax.while_loop(cond, body, init)
    return p, par


def _marquardt_scale(previous: jax.Array, jac: jax.Array) -> jax.Array:
    """MINPACK's D (lmder with mode = 1, Moré 1978 §6): dⱼ = max(dⱼ of the last step, ‖J_{:,j}‖), a zero
    column norm at the first step counting as 1, so D never shrinks and never vanishes."""
    d = jnp.maximum(previous, jnp.sqrt(jnp.sum(jac * jac, axis=0)))
    return jnp.where(d > 0, d, 1.0)


def scale_by_levenberg_marquardt(
    *,
    damping: Any = 1e-3,
    increase: Any = 10.0,
    decrease: Any = 0.1,
    matrix_free: bool = False,
    scaling: str = "identity",
    solver: str = "cholesky",
    damping_rule: str = "lecture",
    noise_aware: bool = False,
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

    ``scaling="marquardt"`` damps with Marquardt's diagonal instead of μI (Marquardt 1963; MINPACK's
    lmder, Moré 1978 §6):

        δ = −(JᵀJ + μD²)⁻¹ Jᵀr,   D = diag(d₁, …, dₙ),   dⱼ = max over the steps so far of ‖J₍:,ⱼ₎‖,

    so μ is relative to each parameter's own curvature and the iterates do not depend on the units
    of the parameters (w ↦ Sw with S diagonal gives the same iterates, up to rounding); the μ floor
    after a rejection is then √ε times the curvature of D⁻¹JᵀJD⁻¹ along D⁻¹g, ‖JD⁻²g‖²/‖D⁻¹g‖².

    ``solver="qr"`` (dense only) solves the same system as the linear least-squares problem
    MINPACK's lmpar solves (Moré 1978 §3; MINPACK's qrsolv, there by Givens rotations),

        min_δ ‖[J; √μ D] δ + [r; 0]‖,   with J = QR once per step:  [R; √μ D] δ ≈ [−Qᵀr; 0],

    by Householder QR (``jnp.linalg.qr``) of the stacked 2n × n matrix for each trial μ. It never
    forms JᵀJ, so its error grows with κ(J) where Cholesky's grows with κ(JᵀJ) = κ(J)²: on a fit
    with κ(J) = 1e9 Cholesky's step has no correct digit. A singular stacked matrix (μ = 0 and J
    rank-deficient) falls back to the minimum-norm least-squares step, as Cholesky does.

    ``damping_rule="trust_region"`` (dense only) chooses μ as MINPACK's lmder does instead of by the
    lecture's factors (Moré 1978 §4–5): each trial solves for the μ whose step has ‖Dδ‖ within
    10 % of a bound Δ (μ = 0, the Gauss–Newton step, when that is shorter), by Hebden's safeguarded
    Newton iteration (MINPACK's lmpar, at most 10 factorisations); the trial is accepted when the
    actual reduction of E is at least 1e-4 times the model's ½‖Jδ‖² + μ‖Dδ‖²; Δ shrinks (by 0.1 to
    0.5) after a ratio ≤ ¼ and becomes 2‖Dδ‖ after a ratio ≥ ¾ or a Gauss–Newton step;
    Δ₀ = 100‖Dw₀‖ (lmder's ``factor``), then min(Δ₀, ‖Dδ₁‖). ``damping`` is then only the first
    guess of μ, and ``increase``/``decrease`` are not used. Where the lecture's factors ×10/×0.1
    make μ hop between "too small" (rejected) and "too large" (slow) in a curved valley, the step
    bound follows the valley: NIST's MGH17 and MGH10 from their far starts need 460 and 250 steps
    with it and do not converge in 1000 with the factors.

    ``noise_aware=True`` also accepts a step whose effect on E is below E's own rounding. Near a
    minimum, E(w + δ) − E(w) = −(½‖Jδ‖² + μ‖Dδ‖²) + O(‖δ‖³) falls below the error with which E is
    computed (about Σ|rᵢ| |noise of rᵢ|, and rᵢ = yᵢ − f(xᵢ) carries the rounding of yᵢ and f, not
    of rᵢ) long before the Gauss–Newton step stops improving w: E cannot tell a good step from a
    bad one there, so the lecture's test (and MINPACK's ratio ≥ 1e-4) ends up to 4 digits short of
    what the arithmetic allows (scipy's MINPACK ends between 6.5 and 11 correct digits of the NIST
    StRD fits' 11, where 10.3–11 are attainable in float64). The noise of r is measured once per
    step, as Moré & Wild estimate computational noise from differences (SIAM J. Sci. Comput. 33
    (2011) 1292): ν = r(w + t) − r(w) − Jt at a perturbation t of 8 ulps of w, one extra
    evaluation of r, whose difference from the exact linearisation is rounding. A trial that does
    not lower E (under the trust region: whose ratio is below 1e-4) is then still accepted, and
    counted as a good prediction, when (i) its predicted decrease
    ½‖Jδ‖² + μ‖Dδ‖² ≤ N, (ii) E rose by at most N, N = Σ|rᵢ||νᵢ| + 4εE, and (iii) it changes r by
    more than rounding, ‖Jδ‖ ≥ 2‖ν‖ — so once w sits at the Gauss–Newton fixed point of the
    rounded problem, where steps only chase rounding, no trial passes (iii), the trials fail and
    the loop's ``stalled`` rule ends the run. Examples: :func:`levenberg_marquardt`.
    """
    check_choice("scaling", scaling, LM_SCALINGS)
    check_choice("solver", solver, LM_SOLVERS)
    check_choice("damping_rule", damping_rule, LM_DAMPING_RULES)
    if not isinstance(noise_aware, bool):
        raise ValueError(f"noise_aware must be True or False; got {noise_aware!r}")
    if matrix_free and scaling != "identity":
        raise ValueError(
            f"scaling={scaling!r} needs the column norms of J, which matrix_free=True never forms; "
            "use scaling='identity' with matrix_free=True, or matrix_free=False"
        )
    if matrix_free and damping_rule != "lecture":
        raise ValueError(
            f"damping_rule={damping_rule!r} needs J's factorisation for its μ search, which matrix_free=True "
            "never forms; use damping_rule='lecture' with matrix_free=True, or matrix_free=False"
        )
    if matrix_free and solver != "cholesky":
        raise ValueError(
            f"solver={solver!r} factors J, which matrix_free=True never forms (it solves by CG); "
            "use solver='cholesky' (the default) with matrix_free=True, or matrix_free=False"
        )
    check_range("damping", damping, low=0.0)
    check_range("increase", increase, low=1.0, low_open=True)
    check_range("decrease", decrease, low=0.0, high=1.0, low_open=True, high_open=True)
    check_integer("max_tries", max_tries, why="trial steps per update")
    if max_cg_steps is not None:
        check_integer("max_cg_steps", max_cg_steps, why="CG products per trial")
    check_range("cg_tol", cg_tol, low=0.0, low_open=True)
    marquardt = scaling == "marquardt"

    def init(params):
        x = flatten(params)
        return LevenbergMarquardtState(
            damping=jnp.asarray(damping, x.dtype),
            scale=jnp.zeros_like(x.vec) if marquardt else jnp.ones_like(x.vec),
            radius=jnp.zeros((), x.dtype),
            value=jnp.full((), jnp.inf, x.dtype),
            num_evals=jnp.zeros((), jnp.int32),
            rejected=jnp.zeros((), jnp.int32),
            failed=jnp.zeros((), bool),
            evaluations=Evaluations.of(),
        )

    def update(updates, state, params=None, *, residual_fn=None, **extra_args):
        del updates, extra_args
        require_extra_args("levenberg_marquardt", residual_fn=residual_fn, params=params)
        x = flatten(params)
        rfun = residual_vector(x, residual_fn)
        dtype = x.dtype
        eps = jnp.finfo(dtype).eps
        if matrix_free:
            r, jvp = jax.linearize(rfun, x.vec)  # v ↦ J v
            vjp = jax.linear_transpose(jvp, x.vec)  # u ↦ Jᵀ u
            g = vjp(r)[0]
            gnorm = jnp.sqrt(dot(g, g))
            scale = state.scale  # D = I
            power = binary_exponent(g)  # g scaled by 2^−power for the μ floor below: exact, cannot overflow
            jg = jvp(jnp.ldexp(g, -power))

            def solve(mu):
                matvec = lambda v: vjp(jvp(v))[0] + mu * v  # noqa: E731 - (JᵀJ + μI) v
                return truncated_cg(matvec, -g, jnp.asarray(cg_tol, dtype) * gnorm, max_cg_steps or g.size)[0]

        else:
            r = rfun(x.vec)
            jac = jacobian(rfun, x.vec)
            jvp = lambda v: jac @ v  # noqa: E731
            g = jac.T @ r
            scale = _marquardt_scale(state.scale, jac) if marquardt else state.scale
            power = binary_exponent(g / scale if marquardt else g)  # for the μ floor below (exact scaling)
            jg = jac @ jnp.ldexp(g / (scale * scale) if marquardt else g, -power)  # J D⁻²g (J g when D = I), scaled

            if solver == "cholesky":
                jtj = jac.T @ jac
                damp = jnp.diag(scale * scale) if marquardt else jnp.eye(g.size, dtype=dtype)  # D², or I

                def factor(mu):
                    chol = jnp.linalg.cholesky(jtj + mu * damp)  # JᵀJ + μD² = LLᵀ
                    lower = lambda v: jsl.solve_triangular(chol, v, lower=True)  # noqa: E731 - L⁻¹v
                    return jnp.all(jnp.isfinite(chol)), lambda: -jsl.cho_solve((chol, True), g), lower

            else:
                q, rr = jnp.linalg.qr(jac)  # J = QR (reduced), once per step
                rhs = jnp.concatenate([q.T @ r, jnp.zeros_like(g)])

                def factor(mu):
                    # min ‖[R; √μ D] δ + [Qᵀr; 0]‖ (Moré 1978 §3): [R; √μ D] = Q₂R₂, R₂δ = −Q₂ᵀ[Qᵀr; 0]
                    q2, r2 = jnp.linalg.qr(jnp.concatenate([rr, jnp.sqrt(mu) * jnp.diag(scale)]))
                    ok = jnp.all(jnp.isfinite(r2)) & jnp.all(jnp.diag(r2) != 0)
                    lower = lambda v: jsl.solve_triangular(r2, v, trans="T", lower=False)  # noqa: E731 - L = R₂ᵀ
                    return ok, lambda: -jsl.solve_triangular(r2, q2.T @ rhs, lower=False), lower

            def fallback():
                return jnp.linalg.lstsq(jac, -r)[0]

            def solve(mu):
                ok, step, _ = factor(mu)
                # μ = 0 with a singular JᵀJ has no (nonsingular) factor: take the least-squares step then
                return jax.lax.cond(ok, lambda _: step(), lambda _: fallback(), None)

        e0 = half_squared_norm(r)
        up, down = jnp.asarray(increase, dtype), jnp.asarray(decrease, dtype)
        # μ below √ε times the curvature of JᵀJ along g (a Rayleigh quotient, one product) does not
        # change the solve in floating point: a rejected trial grows μ to at least that, so growth
        # from μ = 0 or 1e-30 does not spend its tries on damping that cannot matter (scaled: the
        # curvature of D⁻¹JᵀJD⁻¹ along D⁻¹g). Both products are of vectors scaled by the same power
        # of two (the same quotient, to the bit), so ‖Jg‖² and ‖g‖² cannot overflow to ∞/∞
        v = jnp.ldexp(g / scale if marquardt else g, -power)
        gg = dot(v, v)
        mu_floor = jnp.sqrt(eps) * safe_div(dot(jg, jg), gg)  # g = 0: no floor needed
        if noise_aware:
            # the rounding of r (Moré & Wild 2011): r at w + t against its linearisation, t = 8 ulps
            # of w (formed as (w + t) − w, the perturbation the arithmetic really made)
            t = (x.vec + 8 * eps * jnp.abs(x.vec)) - x.vec
            nu = rfun(x.vec + t) - r - jvp(t)
            noise = dot(jnp.abs(r), jnp.abs(nu)) + 4 * eps * e0  # N: how far rounding moves E
            nu_norm = jnp.sqrt(dot(nu, nu))

        def in_noise(delta, e, mu):
            """A trial whose change of E is within E's rounding, predicted by the model (see above)."""
            jd, sd = jvp(delta), scale * delta
            predicted = 0.5 * dot(jd, jd) + mu * dot(sd, sd)  # the model's decrease (lmder's prered·½‖r‖²)
            return (predicted <= noise) & (e <= e0 + noise) & (jnp.sqrt(dot(jd, jd)) >= 2 * nu_norm)

        def trial(mu):
            delta = solve(mu)
            delta = jnp.where(jnp.all(jnp.isfinite(delta)), delta, 0.0)
            return delta, half_squared_norm(rfun(x.vec + delta))

        def cond(s):
            return (~s[-1]) & (s[0] < max_tries)  # not accepted, tries left

        if damping_rule == "lecture":

            def body(s):
                k, mu, _, _, radius, _ = s
                delta, e = trial(mu)
                accepted = e < e0  # L4: keep a step that lowers the loss, reject one that raises it
                if noise_aware:  # ... or one whose effect on E is below E's rounding (see above)
                    accepted = accepted | in_noise(delta, e, mu)
                mu_next = jnp.clip(jnp.where(accepted, mu * down, jnp.maximum(mu * up, mu_floor)), _MU_MIN, _MU_MAX)
                return k + 1, mu_next, delta, e, radius, accepted

        else:
            first = ~(state.radius > 0)  # MINPACK's first iteration: Δ₀ = factor·‖D w₀‖ (factor 100)
            radius0 = jnp.where(first, _FACTOR * jnp.sqrt(dot(scale * x.vec, scale * x.vec)), state.radius)
            radius0 = jnp.where(radius0 > 0, radius0, _FACTOR)

            def body(s):
                k, par, _, _, radius, _ = s
                delta, par = _lmpar(factor, fallback, scale, g, radius, par)  # ‖Dδ‖ ≈ Δ, or μ = 0
                delta = jnp.where(jnp.all(jnp.isfinite(delta)), delta, 0.0)
                e = half_squared_norm(rfun(x.vec + delta))
                pnorm = jnp.sqrt(dot(scale * delta, scale * delta))
                radius = jnp.where(first & (k == 0), jnp.minimum(radius, pnorm), radius)
                # lmder's ratio of the actual to the predicted reduction, both relative to ‖r‖²
                actred = jnp.where(e < 100.0 * e0, 1.0 - safe_div(e, e0), -1.0)
                jd = jvp(delta)
                t1, t2 = safe_div(dot(jd, jd), 2 * e0), safe_div(par * pnorm * pnorm, 2 * e0)
                prered, dirder = t1 + 2.0 * t2, -(t1 + t2)
                ratio = safe_div(actred, prered)
                accepted = ratio >= 1e-4
                if noise_aware:  # a step E cannot judge is judged by the model: as a good one
                    quiet = in_noise(delta, e, par) & ~accepted
                    ratio, accepted = jnp.where(quiet, 1.0, ratio), accepted | quiet
                # Moré 1978 §4: shrink Δ after a poor prediction, double it (from ‖Dδ‖) after a good one
                shrink = jnp.where(actred >= 0, 0.5, 0.5 * safe_div(dirder, dirder + 0.5 * actred))
                shrink = jnp.where((e >= 100.0 * e0) | (shrink < 0.1), 0.1, shrink)
                poor, good = ratio <= 0.25, (par == 0) | (ratio >= 0.75)
                grown = jnp.where(good, 2.0 * pnorm, radius)
                radius = jnp.where(poor, shrink * jnp.minimum(radius, 10.0 * pnorm), grown)  # lmder's if/else if
                par = jnp.where(poor, par / shrink, jnp.where(good, 0.5 * par, par))
                radius = jnp.maximum(radius, jnp.finfo(dtype).tiny)  # Δ stays a positive float
                return k + 1, jnp.clip(par, 0.0, _MU_MAX), delta, e, radius, accepted

        mu0 = jnp.clip(state.damping, 0.0, _MU_MAX)
        radius_init = state.radius if damping_rule == "lecture" else radius0  # the lecture's rule has no Δ
        init_s = (jnp.int32(0), mu0, jnp.zeros_like(x.vec), e0, radius_init, jnp.array(False))
        k, mu, delta, e, radius, accepted = jax.lax.while_loop(cond, body, init_s)
        step = jnp.where(accepted, delta, 0.0)
        new = LevenbergMarquardtState(
            damping=mu,
            scale=scale,
            radius=radius,
            value=jnp.where(accepted, e, e0),
            num_evals=k + 1,
            rejected=k - accepted.astype(jnp.int32),
            failed=~accepted,
            # dense: r, then J (a second pass), then the trials; matrix-free: r and J v by one
            # linearisation; noise_aware: and r at w + t
            evaluations=Evaluations.of(fun=k + (1 if matrix_free else 2) + int(noise_aware), grad=1),
        )
        return x.unravel(step), new

    return extra_args_transformation(init, update)


@rebuildable
def levenberg_marquardt(
    damping: Any = 1e-3,
    increase: Any = 10.0,
    decrease: Any = 0.1,
    *,
    matrix_free: bool = False,
    scaling: str = "identity",
    solver: str = "cholesky",
    damping_rule: str = "lecture",
    noise_aware: bool = False,
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
      scaling: the damping term: ``"identity"`` μI (L4, the default) or ``"marquardt"`` μD² with
        D = diag(JᵀJ)^½ kept as MINPACK keeps it (Marquardt 1963; Moré 1978 §6): invariant to the
        units of the parameters, the choice for badly scaled problems. Dense only.
      solver: ``"cholesky"`` of JᵀJ + μD² (the default) or ``"qr"``: the stacked least-squares
        problem [J; √μ D] δ ≈ [−r; 0] by QR, as MINPACK, which does not square J's condition
        number. Dense only.
      damping_rule: ``"lecture"`` (L4: μ ← μ·``decrease`` after a step that lowers E, μ ←
        μ·``increase`` after a rejected one; the default) or ``"trust_region"`` (MINPACK's lmder:
        μ from a step bound Δ adapted by the ratio of actual to predicted reduction). Dense only.
      noise_aware: also accept a step whose effect on E is below E's rounding when the
        Gauss–Newton model predicts it (the noise of r measured by one extra evaluation a step):
        without it the lecture's test "E went down" ends where E stops resolving steps, 2–5
        digits before the arithmetic's limit (:func:`scale_by_levenberg_marquardt`).
      max_tries: trials per step before giving up (step 0, ``failed`` in the state).
      max_cg_steps, cg_tol: the CG budget and relative tolerance when ``matrix_free``.

    Extras: ``residual_fn``.

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> t = jnp.linspace(0.0, 3.0, 8); y = 2.0 * jnp.exp(-0.7 * t)
      >>> r = lambda w: w[0] * jnp.exp(-w[1] * t) - y
      >>> res = jl.least_squares(r, jnp.array([1.0, 0.0]), jl.levenberg_marquardt(), max_steps=50)
      >>> [round(float(v), 6) for v in res.params]
      [2.0, 0.7]

    On badly scaled or ill-conditioned fits (the NIST StRD problems: Nelson's b₂ ≈ 6e-9 beside
    b₁ ≈ 2.6, Lanczos's κ(J) ≈ 1e4 in relative units) the robust choice is MINPACK's algorithm
    plus the noise-aware test (the registry's variant ``"minpack"``); it reaches the float64 limit
    (10.3–11 of the 11 certified digits) on 53 of the 54 StRD problem-starts, where scipy's
    MINPACK reaches 6.5–11 (``tests/test_nist.py``)::

      jl.levenberg_marquardt(scaling="marquardt", solver="qr", damping_rule="trust_region", noise_aware=True)

    References:
      K. Levenberg (1944); D. Marquardt, J. SIAM 11 (1963) 431–441; J. J. Moré, "The
      Levenberg–Marquardt algorithm: implementation and theory", LNM 630 (1978) 105–116 (§3, the
      stacked system; §6, the scaling D); J. J. Moré & S. M. Wild, "Estimating computational
      noise", SIAM J. Sci. Comput. 33 (2011) 1292–1314; Nocedal & Wright (2006), §10.3.
    """
    return scale_by_levenberg_marquardt(
        damping=damping, increase=increase, decrease=decrease, matrix_free=matrix_free, scaling=scaling,
        solver=solver, damping_rule=damping_rule, noise_aware=noise_aware, max_tries=max_tries,
        max_cg_steps=max_cg_steps, cg_tol=cg_tol,
    )  # fmt: skip
