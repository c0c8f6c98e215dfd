"""Backtracking step rules: halving (L3 eq. 5–7) and Armijo (L3; ALGORITHMS.md §6).

Both try α₀, α₀ s, α₀ s², … on φ(α) = f(x + α d) (:mod:`.phi`) and take the first trial that
passes their test, restarting at α₀ on every call:

    halving   α = 2⁻ᵏ, the first with φ(α) < φ(0)                          (L3 eq. 5–7)
    Armijo    α = α₀ sᵏ, the first with φ(α) ≤ φ(0) + c1 α gᵀd              (L3; N&W eq. 3.4)

After ``max_steps`` trials without success the search fails and takes the lowest trial that
lowered f, or step 0 (the failure rule of §6).

What optax has: ``optax.scale_by_backtracking_linesearch`` carries its step size over between
calls and, when it fails, keeps its last (tiny, possibly worse) step, so the lectures' Armijo rule
(restart at α₀ every call, best step on failure) is written here; the tests check both accept the
same step on a quadratic. optax has no halving search.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import optax

from ..optimizers.base import Evaluations, check_range, extra_args_transformation, require_extra_args, scalar_valued
from ..optimizers.recipe import rebuildable
from .phi import check_max_steps, check_unit, init_state, phi_of, scaled, slope, value0, value_dtype

__all__ = ["ArmijoLineSearchState", "HalvingLineSearchState", "scale_by_armijo_line_search", "scale_by_halving_line_search"]


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

    Examples:
      >>> import jax.numpy as jnp, optax
      >>> f = lambda x: jnp.sum(x ** 2)
      >>> opt = optax.chain(optax.scale(-1.0), scale_by_halving_line_search())
      >>> x = jnp.array([1.0, -2.0]); s = opt.init(x)
      >>> u, s = opt.update(2 * x, s, x, value=f(x), grad=2 * x, value_fn=f)
      >>> float(s[1].step_size), int(s[1].num_evals)
      (0.5, 2)

    References:
      Lecture L3, eq. 5–7 (the lectures' test keeps only f(x + αd) < f(x)); L. Armijo,
      "Minimization of functions having Lipschitz continuous first partial derivatives", Pacific
      J. Math. 16 (1966) 1–3; Nocedal & Wright, Numerical Optimization (2006), §3.1, alg. 3.1.
    """
    check_max_steps(max_steps)

    def init(params):
        return init_state(HalvingLineSearchState, params)

    def update(updates, state, params=None, *, value=None, grad=None, value_fn=None, **extra_args):
        del extra_args
        require_extra_args("scale_by_halving_line_search", value_fn=value_fn, params=params)
        value_fn = scalar_valued("scale_by_halving_line_search", value_fn)
        dtype = value_dtype(params)
        phi = phi_of(value_fn, params, updates, dtype)
        f0, n0 = value0(value, phi, dtype)
        accept = lambda alpha, v: v < f0  # noqa: E731 - L3's rule: any decrease
        descent = jnp.array(True) if grad is None else slope(grad, updates, dtype) < 0
        budget = jnp.where(descent, max_steps, 0)  # a non-descent direction gets no trials
        alpha, v, k, failed = _backtrack(phi, accept, jnp.ones((), dtype), 0.5, budget, f0)
        n = (k + n0).astype(jnp.int32)
        new = HalvingLineSearchState(alpha, v, n, failed | ~descent, Evaluations.of(fun=n))
        return scaled(alpha, updates), new

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

    Examples:
      >>> import jax.numpy as jnp, optax
      >>> f = lambda x: jnp.sum(x ** 2)
      >>> opt = optax.chain(optax.scale(-1.0), scale_by_armijo_line_search())
      >>> x = jnp.array([1.0, -2.0]); s = opt.init(x)
      >>> u, s = opt.update(2 * x, s, x, value=f(x), grad=2 * x, value_fn=f)
      >>> float(s[1].step_size)
      0.5

    References:
      L. Armijo, "Minimization of functions having Lipschitz continuous first partial derivatives",
      Pacific J. Math. 16 (1966) 1–3;
      Nocedal & Wright, Numerical Optimization (2006), eq. 3.4 and alg. 3.1.
    """
    check_unit("c1", c1)
    check_unit("shrink", shrink)
    check_max_steps(max_steps)
    check_range("initial_step", initial_step, low=0.0, low_open=True)

    def init(params):
        return init_state(ArmijoLineSearchState, params)

    def update(updates, state, params=None, *, value=None, grad=None, value_fn=None, **extra_args):
        del extra_args
        require_extra_args("scale_by_armijo_line_search", value_fn=value_fn, grad=grad, params=params)
        value_fn = scalar_valued("scale_by_armijo_line_search", value_fn)
        dtype = value_dtype(params)
        phi = phi_of(value_fn, params, updates, dtype)
        f0, n0 = value0(value, phi, dtype)
        dphi0 = slope(grad, updates, dtype)
        descent = dphi0 < 0
        accept = lambda alpha, v: v <= f0 + jnp.asarray(c1, dtype) * alpha * dphi0  # noqa: E731 - Armijo
        # a non-descent direction gets a budget of zero trials (a lax.while_loop, so vmap-safe)
        budget = jnp.where(descent, max_steps, 0)
        alpha, v, k, failed = _backtrack(phi, accept, jnp.asarray(initial_step, dtype), shrink, budget, f0)
        n = (k + n0).astype(jnp.int32)
        new = ArmijoLineSearchState(alpha, v, n, failed | ~descent, Evaluations.of(fun=n))
        return scaled(alpha, updates), new

    return extra_args_transformation(init, update)
