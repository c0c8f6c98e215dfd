"""The strong-Wolfe step rule: Moré–Thuente's search (default) or optax's zoom (L3; ALGORITHMS.md §6).

Accepts α with

    φ(α) ≤ φ(0) + c1 α gᵀd   and   |φ'(α)| ≤ c2 |gᵀd|       (strong Wolfe, N&W eq. 3.7; L3)

on φ(α) = f(x + α d) (:mod:`.phi`). Moré and Thuente's search (their 1994 paper, MINPACK-2
``dcsrch``, the one in scipy's L-BFGS-B) is written here: :func:`_cubic_step`,
:func:`_gamma_plus_theta` and :func:`_mt_step` are their §4 interval update, :func:`_more_thuente`
the loop. What optax has and is reused: ``optax.scale_by_zoom_linesearch`` is the strong-Wolfe
search of Nocedal & Wright alg. 3.5/3.6 (``method="zoom"``), wrapped with the failure rule of §6.

The state keeps f and ∇f at the accepted point, which the loop core reuses (the registry entry's
``evaluation``, :mod:`.registry`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from ..optimizers.base import (
    Evaluations, check_choice, check_order, check_range, extra_args_transformation, require_extra_args, scalar_valued,
)  # fmt: skip
from ..optimizers.recipe import rebuildable
from .phi import check_max_steps, check_unit, finite_or_inf, init_state, phi_of, scaled, slope, step, value0, value_dtype

__all__ = ["WOLFE_METHODS", "WolfeLineSearchState", "scale_by_wolfe_line_search"]


# --------------------------------------------------------------------------------------------
# Strong Wolfe by Moré and Thuente: safeguarded cubic/quadratic steps on a shrinking interval
# --------------------------------------------------------------------------------------------

_XTRAP_LOWER, _XTRAP_UPPER = 1.1, 4.0  # extrapolation range of stage 1 (Moré & Thuente §4)
_STEP_MAX = 1e10  # largest trial step
_NONFINITE_SHRINK = 0.1  # after a trial where φ overflowed: the next one this fraction of the way to it


def _cubic_step(a, fa, da, b, fb, db):
    """Minimiser of the cubic through (a, fa, da), (b, fb, db), as the ratio r with α = b + r (a − b).

    The form of Moré & Thuente (1994, §4), written to avoid overflow (γ scaled by s); the square
    root's argument is clipped at 0, where the cubic has no minimiser and r falls back to the
    secant of the derivatives. Also returns the scale s and the scaled product (da/s)(db/s), which
    :func:`_gamma_plus_theta` reuses.
    """
    theta = 3.0 * (fa - fb) / (b - a) + da + db
    s = jnp.maximum(jnp.maximum(jnp.abs(theta), jnp.abs(da)), jnp.abs(db))
    s = jnp.where(s == 0, 1.0, s)
    product = (da / s) * (db / s)
    gamma = s * jnp.sqrt(jnp.maximum(0.0, (theta / s) ** 2 - product))
    return theta, gamma, s, product


def _gamma_plus_theta(gamma_signed, theta, s, product):
    """γ ± θ as it enters p = (γ − d) + θ, without the cancellation of γ against θ.

    When γ and θ have opposite signs and |γ| ≈ |θ| (a trial far past the minimum of a badly scaled
    φ: θ ~ 10²⁴ while the derivative term is ~10¹⁶) the plain sum rounds to 0 in float32, the
    interpolated step collapses onto the bracket end and the search gives up with α = 0. From
    γ² = θ² − da·db: γ − |θ| = −da·db / (γ + |θ|), exact to rounding (scaled by s against overflow;
    ``s`` and ``product`` = (da/s)(db/s) as :func:`_cubic_step` computed them).
    With the same signs, or when the square root was clipped at 0, the plain sum has no
    cancellation and is kept (the iterates of scipy's ``dcstep`` to the bit in those cases).
    """
    gamma = jnp.abs(gamma_signed)
    denominator = (gamma + jnp.abs(theta)) / s
    stable = jnp.sign(gamma_signed) * (-product / jnp.where(denominator == 0, 1.0, denominator)) * s
    opposite = (gamma_signed * theta < 0) & (gamma > 0)
    return jnp.where(opposite, stable, gamma_signed + theta)


def _mt_step(stx, fx, dx, sty, fy, dy, stp, fp, dp, brackt, stmin, stmax):
    """One interval update and trial step of Moré & Thuente's ``dcstep`` (their §4, cases 1–4).

    (stx, fx, dx) is the best step so far, (sty, fy, dy) the other end of the interval, (stp, fp,
    dp) the new trial. Returns the updated ends, ``brackt`` and the next trial step.
    """
    sgnd = dp * jnp.sign(dx)
    # case 1: higher value — the minimum is bracketed; cubic, or halfway to the quadratic step
    theta, gamma, s, product = _cubic_step(stx, fx, dx, stp, fp, dp)
    gamma1 = jnp.where(stp < stx, -gamma, gamma)
    p, q = _gamma_plus_theta(gamma1, theta, s, product) - dx, ((gamma1 - dx) + gamma1) + dp
    stpc1 = stx + (p / q) * (stp - stx)
    stpq1 = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx)
    step1 = jnp.where(jnp.abs(stpc1 - stx) < jnp.abs(stpq1 - stx), stpc1, stpc1 + (stpq1 - stpc1) / 2.0)
    # case 2: lower value, derivatives of opposite sign — bracketed; cubic or secant, the farther
    gamma2 = jnp.where(stp > stx, -gamma, gamma)
    p2 = _gamma_plus_theta(gamma2, theta, s, product) - dp  # (γ − dp) + θ, cases 2 and 3
    p, q = p2, ((gamma2 - dp) + gamma2) + dx
    stpc2 = stp + (p / q) * (stx - stp)
    stpq = stp + (dp / (dp - dx)) * (stx - stp)  # secant step
    step2 = jnp.where(jnp.abs(stpc2 - stp) > jnp.abs(stpq - stp), stpc2, stpq)
    # case 3: lower value, same sign, derivative shrinking — cubic if it heads the right way
    p, q = p2, (gamma2 + (dx - dp)) + gamma2
    r = p / q
    stpc3 = jnp.where((r < 0) & (gamma2 != 0), stp + r * (stx - stp), jnp.where(stp > stx, stmax, stmin))
    near = jnp.where(jnp.abs(stpc3 - stp) < jnp.abs(stpq - stp), stpc3, stpq)
    far = jnp.where(jnp.abs(stpc3 - stp) > jnp.abs(stpq - stp), stpc3, stpq)
    toward = stp + 0.66 * (sty - stp)
    step3_b = jnp.where(stp > stx, jnp.minimum(toward, near), jnp.maximum(toward, near))
    step3 = jnp.where(brackt, step3_b, jnp.clip(far, stmin, stmax))
    # case 4: lower value, same sign, derivative not shrinking — cubic with the far end, or a limit
    theta4, gamma4, s4, product4 = _cubic_step(sty, fy, dy, stp, fp, dp)
    gamma4 = jnp.where(stp > sty, -gamma4, gamma4)
    p, q = _gamma_plus_theta(gamma4, theta4, s4, product4) - dp, ((gamma4 - dp) + gamma4) + dy
    step4 = jnp.where(brackt, stp + (p / q) * (sty - stp), jnp.where(stp > stx, stmax, stmin))

    case1, case2 = fp > fx, (fp <= fx) & (sgnd < 0)
    case3 = (fp <= fx) & (sgnd >= 0) & (jnp.abs(dp) < jnp.abs(dx))
    stpf = jnp.where(case1, step1, jnp.where(case2, step2, jnp.where(case3, step3, step4)))
    brackt = brackt | case1 | case2
    # the interval: a higher value becomes the far end; otherwise the trial becomes the best step
    # (and the old best the far end when the derivative changed sign)
    sty, fy, dy = (jnp.where(case1, a, jnp.where(case2, b, c)) for a, b, c in ((stp, stx, sty), (fp, fx, fy), (dp, dx, dy)))
    stx, fx, dx = (jnp.where(case1, a, b) for a, b in ((stx, stp), (fx, fp), (dx, dp)))
    return stx, fx, dx, sty, fy, dy, brackt, stpf


class _MTCarry(NamedTuple):
    k: jax.Array
    stp: jax.Array
    done: jax.Array
    converged: jax.Array
    stage2: jax.Array
    brackt: jax.Array
    ends: tuple  # (stx, fx, dx, sty, fy, dy)
    stmin: jax.Array
    stmax: jax.Array
    width: jax.Array
    width1: jax.Array
    last: tuple  # (α, φ(α), ∇f) of the last trial
    best: tuple  # (α, φ(α), ∇f) of the lowest φ < φ(0) seen


def _more_thuente(value_and_grad_at, f0, d0, grad0, alpha0, c1, c2, xtol, max_steps):
    """Moré–Thuente search (their 1994 paper; MINPACK-2 ``dcsrch``) on φ(α) = f(x + α d).

    ``value_and_grad_at(α)`` returns (φ(α), φ'(α), ∇f(x + α d)). Returns (α, φ(α), ∇f there,
    evaluations, converged): the first trial satisfying the strong Wolfe conditions; otherwise (no
    progress possible within ``xtol``, or ``max_steps`` trials) the lowest trial below φ(0), or
    α = 0. A non-finite φ(α) counts as +∞ and the next trial lies a tenth of the way from the best
    step to it (an overflowing unit trial on a badly scaled φ can be 10¹⁶ times too long: halving
    needed ~55 trials, past the budget).

    The gradients of the last and of the best trial are carried (an n-vector select per trial),
    so that a failed search returns the best point's ∇f without evaluating it again: one copy
    of f and ∇f fewer in the compiled program, which compiles about 0.1 s faster.
    """
    dtype = f0.dtype
    c = lambda v: jnp.asarray(v, dtype)  # noqa: E731
    zero = c(0.0)
    gtest = c1 * d0
    width = c(_STEP_MAX)
    ends = (zero, f0, d0, zero, f0, d0)
    alpha0 = c(alpha0)
    init = _MTCarry(
        jnp.int32(0), alpha0, jnp.array(False), jnp.array(False), jnp.array(False), jnp.array(False), ends,
        zero, alpha0 * (1.0 + _XTRAP_UPPER), width, 2.0 * width, (zero, f0, grad0), (zero, f0, grad0),
    )  # fmt: skip

    def cond(s):
        return (~s.done) & (s.k < max_steps)

    def body(s):
        stp = s.stp
        f, dp, grad = value_and_grad_at(stp)
        finite = jnp.isfinite(f) & jnp.isfinite(dp)
        f = jnp.where(finite, f, jnp.inf)
        ftest = f0 + stp * gtest
        better = f < s.best[1]
        best = (jnp.where(better, stp, s.best[0]), jnp.where(better, f, s.best[1]),
                optax.tree.where(better, grad, s.best[2]))  # fmt: skip
        stage2 = s.stage2 | ((f <= ftest) & (dp >= 0))
        converged = finite & (f <= ftest) & (jnp.abs(dp) <= c2 * (-d0))
        stuck = s.brackt & ((stp <= s.stmin) | (stp >= s.stmax) | (s.stmax - s.stmin <= xtol * s.stmax))
        stuck = stuck | ((stp >= _STEP_MAX) & (f <= ftest) & (dp <= gtest))
        # Stage 1 works on ψ(α) = φ(α) − φ(0) − c1 α φ'(0) while no trial has ψ ≤ 0 and φ' ≥ 0
        # (their §3): shift values and slopes by the line c1 α φ'(0), step, shift back.
        stx, fx, dx, sty, fy, dy = s.ends
        shift = jnp.where((~stage2) & (f <= fx) & (f > ftest), gtest, 0.0)
        stx, fx, dx, sty, fy, dy, brackt, nxt = _mt_step(
            stx, fx - stx * shift, dx - shift, sty, fy - sty * shift, dy - shift,
            stp, f - stp * shift, dp - shift, s.brackt, s.stmin, s.stmax,
        )  # fmt: skip
        fx, dx, fy, dy = fx + stx * shift, dx + shift, fy + sty * shift, dy + shift
        # a non-finite trial: the minimum lies before it — bracket [stx, stp] and shrink towards stx
        sty, fy, dy = jnp.where(finite, sty, stp), jnp.where(finite, fy, jnp.inf), jnp.where(finite, dy, 0.0)
        brackt = brackt | ~finite
        nxt = jnp.where(finite, nxt, stx + _NONFINITE_SHRINK * (stp - stx))
        # bisect when the interval did not shrink by 1/3 over two steps (their §4)
        span = jnp.abs(sty - stx)
        nxt = jnp.where(brackt & finite & (span >= 0.66 * s.width1), stx + 0.5 * (sty - stx), nxt)
        width1 = jnp.where(brackt, s.width, s.width1)
        width = jnp.where(brackt, span, s.width)
        stmin = jnp.where(brackt, jnp.minimum(stx, sty), nxt + _XTRAP_LOWER * (nxt - stx))
        stmax = jnp.where(brackt, jnp.maximum(stx, sty), nxt + _XTRAP_UPPER * (nxt - stx))
        nxt = jnp.where(jnp.isfinite(nxt), nxt, stx + 0.5 * (sty - stx))  # an interpolation through +∞
        nxt = jnp.clip(nxt, 0.0, _STEP_MAX)
        no_room = brackt & ((nxt <= stmin) | (nxt >= stmax) | (stmax - stmin <= xtol * stmax))
        nxt = jnp.where(no_room, stx, nxt)
        return _MTCarry(
            s.k + 1, nxt, converged | stuck, converged, stage2, brackt, (stx, fx, dx, sty, fy, dy),
            stmin, stmax, width, width1, (stp, f, grad), best,
        )  # fmt: skip

    out = jax.lax.while_loop(cond, body, init)
    last_alpha, _, last_grad = out.last
    best_alpha, best_f, best_grad = out.best
    take_last = out.converged | (best_alpha == last_alpha)
    alpha, f = jnp.where(take_last, last_alpha, best_alpha), jnp.where(take_last, out.last[1], best_f)

    grad = optax.tree.where(take_last, last_grad, best_grad)
    return alpha, f, grad, out.k, out.converged


# --------------------------------------------------------------------------------------------
# Strong Wolfe: Moré–Thuente (default) or optax's zoom, plus the failure rule
# --------------------------------------------------------------------------------------------


class WolfeLineSearchState(NamedTuple):
    """State of :func:`scale_by_wolfe_line_search` (the last search's outcome).

    ``decrease_error`` and ``curvature_error`` are max(0, violation) of the Armijo and the
    curvature inequality at the returned step (both 0 on success; optax's fields for the zoom).
    """

    step_size: jax.Array
    value: jax.Array  # f(x + α d)
    num_evals: jax.Array  # int32, evaluations of (f, ∇f) spent by the last search
    failed: jax.Array
    decrease_error: jax.Array
    curvature_error: jax.Array
    grad: Any  # ∇f(x + α d), a pytree like the parameters
    evaluations: Evaluations  # the same count (each trial is f and ∇f), for the loop core


WOLFE_METHODS = ("more-thuente", "zoom")


@rebuildable
def scale_by_wolfe_line_search(
    *,
    c1: Any = 1e-4,
    c2: Any = 0.9,
    max_steps: int = 30,
    initial_step: Any = 1.0,
    method: str = "more-thuente",
    xtol: Any = 0.1,
) -> optax.GradientTransformationExtraArgs:
    """Strong-Wolfe step rule: bracketing, then zooming in with safeguarded interpolation.

    Lecture L3, ALGORITHMS.md §6. Accepts α with

        f(x + α d) ≤ f(x) + c1 α gᵀd                 (sufficient decrease, N&W eq. 3.7a)
        |∇f(x + α d)ᵀ d| ≤ c2 |gᵀd|                  (strong curvature condition, N&W eq. 3.7b)

    Two algorithms, both evaluating f and ∇f together at every trial (``num_evals`` counts those
    pairs), both needing ``value``, ``grad`` and ``value_fn``:

    * ``method="more-thuente"`` (default) — Moré & Thuente's search (MINPACK-2 ``dcsrch``, the one
      scipy's L-BFGS-B and ``line_search_wolfe1`` use): extrapolate from α₀ within
      [1.1, 4]·(α − α_best) until the minimum is bracketed, then shrink the bracket by
      safeguarded cubic, quadratic and secant steps, with a bisection whenever the bracket did
      not shrink by a third in two steps; while no trial has both ψ(α) = φ(α) − φ(0) − c1 α φ'(0)
      ≤ 0 and φ'(α) ≥ 0 it works on ψ. The search stops with a failure when the bracket is
      narrower than ``xtol`` relative (as MINPACK). Written here (optax has no Moré–Thuente):
      its cubic extrapolation needs fewer trials than doubling, and its one loop over scalars
      compiles in a fraction of the zoom's time (both measured in benchmarks/bench_second_order.py).
    * ``method="zoom"`` — ``optax.scale_by_zoom_linesearch`` (N&W alg. 3.5/3.6: doubling from α₀,
      then zoom with cubic/quadratic interpolation and bisection), called with ``slope_rtol=c1``,
      ``curv_rtol=c2``, ``tol=0``, ``initial_guess_strategy="one"`` and ``approx_dec_rtol=None``
      (the textbook test, without Hager–Zhang's approximate decrease). With it ``lbfgs`` takes the
      iterates of ``optax.lbfgs``.

    Added to both: the failure rule of §6 — a search that does not meet both inequalities keeps
    its lowest trial only if it lowered f, else takes step 0; a direction with gᵀd ≥ 0 fails with
    step 0; the output is never NaN. The state keeps f and ∇f at the accepted point (``value``,
    ``grad``): :func:`jaxopt_lectures.minimize` takes them instead of evaluating again. Unknown
    extra arguments are ignored.

    Args:
      c1, c2: constants with 0 < c1 < c2 < 1 (0.9 for quasi-Newton, 0.1 for nonlinear CG).
      max_steps: most trial steps, an integer ≥ 1.
      initial_step: first trial α₀ > 0.
      method: ``"more-thuente"`` or ``"zoom"``.
      xtol: Moré–Thuente's relative bracket width at which it gives up, 0 < xtol < 1 (MINPACK's
        value for L-BFGS-B, 0.1).

    Examples:
      >>> import jax.numpy as jnp, optax
      >>> f = lambda x: jnp.sum(x ** 2)
      >>> opt = optax.chain(optax.scale(-1.0), scale_by_wolfe_line_search())
      >>> x = jnp.array([1.0, -2.0]); s = opt.init(x)
      >>> u, s = opt.update(2 * x, s, x, value=f(x), grad=2 * x, value_fn=f)
      >>> bool(s[1].failed), round(float(s[1].step_size), 5), int(s[1].num_evals)
      (False, 0.49995, 2)

    (α = 1 fails the decrease test; the second trial is the minimiser of ψ(α) = φ(α) − c1 α φ'(0),
    at 0.5 − c1/4 on this quadratic, which meets both conditions.)

    References:
      P. Wolfe, "Convergence conditions for ascent methods", SIAM Review 11 (1969) 226–235;
      J. J. Moré and D. J. Thuente, Line search algorithms with guaranteed sufficient decrease,
      ACM TOMS 20 (1994) 286–307; Nocedal & Wright, Numerical Optimization (2006), §3.5.
    """
    check_unit("c1", c1)
    check_unit("c2", c2)
    check_order("c1", c1, "c2", c2, strict=True, why="strong Wolfe: 0 < c1 < c2 < 1")  # concrete arrays too
    check_max_steps(max_steps)
    check_range("initial_step", initial_step, low=0.0, low_open=True)
    check_choice("method", method, WOLFE_METHODS)
    check_unit("xtol", xtol)
    zoom = optax.scale_by_zoom_linesearch(
        max_linesearch_steps=max_steps,
        slope_rtol=c1,
        curv_rtol=c2,
        tol=0.0,
        approx_dec_rtol=None,
        initial_guess_strategy="one",
    )

    def init(params):
        dtype = value_dtype(params)
        inf = jnp.full((), jnp.inf, dtype)
        zeros = jax.tree.map(jnp.zeros_like, params)
        return init_state(WolfeLineSearchState, params, decrease_error=inf, curvature_error=inf, grad=zeros)

    def update(updates, state, params=None, *, value=None, grad=None, value_fn=None, **extra_args):
        del extra_args
        require_extra_args("scale_by_wolfe_line_search", value_fn=value_fn, grad=grad, params=params)
        value_fn = scalar_valued("scale_by_wolfe_line_search", value_fn)
        dtype = value_dtype(params)
        f0, n0 = value0(value, phi_of(value_fn, params, updates, dtype), dtype)
        dphi0 = slope(grad, updates, dtype)
        # a slope that overflowed (gᵀd = −∞: |g| ≳ 1e19 in float32) makes the decrease bound
        # φ(0) + c1 α gᵀd −∞ for every α, and the interpolations NaN: no search, step 0, as for an
        # ascent direction (the state's errors +∞, not NaN)
        descent = (dphi0 < 0) & jnp.isfinite(dphi0)
        f = lambda x: value_fn(x)  # noqa: E731 - one positional argument: optax passes no data kwargs
        cast_like = lambda new, old: jax.tree.map(lambda a, b: a.astype(b.dtype), new, old)  # noqa: E731

        def run_more_thuente(_):
            def at(alpha):
                v, g = jax.value_and_grad(f)(step(params, alpha, updates))
                return finite_or_inf(v, dtype), slope(g, updates, dtype), cast_like(g, grad)

            alpha, v, g, k, _ = _more_thuente(
                at, f0, dphi0, grad, jnp.asarray(initial_step, dtype), jnp.asarray(c1, dtype), jnp.asarray(c2, dtype),
                jnp.asarray(xtol, dtype), jnp.where(descent, max_steps, 0),  # no trial along an ascent direction
            )  # fmt: skip
            dec_err = jnp.maximum(v - (f0 + c1 * alpha * dphi0), 0.0)
            curv_err = jnp.maximum(jnp.abs(slope(g, updates, dtype)) - c2 * jnp.abs(dphi0), 0.0)
            return alpha, v, k, dec_err, curv_err, g

        def run_zoom(_):
            _, s = zoom.update(updates, zoom.init(params), params, value=f0, grad=grad, value_fn=f)
            info = s.info
            return (
                jnp.asarray(s.learning_rate, dtype),
                finite_or_inf(s.value, dtype),
                jnp.asarray(info.num_linesearch_steps, jnp.int32),
                jnp.asarray(info.decrease_error, dtype),
                jnp.asarray(info.curvature_error, dtype),
                cast_like(s.grad, grad),
            )

        def skip(_):
            inf = jnp.full((), jnp.inf, dtype)
            return jnp.zeros((), dtype), f0, jnp.int32(0), inf, inf, grad

        run = run_more_thuente if method == "more-thuente" else run_zoom
        if method == "more-thuente":
            alpha, v, k, dec_err, curv_err, g_new = run(None)
            inf = jnp.full((), jnp.inf, dtype)
            dec_err, curv_err = jnp.where(descent, dec_err, inf), jnp.where(descent, curv_err, inf)
        else:
            alpha, v, k, dec_err, curv_err, g_new = jax.lax.cond(descent, run, skip, None)
        # Both conditions met at α > 0 is success even when f(x + α d) rounds to f(x): on a badly
        # scaled φ in float32 the decrease can lie below f's last bit while φ' still says where
        # the minimum is (f = (10⁴w₀)² + 1 with w₀ ~ 10⁻⁸); a failed search keeps a step only if f
        # went down.
        ok = descent & (dec_err <= 0) & (curv_err <= 0) & jnp.isfinite(alpha) & (alpha > 0) & (v <= f0)
        keep = jnp.isfinite(alpha) & ((v < f0) | ok)
        alpha = jnp.where(keep, alpha, 0.0)
        v = jnp.where(keep, v, f0)
        g_new = optax.tree.where(keep, g_new, grad)
        n = (k + n0).astype(jnp.int32)
        new = WolfeLineSearchState(alpha, v, n, ~ok, dec_err, curv_err, g_new, Evaluations.of(fun=n, grad=k))
        return scaled(alpha, updates), new

    return extra_args_transformation(init, update)
