"""Grid search: :func:`sweep` (full batch) and :func:`sweep_fit` (minibatches) over every configuration of a grid.

A grid value may also be a distribution (random search, Bergstra & Bengio 2012): its draws are
made on the host by :func:`~jaxopt_lectures.sweeps.distributions.sample_grid` before anything
compiles, and run as ordinary grid columns.

ALGORITHMS.md §10.2 and §10.5 (L0's learning-rate and momentum sweeps) and §9 (``fit``). Both
check their arguments and hand their compiled program (:mod:`.loops`) to the driver
(:func:`~jaxopt_lectures.sweeps.driver.run_sweep`); :mod:`jaxopt_lectures.sweeps` says what
a row holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jax
import optax

from ..optimizers.base import check_callable, check_integer, check_start
from ..train import check_fit_args, check_key, num_examples
from .distributions import sample_grid
from .driver import run_sweep
from .halving import check_halving, run_halving
from .loops import full_batch_program, minibatch_program
from .pbt import PBT, PBTResult, run_pbt
from .result import SweepResult
from .seeds import SeedsResult, seeds_fit, seeds_sweep

__all__ = ["sweep", "sweep_fit"]


def sweep(
    make_optimizer: Callable[..., optax.GradientTransformation],
    grid: Mapping[str, Any],
    fun: Callable[[Any], jax.Array],
    x0: Any,
    *,
    steps: int,
    product: bool = True,
    devices: Sequence[jax.Device] | None = None,
    residual_fn: Callable[[Any], Any] | None = None,
    samples: int | None = None,
    sample_key: jax.Array | None = None,
    seeds: int | None = None,
    init_params: Callable[[jax.Array], Any] | None = None,
    key: jax.Array | None = None,
) -> SweepResult | SeedsResult:
    """Minimise ``fun`` from ``x0`` for ``steps`` steps with every configuration of ``grid``.

    Lecture L0 (ALGORITHMS.md §10.2, §10.5); :mod:`jaxopt_lectures.sweeps` says what rows mean.

    Args:
      make_optimizer: ``make_optimizer(**hyperparameters)`` → any optax transformation (this
        library's or optax's); it receives ``value``, ``grad`` and ``value_fn`` (and
        ``residual_fn`` when given), so line searches and ``rprop(variant="irprop+")`` work.
      grid: hyperparameter name → 1-D array of values, or a distribution (:func:`~jaxopt_lectures.uniform`,
        :func:`~jaxopt_lectures.log_uniform`, :func:`~jaxopt_lectures.choice`: random search, see
        :mod:`jaxopt_lectures.sweeps.distributions`). Floating values are traced; others
        (strings, integers, flags) give one compiled group per distinct combination.
      fun: scalar objective of a pytree of parameters.
      x0: the starting parameters, shared by every configuration.
      steps: steps per configuration (integer ≥ 1).
      product: the Cartesian product of the grid (the last name varies fastest), or, with
        False, the arrays zipped (equal lengths).
      devices: the devices the configuration axis is sharded over; default ``jax.local_devices()``.
      residual_fn: passed on as the extra argument ``residual_fn`` (Gauss–Newton, LM).
      samples: with distributions in ``grid``: the number of draws N (integer ≥ 1); the draws form
        N rows, combined with the listed columns as ``product`` says.
      sample_key: with distributions in ``grid``: the PRNG key they are drawn from
        (``jax.random.key(seed)``; the same key gives the same configurations).
      seeds: run every configuration from k random starts (integer ≥ 1; needs ``init_params`` and
        ``key``, ``x0=None``): seed s starts from ``init_params(jax.random.fold_in(key, s))``, all
        seeds in the same program (:mod:`jaxopt_lectures.sweeps.seeds`).
      init_params: with ``seeds``: ``init_params(key)`` → a random start x0.
      key: with ``seeds``: the PRNG key the seeds' keys are folded from.

    Returns:
      A :class:`SweepResult`; with ``seeds`` a :class:`~jaxopt_lectures.SeedsResult` ([n, k] per seed).

    Examples:
      >>> import jax.numpy as jnp, jaxopt_lectures as jl
      >>> from jaxopt_lectures.problems import get_problem
      >>> q = get_problem("quadratic_l0")               # 0.1 x1² + 2 x2² (L0, ALGORITHMS.md §10.5)
      >>> r = jl.sweep(jl.momentum, {"learning_rate": [0.4, 0.6], "beta": [0.0, 0.5]}, q.fun,
      ...              jnp.asarray(q.x0), steps=20)
      >>> r.diverged.tolist(), r.best().config        # GD at η = 0.6 diverges; β = 0.5 rescues it
      ([False, False, True, False], {'learning_rate': 0.6, 'beta': 0.5})
    """
    if seeds is not None or init_params is not None:  # several seeds per configuration: sweeps/seeds.py
        return seeds_sweep(make_optimizer, grid, fun, x0, steps=steps, product=product, devices=devices,
                           residual_fn=residual_fn, samples=samples, sample_key=sample_key, seeds=seeds,
                           init_params=init_params, key=key)  # fmt: skip
    check_integer("steps", steps, why="every configuration runs that many steps")
    check_start("x0", x0)
    check_callable("fun", fun)
    if residual_fn is not None:
        check_callable("residual_fn", residual_fn)
    configs = sample_grid(grid, samples, sample_key, product)  # the rows as zipped columns
    options = {"fun": fun, "residual_fn": residual_fn, "steps": int(steps)}
    return run_sweep(full_batch_program, make_optimizer, configs, False, devices, (x0,), options)


def sweep_fit(
    make_optimizer: Callable[..., optax.GradientTransformation],
    grid: Mapping[str, Any],
    loss_fn: Callable[[Any, Any], jax.Array],
    params: Any,
    data: Any,
    *,
    epochs: int,
    batch_size: int | None = None,
    key: jax.Array,
    sampling: str = "shuffle",
    product: bool = True,
    devices: Sequence[jax.Device] | None = None,
    samples: int | None = None,
    sample_key: jax.Array | None = None,
    validation_data: Any = None,
    halving: float | None = None,
    rungs: Sequence[int] | None = None,
    pbt: PBT | None = None,
    seeds: int | None = None,
    init_params: Callable[[jax.Array], Any] | None = None,
) -> SweepResult | PBTResult | SeedsResult:
    """:func:`~jaxopt_lectures.fit` for every configuration of ``grid``, on the same minibatches.

    ALGORITHMS.md §9. The batches of epoch e come from ``jax.random.fold_in(key, e)`` exactly as
    in ``fit``, once for all configurations, so a row equals ``fit`` with that configuration.
    ``values`` holds the training loss after each epoch, ``step_losses`` the minibatch losses and,
    with ``validation_data`` (a pytree like ``data``), ``val_values`` the loss on it after each
    epoch (``fit``'s ``history.val_loss``); :meth:`SweepResult.best` then ranks by it.
    Arguments as in :func:`sweep` (``samples`` and ``sample_key`` draw the grid's distributions;
    ``key`` draws the minibatches) and :func:`~jaxopt_lectures.fit`.

    ``halving=η`` (a number > 1) runs successive halving instead of the whole grid (Jamieson &
    Talwalkar 2016; :mod:`jaxopt_lectures.sweeps.halving`): every configuration runs to the first
    of ``rungs`` (epochs, strictly increasing, the last ``epochs``, appended when missing; default
    E/η², E/η, E), the best ⌈m/η⌉ by the ranking measure (the validation loss, else the training
    loss) go on to the next, and so on. It returns a :class:`~jaxopt_lectures.HalvingResult`:
    curves NaN after the epoch a configuration stopped, ``stopped_epoch``, ``config_steps``.

    With ``pbt=jl.PBT(interval=…, key=…)`` the rows are the initial population of population-based
    training (:mod:`jaxopt_lectures.sweeps.pbt`): every ``interval`` epochs the worst members copy
    the best ones' parameters, optimizer state and hyperparameters and perturb the float ones; the
    result is a :class:`~jaxopt_lectures.PBTResult` with each member's ``schedules`` and ``lineage``.

    ``seeds=k`` (integer ≥ 1) runs every configuration with k PRNG streams in the same program and
    returns a :class:`~jaxopt_lectures.SeedsResult` ([n, k] per seed; mean, std, quantiles,
    ``best(statistic)``): seed s uses the key ``k_s = jax.random.fold_in(key, s)`` for its minibatches
    and, with ``init_params`` (then ``params=None``), starts from ``init_params(k_s)`` — that is
    ``fit(loss_fn, init_params(k_s), data, make_optimizer(**config), key=k_s, ...)``
    (:mod:`jaxopt_lectures.sweeps.seeds`).

    Examples:
      >>> import jax, jax.numpy as jnp, jaxopt_lectures as jl
      >>> x = jnp.linspace(-1.0, 1.0, 32); data = (x, 3.0 * x)
      >>> loss = lambda w, b: jnp.mean((w * b[0] - b[1]) ** 2)
      >>> r = jl.sweep_fit(jl.sgd, {"learning_rate": [0.1, 0.5, 0.9]}, loss, 0.0, data, epochs=5,
      ...                  batch_size=8, key=jax.random.key(0))
      >>> r.values.shape, r.step_losses.shape, r.best().config
      ((3, 5), (3, 5, 4), {'learning_rate': 0.9})
    """
    _check_one_search(seeds=seeds, halving=halving, pbt=pbt)
    if seeds is not None or init_params is not None:  # several seeds per configuration: sweeps/seeds.py
        return seeds_fit(make_optimizer, grid, loss_fn, params, data, epochs=epochs, batch_size=batch_size, key=key,
                         sampling=sampling, product=product, devices=devices, samples=samples, sample_key=sample_key,
                         validation_data=validation_data, seeds=seeds, init_params=init_params)  # fmt: skip
    n = num_examples(data)
    check_fit_args(n, epochs, batch_size, sampling)
    check_key(key)
    check_start("params", params)
    check_callable("loss_fn", loss_fn, takes="(params, batch)")
    shared = (params, data, key)
    if validation_data is not None:
        num_examples(validation_data, "validation_data")
        shared = (*shared, validation_data)
    halving = check_halving(halving, rungs, int(epochs))
    batch_size = None if sampling == "full" else int(batch_size)
    configs = sample_grid(grid, samples, sample_key, product)  # the rows as zipped columns
    if halving is not None:
        return run_halving(make_optimizer, configs, loss_fn, params, data, key, validation_data, epochs=int(epochs),
                           batch_size=batch_size, sampling=sampling, devices=devices, eta=halving[0], rungs=halving[1])
    if pbt is not None:  # population-based training: sweeps/pbt.py
        return run_pbt(pbt, make_optimizer, configs, grid, loss_fn, params, data, key=key, epochs=int(epochs),
                       batch_size=batch_size, sampling=sampling, devices=devices, validation_data=validation_data)
    options = {"loss_fn": loss_fn, "epochs": int(epochs), "batch_size": batch_size, "sampling": sampling}
    return run_sweep(minibatch_program, make_optimizer, configs, False, devices, shared, options)


def _check_one_search(**searches: Any) -> None:
    """At most one of the searches that decide between epochs (they cannot be combined yet)."""
    given = [name for name, value in searches.items() if value is not None]
    if len(given) > 1:
        raise ValueError(f"{' and '.join(given)} cannot be combined yet: give one of them (each runs its own search)")
