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
from ..train import batch_indices, epoch_steps, num_examples

__all__ = ["compiled", "full_batch_program", "minibatch_program", "seeds_program", "segment_program", "start_program"]


def _optimizer(make_optimizer, static, hp):
    return optax.with_extra_args_support(make_optimizer(**dict(static), **hp))


def _counts(c: Any) -> dict[str, jax.Array]:
    """A row's stop reason and evaluation counts, from the loop core's carry."""
    ev = c.evaluations
    return {"reason": engine.finish(c.reason), "num_fun_evals": ev.fun, "num_grad_evals": ev.grad, "num_hvp_evals": ev.hvp}


def full_batch_program(hps, ids, x0, *, make_optimizer, static, fun, residual_fn, steps, per_row_x0=False):
    """values[i, k] = f(x_{k+1}) of configuration i (NaN once it diverged), final x, alive, f(x0),
    and each row's stop reason and evaluation counts. Steps of :func:`engine.advance` with only
    the divergence rule and ``max_steps = steps`` (a sweep's curves all have ``steps`` points).
    With ``per_row_x0`` the leaves of ``x0`` have a leading row axis (each row its own start, e.g.
    one per seed) and f(x0) is one value per row."""
    extra = {"value_fn": fun} if residual_fn is None else {"value_fn": fun, "residual_fn": residual_fn}
    objective = engine.Objective(jax.value_and_grad(fun), extra)
    rules = engine.Rules(gtol=-1.0, ftol=0.0, gdtol=0.0, max_steps=steps, stall_steps=0)  # -1: gtol off
    if per_row_x0:
        check_scalar_value("fun", jax.eval_shape(fun, jax.tree.map(lambda a: a[0], x0)))
    else:
        value0 = check_scalar_value("fun", jnp.asarray(fun(x0)))  # the start, shared by every configuration

    def one(hp, x):
        opt = _optimizer(make_optimizer, static, hp)

        def step(c, _):
            c, _ = engine.advance(opt, objective, rules, c)
            return c, jnp.where(c.reason == engine.DIVERGED, jnp.nan, c.value)

        c0 = engine.start(opt, objective, x, rules)
        c, values = jax.lax.scan(step, c0, None, length=steps)
        return c.params, values, c.reason != engine.DIVERGED, _counts(c), c0.value

    # ``ids`` carries the configuration axis, also when no hyperparameter is traced (hps == {})
    in_axes = (0, 0, 0 if per_row_x0 else None)
    x, values, alive, counts, values0 = jax.vmap(lambda hp, _, x: one(hp, x), in_axes=in_axes)(hps, ids, x0)
    return x, (values, None), None, alive, values0 if per_row_x0 else value0, counts


def _epochs(opt, loss_fn, c, data, validation_data, key, first, epochs, batch_size, sampling):
    """Epochs ``first, …, first + epochs − 1`` of ``fit`` for one row from its carry ``c``: the
    loss on all data, on ``validation_data`` (None without it) and the minibatch losses per
    epoch, NaN once the row stopped."""

    def epoch(c, e):  # fit's epoch; the batches come from fold_in(key, e)
        c, losses = epoch_steps(opt, loss_fn, c, data, key, e, batch_size, sampling)
        stopped = c.reason == engine.DIVERGED
        val = None if validation_data is None else jnp.where(stopped, jnp.nan, loss_fn(c.params, validation_data))
        return c, (jnp.where(stopped, jnp.nan, c.value), val, losses)

    return jax.lax.scan(epoch, c, first + jnp.arange(epochs))


def minibatch_program(hps, ids, params, data, key, validation_data=None, *, make_optimizer, static, loss_fn, epochs,
                      batch_size, sampling):  # fmt: skip
    """``fit``'s epochs for every configuration, on the same batches (drawn outside the vmap)."""
    value0 = check_scalar_value("loss_fn", jnp.asarray(loss_fn(params, data)))  # traced after the grid's checks

    def one(hp):
        opt = _optimizer(make_optimizer, static, hp)
        c = engine.minibatch_start(opt, params, value0)
        c, (values, vals, losses) = _epochs(opt, loss_fn, c, data, validation_data, key, 0, epochs, batch_size,
                                            sampling)  # fmt: skip
        return c.params, (values, vals), losses, c.reason != engine.DIVERGED, _counts(c)

    p, values, losses, alive, counts = jax.vmap(lambda hp, _: one(hp))(hps, ids)
    return p, values, losses, alive, value0, counts


def _runtime_counters(state: Any, zero: jax.Array) -> Any:
    """``state`` with ``zero`` (0, but known only at run time) added to its integer leaves (step
    counts). With a compile-time 0 count XLA specialises the step's bias corrections (Adam's
    β^t) and the last bits differ from ``fit``, whose state is an input of its epochs' program."""
    return jax.tree.map(lambda a: a + zero.astype(a.dtype) if jnp.issubdtype(a.dtype, jnp.integer) else a, state)


def seeds_program(hps, ids, params, data, keys, seed, validation_data=None, *, make_optimizer, static, loss_fn, epochs,
                  batch_size, sampling, per_row_params):  # fmt: skip
    """``fit``'s epochs for rows = configurations × seeds (:mod:`.seeds`): row i runs with seed
    ``seed[i]``, drawing its minibatches from ``keys[seed[i]]`` and, with ``per_row_params``,
    starting from its own parameters (a leading row axis), else from the shared ``params``.

    Each epoch's minibatch indices are drawn once per seed, not per row — k permutations for
    k·n rows, the configurations of a seed sharing them as a grid's rows share theirs — and every
    row steps through its seed's with ``fit``'s arithmetic (:func:`~jaxopt_lectures.train.epoch_steps`).
    The epochs are a scan around the vmapped rows (the grid's programs vmap a scan per row)."""
    n = num_examples(data)
    if per_row_params:  # traced after the grid's checks
        check_scalar_value("loss_fn", jax.eval_shape(loss_fn, jax.tree.map(lambda a: a[0], params), data))
    else:
        value0 = check_scalar_value("loss_fn", jnp.asarray(loss_fn(params, data)))

    def start(hp, i, p):
        opt = _optimizer(make_optimizer, static, hp)
        v0 = jnp.asarray(loss_fn(p, data)) if per_row_params else value0
        # fit's state enters its epochs as an input; so must this one, for fit's bits
        return engine.minibatch_start(opt, p, v0, _runtime_counters(opt.init(p), jnp.minimum(i, 0))), v0

    carry, values0 = jax.vmap(start, in_axes=(0, 0, 0 if per_row_params else None))(hps, ids, params)

    def row_epoch(hp, c, idx):  # one row's epoch on its seed's minibatches, NaN once it stopped
        opt = _optimizer(make_optimizer, static, hp)
        c, losses = epoch_steps(opt, loss_fn, c, data, None, None, batch_size, sampling, idx=idx)
        stopped = c.reason == engine.DIVERGED
        val = None if validation_data is None else jnp.where(stopped, jnp.nan, loss_fn(c.params, validation_data))
        return c, (jnp.where(stopped, jnp.nan, c.value), val, losses)

    def epoch(c, e):
        idx = jax.vmap(lambda k: batch_indices(jax.random.fold_in(k, e), n, batch_size or n, sampling))(keys)
        return jax.vmap(row_epoch)(hps, c, idx[seed])

    c, outs = jax.lax.scan(epoch, carry, jnp.arange(epochs))
    values, vals, losses = jax.tree.map(lambda a: jnp.moveaxis(a, 0, 1), outs)  # [epochs, rows] → [rows, epochs]
    alive = c.reason != engine.DIVERGED
    counts = jax.vmap(_counts)(c)
    return c.params, (values, vals), losses, alive, values0 if per_row_params else value0, counts


def start_program(hps, ids, params, data, *, make_optimizer, static, loss_fn, per_row_params):
    """Each row's carry before its first epoch (:func:`engine.minibatch_start`) from ``params``
    (one pytree for every row, or with ``per_row_params`` a leading row axis): the state is
    ``init(params)`` and the value the loss on all data. Used by the searches that run a
    population in segments (:mod:`.population`)."""

    def one(hp, p):
        opt = _optimizer(make_optimizer, static, hp)
        return engine.minibatch_start(opt, p, jnp.asarray(loss_fn(p, data)))

    return jax.vmap(lambda hp, _, p: one(hp, p), in_axes=(0, 0, 0 if per_row_params else None))(hps, ids, params)


def segment_program(hps, ids, carry, data, validation_data, key, first, *, make_optimizer, static, loss_fn, epochs,
                    batch_size, sampling, per_row_key):  # fmt: skip
    """Epochs ``first, …, first + epochs − 1`` of every row from its carry (``first`` is traced, so
    segments of one length share a program); ``key`` is one key for every row or, with
    ``per_row_key``, one per row. Returns the carries and ``(values, val_values, step_losses)``."""

    def one(hp, c, k):
        opt = _optimizer(make_optimizer, static, hp)
        return _epochs(opt, loss_fn, c, data, validation_data, k, first, epochs, batch_size, sampling)

    return jax.vmap(lambda hp, _, c, k: one(hp, c, k), in_axes=(0, 0, 0, 0 if per_row_key else None))(
        hps, ids, carry, key
    )


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
