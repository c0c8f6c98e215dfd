"""BFGS and L-BFGS (ALGORITHMS.md §7; L4).

Directions chained with a line search (strong Wolfe by default, whose curvature condition keeps
yᵀs > 0). The incoming ``updates`` are g; the pairs s = w_t − w_{t−1}, y = g_t − g_{t−1} are formed
from the parameters and gradients the transformation sees on consecutive calls, so they are
the steps the line search actually took.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from ..optimizers.recipe import rebuildable
from ..optimizers.base import check_integer, extra_args_transformation, require_extra_args
from .common import dot, flatten, safe_div, with_line_search

__all__ = ["BFGSState", "LBFGSState", "bfgs", "lbfgs", "scale_by_bfgs", "scale_by_lbfgs"]


def _curvature_pair(count, x, g, x_prev, g_prev):
    """(s, y, yᵀs, usable): a pair is used when yᵀs > ε‖s‖‖y‖ (positive curvature beyond rounding)."""
    s, y = x - x_prev, g - g_prev
    sy = dot(s, y)
    eps = jnp.finfo(x.dtype).eps
    usable = (count > 0) & (sy > eps * jnp.sqrt(dot(s, s) * dot(y, y))) & jnp.isfinite(sy)
    return s, y, sy, usable


class BFGSState(NamedTuple):
    """State of :func:`scale_by_bfgs`: the step ``count``, the inverse-Hessian approximation
    ``inv_hessian`` (n × n), the previous flattened ``params`` and ``grad``, and ``skipped``: how
    many updates were skipped because yᵀs ≤ 0."""

    count: jax.Array
    inv_hessian: jax.Array
    params: jax.Array
    grad: jax.Array
    skipped: jax.Array


def scale_by_bfgs() -> optax.GradientTransformationExtraArgs:
    """The BFGS direction d = −B g with the inverse-Hessian update of ALGORITHMS.md §7.

        B ← (I − ρ s yᵀ) B (I − ρ y sᵀ) + ρ s sᵀ,   ρ = 1/yᵀs,   B₀ = I,

    expanded to B − ρ(s (By)ᵀ + (By) sᵀ) + (ρ² yᵀBy + ρ) s sᵀ (O(n²), no matrix product). The
    update is skipped when yᵀs ≤ 0. B is reset to I when the last step did not move (a failed
    line search) or when −Bg is not a descent direction (B lost positive definiteness to rounding).

    Examples: :func:`bfgs` (this direction chained with a line search).
    """

    def init(params):
        x = flatten(params).vec
        n = x.size
        return BFGSState(jnp.zeros((), jnp.int32), jnp.eye(n, dtype=x.dtype), jnp.zeros_like(x), jnp.zeros_like(x),
                         jnp.zeros((), jnp.int32))  # fmt: skip

    def update(updates, state, params=None, **extra_args):
        del extra_args
        require_extra_args("bfgs", params=params)
        x = flatten(params)
        g = x.of(updates)
        eye = jnp.eye(g.size, dtype=x.dtype)
        s, y, sy, usable = _curvature_pair(state.count, x.vec, g, state.params, state.grad)
        b = state.inv_hessian
        rho = safe_div(jnp.ones_like(sy), sy)  # used only where usable (yᵀs > 0)
        by = b @ y
        b_new = b - rho * (jnp.outer(s, by) + jnp.outer(by, s)) + (rho**2 * dot(y, by) + rho) * jnp.outer(s, s)
        stalled = (state.count > 0) & (dot(s, s) == 0)
        b = jnp.where(usable, b_new, jnp.where(stalled, eye, b))
        d = -(b @ g)
        descent = dot(g, d) < 0
        b = jnp.where(descent, b, eye)
        d = jnp.where(descent, d, -g)
        skipped = state.skipped + ((state.count > 0) & ~usable & ~stalled).astype(jnp.int32)
        return x.unravel(d), BFGSState(optax.safe_increment(state.count), b, x.vec, g, skipped)

    return extra_args_transformation(init, update)


@rebuildable
def bfgs(*, line_search: Any = "wolfe") -> optax.GradientTransformationExtraArgs:
    """BFGS: w ← w − α B g, B the inverse-Hessian approximation, α from a strong-Wolfe search.

    Lecture L4, ALGORITHMS.md §7 (:func:`scale_by_bfgs`). With exact line searches on a quadratic
    with Hessian H, B equals H⁻¹ after n steps (and the minimum is reached in at most n).
    Memory O(n²): for many parameters use :func:`lbfgs`.

    Args:
      line_search: any name in :data:`jaxopt_lectures.linesearch.LINE_SEARCHES` (default ``"wolfe"``:
        c1 = 1e-4, c2 = 0.9), a line-search transformation, or ``None`` (unit step).

    Extras: ``value``, ``grad``, ``value_fn``.

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> f = lambda w: 0.5 * w @ jnp.array([[3.0, 1.0], [1.0, 2.0]]) @ w - w[0]
      >>> r = jl.minimize(f, jnp.zeros(2), jl.bfgs(line_search="exact"))   # n = 2 exact steps
      >>> r.reason_name, int(r.num_steps), [round(float(v), 4) for v in r.params]
      ('gtol', 2, [0.4, -0.2])

    References:
      C. G. Broyden, R. Fletcher, D. Goldfarb and D. F. Shanno, four papers of 1970;
      Nocedal & Wright, Numerical Optimization (2006), §6.1, eq. 6.17, alg. 6.1. Lecture L4.
    """
    return with_line_search(scale_by_bfgs(), line_search)


class LBFGSState(NamedTuple):
    """State of :func:`scale_by_lbfgs`: step ``count``; the last ``memory_size`` pairs in rows
    0 … m − 1 of ``s`` and ``y`` (a ring buffer whose next slot is ``head``; row m is scratch, where
    a skipped pair is written and never read) with ``rho`` = 1/yᵀs (0 for an empty slot);
    ``gamma`` = sᵀy/yᵀy of the newest stored pair (0 while there is none); the previous
    flattened ``params`` and ``grad``; ``skipped`` pairs with yᵀs ≤ 0."""

    count: jax.Array
    s: jax.Array
    y: jax.Array
    rho: jax.Array
    head: jax.Array
    params: jax.Array
    grad: jax.Array
    skipped: jax.Array
    gamma: jax.Array


def two_loop_recursion(g, s_mem, y_mem, rho, head, gamma):
    """H g by the L-BFGS two-loop recursion (N&W alg. 7.4), pairs newest first from slot head − 1.

    ``rho`` has one entry per slot (m); rows of ``s_mem``/``y_mem`` beyond m are not read. Empty
    slots have ρ = 0 and drop out (their α and β are 0).
    """
    m = rho.shape[0]
    newest_first = (head - 1 - jnp.arange(m)) % m

    def first(q, i):
        alpha = rho[i] * dot(s_mem[i], q)
        return q - alpha * y_mem[i], alpha

    q, alphas = jax.lax.scan(first, g, newest_first)

    def second(r, i_alpha):
        i, alpha = i_alpha
        beta = rho[i] * dot(y_mem[i], r)
        return r + (alpha - beta) * s_mem[i], None

    r, _ = jax.lax.scan(second, gamma * q, (newest_first[::-1], alphas[::-1]))
    return r


def scale_by_lbfgs(*, memory_size: int = 10) -> optax.GradientTransformationExtraArgs:
    """The L-BFGS direction d = −H g from the last ``memory_size`` pairs (two-loop recursion).

    Lecture L4 (named there), ALGORITHMS.md §7, N&W alg. 7.4 with H₀ = γI, γ = sᵀy/yᵀy of the
    newest pair (N&W eq. 7.20). Before any pair exists γ = min(1, 1/‖g‖), so the first trial step
    has length ≤ 1 (optax's choice; with it, and optax's zoom search, the iterates equal
    ``optax.lbfgs``'s). A pair with yᵀs ≤ 0 is skipped; the memory is cleared when the last step
    did not move (a failed search).

    Examples: :func:`lbfgs` (this direction chained with a line search).
    """
    check_integer("memory_size", memory_size, why="pairs kept")

    def init(params):
        x = flatten(params).vec
        buf = jnp.zeros((memory_size + 1, x.size), x.dtype)  # + the scratch row
        zero = jnp.zeros((), jnp.int32)
        return LBFGSState(zero, buf, buf, jnp.zeros((memory_size,), x.dtype), zero, jnp.zeros_like(x),
                          jnp.zeros_like(x), zero, jnp.zeros((), x.dtype))  # fmt: skip

    def update(updates, state, params=None, **extra_args):
        del extra_args
        require_extra_args("lbfgs", params=params)
        x = flatten(params)
        g = x.of(updates)
        s, y, sy, usable = _curvature_pair(state.count, x.vec, g, state.params, state.grad)
        stalled = (state.count > 0) & (dot(s, s) == 0)
        # The pair is written without reading the memory around the write: a usable pair goes to
        # slot ``head``, a skipped one to the scratch row m, and γ is kept in the state rather than
        # read back from the newest row. (Reading rows next to the write — to keep the old row on a
        # skip, or for γ — makes XLA fuse the write into those reads and copy both m × n buffers.)
        row = jnp.where(usable, state.head, memory_size)
        s_mem = state.s.at[row].set(s)
        y_mem = state.y.at[row].set(y)
        rho = state.rho.at[state.head].set(jnp.where(usable, safe_div(jnp.ones_like(sy), sy), state.rho[state.head]))
        head = jnp.where(usable, (state.head + 1) % memory_size, state.head)
        gamma = jnp.where(usable, safe_div(sy, dot(y, y)), state.gamma)  # sᵀy/yᵀy of the newest pair, > 0
        rho, gamma = jnp.where(stalled, 0.0, rho), jnp.where(stalled, 0.0, gamma)  # a failed step: forget
        gamma_first = jnp.minimum(1.0, safe_div(jnp.ones_like(sy), jnp.sqrt(dot(g, g))))  # g = 0: any γ, d = 0
        d = -two_loop_recursion(g, s_mem, y_mem, rho, head, jnp.where(gamma > 0, gamma, gamma_first))
        d = jnp.where(dot(g, d) < 0, d, -gamma_first * g)  # rounding broke descent: steepest descent
        skipped = state.skipped + ((state.count > 0) & ~usable & ~stalled).astype(jnp.int32)
        new = LBFGSState(optax.safe_increment(state.count), s_mem, y_mem, rho, head, x.vec, g, skipped, gamma)
        return x.unravel(d), new

    return extra_args_transformation(init, update)


@rebuildable
def lbfgs(*, memory_size: int = 10, line_search: Any = "wolfe") -> optax.GradientTransformationExtraArgs:
    """L-BFGS: BFGS with the last ``memory_size`` pairs and the two-loop recursion; memory O(mn).

    Lecture L4, ALGORITHMS.md §7 (:func:`scale_by_lbfgs`), with a strong-Wolfe search
    (Moré–Thuente's, as scipy's L-BFGS-B; ``line_search=scale_by_wolfe_line_search(method="zoom")``
    gives ``optax.lbfgs``'s iterates).

    Args:
      memory_size: pairs (s, y) kept, an integer ≥ 1.
      line_search: any name in :data:`jaxopt_lectures.linesearch.LINE_SEARCHES` (default ``"wolfe"``), a
        line-search transformation, or ``None`` (unit step).

    Extras: ``value``, ``grad``, ``value_fn``.

    Examples:
      The 100-dimensional Rosenbrock function with the default memory of 10 pairs:

      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> from jaxopt_lectures.problems import rosenbrock
      >>> p = rosenbrock(100)
      >>> r = jl.minimize(p.fun, jnp.asarray(p.x0), jl.lbfgs(), max_steps=500)
      >>> r.reason_name, round(float(jnp.max(jnp.abs(r.params - 1.0))), 4)
      ('gtol', 0.0)

    References:
      J. Nocedal, "Updating quasi-Newton matrices with limited storage", Math. Comp. 35 (1980)
      773–782 (the two-loop recursion); D. C. Liu and J. Nocedal, "On the limited memory BFGS
      method for large scale optimization", Math. Programming 45 (1989) 503–528;
      Nocedal & Wright, Numerical Optimization (2006), §7.2, alg. 7.4–7.5. Lecture L4.
    """
    return with_line_search(scale_by_lbfgs(memory_size=memory_size), line_search)
