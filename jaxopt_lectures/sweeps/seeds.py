"""Several seeds per configuration: ``sweep_fit(..., seeds=k)`` and ``sweep(..., seeds=k, init_params=...)``.

ALGORITHMS.md §9 (``fit``) and §10.2 (sweeps). One training run says little about a configuration
of a stochastic method: its final loss moves with the minibatch order and the initial weights. A
seeded sweep runs every configuration of the grid with k independent PRNG streams in the same
compiled program (one per static group for all seeds, sharded over the devices by configuration
as any sweep) and returns a :class:`~jaxopt_lectures.sweeps.seeds_result.SeedsResult` with the
per-seed curves, [configurations, seeds, epochs], and their mean, standard deviation and quantiles
per configuration.

**Seed keys.** Seed s draws from ``seed_key(key, s) = jax.random.fold_in(key, s)`` (s = 0, 1, …), so
the first k seeds of a run with k + 1 seeds are the same runs; ``result.seed_keys`` holds them.
With ``sweep_fit``, seed s of configuration c is ``fit`` with that key::

    k_s = jax.random.fold_in(key, s)
    jl.fit(loss_fn, init_params(k_s), data, make_optimizer(**config_c), key=k_s, epochs=..., ...)

(without ``init_params``: from the shared ``params``, so only the minibatch order varies).

**The program** (:func:`.loops.seeds_program`): the seeds are an outer vmap around the grid's
vmap over configurations. Each epoch's minibatches are drawn and gathered once per seed (k
permutations) and shared by that seed's configurations, as a grid's rows share theirs; each run
steps through them with ``fit``'s arithmetic, its optimizer state entering the epochs as ``fit``'s
does. So the numbers are ``fit``'s: bitwise where the model's arithmetic is elementwise and the
sampling ``"shuffle"`` or ``"full"`` (tests/test_sweep_seeds.py); to rounding where a matrix
product batched over the configurations sums in another order (as for any sweep,
:mod:`jaxopt_lectures.sweeps`: float32 rounding, which training may carry to ~1e-4 relative over
hundreds of epochs), and with ``"replacement"`` (the same indices, a last-bit difference after a
few epochs, as for the population runner's rows).

``init_params`` is called on the host once per seed, ``init_params(k_s)``, as the user would call
it; the minibatches of epoch e come from ``fold_in(k_s, e)``, so an ``init_params`` should draw
with ``jax.random.split(key)`` (or fold-in constants of its own) rather than ``fold_in(key, 0)``.

With ``sweep`` (full batch, deterministic) only the start can be random: seeds need
``init_params`` and a ``key``; seed s of configuration c is ``sweep`` of that configuration from
``init_params(k_s)``.

Examples:
  >>> import jax, jax.numpy as jnp, jaxopt_lectures as jl
  >>> x = jnp.linspace(-1.0, 1.0, 32); data = (x, 3.0 * x)
  >>> loss = lambda w, b: jnp.mean((w * b[0] - b[1]) ** 2)
  >>> init = lambda key: jax.random.normal(key, ())
  >>> r = jl.sweep_fit(jl.sgd, {"learning_rate": [0.1, 0.5]}, loss, None, data, epochs=5, batch_size=8,
  ...                  key=jax.random.key(0), seeds=4, init_params=init)
  >>> r.values.shape, r.mean(final=True).shape, r.best().config
  ((2, 4, 5), (2,), {'learning_rate': 0.5})
  >>> k3 = r.seed_key(3)                                       # jax.random.fold_in(key, 3)
  >>> w, h = jl.fit(loss, init(k3), data, jl.sgd(0.5), epochs=5, batch_size=8, key=k3)
  >>> bool((h.train_loss == r.values[1, 3]).all())            # seed 3 of η = 0.5 is that fit
  True

What optax lacks and is written here: seeds are another vmap axis of the sweep's program; this
module draws the seeds' keys and starts and checks them.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from ..optimizers.base import check_callable, check_integer, check_start
from ..train import check_fit_args, check_key, num_examples
from .distributions import sample_grid
from .driver import run_sweep
from .loops import full_batch_program, seeds_program
from .seeds_result import SeedsBest, SeedsResult

__all__ = ["SeedsBest", "SeedsResult", "seed_key", "seed_keys", "seeds_fit", "seeds_sweep"]


def seed_key(key: jax.Array, s: int) -> jax.Array:
    """Seed ``s``'s key: ``jax.random.fold_in(key, s)``."""
    return jax.random.fold_in(key, s)


def seed_keys(key: jax.Array, seeds: int) -> jax.Array:
    """``[seeds]`` keys, entry s = :func:`seed_key` ``(key, s)`` (raw uint32 keys: ``[seeds, 2]``); one
    compiled call (integer arithmetic: the same bits as each ``fold_in``)."""
    return _fold_in_each(key, jnp.arange(seeds, dtype=jnp.uint32))


_fold_in_each = jax.jit(jax.vmap(jax.random.fold_in, in_axes=(None, 0)))


def check_seeds(seeds: Any, init_params: Any) -> int:
    """``seeds`` an integer ≥ 1 (or None with no ``init_params``); ``init_params`` callable or None."""
    if seeds is None:
        raise ValueError("init_params needs seeds=k (k ≥ 1): each of the k seeds starts from init_params(its key)")
    check_integer("seeds", seeds, why="the number of PRNG streams each configuration runs with")
    if init_params is not None:
        check_callable("init_params", init_params, takes="a PRNG key (returning the initial parameters)")
    return int(seeds)


def _starts(name: str, given: Any, init_params: Any, keys: jax.Array) -> Any:
    """The seeds' starting points as one pytree with a leading [k] axis (``init_params(k_s)``), or
    None when every seed starts from ``given`` (checked here)."""
    if init_params is None:
        check_start(name, given)
        return None
    if given is not None:
        raise ValueError(f"{name} must be None when init_params is given (seed s starts from init_params(its key))")
    starts = [init_params(k) for k in keys]
    for s, p in enumerate(starts):
        check_start(f"init_params(seed_key(key, {s}))", p)
    first = jax.tree.structure(starts[0])
    shapes = [[(jnp.shape(a), jnp.result_type(a)) for a in jax.tree.leaves(p)] for p in starts]
    for s, p in enumerate(starts):
        if jax.tree.structure(p) != first or shapes[s] != shapes[0]:
            raise ValueError(f"init_params must return the same tree, shapes and dtypes for every key; seed {s} "
                             f"gives {jax.tree.map(jnp.shape, p)}, seed 0 {jax.tree.map(jnp.shape, starts[0])}")
    return jax.tree.map(lambda *leaves: jnp.stack(leaves), *starts)


def seeds_fit(make_optimizer, grid, loss_fn, params, data, *, epochs, batch_size, key, sampling, product, devices,
              samples, sample_key, validation_data, seeds, init_params) -> SeedsResult:  # fmt: skip
    """:func:`~jaxopt_lectures.sweep_fit` with ``seeds`` (see the module docstring)."""
    k = check_seeds(seeds, init_params)
    check_fit_args(num_examples(data), epochs, batch_size, sampling)
    check_key(key)
    check_callable("loss_fn", loss_fn, takes="(params, batch)")
    keys = seed_keys(key, k)
    starts = _starts("params", params, init_params, keys)
    if validation_data is not None:
        num_examples(validation_data, "validation_data")
    configs = sample_grid(grid, samples, sample_key, product)  # the configurations as zipped columns
    shared = (params if starts is None else starts, data, keys)
    if validation_data is not None:
        shared = (*shared, validation_data)
    options = {"loss_fn": loss_fn, "epochs": int(epochs), "batch_size": None if sampling == "full" else int(batch_size),
               "sampling": sampling, "seeded_params": starts is not None}  # fmt: skip
    result = run_sweep(seeds_program, make_optimizer, configs, False, devices, shared, options)
    return SeedsResult.from_sweep(keys, result)


def seeds_sweep(make_optimizer, grid, fun, x0, *, steps, product, devices, residual_fn, samples, sample_key, seeds,
                init_params, key) -> SeedsResult:  # fmt: skip
    """:func:`~jaxopt_lectures.sweep` with ``seeds``: seed s starts from ``init_params(seed_key(key, s))``."""
    k = check_seeds(seeds, init_params)
    if init_params is None:
        raise ValueError("seeds in sweep need init_params (a random start x0 per seed): a full-batch run from "
                         "one x0 is deterministic, every seed would be the same run")
    check_integer("steps", steps, why="every configuration runs that many steps")
    check_callable("fun", fun)
    if residual_fn is not None:
        check_callable("residual_fn", residual_fn)
    if key is None:
        raise TypeError("sweep with seeds needs key=jax.random.key(seed): seed s starts from "
                        "init_params(fold_in(key, s))")
    check_key(key)
    keys = seed_keys(key, k)
    starts = _starts("x0", x0, init_params, keys)
    configs = sample_grid(grid, samples, sample_key, product)
    options = {"fun": fun, "residual_fn": residual_fn, "steps": int(steps), "seeded": True}
    return SeedsResult.from_sweep(keys, run_sweep(full_batch_program, make_optimizer, configs, False, devices,
                                                  (starts,), options))  # fmt: skip
