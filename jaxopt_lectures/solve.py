"""A compiled optimisation loop with the lectures' stopping criteria: ``minimize``, ``least_squares``.

L3 (ALGORITHMS.md §9) stops an iterative method when

    ‖∇f(x_k)‖ ≤ gtol,   |f(x_{k+1}) − f(x_k)| ≤ ftol,   ‖∇f(x_{k+1}) − ∇f(x_k)‖ ≤ gdtol,   k = max_steps.

``minimize`` runs any optax transformation (ours or optax's) under those rules as one
``lax.while_loop``: no Python runs per step, so it is as fast as a bare ``lax.scan`` and it
vectorises with ``jax.vmap`` (over starting points or over traced hyperparameters) and nests in
``jax.jit``. A tolerance ≤ 0 switches its criterion off (``ftol = gdtol = 0`` by default: an
exactly repeated value, as after an iRprop− step that flips every sign, is not convergence).

Every transformation receives the extra arguments ``value`` (f(x_k)), ``grad`` (∇f(x_k)) and
``value_fn`` (f itself) the optax way (``optax.with_extra_args_support`` lets plain
transformations ignore them), so line searches, Newton and quasi-Newton methods, and
``rprop(variant="irprop+")`` run here unchanged; ``least_squares`` adds ``residual_fn``.

When the optimizer's last link is a strong-Wolfe search (``scale_by_wolfe_line_search``, which
``lbfgs``, ``bfgs`` and ``nonlinear_cg`` use by default, or optax's ``scale_by_zoom_linesearch``),
the search has already evaluated f and ∇f at the point it accepted: the loop takes them from its
state instead of evaluating again (optax's ``value_and_grad_from_state`` idea, applied by the loop
so that callers need not).

A non-finite value or gradient after a step ends the loop with ``diverged=True`` and returns the
last finite iterate (with its value and gradient), never NaN parameters.

What optax lacks and is written here: optax has no driver loop (its docs show a Python ``for``
or ``lax.while_loop`` written by the user), jaxopt's solvers are not optax transformations.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import optax

from .linesearch import WolfeLineSearchState
from .optimizers._base import all_finite, check_integer, global_sq_norm

__all__ = ["History", "OptimizeResult", "REASONS", "least_squares", "minimize"]

# What ended the loop: ``result.reason`` is an index into this tuple (an array, so that it
# survives ``jit`` and ``vmap``); ``result.reason_name`` gives the words.
REASONS = ("running", "gtol", "ftol", "gdtol", "max_steps", "diverged")
_RUNNING, _GTOL, _FTOL, _GDTOL, _MAX_STEPS, _DIVERGED = range(len(REASONS))


class History(NamedTuple):
    """Per-step record of a run with ``record=True``: buffers of length ``max_steps``.

    Entry k holds the iterate x_k the k-th step started from (k = 0 is ``x0``), its value and
    gradient norm; the final iterate is the result's ``params``. Entries k ≥ ``num_steps`` were
    never reached: ``mask`` is False there and values and norms are NaN, parameters repeat the
    final iterate.
    """

    values: jax.Array
    grad_norms: jax.Array
    params: Any
    mask: jax.Array


class OptimizeResult(NamedTuple):
    """Outcome of :func:`minimize` / :func:`least_squares`.

    Attributes:
      params: the final iterate (the last finite one if the run diverged).
      value: f(params).
      grad_norm: ‖∇f(params)‖.
      num_steps: optimizer steps taken (accepted updates, including a final one that diverged).
      converged: a tolerance criterion (gtol, ftol or gdtol) fired.
      diverged: the value or gradient became non-finite.
      reason: index into :data:`REASONS` of the criterion that stopped the loop.
      history: :class:`History` when ``record=True``, else ``None``.
      state: the optimizer state after the last step taken (after a diverged run: after the step
        that diverged, whose point ``params`` does not hold).
    """

    params: Any
    value: jax.Array
    grad_norm: jax.Array
    num_steps: jax.Array
    converged: jax.Array
    diverged: jax.Array
    reason: jax.Array
    history: History | None = None
    state: Any = None

    @property
    def reason_name(self) -> Any:
        """``REASONS[reason]`` (a string, or a nested list of them for a batched result)."""
        import numpy as np

        codes = np.asarray(self.reason)
        if codes.ndim == 0:
            return REASONS[int(codes)]
        return np.vectorize(lambda c: REASONS[int(c)])(codes).tolist()

    def path(self) -> Any:
        """The iterates x_0, x_1, …, x_K of a recorded run as a NumPy ``[K + 1, n]`` array.

        ``history.params[mask]`` followed by the final ``params``, each flattened (one array of
        parameters; a pytree of several raises). For one unbatched run with ``record=True``.
        """
        import numpy as np

        if self.history is None:
            raise ValueError("this result has no history: run minimize(..., record=True)")
        mask = np.asarray(self.history.mask)
        if mask.ndim != 1:
            raise ValueError(f"a batched result (mask shape {mask.shape}) has one path per run; index it first")
        leaves = jax.tree.leaves(self.history.params)
        if len(leaves) != 1:
            raise ValueError(f"params must be a single array to give a path, got {len(leaves)} leaves")
        steps = np.asarray(leaves[0], dtype=np.float64).reshape(mask.shape[0], -1)
        final = np.asarray(jax.tree.leaves(self.params)[0], dtype=np.float64).reshape(1, -1)
        return np.concatenate([steps[mask], final])


def _tree_norm(tree: Any) -> jax.Array:
    return jnp.sqrt(global_sq_norm(tree))


def _check_loop_args(max_steps: Any, **tols: Any) -> None:
    check_integer("max_steps", max_steps, why="it sets the loop length")
    for name, tol in tols.items():
        try:
            concrete = float(tol)
        except (TypeError, jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError):
            continue  # traced: vmap over tolerances is allowed
        if not concrete >= 0:
            raise ValueError(f"{name} must be ≥ 0 (0 switches the criterion off); got {tol!r}")


def _search_evaluation(opt_state: Any, value_and_grad: Callable, params: Any) -> tuple[Any, Any] | None:
    """(f, ∇f) at the new iterate, read from the state of a strong-Wolfe search that ends the chain.

    ``optax.chain`` keeps its links' states in a plain tuple, so the last link is found by
    descending into last elements. It is used only when it is a search known to store f and ∇f at
    the step it returns (and then nothing after it changed the update). ``None`` otherwise.
    """
    state = opt_state
    while type(state) is tuple and state:  # noqa: E721 - a chain's tuple, not a NamedTuple state
        state = state[-1]
    if isinstance(state, WolfeLineSearchState):
        return state.value, state.grad  # f(x + α d) is finite: a failed search returns α = 0 and f(x)
    if isinstance(state, optax.ScaleByZoomLinesearchState):
        # optax's search may store a non-finite value after a failure: evaluate then (as optax does)
        return jax.lax.cond(
            jnp.isfinite(state.value), lambda p: (state.value, state.grad), value_and_grad, params
        )
    return None


class _Carry(NamedTuple):
    k: jax.Array
    params: Any
    opt_state: Any
    value: jax.Array
    grad: Any
    grad_norm: jax.Array
    reason: jax.Array
    history: History | None


def _run(
    value_and_grad: Callable,
    extra: dict,
    x0: Any,
    optimizer: optax.GradientTransformation,
    max_steps: int,
    gtol: Any,
    ftol: Any,
    gdtol: Any,
    record: bool,
) -> OptimizeResult:
    opt = optax.with_extra_args_support(optimizer)
    value0, grad0 = value_and_grad(x0)
    value0 = jnp.asarray(value0)
    gnorm0 = _tree_norm(grad0)
    dtype = value0.dtype

    def stop_tests(k, value, grad_norm, value_prev, grad_step_norm, finite):
        """The L3 criteria at iterate k, first that fires wins (divergence first)."""
        reason = jnp.where(grad_norm <= gtol, _GTOL, _RUNNING)
        if value_prev is not None:
            reason = jnp.where((reason == _RUNNING) & (ftol > 0) & (jnp.abs(value - value_prev) <= ftol), _FTOL, reason)
            reason = jnp.where((reason == _RUNNING) & (gdtol > 0) & (grad_step_norm <= gdtol), _GDTOL, reason)
        reason = jnp.where((reason == _RUNNING) & (k >= max_steps), _MAX_STEPS, reason)
        return jnp.where(finite, reason, _DIVERGED).astype(jnp.int32)

    history = None
    if record:
        history = History(
            values=jnp.full((max_steps,), jnp.nan, dtype),
            grad_norms=jnp.full((max_steps,), jnp.nan, gnorm0.dtype),
            params=jax.tree.map(lambda x: jnp.broadcast_to(x, (max_steps,) + jnp.shape(x)), x0),
            mask=jnp.zeros((max_steps,), bool),
        )
    finite0 = jnp.isfinite(value0) & all_finite(grad0)
    reason0 = stop_tests(jnp.int32(0), value0, gnorm0, None, None, finite0)
    carry = _Carry(jnp.int32(0), x0, opt.init(x0), value0, grad0, gnorm0, reason0, history)

    def cond(c: _Carry):
        return c.reason == _RUNNING

    def body(c: _Carry) -> _Carry:
        hist = c.history
        if record:
            hist = History(
                hist.values.at[c.k].set(c.value),
                hist.grad_norms.at[c.k].set(c.grad_norm),
                jax.tree.map(lambda buf, x: buf.at[c.k].set(x), hist.params, c.params),
                hist.mask.at[c.k].set(True),
            )
        updates, opt_state = opt.update(c.grad, c.opt_state, c.params, value=c.value, grad=c.grad, **extra)
        params = optax.apply_updates(c.params, updates)
        found = _search_evaluation(opt_state, value_and_grad, params)
        value, grad = value_and_grad(params) if found is None else found
        value = jnp.asarray(value, dtype)
        grad_norm = _tree_norm(grad)
        k = c.k + 1
        finite = jnp.isfinite(value) & all_finite(grad) & all_finite(params)
        grad_step = _tree_norm(jax.tree.map(jnp.subtract, grad, c.grad))
        reason = stop_tests(k, value, grad_norm, c.value, grad_step, finite)
        # keep the last finite point when the step diverged. Only the point: keeping the state from
        # before the step too would make XLA copy every state buffer that the step updates in place
        # (for L-BFGS the whole m × n memory, every step), so the state is the one after the step.
        point = optax.tree.where(finite, (params, value, grad, grad_norm), (c.params, c.value, c.grad, c.grad_norm))
        return _Carry(k, *point[:1], opt_state, *point[1:], reason, hist)

    out = jax.lax.while_loop(cond, body, carry)
    reason = out.reason
    return OptimizeResult(
        params=out.params,
        value=out.value,
        grad_norm=out.grad_norm,
        num_steps=out.k,
        converged=(reason == _GTOL) | (reason == _FTOL) | (reason == _GDTOL),
        diverged=reason == _DIVERGED,
        reason=reason,
        history=out.history,
        state=out.opt_state,
    )


def minimize(
    fun: Callable[[Any], jax.Array],
    x0: Any,
    optimizer: optax.GradientTransformation,
    *,
    max_steps: int = 1000,
    gtol: Any = 1e-6,
    ftol: Any = 0.0,
    gdtol: Any = 0.0,
    record: bool = False,
) -> OptimizeResult:
    """Minimise ``fun`` from ``x0`` with ``optimizer`` until an L3 stopping criterion fires.

    Args:
      fun: scalar function of a pytree of parameters (differentiable with ``jax.grad``).
      x0: starting parameters (any pytree of floating arrays).
      optimizer: an optax transformation; it receives ``value``, ``grad`` and ``value_fn``.
      max_steps: the most steps to take (a Python int ≥ 1; it sizes the history buffers).
      gtol: stop when ‖∇f(x_k)‖ ≤ gtol (also checked at x0).
      ftol: stop when |f(x_{k+1}) − f(x_k)| ≤ ftol (off when 0).
      gdtol: stop when ‖∇f(x_{k+1}) − ∇f(x_k)‖ ≤ gdtol (off when 0).
      record: keep a :class:`History` of every iterate.

    Returns:
      An :class:`OptimizeResult`. Under ``jax.vmap`` every field gains the batch axis.

    Example:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> r = jl.minimize(lambda x: jnp.sum((x - 1.0) ** 2), jnp.zeros(2), jl.sgd(0.25))
      >>> r.reason_name, int(r.num_steps), bool(r.converged)
      ('gtol', 22, True)
    """
    _check_loop_args(max_steps, gtol=gtol, ftol=ftol, gdtol=gdtol)
    return _run(jax.value_and_grad(fun), {"value_fn": fun}, x0, optimizer, max_steps, gtol, ftol, gdtol, record)


def least_squares(
    residual_fn: Callable[[Any], Any],
    x0: Any,
    optimizer: optax.GradientTransformation,
    *,
    max_steps: int = 1000,
    gtol: Any = 1e-6,
    ftol: Any = 0.0,
    gdtol: Any = 0.0,
    record: bool = False,
) -> OptimizeResult:
    """Minimise f(x) = ½‖r(x)‖² with the loop of :func:`minimize`.

    ``residual_fn`` maps parameters to a pytree of residuals; it is passed to the optimizer as
    the extra argument ``residual_fn`` (Gauss–Newton and Levenberg–Marquardt use it), next to
    ``value``, ``grad`` and ``value_fn``. Arguments as in :func:`minimize`.
    """
    _check_loop_args(max_steps, gtol=gtol, ftol=ftol, gdtol=gdtol)

    def fun(x):
        return 0.5 * sum(jnp.sum(jnp.square(r)) for r in jax.tree.leaves(residual_fn(x)))

    extra = {"value_fn": fun, "residual_fn": residual_fn}
    return _run(jax.value_and_grad(fun), extra, x0, optimizer, max_steps, gtol, ftol, gdtol, record)
