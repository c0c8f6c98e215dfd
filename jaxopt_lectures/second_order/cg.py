"""Steepest descent and nonlinear conjugate gradients (ALGORITHMS.md §6–7; L2, L3, L4).

Each method is a *direction* chained with a *step rule* (a line search of
:mod:`jaxopt_lectures.linesearch`): the direction transformation outputs a descent direction d,
the search outputs α d. The incoming ``updates`` are the gradient g.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from ..optimizers.recipe import rebuildable
from ..optimizers.base import check_choice, check_integer, extra_args_transformation, float_checked
from .common import dot, flatten, safe_div, with_line_search

__all__ = [
    "NonlinearCGState",
    "nonlinear_cg",
    "scale_by_nonlinear_cg",
    "scale_by_steepest_descent",
    "steepest_descent",
]

CG_VARIANTS = ("fr", "pr", "pr+")
_CG_SEARCH_DEFAULTS = {"wolfe": {"c2": 0.1}}  # N&W §5.2: CG wants a tighter curvature condition


def scale_by_steepest_descent() -> optax.GradientTransformationExtraArgs:
    """The steepest-descent direction d = −g (L3 eq. 9): ``optax.scale(-1.0)`` with the float check.

    Examples: :func:`steepest_descent` (this direction chained with a line search).
    """
    return float_checked(optax.scale(-1.0))


@rebuildable
def steepest_descent(*, line_search: Any = "exact") -> optax.GradientTransformationExtraArgs:
    """Steepest descent: w ← w − α g with α from a line search (exact by default).

    Lecture L3 (eq. 9) and L4, ALGORITHMS.md §6. With the exact search,

        α_k = argmin_{α>0} f(w_k − α g_k),   w_{k+1} = w_k − α_k g_k,

    and consecutive gradients are orthogonal, g_{k+1}ᵀ g_k = 0 (the zig-zag of the L2 exercise:
    on ½(x² + b y²) from (b, 1), x_k = b((b−1)/(b+1))^k, y_k = (−(b−1)/(b+1))^k).

    Args:
      line_search: any name in :data:`jaxopt_lectures.linesearch.LINE_SEARCHES` (default ``"exact"``), a
        line-search transformation, or ``None`` (the unit step α = 1).

    Extras: ``value``, ``grad``, ``value_fn`` (``jaxopt_lectures.minimize`` passes them).

    Examples:
      The L2 exercise with b = 10 (ALGORITHMS.md §10.6): two steps give x₂ = b((b−1)/(b+1))²,
      y₂ = ((b−1)/(b+1))², and the zig-zag needs 60 steps to reach ‖g‖ ≤ 1e-4.

      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> f = lambda w: 0.5 * (w[0] ** 2 + 10.0 * w[1] ** 2)
      >>> r = jl.minimize(f, jnp.array([10.0, 1.0]), jl.steepest_descent(), max_steps=2)
      >>> r.reason_name, [round(float(v), 4) for v in r.params]
      ('max_steps', [6.6942, 0.6694])
      >>> r = jl.minimize(f, jnp.array([10.0, 1.0]), jl.steepest_descent(), gtol=1e-4, max_steps=500)
      >>> r.reason_name, int(r.num_steps)
      ('gtol', 60)

    References:
      A. Cauchy, "Méthode générale pour la résolution des systèmes d'équations simultanées",
      C. R. Acad. Sci. Paris 25 (1847) 536–538; Nocedal & Wright, Numerical Optimization
      (2006), §3.3 (the rate ((κ−1)/(κ+1))² of the exact search on a quadratic). Lectures L2
      (the exercise), L3 (eq. 9), L4.
    """
    return with_line_search(scale_by_steepest_descent(), line_search)


class NonlinearCGState(NamedTuple):
    """State of :func:`scale_by_nonlinear_cg`.

    ``count`` steps taken; ``grad`` and ``direction`` are g_{t−1} and d_{t−1} (flattened);
    ``beta`` the last β_t (0 on a restart); ``restarts`` how many steps restarted with d = −g.
    """

    count: jax.Array
    grad: jax.Array
    direction: jax.Array
    beta: jax.Array
    restarts: jax.Array


def _beta(variant: str, g: jax.Array, g_prev: jax.Array) -> jax.Array:
    """β_t of ALGORITHMS.md §7; ‖g_{t−1}‖ = 0 only before the first step, where β is unused (0)."""
    gg_prev = dot(g_prev, g_prev)
    if variant == "fr":
        return safe_div(dot(g, g), gg_prev)  # Fletcher–Reeves: ‖g_t‖² / ‖g_{t−1}‖²
    beta_pr = safe_div(dot(g, g - g_prev), gg_prev)  # Polak–Ribière: g_tᵀ(g_t − g_{t−1}) / ‖g_{t−1}‖²
    return beta_pr if variant == "pr" else jnp.maximum(beta_pr, 0.0)  # PR+: max(0, β_PR)


def scale_by_nonlinear_cg(*, variant: str = "pr+", restart_every: int | None = None) -> optax.GradientTransformationExtraArgs:
    """The nonlinear-CG direction d_t = −g_t + β_t d_{t−1} (chain a line search after it).

    Lecture L2 and L4, ALGORITHMS.md §7:

        d_0 = −g_0,   d_t = −g_t + β_t d_{t−1},
        β_FR = ‖g_t‖² / ‖g_{t−1}‖²,   β_PR = g_tᵀ(g_t − g_{t−1}) / ‖g_{t−1}‖²,   β_PR+ = max(0, β_PR).

    Restarts (d_t = −g_t) every ``restart_every`` steps (default: the number of parameters), and
    whenever d_t is not a descent direction (g_tᵀd_t ≥ 0) or the last step did not move
    (g_t = g_{t−1} exactly: a failed line search took step 0).

    Examples: :func:`nonlinear_cg` (this direction chained with a line search).
    """
    check_choice("variant", variant, CG_VARIANTS)
    if restart_every is not None:
        check_integer("restart_every", restart_every, why="steps between restarts")

    def init(params):
        x = flatten(params).vec
        zero = jnp.zeros((), x.dtype)
        return NonlinearCGState(jnp.zeros((), jnp.int32), jnp.zeros_like(x), jnp.zeros_like(x), zero, jnp.zeros((), jnp.int32))

    def update(updates, state, params=None, **extra_args):
        del params, extra_args
        flat = flatten(updates)
        g = flat.vec
        every = restart_every or g.size
        beta = _beta(variant, g, state.grad)
        d = -g + beta * state.direction
        restart = (
            (state.count % every == 0)  # also the first step, count = 0
            | ~(dot(g, d) < 0)  # not a descent direction (or NaN)
            | jnp.all(g == state.grad)  # the previous step was 0: start again from −g
        )
        d = jnp.where(restart, -g, d)
        beta = jnp.where(restart, 0.0, beta)
        new = NonlinearCGState(
            optax.safe_increment(state.count), g, d, beta.astype(g.dtype), state.restarts + restart.astype(jnp.int32)
        )
        return flat.unravel(d), new

    return extra_args_transformation(init, update)


@rebuildable
def nonlinear_cg(
    *, variant: str = "pr+", restart_every: int | None = None, line_search: Any = "wolfe"
) -> optax.GradientTransformationExtraArgs:
    """Nonlinear conjugate gradients with a line search (Fletcher–Reeves, Polak–Ribière, PR+).

    Lecture L2 and L4, ALGORITHMS.md §7: d_t = −g_t + β_t d_{t−1}, w ← w + α_t d_t. On a quadratic
    with the exact search every variant is linear CG and reaches the minimum in at most m steps
    (m = the dimension).

    Args:
      variant: ``"fr"`` (Fletcher–Reeves), ``"pr"`` (Polak–Ribière) or ``"pr+"`` (max(0, β_PR),
        the default: the one that restarts itself when progress stalls).
      restart_every: steps between restarts d = −g (default: the number of parameters).
      line_search: any name in :data:`jaxopt_lectures.linesearch.LINE_SEARCHES` (default ``"wolfe"``,
        strong Wolfe with c2 = 0.1), a line-search transformation, or ``None`` (unit step).

    Extras: ``value``, ``grad``, ``value_fn``.

    Examples:
      On the quadratic of :func:`steepest_descent`'s example (60 steps there), CG with the exact
      search needs m = 2:

      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> f = lambda w: 0.5 * (w[0] ** 2 + 10.0 * w[1] ** 2)
      >>> opt = jl.nonlinear_cg(variant="fr", line_search="exact")
      >>> r = jl.minimize(f, jnp.array([10.0, 1.0]), opt, gtol=1e-4, max_steps=500)
      >>> r.reason_name, int(r.num_steps)
      ('gtol', 2)

    References:
      R. Fletcher and C. M. Reeves, "Function minimization by conjugate gradients", Comput. J.
      7 (1964) 149–154; E. Polak and G. Ribière, "Note sur la convergence de méthodes de
      directions conjuguées", Rev. Française Informat. Recherche Opérationnelle 3 (1969) 35–43;
      J. C. Gilbert and J. Nocedal, "Global convergence properties of conjugate gradient methods
      for optimization", SIAM J. Optim. 2 (1992) 21–42 (PR+); Nocedal & Wright, Numerical
      Optimization (2006), §5.2 (eq. 5.41, 5.44, 5.45). Lectures L2, L4.
    """
    direction = scale_by_nonlinear_cg(variant=variant, restart_every=restart_every)
    return with_line_search(direction, line_search, _CG_SEARCH_DEFAULTS)
