"""Step rules as transformations: halving, Armijo, strong Wolfe, exact (ALGORITHMS.md §6; L2, L3, L4).

Each search chains *after* a direction: the incoming ``updates`` are the search direction d, the
output is α·d, and the extra arguments ``value`` (f(x)), ``grad`` (∇f(x)) and ``value_fn`` (f) come
the optax way (``jaxopt_lectures.minimize`` and ``fit`` pass all three). On the 1-D function

    φ(α) = f(x + α d),   φ(0) = f(x),   φ'(0) = gᵀd,

the searches accept

    halving   α = 2⁻ᵏ, the first with φ(α) < φ(0)                          (L3 eq. 5–7)
    Armijo    α = α₀ sᵏ, the first with φ(α) ≤ φ(0) + c1 α gᵀd              (L3)
    Wolfe     Armijo and |φ'(α)| ≤ c2 |gᵀd|  (strong Wolfe; N&W alg. 3.5/3.6) (L3)
    exact     α = argmin_{α ≥ 0} φ(α): bracketing, then Brent                  (L3 eq. 9, L4)

Failures are data (STYLE.md habit 10): every state records ``step_size``, ``value`` (f at the
accepted point), ``num_evals`` (evaluations of f, or of f and ∇f for Wolfe) and ``failed``. A
search that fails takes the best step it saw that lowered f, or 0 if none did; a non-finite
φ(α) counts as +∞, so the output is never NaN. A direction with gᵀd ≥ 0 (not a descent
direction, known when ``grad`` is passed) fails at once with step 0.

Steepest descent with the exact search (the L2 exercise, ALGORITHMS.md §10.6) is
``optax.chain(optax.scale(-1.0), scale_by_exact_line_search())``.

What optax has and is reused: ``optax.scale_by_zoom_linesearch`` is the strong-Wolfe search of
Nocedal & Wright alg. 3.5/3.6, so ``scale_by_wolfe_line_search`` wraps it (adding the failure rule
above). ``optax.scale_by_backtracking_linesearch`` carries its step size over between calls and,
when it fails, keeps its last (tiny, possibly worse) step, so the lectures' Armijo rule (restart
at α₀ every call, best step on failure) is written here; the tests check both accept the same step
on a quadratic. optax has no halving or exact search.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import optax

from .optimizers.recipe import rebuildable
from .optimizers.base import (
    Evaluations, check_choice, check_integer, check_order, check_range, extra_args_transformation, require_extra_args,
    scalar_valued,
)  # fmt: skip

__all__ = [
    "ArmijoLineSearchState",
    "ExactLineSearchState",
    "HalvingLineSearchState",
    "WOLFE_METHODS",
    "WolfeLineSearchState",
    "scale_by_armijo_line_search",
    "scale_by_exact_line_search",
    "scale_by_halving_line_search",
    "scale_by_wolfe_line_search",
]


# --------------------------------------------------------------------------------------------
# Shared pieces: checks, the 1-D function φ, the fallback rule
# --------------------------------------------------------------------------------------------


def _check_max_steps(max_steps: Any, name: str = "max_steps") -> None:
    check_integer(name, max_steps, why="it bounds the number of evaluations")


def _check_unit(name: str, value: Any) -> None:
    check_range(name, value, low=0.0, high=1.0, low_open=True, high_open=True)


def _value_dtype(params: Any) -> jnp.dtype:
    leaves = jax.tree.leaves(params)
    dtype = jnp.result_type(*[x.dtype for x in leaves]) if leaves else jnp.float32
    return jnp.dtype(jnp.float32) if jnp.dtype(dtype).itemsize < 4 else jnp.dtype(dtype)


def _step(params: Any, alpha: jax.Array, direction: Any) -> Any:
    """x + α d, leaf by leaf in each parameter's dtype."""
    return jax.tree.map(lambda p, d: p + (alpha * d).astype(p.dtype), params, direction)


def _scaled(alpha: jax.Array, direction: Any) -> Any:
    return jax.tree.map(lambda d: (alpha * d).astype(d.dtype), direction)


def _finite_or_inf(v: jax.Array, dtype: jnp.dtype) -> jax.Array:
    v = jnp.asarray(v, dtype)
    return jnp.where(jnp.isfinite(v), v, jnp.inf)  # a NaN/±inf value is "no decrease", never a step


def _phi(value_fn: Callable, params: Any, direction: Any, dtype: jnp.dtype) -> Callable:
    """φ(α) = f(x + α d), with non-finite values mapped to +∞."""
    return lambda alpha: _finite_or_inf(value_fn(_step(params, alpha, direction)), dtype)


def _phi_dphi(value_fn: Callable, params: Any, direction: Any, dtype: jnp.dtype) -> Callable:
    """α ↦ (φ(α), φ'(α)) by one forward-mode JVP of f along d (non-finite φ mapped to +∞)."""

    def at(alpha):
        x = _step(params, alpha, direction)
        v, dv = jax.jvp(value_fn, (x,), (jax.tree.map(lambda p, d: d.astype(p.dtype), x, direction),))
        return _finite_or_inf(v, dtype), jnp.asarray(dv, dtype)

    return at


def _slope(grad: Any, direction: Any, dtype: jnp.dtype) -> jax.Array:
    """φ'(0) = gᵀd over every leaf, each product summed in ``dtype`` (float32 at least): a
    float16/bfloat16 dot would round every partial sum to 3 digits, and XLA:CPU accumulates it at
    another precision inside a fused program than alone (jit and eager gave different slopes)."""
    products = jax.tree.map(lambda g, d: jnp.vdot(g.astype(dtype), d.astype(dtype)).real, grad, direction)
    leaves = jax.tree.leaves(products)
    return jnp.asarray(sum(leaves) if leaves else 0.0, dtype)


def _value0(value: Any, phi: Callable, dtype: jnp.dtype) -> tuple[jax.Array, int]:
    """f(x) from the extra argument, or one evaluation of φ(0) when it was not passed."""
    if value is None:
        return phi(jnp.zeros((), dtype)), 1
    return jnp.asarray(value, dtype), 0


# --------------------------------------------------------------------------------------------
# Halving
# --------------------------------------------------------------------------------------------


class HalvingLineSearchState(NamedTuple):
    """State of :func:`scale_by_halving_line_search` (the last search's outcome)."""

    step_size: jax.Array  # accepted α (0 after a failure)
    value: jax.Array  # f(x + α d)
    num_evals: jax.Array  # int32, evaluations of f spent by the last search
    failed: jax.Array  # bool, no α = 2⁻ᵏ, k < max_steps, lowered f
    evaluations: Evaluations  # the same count, for the loop core


def _init_state(cls: type, params: Any, **extra: Any) -> Any:
    dtype = _value_dtype(params)
    return cls(
        step_size=jnp.zeros((), dtype),
        value=jnp.full((), jnp.inf, dtype),
        num_evals=jnp.zeros((), jnp.int32),
        failed=jnp.zeros((), bool),
        evaluations=Evaluations.of(),
        **extra,
    )


def _backtrack(phi: Callable, accept: Callable, alpha0: jax.Array, shrink: Any, max_steps: int, f0: jax.Array):
    """Try α₀, α₀ s, α₀ s², … (at most ``max_steps``) until ``accept(α, φ(α))``.

    Returns (α, φ(α), evaluations, failed): the accepted step, or, after a failure, the step with
    the lowest φ < φ(0) seen (α = 0, φ = φ(0) when none lowered f).
    """
    dtype = f0.dtype
    zero = jnp.zeros((), dtype)

    def cond(s):
        k, _, done, _, _, _ = s
        return (~done) & (k < max_steps)

    def body(s):
        k, alpha, _, _, best_a, best_v = s
        v = phi(alpha)
        done = accept(alpha, v)
        better = v < best_v
        best_a, best_v = jnp.where(better, alpha, best_a), jnp.where(better, v, best_v)
        next_alpha = jnp.where(done, alpha, alpha * jnp.asarray(shrink, dtype))
        return k + 1, next_alpha, done, v, best_a, best_v

    init = (jnp.int32(0), jnp.asarray(alpha0, dtype), jnp.array(False), f0, zero, f0)
    k, alpha, done, last_v, best_a, best_v = jax.lax.while_loop(cond, body, init)
    # on success the last trial was accepted, and φ there is what the state reports — not the
    # lowest φ seen: under Armijo a longer trial may have been lower and still failed the test
    return jnp.where(done, alpha, best_a), jnp.where(done, last_v, best_v), k, ~done


@rebuildable
def scale_by_halving_line_search(*, max_steps: int = 30) -> optax.GradientTransformationExtraArgs:
    """Halving step rule: the first α = 1, ½, ¼, … with f(x + α d) < f(x).

    Lecture L3 (eq. 5–7), ALGORITHMS.md §6. The lecture's simple rule: start at η = 1 and halve
    until the loss goes down,

        α = 2⁻ᵏ,  k = min{k ≥ 0 : f(x + 2⁻ᵏ d) < f(x)}.

    Chain it after a direction, e.g. ``optax.chain(optax.scale(-1.0), scale_by_halving_line_search())``
    for L3's w − η g. Extras: ``value_fn`` (required), ``value`` (f(x); evaluated if missing) and
    ``grad`` (optional; with it, a direction with gᵀd ≥ 0 fails at once).

    Args:
      max_steps: most trial steps (evaluations of f), an integer ≥ 1. After ``max_steps``
        halvings without decrease the search fails and takes step 0.

    Example:
      >>> import jax.numpy as jnp, optax
      >>> f = lambda x: jnp.sum(x ** 2)
      >>> opt = optax.chain(optax.scale(-1.0), scale_by_halving_line_search())
      >>> x = jnp.array([1.0, -2.0]); s = opt.init(x)
      >>> u, s = opt.update(2 * x, s, x, value=f(x), grad=2 * x, value_fn=f)
      >>> float(s[1].step_size), int(s[1].num_evals)
      (0.5, 2)
    """
    _check_max_steps(max_steps)

    def init(params):
        return _init_state(HalvingLineSearchState, params)

    def update(updates, state, params=None, *, value=None, grad=None, value_fn=None, **extra_args):
        del extra_args
        require_extra_args("scale_by_halving_line_search", value_fn=value_fn, params=params)
        value_fn = scalar_valued("scale_by_halving_line_search", value_fn)
        dtype = _value_dtype(params)
        phi = _phi(value_fn, params, updates, dtype)
        f0, n0 = _value0(value, phi, dtype)
        accept = lambda alpha, v: v < f0  # noqa: E731 - L3's rule: any decrease
        descent = jnp.array(True) if grad is None else _slope(grad, updates, dtype) < 0
        budget = jnp.where(descent, max_steps, 0)  # a non-descent direction gets no trials
        alpha, v, k, failed = _backtrack(phi, accept, jnp.ones((), dtype), 0.5, budget, f0)
        n = (k + n0).astype(jnp.int32)
        new = HalvingLineSearchState(alpha, v, n, failed | ~descent, Evaluations.of(fun=n))
        return _scaled(alpha, updates), new

    return extra_args_transformation(init, update)


# --------------------------------------------------------------------------------------------
# Armijo (backtracking)
# --------------------------------------------------------------------------------------------


class ArmijoLineSearchState(NamedTuple):
    """State of :func:`scale_by_armijo_line_search` (the last search's outcome)."""

    step_size: jax.Array  # accepted α (best decreasing trial, or 0, after a failure)
    value: jax.Array  # f(x + α d)
    num_evals: jax.Array  # int32, evaluations of f spent by the last search
    failed: jax.Array  # bool, no trial met the Armijo inequality (or gᵀd ≥ 0)
    evaluations: Evaluations  # the same count, for the loop core


@rebuildable
def scale_by_armijo_line_search(
    *, c1: Any = 1e-4, shrink: Any = 0.5, max_steps: int = 30, initial_step: Any = 1.0
) -> optax.GradientTransformationExtraArgs:
    """Backtracking (Armijo) step rule: α = α₀ sᵏ, the first with sufficient decrease.

    Lecture L3, ALGORITHMS.md §6. Accepts the first α in α₀, α₀ s, α₀ s², … with

        f(x + α d) ≤ f(x) + c1 α gᵀd                                  (Armijo, N&W eq. 3.4)

    restarting at α₀ on every call (the lectures' rule; ``optax.scale_by_backtracking_linesearch``
    instead grows the previous step, and keeps its last trial when it fails). Extras: ``value``,
    ``grad`` and ``value_fn``, all required (``value`` is evaluated if missing). A direction with
    gᵀd ≥ 0 fails at once (step 0, no evaluations counted beyond f(x)).

    Args:
      c1: sufficient-decrease constant, 0 < c1 < 1.
      shrink: backtracking factor s, 0 < s < 1.
      max_steps: most trial steps (evaluations of f), an integer ≥ 1.
      initial_step: α₀ > 0 (1 for Newton and quasi-Newton directions).

    Example:
      >>> import jax.numpy as jnp, optax
      >>> f = lambda x: jnp.sum(x ** 2)
      >>> opt = optax.chain(optax.scale(-1.0), scale_by_armijo_line_search())
      >>> x = jnp.array([1.0, -2.0]); s = opt.init(x)
      >>> u, s = opt.update(2 * x, s, x, value=f(x), grad=2 * x, value_fn=f)
      >>> float(s[1].step_size)
      0.5

    References:
      Nocedal & Wright, Numerical Optimization (2006), eq. 3.4 and alg. 3.1.
    """
    _check_unit("c1", c1)
    _check_unit("shrink", shrink)
    _check_max_steps(max_steps)
    check_range("initial_step", initial_step, low=0.0, low_open=True)

    def init(params):
        return _init_state(ArmijoLineSearchState, params)

    def update(updates, state, params=None, *, value=None, grad=None, value_fn=None, **extra_args):
        del extra_args
        require_extra_args("scale_by_armijo_line_search", value_fn=value_fn, grad=grad, params=params)
        value_fn = scalar_valued("scale_by_armijo_line_search", value_fn)
        dtype = _value_dtype(params)
        phi = _phi(value_fn, params, updates, dtype)
        f0, n0 = _value0(value, phi, dtype)
        slope = _slope(grad, updates, dtype)
        descent = slope < 0
        accept = lambda alpha, v: v <= f0 + jnp.asarray(c1, dtype) * alpha * slope  # noqa: E731 - Armijo
        # a non-descent direction gets a budget of zero trials (a lax.while_loop, so vmap-safe)
        budget = jnp.where(descent, max_steps, 0)
        alpha, v, k, failed = _backtrack(phi, accept, jnp.asarray(initial_step, dtype), shrink, budget, f0)
        n = (k + n0).astype(jnp.int32)
        new = ArmijoLineSearchState(alpha, v, n, failed | ~descent, Evaluations.of(fun=n))
        return _scaled(alpha, updates), new

    return extra_args_transformation(init, update)


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

    Example:
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
      J. J. Moré and D. J. Thuente, Line search algorithms with guaranteed sufficient decrease,
      ACM TOMS 20 (1994) 286–307; Nocedal & Wright, Numerical Optimization (2006), §3.5.
    """
    _check_unit("c1", c1)
    _check_unit("c2", c2)
    check_order("c1", c1, "c2", c2, strict=True, why="strong Wolfe: 0 < c1 < c2 < 1")  # concrete arrays too
    _check_max_steps(max_steps)
    check_range("initial_step", initial_step, low=0.0, low_open=True)
    check_choice("method", method, WOLFE_METHODS)
    _check_unit("xtol", xtol)
    zoom = optax.scale_by_zoom_linesearch(
        max_linesearch_steps=max_steps,
        slope_rtol=c1,
        curv_rtol=c2,
        tol=0.0,
        approx_dec_rtol=None,
        initial_guess_strategy="one",
    )

    def init(params):
        dtype = _value_dtype(params)
        inf = jnp.full((), jnp.inf, dtype)
        zeros = jax.tree.map(jnp.zeros_like, params)
        return _init_state(WolfeLineSearchState, params, decrease_error=inf, curvature_error=inf, grad=zeros)

    def update(updates, state, params=None, *, value=None, grad=None, value_fn=None, **extra_args):
        del extra_args
        require_extra_args("scale_by_wolfe_line_search", value_fn=value_fn, grad=grad, params=params)
        value_fn = scalar_valued("scale_by_wolfe_line_search", value_fn)
        dtype = _value_dtype(params)
        f0, n0 = _value0(value, _phi(value_fn, params, updates, dtype), dtype)
        slope = _slope(grad, updates, dtype)
        # a slope that overflowed (gᵀd = −∞: |g| ≳ 1e19 in float32) makes the decrease bound
        # φ(0) + c1 α gᵀd −∞ for every α, and the interpolations NaN: no search, step 0, as for an
        # ascent direction (the state's errors +∞, not NaN)
        descent = (slope < 0) & jnp.isfinite(slope)
        f = lambda x: value_fn(x)  # noqa: E731 - one positional argument: optax passes no data kwargs
        cast_like = lambda new, old: jax.tree.map(lambda a, b: a.astype(b.dtype), new, old)  # noqa: E731

        def run_more_thuente(_):
            def at(alpha):
                v, g = jax.value_and_grad(f)(_step(params, alpha, updates))
                return _finite_or_inf(v, dtype), _slope(g, updates, dtype), cast_like(g, grad)

            alpha, v, g, k, _ = _more_thuente(
                at, f0, slope, grad, jnp.asarray(initial_step, dtype), jnp.asarray(c1, dtype), jnp.asarray(c2, dtype),
                jnp.asarray(xtol, dtype), jnp.where(descent, max_steps, 0),  # no trial along an ascent direction
            )  # fmt: skip
            dec_err = jnp.maximum(v - (f0 + c1 * alpha * slope), 0.0)
            curv_err = jnp.maximum(jnp.abs(_slope(g, updates, dtype)) - c2 * jnp.abs(slope), 0.0)
            return alpha, v, k, dec_err, curv_err, g

        def run_zoom(_):
            _, s = zoom.update(updates, zoom.init(params), params, value=f0, grad=grad, value_fn=f)
            info = s.info
            return (
                jnp.asarray(s.learning_rate, dtype),
                _finite_or_inf(s.value, dtype),
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
        return _scaled(alpha, updates), new

    return extra_args_transformation(init, update)


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

    Example:
      >>> import jax.numpy as jnp, optax
      >>> f = lambda x: 0.5 * (x[0] ** 2 + 10 * x[1] ** 2)
      >>> opt = optax.chain(optax.scale(-1.0), scale_by_exact_line_search())
      >>> x = jnp.array([1.0, 1.0]); g = jnp.array([1.0, 10.0]); s = opt.init(x)
      >>> u, s = opt.update(g, s, x, value=f(x), grad=g, value_fn=f)
      >>> round(float(s[1].step_size), 5)  # gᵀg / gᵀHg = 101 / 1001
      0.1009

    References:
      R. P. Brent, Algorithms for Minimization without Derivatives (1973), ch. 5;
      Press et al., Numerical Recipes, 3rd ed., §10.2–10.3.
    """
    check_integer("max_steps", max_steps, low=2, why="bracket and refine")
    if tol is not None:
        check_range("tol", tol, low=0.0, low_open=True)
    check_range("initial_step", initial_step, low=0.0, low_open=True)

    def init(params):
        return _init_state(ExactLineSearchState, params)

    def update(updates, state, params=None, *, value=None, grad=None, value_fn=None, **extra_args):
        del extra_args
        require_extra_args("scale_by_exact_line_search", value_fn=value_fn, params=params)
        value_fn = scalar_valued("scale_by_exact_line_search", value_fn)
        dtype = _value_dtype(params)
        rtol = jnp.sqrt(jnp.finfo(dtype).eps) if tol is None else tol
        phi = _phi(value_fn, params, updates, dtype)
        f0, n0 = _value0(value, phi, dtype)
        descent = jnp.array(True) if grad is None else _slope(grad, updates, dtype) < 0
        budget = jnp.where(descent, max_steps, 0)
        alpha0 = jnp.asarray(initial_step, dtype)
        a, fa, b, fb, c, k1, found = _bracket(phi, f0, alpha0, jnp.maximum(budget - 1, 1))
        found = found & descent
        x, fx, k2, conv, _, _, w = _brent(phi, a, fa, c, b, fb, rtol, jnp.where(found, budget - k1, 0))
        if polish:
            # within the bracket (a, c), not Brent's final interval: value comparisons at rounding
            # level may have shrunk that past the true minimiser (measured on CG's quadratics)
            pd = _phi_dphi(value_fn, params, updates, dtype)
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
        return _scaled(alpha, updates), new

    return extra_args_transformation(init, update)
