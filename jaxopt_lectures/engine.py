"""The step-and-stop core: one optimizer step, its evaluation count, divergence and stop rules.

Every driver of this library runs on this module: ``minimize`` and ``least_squares`` (a
``lax.while_loop`` of :func:`advance`), ``fit`` and ``sweep_fit`` (a ``lax.scan`` of
:func:`minibatch_advance` over minibatches), ``sweep`` (a vmapped ``lax.scan`` of
:func:`advance`), the tour's grid and the figures (through those). Nothing else calls an
optimizer's ``update`` in a loop.

**A step** (L3, ALGORITHMS.md §9): x_{k+1} = x_k + u_k with (u_k, state) from the optimizer's
``update``, which receives the extra arguments ``value`` = f(x_k), ``grad`` = ∇f(x_k) and
``value_fn`` = f (and ``residual_fn`` for least squares) the optax way. f and ∇f at x_{k+1} are
then evaluated — or taken from the state of a line search that ends the chain and already
evaluated them at the point it accepted (optax's ``value_and_grad_from_state`` idea): a search
registered with a ``state_type`` and an ``evaluation`` (:mod:`jaxopt_lectures.linesearch.registry`;
the strong-Wolfe search is one), or optax's zoom.

**Divergence, one rule everywhere**: a step whose value, gradient or parameters are not finite
is not taken. The run stops there with reason ``diverged`` at its last finite point (its value
and gradient kept); it never raises and never returns NaN parameters. (The optimizer state is
the one after the failed step: keeping the one before would make XLA copy every state buffer
that a step updates in place, for L-BFGS its whole memory, every step.)

**Stop reasons** (:data:`REASONS`, the same in every driver), tested after each step in this
order, the first that fires wins:

* ``diverged`` — as above;
* ``gtol`` — ‖∇f(x_k)‖ ≤ gtol (also tested at x0);
* ``ftol`` — |f(x_{k+1}) − f(x_k)| ≤ ftol (off when ftol = 0);
* ``gdtol`` — ‖∇f(x_{k+1}) − ∇f(x_k)‖ ≤ gdtol (off when gdtol = 0);
* ``stalled`` — ``stall_steps`` steps in a row left the point where it was: ‖x_{k+1} − x_k‖ ≤
  4ε‖x_k‖ and |f(x_{k+1}) − f(x_k)| ≤ 4ε|f(x_k)|, with ε the machine epsilon of the parameters'
  (coarsest) float dtype — four ulps, so a step that rounds back to x_k, a line search that
  returned α = 0, or Levenberg–Marquardt at its damping cap (steps of ~g/μ, below the rounding
  of x) all count. One such step is not enough (BFGS resets to I after a failed search and may
  go on), ``stall_steps`` (default 3) in a row is;
* ``max_steps`` — k = max_steps.

**Evaluations**: the loop counts its own evaluations of f and ∇f (one each at x0 and after each
step, none when the search's are reused) and adds, after each step, every
:class:`~jaxopt_lectures.optimizers.base.Evaluations` found in the optimizer state (this
library's line searches, Newton, Newton-CG, Gauss–Newton and Levenberg–Marquardt keep one),
and the trial counts of optax's zoom and backtracking searches.

What optax lacks and is written here: optax has no driver loop (its docs show a Python ``for``
or a ``lax.while_loop`` written by the user) and no evaluation counts.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import optax

from .linesearch import LINE_SEARCHES
from .optimizers.base import Evaluations, all_finite, global_norm

__all__ = [
    "REASONS",
    "Evaluations",
    "Loop",
    "MinibatchLoop",
    "Objective",
    "Rules",
    "advance",
    "minibatch_advance",
    "minibatch_start",
    "monitor",
    "finish",
    "run_until_stop",
    "start",
    "step_evaluations",
]

#: What ended a run: a result's ``reason`` is an index into this tuple (an array, so that it
#: survives ``jit`` and ``vmap``). New reasons are appended, so existing codes keep their meaning.
REASONS = ("running", "gtol", "ftol", "gdtol", "max_steps", "diverged", "stalled")
RUNNING, GTOL, FTOL, GDTOL, MAX_STEPS, DIVERGED, STALLED = range(len(REASONS))
CONVERGED = (GTOL, FTOL, GDTOL)

#: Relative size, in machine epsilons, below which a step counts as not moving (``stalled``).
STALL_ULPS = 4


# --------------------------------------------------------------------------------------------
# Evaluations spent by a step
# --------------------------------------------------------------------------------------------


def _is_counted(node: Any) -> bool:
    return isinstance(node, (Evaluations, optax.ScaleByZoomLinesearchState, optax.ScaleByBacktrackingLinesearchState))


def step_evaluations(opt_state: Any) -> Evaluations:
    """Evaluations the optimizer spent in its last ``update``, summed over its state tree."""
    total = Evaluations.of()
    for node in jax.tree.leaves(opt_state, is_leaf=_is_counted):
        if isinstance(node, Evaluations):
            total = total.plus(node)
        elif isinstance(node, optax.ScaleByZoomLinesearchState):  # f and ∇f at every trial
            n = jnp.asarray(node.info.num_linesearch_steps, jnp.int32)
            total = total.plus(Evaluations(n, n, jnp.int32(0)))
        elif isinstance(node, optax.ScaleByBacktrackingLinesearchState):  # f (and ∇f when stored)
            n = jnp.asarray(node.info.num_linesearch_steps, jnp.int32)
            total = total.plus(Evaluations(n, n if node.grad is not None else jnp.int32(0), jnp.int32(0)))
    return total


# --------------------------------------------------------------------------------------------
# The full-batch step (minimize, least_squares, sweep)
# --------------------------------------------------------------------------------------------


class Objective(NamedTuple):
    """What a step evaluates: f and ∇f together, and the extra arguments for ``update``."""

    value_and_grad: Callable[[Any], tuple[jax.Array, Any]]
    extra: dict


class Rules(NamedTuple):
    """The stop rules (tolerances are runtime values; a negative one is off, as 0 is for ftol/gdtol)."""

    gtol: Any
    ftol: Any
    gdtol: Any
    max_steps: Any
    stall_steps: int = 3  # static: 0 switches ``stalled`` off


class Loop(NamedTuple):
    """The carry of a full-batch run: the point x_k with f, ∇f, ‖∇f‖, and the bookkeeping."""

    k: jax.Array
    params: Any
    opt_state: Any
    value: jax.Array
    grad: Any
    grad_norm: jax.Array
    reason: jax.Array
    still: jax.Array  # steps in a row that left x and f where they were
    evaluations: Evaluations


def _eps(params: Any, value: jax.Array) -> jax.Array:
    """The machine epsilon of the coarsest floating dtype among the parameters and the value."""
    dtypes = [x.dtype for x in jax.tree.leaves(params) if jnp.issubdtype(x.dtype, jnp.floating)] + [value.dtype]
    return jnp.asarray(max(float(jnp.finfo(d).eps) for d in dtypes), value.dtype)


def _search_evaluation(opt_state: Any, value_and_grad: Callable, params: Any) -> tuple[Any, Any, jax.Array] | None:
    """(f, ∇f, own evaluations) at the new point, from a line search that ends the chain.

    ``optax.chain`` keeps its links' states in a plain tuple, so the last link is found by
    descending into last elements. Used only when it is a search known to store f and ∇f at the
    step it returns (and then nothing after it changed the update): a registered search whose
    ``state_type`` it is (read through the entry's ``evaluation``), or optax's zoom. ``None``
    otherwise.
    """
    state = opt_state
    while type(state) is tuple and state:  # noqa: E721 - a chain's tuple, not a NamedTuple state
        state = state[-1]
    for spec in LINE_SEARCHES.values():
        if spec.state_type is not None and isinstance(state, spec.state_type):
            value, grad = spec.evaluation(state)  # finite: a failed search returns α = 0 and f(x), ∇f(x)
            return value, grad, jnp.int32(0)
    if isinstance(state, optax.ScaleByZoomLinesearchState):
        # optax's search may store a non-finite value after a failure: evaluate then (as optax does)
        def again(p):
            v, g = value_and_grad(p)
            return jnp.asarray(v, state.value.dtype), g, jnp.int32(1)

        return jax.lax.cond(jnp.isfinite(state.value), lambda p: (state.value, state.grad, jnp.int32(0)), again, params)
    return None


def _reason(rules: Rules, k, value, grad_norm, value_prev, grad_step_norm, still, finite) -> jax.Array:
    """The stop rules at iterate k, the first that fires wins (divergence first)."""
    reason = jnp.where(grad_norm <= rules.gtol, GTOL, RUNNING)
    if value_prev is not None:
        fire = (reason == RUNNING) & (rules.ftol > 0) & (jnp.abs(value - value_prev) <= rules.ftol)
        reason = jnp.where(fire, FTOL, reason)
        fire = (reason == RUNNING) & (rules.gdtol > 0) & (grad_step_norm <= rules.gdtol)
        reason = jnp.where(fire, GDTOL, reason)
        if rules.stall_steps:
            reason = jnp.where((reason == RUNNING) & (still >= rules.stall_steps), STALLED, reason)
    reason = jnp.where((reason == RUNNING) & (k >= rules.max_steps), MAX_STEPS, reason)
    return jnp.where(finite, reason, DIVERGED).astype(jnp.int32)


def start(opt: optax.GradientTransformationExtraArgs, objective: Objective, x0: Any, rules: Rules) -> Loop:
    """The carry at x0: f(x0), ∇f(x0) (one evaluation of each), ``opt.init(x0)``, the stop test at x0."""
    value0, grad0 = objective.value_and_grad(x0)
    value0 = jnp.asarray(value0)
    gnorm0 = global_norm(grad0)
    finite0 = jnp.isfinite(value0) & all_finite(grad0) & all_finite(x0)
    zero = jnp.int32(0)
    reason0 = _reason(rules, zero, value0, gnorm0, None, None, zero, finite0)
    return Loop(zero, x0, opt.init(x0), value0, grad0, gnorm0, reason0, zero, Evaluations.of(1, 1, 0))


def advance(
    opt: optax.GradientTransformationExtraArgs, objective: Objective, rules: Rules, c: Loop
) -> tuple[Loop, jax.Array]:
    """One step from ``c`` (a no-op on the point when ``c`` has stopped). Returns the new carry and
    whether the step was taken (running and finite)."""
    active = c.reason == RUNNING
    updates, opt_state = opt.update(c.grad, c.opt_state, c.params, value=c.value, grad=c.grad, **objective.extra)
    params = optax.apply_updates(c.params, updates)
    found = _search_evaluation(opt_state, objective.value_and_grad, params)
    if found is None:
        value, grad = objective.value_and_grad(params)
        own = jnp.int32(1)
    else:
        value, grad, own = found
    value = jnp.asarray(value, c.value.dtype)
    grad_norm = global_norm(grad)
    finite = jnp.isfinite(value) & all_finite(grad) & all_finite(params)
    eps = STALL_ULPS * _eps(params, value)
    still_now = (global_norm(jax.tree.map(jnp.subtract, params, c.params)) <= eps * global_norm(c.params)) & (
        jnp.abs(value - c.value) <= eps * jnp.abs(c.value)
    )
    still = jnp.where(still_now & finite, c.still + 1, 0)
    k = c.k + 1
    grad_step = global_norm(jax.tree.map(jnp.subtract, grad, c.grad))
    reason = _reason(rules, k, value, grad_norm, c.value, grad_step, still, finite)
    spent = step_evaluations(opt_state).plus(Evaluations(own, own, jnp.int32(0)))

    taken = active & finite
    point = optax.tree.where(taken, (params, value, grad, grad_norm), (c.params, c.value, c.grad, c.grad_norm))
    new = Loop(
        k=jnp.where(active, k, c.k),
        params=point[0],
        opt_state=opt_state,
        value=point[1],
        grad=point[2],
        grad_norm=point[3],
        reason=jnp.where(active, reason, c.reason),
        still=jnp.where(active, still, c.still),
        evaluations=optax.tree.where(active, c.evaluations.plus(spent), c.evaluations),
    )
    return new, taken


def run_until_stop(
    opt: optax.GradientTransformationExtraArgs,
    objective: Objective,
    x0: Any,
    rules: Rules,
    on_step: Callable[[Any, Loop], Any] | None = None,
    record: Any = None,
) -> tuple[Loop, Any]:
    """``lax.while_loop`` of :func:`advance` from x0 until a stop reason fires.

    ``on_step(record, carry)`` (optional) is called with the carry *before* each step and returns
    the updated ``record`` (e.g. a history buffer written at index ``carry.k``).
    """
    carry = start(opt, objective, x0, rules)

    def cond(state):
        return state[0].reason == RUNNING

    def body(state):
        c, rec = state
        if on_step is not None:
            rec = on_step(rec, c)
        return advance(opt, objective, rules, c)[0], rec

    return jax.lax.while_loop(cond, body, (carry, record))


# --------------------------------------------------------------------------------------------
# The minibatch step (fit, sweep_fit)
# --------------------------------------------------------------------------------------------


class MinibatchLoop(NamedTuple):
    """The carry of a minibatch run: parameters, state, the last monitored loss, the bookkeeping."""

    k: jax.Array  # steps taken
    params: Any
    opt_state: Any
    value: jax.Array  # the loss last passed to :func:`monitor` (the loss on all data, per epoch)
    reason: jax.Array  # RUNNING until it diverges (:func:`finish` turns it into MAX_STEPS)
    evaluations: Evaluations


def minibatch_start(
    opt: optax.GradientTransformationExtraArgs, params: Any, value: jax.Array, opt_state: Any = None
) -> MinibatchLoop:
    """The carry at ``params`` whose loss on all data is ``value`` (non-finite: diverged at once)."""
    state = opt.init(params) if opt_state is None else opt_state
    value = jnp.asarray(value)
    reason = jnp.where(all_finite(params) & jnp.isfinite(value), RUNNING, DIVERGED).astype(jnp.int32)
    return MinibatchLoop(jnp.int32(0), params, state, value, reason, Evaluations.of())


def monitor(c: MinibatchLoop, value: jax.Array) -> MinibatchLoop:
    """Record the loss on all data (end of an epoch); a non-finite one is divergence too."""
    value = jnp.asarray(value, c.value.dtype)
    reason = jnp.where((c.reason == RUNNING) & ~jnp.isfinite(value), DIVERGED, c.reason).astype(jnp.int32)
    return c._replace(value=value, reason=reason)


def finish(reason: jax.Array) -> jax.Array:
    """A fixed-length run that never stopped ends with ``max_steps``."""
    return jnp.where(reason == RUNNING, MAX_STEPS, reason).astype(jnp.int32)


def minibatch_advance(
    opt: optax.GradientTransformationExtraArgs, loss_fn: Callable[[Any, Any], jax.Array], c: MinibatchLoop, batch: Any
) -> tuple[MinibatchLoop, jax.Array]:
    """One step on ``batch``: f_B and ∇f_B at x_k (``value_fn`` bound to the batch), update, and the
    divergence rule. Returns the carry and the batch loss before the step (NaN once stopped)."""
    active = c.reason == RUNNING
    value_fn = lambda q: loss_fn(q, batch)  # noqa: E731 - bound to this batch
    value, grad = jax.value_and_grad(value_fn)(c.params)
    updates, opt_state = opt.update(grad, c.opt_state, c.params, value=value, grad=grad, value_fn=value_fn)
    params = optax.apply_updates(c.params, updates)
    finite = jnp.isfinite(value) & all_finite(grad) & all_finite(params)
    taken = active & finite
    spent = step_evaluations(opt_state).plus(Evaluations.of(1, 1, 0))
    new = MinibatchLoop(
        k=jnp.where(active, c.k + 1, c.k),
        params=optax.tree.where(taken, params, c.params),
        opt_state=opt_state,
        value=c.value,
        reason=jnp.where(active & ~finite, DIVERGED, c.reason).astype(jnp.int32),
        evaluations=optax.tree.where(active, c.evaluations.plus(spent), c.evaluations),
    )
    return new, jnp.where(taken, value, jnp.nan)
