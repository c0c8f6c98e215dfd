"""Analysis tools of the lectures: Hessian spectra, critical points, learning-rate bounds, Lipschitz estimates.

Lectures L0, L1, L2, L3; ALGORITHMS.md §8. Every function takes ``f`` (a scalar function of a
pytree) and ``x`` (a pytree) and works on the flattened parameter vector
(``jax.flatten_util.ravel_pytree``, via :func:`jaxopt_lectures.second_order.common.flatten`), so a
dict of arrays gives the same numbers as the concatenated vector.

What is jax's and what is written here:

* the dense Hessian is ``jax.hessian`` and its spectrum ``jnp.linalg.eigvalsh`` (of the symmetrised
  matrix); :func:`hessian_eigenvalues`, :func:`classify_critical_point`, :func:`condition_number`
  and :func:`learning_rate_bounds` only read that spectrum the lectures' way;
* :func:`lipschitz_constant` is hand-written (jax and optax have no Lipschitz estimate): power
  iteration on Hessian-vector products (``jax.jvp`` of ``jax.grad``), in a ``lax.while_loop``, O(n)
  memory, the Hessian is never formed;
* :func:`gd_bound_check` runs plain gradient descent and checks L1 theorem 7.1.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .optimizers.base import check_finite, check_float_params, check_integer, check_range, check_scalar_output
from .second_order.common import flatten
from .second_order.newton import hessian_vector_product

__all__ = [
    "CRITICAL_POINT_KINDS",
    "GDBoundCheck",
    "LearningRateBounds",
    "LipschitzEstimate",
    "classify_critical_point",
    "condition_number",
    "gd_bound_check",
    "hessian_eigenvalues",
    "learning_rate_bounds",
    "lipschitz_constant",
]

#: What :func:`classify_critical_point` returns (ALGORITHMS.md §8).
CRITICAL_POINT_KINDS = ("minimum", "maximum", "saddle", "degenerate")


def _flat(f: Callable[[Any], Any], x: Any) -> tuple[Callable[[jax.Array], jax.Array], jax.Array]:
    """``f`` as a function of the flat vector of ``x``, and that vector."""
    flat = flatten(x)
    return flat.function(f), flat.vec


# One compiled program per function f (static, hashed by identity, so reused across calls): eager
# jax.hessian would dispatch and compile op by op.
@functools.partial(jax.jit, static_argnums=0)
def _hessian(f: Callable[[Any], Any], x: Any) -> jax.Array:
    return flatten(x).hessian(f)


def _check_point(f: Any, x: Any, name: str = "x") -> None:
    """``f`` a scalar function and ``x`` a finite real point (NaN in x gives NaN curvature, not an
    answer; traced points pass unchecked, so the functions stay jit-compatible)."""
    check_float_params(x, name)
    check_finite(name, x, why="the Hessian at a non-finite point is undefined")
    check_scalar_output("f", f, x)


def _is_concrete(*arrays: Any) -> bool:
    return not any(isinstance(a, jax.core.Tracer) for a in arrays)


def _eigen_tol(eigenvalues: Any, tol: Any) -> float:
    """The zero threshold for eigenvalues: ``tol`` if given, else √ε · max|λ| (ε of their dtype)."""
    if tol is not None:
        return float(tol)
    lam = np.asarray(eigenvalues)
    return math.sqrt(np.finfo(lam.dtype).eps) * float(np.max(np.abs(lam), initial=0.0))


def hessian_eigenvalues(f: Callable[[Any], Any], x: Any) -> jax.Array:
    """The eigenvalues of the Hessian of ``f`` at ``x``, ascending (Lecture L0, L2; ALGORITHMS.md §8).

    λ₁ ≤ … ≤ λₙ of ∇²f(x) for the flattened ``x``: ``jnp.linalg.eigvalsh`` of the symmetrised dense
    ``jax.hessian`` (both jax's; O(n²) memory, meant for the lectures' small problems — use
    :func:`lipschitz_constant` for the largest |λ| of a large model). Jit-compatible.

    Example (§10 example 2, E = 3x² + 2y² + 4z² + 6, Hessian diag(6, 4, 8)):
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> E = lambda w: 3 * w[0] ** 2 + 2 * w[1] ** 2 + 4 * w[2] ** 2 + 6
      >>> [round(float(v), 4) for v in jl.hessian_eigenvalues(E, jnp.zeros(3))]
      [4.0, 6.0, 8.0]
    """
    _check_point(f, x)
    return jnp.linalg.eigvalsh(_hessian(f, x))


def classify_critical_point(
    f: Callable[[Any], Any], x: Any, *, tol: Any = None, grad_tol: Any = None
) -> str:
    """Classify a critical point by the signs of the Hessian eigenvalues (Lecture L0, L2; ALGORITHMS.md §8).

    Returns one of :data:`CRITICAL_POINT_KINDS`:

    * ``"degenerate"`` if some |λᵢ| ≤ tol (the second-order test is inconclusive: x⁴ + y² at 0);
    * else ``"minimum"`` if all λᵢ > 0, ``"maximum"`` if all λᵢ < 0, ``"saddle"`` for mixed signs.

    Args:
      f: scalar function of a pytree.
      x: the point (a pytree); it must be critical, ‖∇f(x)‖ ≤ grad_tol.
      tol: eigenvalues with |λ| ≤ tol count as zero. Default √ε · max|λ| (ε of the compute dtype:
        ≈ 1.5e-8 · max|λ| in float64, ≈ 3.5e-4 · max|λ| in float32), relative so rescaling f does
        not change the answer.
      grad_tol: largest ‖∇f(x)‖₂ accepted as zero. Default √ε · max(1, max|λ| · ‖x‖₂), the rounding
        of a gradient of that size. Pass ``float("inf")`` to classify the Hessian at any point.

    Raises:
      ValueError: when ``tol`` or ``grad_tol`` is negative, or when x is not critical
        (‖∇f(x)‖ > grad_tol; the message gives both numbers).

    Eager only (it returns a Python string).

    Example (§10 example 3: the lecture's minimum at (−1, −1, −1); x² − y² at the origin):
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> f = lambda x: x[0]**2 + x[0] * (1 - x[1]) + x[1]**2 - x[1] * x[2] + x[2]**2 + x[2]
      >>> jl.classify_critical_point(f, -jnp.ones(3))
      'minimum'
      >>> jl.classify_critical_point(lambda x: x[0] ** 2 - x[1] ** 2, jnp.zeros(2))
      'saddle'
    """
    check_range("tol", tol, low=0.0)
    check_range("grad_tol", grad_tol, low=0.0, high=math.inf)
    _check_point(f, x)
    fun, vec = _flat(f, x)
    lam = np.asarray(jnp.linalg.eigvalsh(_hessian(f, x)))
    scale = float(np.max(np.abs(lam), initial=0.0))
    eps = np.finfo(lam.dtype).eps
    if grad_tol is None:
        grad_tol = math.sqrt(eps) * max(1.0, scale * float(np.linalg.norm(np.asarray(vec))))
    grad_norm = float(np.linalg.norm(np.asarray(jax.grad(fun)(vec))))
    if not grad_norm <= float(grad_tol):
        raise ValueError(
            f"x is not a critical point: ‖∇f(x)‖ = {grad_norm:.3g} > grad_tol = {float(grad_tol):.3g} "
            "(pass a larger grad_tol, or grad_tol=float('inf') to classify the Hessian anyway)"
        )
    zero = _eigen_tol(lam, tol)
    if np.any(np.abs(lam) <= zero):
        return "degenerate"
    if np.all(lam > 0):
        return "minimum"
    if np.all(lam < 0):
        return "maximum"
    return "saddle"


def condition_number(f: Callable[[Any], Any], x: Any) -> jax.Array:
    """κ = λmax/λmin of the Hessian at ``x`` (Lecture L2, ill-conditioning; ALGORITHMS.md §8).

    Meaningful for a positive definite Hessian (GD on a quadratic contracts the error at best by
    (κ − 1)/(κ + 1) per step); returns ``inf`` when λmin ≤ 0 (not positive definite).
    Jit-compatible.

    Example (§10 example 2: curvatures 6, 4, 8):
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> E = lambda w: 3 * w[0] ** 2 + 2 * w[1] ** 2 + 4 * w[2] ** 2 + 6
      >>> round(float(jl.condition_number(E, jnp.zeros(3))), 4)
      2.0
    """
    lam = hessian_eigenvalues(f, x)
    lmin, lmax = lam[0], lam[-1]
    safe = jnp.where(lmin > 0, lmin, 1.0)  # guarded: the ratio is only defined for λmin > 0
    return jnp.where(lmin > 0, lmax / safe, jnp.inf)


class LearningRateBounds(NamedTuple):
    """Learning rates of GD on the quadratic model at x (ALGORITHMS.md §8, §10 example 2).

    Attributes:
      per_direction: 1/λᵢ, ascending λ (so descending rates): the rate reaching the minimum of the
        quadratic along eigenvector i in one step.
      fastest: 2/(λmin + λmax), the single rate with the smallest contraction.
      contraction: (λmax − λmin)/(λmax + λmin) = max|1 − η λᵢ| at η = ``fastest``.
      divergence: 2/λmax; GD diverges (on the quadratic) for η above it.
      eigenvalues: the Hessian eigenvalues, ascending.
    """

    per_direction: jax.Array
    fastest: jax.Array
    contraction: jax.Array
    divergence: jax.Array
    eigenvalues: jax.Array


def learning_rate_bounds(f: Callable[[Any], Any], x: Any, *, tol: Any = None) -> LearningRateBounds:
    """Per-direction, fastest and divergent GD learning rates from the Hessian at x (Lecture L0; ALGORITHMS.md §8).

    For the quadratic model ½(w − x)ᵀH(w − x) with H = ∇²f(x) positive definite: GD with rate η
    multiplies the error along eigenvector i by 1 − ηλᵢ, so 1/λᵢ is optimal along i, the fastest
    single rate is 2/(λmin + λmax) and η > 2/λmax diverges. (L0's slide calls 1/λmax the best
    rate; it contracts by only 1 − λmin/λmax, §10 example 2.)

    Args:
      f: scalar function of a pytree; x: the point (a pytree).
      tol: H counts as positive definite when λmin > tol; default √ε · max|λ|, as in
        :func:`classify_critical_point`.

    Raises:
      ValueError: when the Hessian at x is not positive definite (checked when the eigenvalues are
        concrete; under ``jit`` the check is skipped and non-PD Hessians give inf/negative rates).

    Example (§10 example 2: rates 1/6, 1/4, 1/8; fastest 1/6; divergence above 1/4):
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> E = lambda w: 3 * w[0] ** 2 + 2 * w[1] ** 2 + 4 * w[2] ** 2 + 6
      >>> b = jl.learning_rate_bounds(E, jnp.zeros(3))
      >>> [round(float(r), 4) for r in b.per_direction], round(float(b.fastest), 4), round(float(b.divergence), 4)
      ([0.25, 0.1667, 0.125], 0.1667, 0.25)
    """
    check_range("tol", tol, low=0.0)
    lam = hessian_eigenvalues(f, x)
    if _is_concrete(lam):
        zero = _eigen_tol(lam, tol)
        if not float(lam[0]) > zero:
            raise ValueError(
                "learning_rate_bounds needs a positive definite Hessian at x (all eigenvalues > tol = "
                f"{zero:.3g}); the smallest eigenvalue is {float(lam[0]):.6g}"
            )
    lmin, lmax = lam[0], lam[-1]
    return LearningRateBounds(
        per_direction=1.0 / lam,  # η_i = 1/λ_i
        fastest=2.0 / (lmin + lmax),  # η* = 2/(λmin + λmax)
        contraction=(lmax - lmin) / (lmax + lmin),  # max_i |1 − η* λ_i|
        divergence=2.0 / lmax,  # |1 − η λmax| > 1 for η > 2/λmax
        eigenvalues=lam,
    )


class LipschitzEstimate(NamedTuple):
    """Result of :func:`lipschitz_constant`.

    Attributes:
      value: the estimate ‖H v_k‖ of max|λᵢ(∇²f(x))| (a lower bound: v_k is a unit vector).
      iterations: the number of Hessian-vector products used.
      converged: whether the relative change fell to ``tol`` within ``num_iters``.
    """

    value: jax.Array
    iterations: jax.Array
    converged: jax.Array


def lipschitz_constant(
    f: Callable[[Any], Any], x: Any, *, num_iters: int = 100, tol: Any = 1e-8, key: Any = None
) -> LipschitzEstimate:
    """L = ‖∇²f(x)‖₂ = max|λᵢ| by power iteration on Hessian-vector products (Lecture L1; ALGORITHMS.md §8).

    Hand-written (jax and optax have none). Power iteration on v ↦ Hv with v₀ ~ N(0, I)/‖·‖:
    v_{k+1} = H v_k / ‖H v_k‖, estimate L_k = ‖H v_k‖; each Hv is ``jax.jvp`` of ``jax.grad``
    (:func:`jaxopt_lectures.second_order.newton.hessian_vector_product`), so memory is O(n) and H is
    never formed. Stops when |L_k − L_{k−1}| ≤ tol · L_k or after ``num_iters`` products. The error
    shrinks like (|λ₂|/|λ₁|)^{2k}; L_k ≤ max|λ| always.

    This is the local constant at x: the Lipschitz constant of ∇f on a region is the sup of it
    over the region (for a quadratic, the value at any x is the global L, the one L1 theorem 7.1
    needs for η ≤ 1/L). Runs in a ``lax.while_loop``: jit- and vmap-compatible.

    Args:
      f: scalar function of a pytree; x: the point (a pytree).
      num_iters: most Hessian-vector products, an integer ≥ 1.
      tol: relative stopping tolerance, ≥ 0 (0 runs all ``num_iters``).
      key: ``jax.random`` key for v₀; default ``jax.random.PRNGKey(0)``.

    Example (§10 example 2: L = λmax = 8):
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> E = lambda w: 3 * w[0] ** 2 + 2 * w[1] ** 2 + 4 * w[2] ** 2 + 6
      >>> round(float(jl.lipschitz_constant(E, jnp.zeros(3)).value), 3)
      8.0
    """
    check_integer("num_iters", num_iters, low=1)
    check_range("tol", tol, low=0.0)
    _check_point(f, x)
    vec = flatten(x).vec
    key = jax.random.PRNGKey(0) if key is None else key
    v0 = jax.random.normal(key, vec.shape, dtype=vec.dtype)  # eager: compiled once per shape
    return _power_iteration(f, num_iters, x, v0 / jnp.linalg.norm(v0), jnp.asarray(tol, vec.dtype))


@functools.partial(jax.jit, static_argnums=(0, 1))  # one program per (f, num_iters); inlined under jit
def _power_iteration(
    f: Callable[[Any], Any], num_iters: int, x: Any, v0: jax.Array, tol: jax.Array
) -> LipschitzEstimate:
    fun, vec = _flat(f, x)

    def body(carry):
        v, lam, _, k, _ = carry
        w = hessian_vector_product(fun, vec, v)  # H v_k
        new = jnp.linalg.norm(w)  # L_{k+1} = ‖H v_k‖
        # guarded: Hv = 0 means H v_k = 0; keep v (the estimate 0 is then final)
        v_next = jnp.where(new > 0, w / jnp.where(new > 0, new, 1.0), v)
        done = (jnp.abs(new - lam) <= tol * new) | (new == 0)
        return v_next, new, lam, k + 1, done

    def cond(carry):
        _, _, _, k, done = carry
        return (k < num_iters) & ~done

    zero = jnp.zeros((), vec.dtype)
    init = (v0.astype(vec.dtype), zero, zero, jnp.asarray(0, jnp.int32), jnp.asarray(False))
    _, lam, _, k, done = jax.lax.while_loop(cond, body, init)
    return LipschitzEstimate(value=lam, iterations=k, converged=done)


class GDBoundCheck(NamedTuple):
    """Result of :func:`gd_bound_check`; index t − 1 holds step t = 1, …, steps.

    Attributes:
      gaps: f(w_t) − f*.
      bounds: ‖w₀ − w*‖² / (2ηt), L1 theorem 7.1.
      holds: whether gaps ≤ bounds (up to rounding) at every t.
      lipschitz: the L used to check η ≤ 1/L.
    """

    gaps: jax.Array
    bounds: jax.Array
    holds: jax.Array
    lipschitz: jax.Array


def gd_bound_check(
    f: Callable[[Any], Any],
    x0: Any,
    x_star: Any,
    learning_rate: Any,
    steps: int,
    *,
    f_star: Any = None,
    lipschitz: Any = None,
    check_learning_rate: bool = True,
) -> GDBoundCheck:
    """Run GD and check f(w_t) − f* ≤ ‖w₀ − w*‖²/(2ηt) (L1 theorem 7.1, L3 eq. 18; ALGORITHMS.md §8).

    w_{t+1} = w_t − η∇f(w_t) for t = 0, …, steps − 1. The theorem assumes f convex with an
    L-Lipschitz gradient and η ≤ 1/L; it bounds the gap by O(1/t).

    Args:
      f: convex scalar function of a pytree; x0: start (pytree); x_star: a minimiser (same pytree).
      learning_rate: η > 0.
      steps: number of GD steps, an integer ≥ 1.
      f_star: the minimum value; default ``f(x_star)``.
      lipschitz: the Lipschitz constant L of ∇f. Default :func:`lipschitz_constant` at ``x0``, the
        global L for a quadratic only: pass the global L for other functions.
      check_learning_rate: raise when η > 1/L (concrete values). ``False`` runs anyway, to show
        the bound failing.

    Raises:
      ValueError: for η ≤ 0, steps < 1, or (with ``check_learning_rate``) η > 1/L; for a
        non-finite x0, x_star or f_star, or an x_star shaped unlike x0.

    ``holds`` allows rounding: gap ≤ bound + 100 ε (1 + |f*|), ε of the compute dtype.

    Example (§10 example 2 from (1, 1, 1) with η = 1/L = 1/8):
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> E = lambda w: 3 * w[0] ** 2 + 2 * w[1] ** 2 + 4 * w[2] ** 2 + 6
      >>> r = jl.gd_bound_check(E, jnp.ones(3), jnp.zeros(3), 1 / 8, steps=20)
      >>> bool(r.holds), round(float(r.bounds[0]), 4)
      (True, 12.0)
    """
    check_range("learning_rate", learning_rate, low=0.0, low_open=True)
    check_integer("steps", steps, low=1)
    check_range("lipschitz", lipschitz, low=0.0, low_open=True)
    _check_point(f, x0, "x0")

    def layout(tree):
        return jax.tree.structure(tree), [jnp.shape(a) for a in jax.tree.leaves(tree)]

    if layout(x_star) != layout(x0):  # else ravel_pytree fails with "Sum of sizes ..."
        raise ValueError(
            "x_star must have the tree structure and shapes of x0; got "
            f"{jax.tree.map(jnp.shape, x_star)} for x0 {jax.tree.map(jnp.shape, x0)}"
        )
    check_finite("x_star", x_star)
    check_finite("f_star", f_star, why="the minimum value; None for f(x_star)")  # inf makes every gap −inf
    flat = flatten(x0)
    w0, w_star = flat.vec, flat.of(x_star)
    if lipschitz is None:
        lipschitz = lipschitz_constant(f, x0).value
    lipschitz = jnp.asarray(lipschitz, w0.dtype)
    eta = jnp.asarray(learning_rate, w0.dtype)
    if check_learning_rate and _is_concrete(eta, lipschitz) and float(eta) * float(lipschitz) > 1.0 + 1e-6:
        raise ValueError(
            f"learning_rate must be ≤ 1/L = {1.0 / float(lipschitz):.6g} for L1 theorem 7.1 (L = "
            f"{float(lipschitz):.6g}); got {float(eta):.6g} (pass check_learning_rate=False to run anyway)"
        )
    f_star = jnp.asarray(jnp.nan if f_star is None else f_star, w0.dtype)  # NaN: f(x_star), below
    return _gd_bound(f, steps, x0, w_star, eta, f_star, lipschitz)


@functools.partial(jax.jit, static_argnums=(0, 1))  # one program per (f, steps)
def _gd_bound(f, steps, x0, w_star, eta, f_star, lipschitz) -> GDBoundCheck:
    fun, w0 = _flat(f, x0)
    f_star = jnp.where(jnp.isnan(f_star), fun(w_star), f_star)
    grad = jax.grad(fun)

    def step(w, _):
        w = w - eta * grad(w)  # w_{t+1} = w_t − η ∇f(w_t)
        return w, fun(w) - f_star

    _, gaps = jax.lax.scan(step, w0, None, length=steps)
    t = jnp.arange(1, steps + 1, dtype=w0.dtype)
    bounds = jnp.sum((w0 - w_star) ** 2) / (2 * eta * t)  # ‖w₀ − w*‖² / (2ηt)
    slack = 100 * jnp.finfo(w0.dtype).eps * (1 + jnp.abs(f_star))  # rounding of f(w_t) − f*
    holds = jnp.all(gaps <= bounds + slack)
    return GDBoundCheck(gaps=gaps, bounds=bounds, holds=holds, lipschitz=lipschitz)
