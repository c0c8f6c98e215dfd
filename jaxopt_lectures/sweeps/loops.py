"""The compiled programs of a sweep: one configuration's run, ``jax.vmap``-ed over the configuration axis.

ALGORITHMS.md §10.2, §10.5 (``sweep``: steps of :func:`~jaxopt_lectures.minimize`'s loop core)
and §9 (``sweep_fit``: :func:`~jaxopt_lectures.fit`'s epochs on the same minibatches for every
configuration). Each configuration builds its optimizer inside the mapped function from traced
hyperparameters, so the step is traced once for all of them; the programs are cached per factory
and function by :mod:`jaxopt_lectures.programs`.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import optax

from .. import engine, programs
from ..optimizers.base import check_scalar_value
from ..train import epoch_steps

__all__ = ["compiled", "full_batch_program", "minibatch_program"]


def _optimizer(make_optimizer, static, hp):
    return optax.with_extra_args_support(make_optimizer(**dict(static), **hp))


def _counts(c: Any) -> dict[str, jax.Array]:
    """A row's stop reason and evaluation counts, from the loop core's carry."""
    ev = c.evaluations
    return {"reason": engine.finish(c.reason), "num_fun_evals": ev.fun, "num_grad_evals": ev.grad, "num_hvp_evals": ev.hvp}


def full_batch_program(hps, ids, x0, *, make_optimizer, static, fun, residual_fn, steps):
    """values[i, k] = f(x_{k+1}) of configuration i (NaN once it diverged), final x, alive, f(x0),
    and each row's stop reason and evaluation counts. Steps of :func:`engine.advance` with only
    the divergence rule and ``max_steps = steps`` (a sweep's curves all have ``steps`` points)."""
    extra = {"value_fn": fun} if residual_fn is None else {"value_fn": fun, "residual_fn": residual_fn}
    objective = engine.Objective(jax.value_and_grad(fun), extra)
    rules = engine.Rules(gtol=-1.0, ftol=0.0, gdtol=0.0, max_steps=steps, stall_steps=0)  # -1: gtol off
    value0 = check_scalar_value("fun", jnp.asarray(fun(x0)))  # the start, shared by every configuration

    def one(hp):
        opt = _optimizer(make_optimizer, static, hp)

        def step(c, _):
            c, _ = engine.advance(opt, objective, rules, c)
            return c, jnp.where(c.reason == engine.DIVERGED, jnp.nan, c.value)

        c, values = jax.lax.scan(step, engine.start(opt, objective, x0, rules), None, length=steps)
        return c.params, values, c.reason != engine.DIVERGED, _counts(c)

    # ``ids`` carries the configuration axis, also when no hyperparameter is traced (hps == {})
    x, values, alive, counts = jax.vmap(lambda hp, _: one(hp))(hps, ids)
    return x, values, None, alive, value0, counts


def minibatch_program(hps, ids, params, data, key, *, make_optimizer, static, loss_fn, epochs, batch_size, sampling):
    """``fit``'s epochs for every configuration, on the same batches (drawn outside the vmap)."""
    value0 = check_scalar_value("loss_fn", jnp.asarray(loss_fn(params, data)))  # traced after the grid's checks

    def one(hp):
        opt = _optimizer(make_optimizer, static, hp)

        def epoch(c, e):  # fit's epoch; the batches do not depend on the configuration: one draw for all
            c, losses = epoch_steps(opt, loss_fn, c, data, key, e, batch_size, sampling)
            return c, (jnp.where(c.reason == engine.DIVERGED, jnp.nan, c.value), losses)

        c = engine.minibatch_start(opt, params, value0)
        c, (values, losses) = jax.lax.scan(epoch, c, jnp.arange(epochs))
        return c.params, values, losses, c.reason != engine.DIVERGED, _counts(c)

    p, values, losses, alive, counts = jax.vmap(lambda hp, _: one(hp))(hps, ids)
    return p, values, losses, alive, value0, counts


def compiled(program, make_optimizer, static, options):
    """The jitted ``program`` for one static group, from :mod:`programs`' cache: the same sweep run
    again (same factory and function objects) compiles nothing, and the programs go when the
    factory or the function does."""
    functions = {k: v for k, v in options.items() if callable(v)}
    rest = tuple(sorted((k, v) for k, v in options.items() if not callable(v)))
    names = list(functions)

    def make(get_factory, *getters):
        def run(*args):
            bound = {name: get() for name, get in zip(names, getters)}
            return program(*args, make_optimizer=get_factory(), static=static, **bound, **dict(rest))

        return run

    return programs.compiled(program.__name__, (make_optimizer, *functions.values()), (static, rest), make)
