"""A compiled optimisation loop with the lectures' stopping criteria: ``minimize``, ``least_squares``.

L3 (ALGORITHMS.md §9) stops an iterative method when

    ‖∇f(x_k)‖ ≤ gtol,   |f(x_{k+1}) − f(x_k)| ≤ ftol,   ‖∇f(x_{k+1}) − ∇f(x_k)‖ ≤ gdtol,   k = max_steps.

``minimize`` runs any optax transformation (ours or optax's) under those rules, plus divergence and
``stalled`` (:mod:`jaxopt_lectures.engine` says exactly when each fires), as one
``lax.while_loop``: no Python runs per step, so it is as fast as a bare ``lax.scan`` and it
vectorises with ``jax.vmap`` (over starting points or over traced hyperparameters) and nests in
``jax.jit``. ``ftol = gdtol = 0`` (the defaults) switch those criteria off: an exactly repeated
value, as after an iRprop− step that flips every sign, is not convergence.

Called eagerly, the loop is compiled once per function, optimizer factory and static settings and
then reused (:mod:`jaxopt_lectures.programs`): the starting point, the tolerances and the
optimizer's float hyperparameters are runtime inputs, so calling ``minimize`` again with a new
start or a new learning rate costs the run, not a compilation.

Every transformation receives the extra arguments ``value`` (f(x_k)), ``grad`` (∇f(x_k)) and
``value_fn`` (f itself) the optax way (``optax.with_extra_args_support`` lets plain
transformations ignore them), so line searches, Newton and quasi-Newton methods, and
``rprop(variant="irprop+")`` run here unchanged; ``least_squares`` adds ``residual_fn``. The
result counts every evaluation of f, ∇f and Hessian-vector products, line-search trials included.

What optax lacks and is written here: optax has no driver loop (its docs show a Python ``for``
or ``lax.while_loop`` written by the user), jaxopt's solvers are not optax transformations.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import optax

from . import engine, programs
from .engine import REASONS
from .optimizers.base import check_callable, check_integer, check_optimizer, check_scalar_output, check_start

__all__ = ["History", "OptimizeResult", "REASONS", "least_squares", "minimize"]

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
      num_fun_evals: evaluations of f (of r for ``least_squares``) in any form, line-search
        trials and the loop's own included.
      num_grad_evals: first-derivative evaluations among them (∇f, a directional derivative, a
        residual Jacobian).
      num_hvp_evals: Hessian-vector products (a dense Hessian of n parameters counts n).
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
    num_fun_evals: Any = None
    num_grad_evals: Any = None
    num_hvp_evals: Any = None

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


def _check_loop_args(max_steps: Any, stall_steps: Any, **tols: Any) -> None:
    check_integer("max_steps", max_steps, why="it sets the loop length")
    check_integer("stall_steps", stall_steps, low=0, why="steps in a row without movement before 'stalled' (0: off)")
    for name, tol in tols.items():
        try:
            concrete = float(tol)
        except (TypeError, jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError):
            continue  # traced: vmap over tolerances is allowed
        if not concrete >= 0:
            raise ValueError(f"{name} must be ≥ 0 (0 switches the criterion off); got {tol!r}")


def _check_problem(name: str, fn: Any, x0: Any, optimizer: Any) -> None:
    """``fn`` callable, the optimizer a transformation, ``x0`` real floating point and finite
    (when concrete: a NaN start makes every step NaN; traced starts under jit/vmap pass)."""
    check_callable(name, fn)
    check_optimizer(optimizer)
    check_start("x0", x0)


def _run(
    fun: Callable,
    residual_fn: Callable | None,
    x0: Any,
    optimizer: optax.GradientTransformation,
    tols: tuple,
    *,
    max_steps: int,
    record: bool,
    stall_steps: int,
) -> OptimizeResult:
    """Run the loop: through the compile cache when called eagerly, inline under a trace."""
    settings = {"max_steps": int(max_steps), "record": bool(record), "stall_steps": int(stall_steps)}
    user = fun if residual_fn is None else residual_fn
    traced = programs.is_traced((x0, tols))
    if not traced:
        try:
            split = programs.split_optimizer(optimizer)
        except programs.Uncacheable:
            traced = True
    if traced:
        return _loop(fun, residual_fn, x0, optimizer, tols, **settings)

    kind = "minimize" if residual_fn is None else "least_squares"
    residuals = residual_fn is not None  # the program must not hold the user's functions, only weakly

    def body(functions, opt, x0, tols):
        (f,) = functions
        return _loop(*((None, f) if residuals else (f, None)), x0, opt, tols, **settings)

    def run(split):
        program = programs.optimizer_program(kind, (user,), split, tuple(sorted(settings.items())), body)
        return program(split.floats, x0, tols)

    try:
        return run(split)
    except programs.TRACER_ERRORS:  # a factory that needs a float as a Python value: floats fixed
        return run(programs.whole(optimizer))


def _half_sum_of_squares(residual_fn: Callable) -> Callable:
    def fun(x):
        return 0.5 * sum(jnp.sum(jnp.square(r)) for r in jax.tree.leaves(residual_fn(x)))

    return fun


def _loop(fun, residual_fn, x0, optimizer, tols, *, max_steps: int, record: bool, stall_steps: int) -> OptimizeResult:
    """The while loop of :mod:`engine` from x0, with the history buffers when ``record``."""
    if residual_fn is not None:
        fun = _half_sum_of_squares(residual_fn)
        extra = {"value_fn": fun, "residual_fn": residual_fn}
    else:
        check_scalar_output("fun", fun, x0)  # at trace time: once per compiled program
        extra = {"value_fn": fun}
    opt = optax.with_extra_args_support(optimizer)
    objective = engine.Objective(jax.value_and_grad(fun), extra)
    rules = engine.Rules(*tols, max_steps=max_steps, stall_steps=stall_steps)

    history, on_step = None, None
    if record:
        value0 = jax.eval_shape(fun, x0)
        history = History(
            values=jnp.full((max_steps,), jnp.nan, value0.dtype),
            grad_norms=jnp.full((max_steps,), jnp.nan, value0.dtype),
            params=jax.tree.map(lambda x: jnp.broadcast_to(x, (max_steps,) + jnp.shape(x)), x0),
            mask=jnp.zeros((max_steps,), bool),
        )

        def on_step(hist: History, c: engine.Loop) -> History:
            return History(
                hist.values.at[c.k].set(c.value),
                hist.grad_norms.at[c.k].set(c.grad_norm.astype(hist.grad_norms.dtype)),
                jax.tree.map(lambda buf, x: buf.at[c.k].set(x), hist.params, c.params),
                hist.mask.at[c.k].set(True),
            )

    out, history = engine.run_until_stop(opt, objective, x0, rules, on_step, history)
    reason = out.reason
    return OptimizeResult(
        params=out.params,
        value=out.value,
        grad_norm=out.grad_norm,
        num_steps=out.k,
        converged=jnp.isin(reason, jnp.asarray(engine.CONVERGED)),
        diverged=reason == engine.DIVERGED,
        reason=reason,
        history=history,
        state=out.opt_state,
        num_fun_evals=out.evaluations.fun,
        num_grad_evals=out.evaluations.grad,
        num_hvp_evals=out.evaluations.hvp,
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
    stall_steps: int = 3,
) -> OptimizeResult:
    """Minimise ``fun`` from ``x0`` with ``optimizer`` until an L3 stopping criterion fires.

    Args:
      fun: scalar function of a pytree of parameters (differentiable with ``jax.grad``).
      x0: starting parameters (any pytree of floating arrays), finite: a concrete NaN or ±inf start
        raises ``ValueError`` (every step from it would be NaN); traced starts are not checked.
      optimizer: an optax transformation; it receives ``value``, ``grad`` and ``value_fn``.
      max_steps: the most steps to take (a Python int ≥ 1; it sizes the history buffers).
      gtol: stop when ‖∇f(x_k)‖ ≤ gtol (also checked at x0).
      ftol: stop when |f(x_{k+1}) − f(x_k)| ≤ ftol (off when 0).
      gdtol: stop when ‖∇f(x_{k+1}) − ∇f(x_k)‖ ≤ gdtol (off when 0).
      record: keep a :class:`History` of every iterate.
      stall_steps: stop with reason ``stalled`` after this many steps in a row that left x and f
        unchanged to 4 ulps (:mod:`jaxopt_lectures.engine`); 0 switches the rule off.

    Returns:
      An :class:`OptimizeResult`. Under ``jax.vmap`` every field gains the batch axis.

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> r = jl.minimize(lambda x: jnp.sum((x - 1.0) ** 2), jnp.zeros(2), jl.sgd(0.25))
      >>> r.reason_name, int(r.num_steps), bool(r.converged)
      ('gtol', 22, True)
    """
    _check_loop_args(max_steps, stall_steps, gtol=gtol, ftol=ftol, gdtol=gdtol)
    _check_problem("fun", fun, x0, optimizer)
    return _run(fun, None, x0, optimizer, (gtol, ftol, gdtol), max_steps=max_steps, record=record,
                stall_steps=stall_steps)  # fmt: skip


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
    stall_steps: int = 3,
) -> OptimizeResult:
    """Minimise f(x) = ½‖r(x)‖² with the loop of :func:`minimize`.

    ``residual_fn`` maps parameters to a pytree of residuals; it is passed to the optimizer as
    the extra argument ``residual_fn`` (Gauss–Newton and Levenberg–Marquardt use it), next to
    ``value``, ``grad`` and ``value_fn``. Arguments as in :func:`minimize`; the evaluation counts
    are of ``residual_fn``.
    """
    _check_loop_args(max_steps, stall_steps, gtol=gtol, ftol=ftol, gdtol=gdtol)
    _check_problem("residual_fn", residual_fn, x0, optimizer)
    return _run(None, residual_fn, x0, optimizer, (gtol, ftol, gdtol), max_steps=max_steps, record=record,
                stall_steps=stall_steps)  # fmt: skip
