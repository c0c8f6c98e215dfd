"""The compiled programs of a sweep: one configuration's run, ``jax.vmap``-ed over the configuration axis.

ALGORITHMS.md §10.2, §10.5 (``sweep``: steps of :func:`~jaxopt_lectures.minimize`'s loop core)
and §9 (``sweep_fit``: :func:`~jaxopt_lectures.fit`'s epochs on the same minibatches for every
configuration). Each configuration builds its optimizer inside the mapped function from traced
hyperparameters, so the step is traced once for all of them; the programs are cached per factory
and function by :mod:`jaxopt_lectures.programs`.
"""

from __future__ import annotations

import functools
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


def full_batch_program(hps, ids, x0, *, make_optimizer, static, fun, residual_fn, steps, seeded=False):
    """values[i, k] = f(x_{k+1}) of configuration i (NaN once it diverged), final x, alive, f(x0),
    and each row's stop reason and evaluation counts. Steps of :func:`engine.advance` with only
    the divergence rule and ``max_steps = steps`` (a sweep's curves all have ``steps`` points).

    ``seeded`` (several seeds, :mod:`.seeds`): the leaves of ``x0`` have a leading seed axis [k],
    every configuration runs from each of those starts, and every output gains a seed axis after
    the configuration's (values [rows, k, steps]; alive, f(x0) and counts [rows, k])."""
    extra = {"value_fn": fun} if residual_fn is None else {"value_fn": fun, "residual_fn": residual_fn}
    objective = engine.Objective(jax.value_and_grad(fun), extra)
    rules = engine.Rules(gtol=-1.0, ftol=0.0, gdtol=0.0, max_steps=steps, stall_steps=0)  # -1: gtol off
    start = jax.tree.map(lambda a: a[0], x0) if seeded else x0
    value0 = check_scalar_value("fun", jnp.asarray(fun(start)))  # the start, shared by every configuration

    def one(hp, x):
        opt = _optimizer(make_optimizer, static, hp)

        def step(c, _):
            c, _ = engine.advance(opt, objective, rules, c)
            return c, jnp.where(c.reason == engine.DIVERGED, jnp.nan, c.value)

        c0 = engine.start(opt, objective, x, rules)
        c, values = jax.lax.scan(step, c0, None, length=steps)
        return c.params, values, c.reason != engine.DIVERGED, _counts(c), c0.value

    if seeded:  # per configuration, a vmap over the seeds' starts
        run = jax.vmap(lambda hp, _: jax.vmap(one, in_axes=(None, 0))(hp, x0))
    else:  # ``ids`` carries the configuration axis, also when no hyperparameter is traced (hps == {})
        run = jax.vmap(lambda hp, _: one(hp, x0))
    x, values, alive, counts, values0 = run(hps, ids)
    return x, (values, None), None, alive, values0 if seeded else value0, counts


def _epoch(opt, loss_fn, c, data, validation_data, key, e, batch_size, sampling, idx=None):
    """Epoch ``e`` of ``fit`` for one row from its carry ``c`` (its minibatches from ``fold_in(key, e)``,
    or the indices ``idx`` drawn by the caller): the carry and ``(loss on all data, loss on
    validation_data or None, minibatch losses)``, NaN once the row stopped."""
    c, losses = epoch_steps(opt, loss_fn, c, data, key, e, batch_size, sampling, idx=idx)
    stopped = c.reason == engine.DIVERGED
    val = None if validation_data is None else jnp.where(stopped, jnp.nan, loss_fn(c.params, validation_data))
    return c, (jnp.where(stopped, jnp.nan, c.value), val, losses)


def _epochs(opt, loss_fn, c, data, validation_data, key, first, epochs, batch_size, sampling):
    """Epochs ``first, …, first + epochs − 1`` of one row (:func:`_epoch`), stacked per epoch."""

    def epoch(c, e):
        return _epoch(opt, loss_fn, c, data, validation_data, key, e, batch_size, sampling)

    return jax.lax.scan(epoch, c, first + jnp.arange(epochs))


def minibatch_program(hps, ids, params, data, key, validation_data=None, *, make_optimizer, static, loss_fn, epochs,
                      batch_size, sampling):  # fmt: skip
    """``fit``'s epochs for every configuration, on the same batches (drawn outside the vmap)."""
    value0 = check_scalar_value("loss_fn", jnp.asarray(loss_fn(params, data)))  # traced after the grid's checks

    def one(hp, i):
        opt = _optimizer(make_optimizer, static, hp)
        c = engine.minibatch_start(opt, params, value0, _runtime_counters(opt.init(params), jnp.minimum(i, 0)))
        c, (values, vals, losses) = _epochs(opt, loss_fn, c, data, validation_data, key, 0, epochs, batch_size,
                                            sampling)  # fmt: skip
        return c.params, (values, vals), losses, c.reason != engine.DIVERGED, _counts(c)

    p, values, losses, alive, counts = jax.vmap(one)(hps, ids)
    return p, values, losses, alive, value0, counts


def _runtime_counters(state: Any, zero: jax.Array) -> Any:
    """``state`` with ``zero`` (0, but known only at run time) added to its integer leaves (step
    counts). With a compile-time 0 count XLA specialises the step's bias corrections (Adam's
    β^t) and the last bits differ from ``fit``, whose state is an input of its epochs' program."""
    return jax.tree.map(lambda a: a + zero.astype(a.dtype) if jnp.issubdtype(a.dtype, jnp.integer) else a, state)


def seeds_program(hps, ids, params, data, keys, validation_data=None, *, make_optimizer, static, loss_fn, epochs,
                  batch_size, sampling, seeded_params):  # fmt: skip
    """``fit``'s epochs for every configuration with each of the seeds ``keys`` ([k] PRNG keys,
    :mod:`.seeds`): run (i, s) draws its minibatches from ``keys[s]`` and starts from ``params``
    — with ``seeded_params`` from its seed's slice (leaves with a leading [k] axis).

    The seeds are the outer vmap and the configurations the inner one: each epoch's minibatches
    are drawn and gathered once per seed and shared by its configurations, as a grid's rows share
    theirs, and each run steps through them with ``fit``'s arithmetic
    (:func:`~jaxopt_lectures.train.epoch_steps`). Outputs as the grid's with a seed axis after the
    configuration's (values [rows, k, epochs], alive and f(x0) [rows, k], …)."""
    n, k = num_examples(data), keys.shape[0]
    start_params = jax.tree.map(lambda a: a[0], params) if seeded_params else params
    value0 = check_scalar_value("loss_fn", jnp.asarray(loss_fn(start_params, data)))  # after the grid's checks

    def start(hp, i, p):
        opt = _optimizer(make_optimizer, static, hp)
        v0 = jnp.asarray(loss_fn(p, data)) if seeded_params else value0
        # fit's state enters its epochs as an input; so must this one, for fit's bits
        return engine.minibatch_start(opt, p, v0, _runtime_counters(opt.init(p), jnp.minimum(i, 0))), v0

    per_seed = jax.vmap(lambda p: jax.vmap(start, in_axes=(0, 0, None))(hps, ids, p),
                        in_axes=0 if seeded_params else None, axis_size=k)  # fmt: skip
    carry, values0 = per_seed(params)  # [k, rows]

    def row_epoch(hp, c, batches):  # one run's epoch on its seed's minibatches, NaN once it stopped
        opt = _optimizer(make_optimizer, static, hp)
        return _epoch(opt, loss_fn, c, data, validation_data, None, None, batch_size, sampling, idx=batches)

    def epoch(c, e):
        idx = jax.vmap(lambda key: batch_indices(jax.random.fold_in(key, e), n, batch_size or n, sampling))(keys)
        return jax.vmap(lambda c_s, idx_s: jax.vmap(row_epoch, in_axes=(0, 0, None))(hps, c_s, idx_s))(c, idx)

    c, outs = jax.lax.scan(epoch, carry, jnp.arange(epochs))  # outs: [epochs, k, rows, ...]
    values, vals, losses = jax.tree.map(lambda a: jnp.moveaxis(a, (0, 1, 2), (2, 1, 0)), outs)
    swap = functools.partial(jnp.swapaxes, axis1=0, axis2=1)  # [k, rows, ...] → [rows, k, ...]
    alive = swap(c.reason != engine.DIVERGED)
    return (jax.tree.map(swap, c.params), (values, vals), losses, alive,
            swap(values0) if seeded_params else value0, jax.tree.map(swap, _counts(c)))  # fmt: skip


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
