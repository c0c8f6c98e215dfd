"""Population-based training: ``sweep_fit(..., pbt=jl.PBT(...))`` (Jaderberg et al. 2017).

Jaderberg et al., "Population Based Training of Neural Networks", arXiv:1711.09846 (2017), §3
(the ``exploit`` and ``explore`` steps; truncation selection, perturbation by 0.8 or 1.2/1.25, or
resampling from the prior). ALGORITHMS.md §9 (``fit``'s epochs) and §5 (a learning rate that
changes during training). The grid's rows are the initial population of N ≥ 2 members, trained
together on the same minibatches (``fold_in(key, epoch)``, as ``sweep_fit``'s rows). Every
``interval`` epochs:

1. **rank.** Each member's loss at the end of the interval — on ``validation_data`` when it is
   given, else on all training data — best first; a non-finite loss or a diverged member ranks
   last; ties keep the row order.
2. **exploit.** The m = max(1, ⌊quantile·N⌋) worst members each copy the parameters, the optimizer
   state and the hyperparameters of a member drawn uniformly from the best m that are finite and
   alive. A diverged member is never a source; when none of the best m is finite nothing is copied.
3. **explore.** Each float hyperparameter of a member that was overwritten (all the grid's float
   columns, or ``PBT.hyperparameters``) is multiplied by one of ``factors``, each equally likely;
   with probability ``resample_probability`` it is instead redrawn — from the grid's distribution
   when the grid gave one (``jl.log_uniform(…)``), else uniformly from the column's initial values.

Nothing is copied after the last interval: the final members are trained ones. A run of E epochs
is ⌈E / interval⌉ intervals (the last one shorter when ``interval`` does not divide E); every
member trains every epoch, so PBT spends exactly the grid's compute (N × E epochs).

**One compiled program for every interval.** The members run as the rows of a
:class:`~.population.Population`: their hyperparameters are traced per-row inputs of the vmapped
segment program (the grid's float columns, :attr:`Population.configs`), their parameters and
optimizer states host-kept carries. Exploit is :meth:`Population.copy` (carries and
configurations), explore edits :attr:`Population.configs`, so no interval and no new
hyperparameter value compiles anything (a shorter last interval compiles one more program). Untraced
grid columns (strings, integers, flags) are copied with the model too: a copy may then move a
member to another static group, and each new group size compiles once.

**Randomness.** All of it comes from ``PBT.key``: the draws after interval r use NumPy's PCG64
seeded with ``SeedSequence(<the key's uint32 words>, spawn_key=(r,))``, in this order: the sources
(``integers(0, #sources, m)``, indices into the finite best m, best first), then for each explored
name in grid order the factors (``integers(0, len(factors), m)``) and, when
``resample_probability > 0``, the coins (``random(m) < p``) and the fresh values (m draws).
The same key gives the same run on every platform.

What a :class:`PBTResult` row holds: the history of the model member i ends with. Its curve
(``values``, ``val_values``, ``step_losses``) and its ``schedules`` follow its ancestors — before
member i was overwritten by a copy of member j, its history is j's — so ``schedules[name][i]`` is
the per-epoch schedule that trains member i's final parameters from the start (replaying it with
:func:`~jaxopt_lectures.fit` gives them back). ``lineage[i, r]`` is the member whose model member i
continued in interval r (i itself unless it was overwritten after interval r − 1).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from typing import Any

import numpy as np

from .. import programs
from ..optimizers.base import check_integer
from ..train import check_key
from .distributions import Distribution, _key_words
from .population import Population
from .result import SweepResult, result_fields

__all__ = ["PBT", "PBTResult", "run_pbt"]


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class PBT:
    """Population-based training settings for :func:`~jaxopt_lectures.sweep_fit` (``pbt=``).

    Attributes:
      interval: epochs between exploit/explore steps (integer ≥ 1, at most the run's ``epochs``).
      key: the PRNG key of every random choice (``jax.random.key(seed)``): sources, factors, resamples.
      quantile: the fraction of the population copied over, and copied from, in (0, 0.5]
        (m = max(1, ⌊quantile·N⌋) members each; 0.25 is Jaderberg et al.'s 20%–25%).
      factors: the explore multipliers, each drawn with equal probability (finite, > 0).
      resample_probability: the chance in [0, 1] that an explored value is redrawn instead.
      hyperparameters: the float hyperparameters to explore (default: every float grid column);
        the others are copied with the model, never changed.

    Examples:
      >>> import jax, jaxopt_lectures as jl
      >>> jl.PBT(interval=2, key=jax.random.key(0)).factors
      (0.8, 1.25)
      >>> jl.PBT(interval=2, key=jax.random.key(0), quantile=0.75)
      Traceback (most recent call last):
      ...
      ValueError: PBT quantile must lie in (0, 0.5] (the worst and the best quantile must not overlap); got 0.75
    """

    interval: int
    key: Any
    quantile: float = 0.25
    factors: tuple[float, ...] = (0.8, 1.25)
    resample_probability: float = 0.0
    hyperparameters: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        check_integer("PBT interval", self.interval, why="epochs between exploit steps")
        try:
            check_key(self.key)
        except TypeError:
            raise TypeError(f"PBT key must be a PRNG key such as jax.random.key(0); got {self.key!r}") from None
        q = _real("PBT quantile", self.quantile)
        if not 0.0 < q <= 0.5:
            raise ValueError(f"PBT quantile must lie in (0, 0.5] (the worst and the best quantile must not overlap); "
                             f"got {self.quantile!r}")  # fmt: skip
        factors = self.factors
        if isinstance(factors, (str, bytes)) or not hasattr(factors, "__len__") or len(factors) == 0:
            raise ValueError(f"PBT factors must be a non-empty sequence of finite numbers > 0; got {factors!r}")
        factors = tuple(_real("PBT factors", f) for f in factors)
        if not all(math.isfinite(f) and f > 0 for f in factors):
            raise ValueError(f"PBT factors must be finite numbers > 0 (explore multiplies by them); "
                             f"got {self.factors!r}")  # fmt: skip
        p = _real("PBT resample_probability", self.resample_probability)
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"PBT resample_probability must lie in [0, 1]; got {self.resample_probability!r}")
        names = self.hyperparameters
        if names is not None:
            if isinstance(names, str) or not all(isinstance(n, str) for n in names) or len(names) == 0:
                raise ValueError(f"PBT hyperparameters must be a non-empty sequence of grid names; got {names!r}")
            object.__setattr__(self, "hyperparameters", tuple(names))
        object.__setattr__(self, "quantile", q)
        object.__setattr__(self, "factors", factors)
        object.__setattr__(self, "resample_probability", p)


def _real(name: str, value: Any) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise ValueError(f"{name} must be a real number; got {value!r}")
    return float(value)


# A SweepResult with the schedules and the lineage (SweepResult, second in the bases, brings its methods).
_PBTFields = result_fields("_PBTFields", schedules=None, lineage=None, interval_values=None, slot_schedules=None,
                           interval=1)


class PBTResult(_PBTFields, SweepResult):
    """Outcome of ``sweep_fit(..., pbt=…)``: :class:`~jaxopt_lectures.SweepResult`'s fields and
    methods (``best``, ``table``, ``steps_to``, …) plus the schedules and the lineage.

    Rows are the members; each row is the history of the model the member ends with (module
    docstring: its ancestors' before it was overwritten).

    Attributes:
      configs: name → [N] each member's hyperparameters at the end (after the last explore).
      values, val_values, step_losses: as in ``SweepResult``, along each member's ancestry.
      final_values, diverged, initial_value, params, reason, num_*_evals: as in ``SweepResult``
        (the evaluation counts include the ancestors').
      num_programs: compiled static groups (as ``SweepResult``); num_devices likewise.
      schedules: name → [N, epochs] the value of every grid column during each epoch, along the
        ancestry: the schedule that produced member i's final parameters (in the grid's dtype; the
        programs cast floats to the parameters' dtype).
      lineage: [N, intervals] int: ``lineage[i, r]`` is the member whose model member i trained on
        in interval r (i itself unless it was overwritten after interval r − 1; column 0 is 0…N−1).
      interval_values: [N, intervals] the ranking loss of each member slot at each interval's end
        (+inf for a non-finite or diverged one): what exploit ranked.
      slot_schedules: name → [N, epochs] the value slot i trained with in each epoch, whatever model
        it held (it jumps where the slot was overwritten; branches that died out are kept here).
      interval: epochs per interval (the last may be shorter).
    """

    __slots__ = ()

    def ancestors(self, member: int) -> np.ndarray:
        """[intervals] the member slot whose model became ``member``'s, interval by interval
        (the last entry is ``member``)."""
        slots = np.empty(self.lineage.shape[1], np.int64)
        slots[-1] = member
        for r in range(self.lineage.shape[1] - 1, 0, -1):
            slots[r - 1] = self.lineage[slots[r], r]
        return slots


def run_pbt(pbt, make_optimizer, configs, grid, loss_fn, params, data, *, key, epochs, batch_size, sampling,
            devices=None, validation_data=None) -> PBTResult:  # fmt: skip
    """PBT over the rows ``configs`` (zipped columns from the grid); what ``sweep_fit`` calls with
    ``pbt=`` after its own checks. ``grid`` is the caller's (its distributions serve resampling)."""
    if not isinstance(pbt, PBT):
        raise TypeError(f"pbt must be a jl.PBT(interval=…, key=…); got {type(pbt).__name__} {pbt!r}")
    n = len(next(iter(configs.values())))
    if n < 2:
        raise ValueError(f"pbt needs a population of at least 2 members (the grid's rows); the grid gives {n}")
    if pbt.interval > epochs:
        raise ValueError(f"PBT interval must be ≤ epochs (an interval longer than the run never exploits); "
                         f"got interval={pbt.interval}, epochs={epochs}")  # fmt: skip
    floats = [k for k, col in configs.items() if np.issubdtype(np.asarray(col).dtype, np.floating)]
    explored = floats if pbt.hyperparameters is None else list(pbt.hyperparameters)
    unknown = [k for k in explored if k not in floats]
    if unknown or not explored:
        raise ValueError(f"PBT hyperparameters must name float grid columns (they are traced and explored); "
                         f"got {unknown or explored}, the float columns are {floats}")  # fmt: skip
    initial = {k: np.array(col) for k, col in configs.items()}
    pop = Population(make_optimizer, {k: np.array(col) for k, col in configs.items()}, loss_fn, data, key=key,
                     batch_size=batch_size, sampling=sampling, validation_data=validation_data,
                     devices=devices)  # fmt: skip
    num_programs = len(pop._groups(np.arange(n)))
    try:
        pop.start(params)
    except programs.TRACER_ERRORS as err:
        raise TypeError(f"pbt: make_optimizer must accept traced float hyperparameters {floats} (PBT changes them "
                        f"between intervals without recompiling): {err}") from err  # fmt: skip

    m = max(1, int(math.floor(pbt.quantile * n)))
    words = _key_words(pbt.key)
    starts = list(range(0, epochs, pbt.interval))
    rounds = len(starts)
    lineage = np.tile(np.arange(n)[:, None], (1, rounds))
    interval_values = np.empty((n, rounds))
    hps = {k: np.empty((n, rounds), configs[k].dtype) for k in configs}  # per slot, per interval
    slot_values, slot_val, slot_losses = [], [], []
    members = np.arange(n)
    for r, first in enumerate(starts):
        length = min(pbt.interval, epochs - first)
        for k in hps:
            hps[k][:, r] = pop.configs[k]
        values, val_values, losses = pop.run(members, first, length)
        slot_values.append(values)
        slot_val.append(val_values)
        slot_losses.append(losses)
        ranked = (values if val_values is None else val_values)[:, -1].astype(np.float64)
        score = np.where(np.isfinite(ranked) & pop.alive(), ranked, np.inf)
        interval_values[:, r] = score
        if r == rounds - 1:
            break
        order = np.argsort(score, kind="stable")  # best first; ties keep the row order
        top, bottom = order[:m], order[n - m:]
        sources = top[np.isfinite(score[top])]  # a diverged member is never copied
        if sources.size == 0:
            continue
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(words, spawn_key=(r,))))
        src = sources[rng.integers(0, sources.size, m)]
        pop.copy(bottom, src)  # exploit: parameters, optimizer state and hyperparameters
        for k in explored:  # explore
            col = pop.configs[k]
            new = col[bottom] * np.asarray(pbt.factors)[rng.integers(0, len(pbt.factors), m)]
            if pbt.resample_probability > 0:
                coin = rng.random(m) < pbt.resample_probability
                dist = grid.get(k) if hasattr(grid, "get") else None
                fresh = dist.draw(rng, m) if isinstance(dist, Distribution) else initial[k][rng.integers(0, n, m)]
                new = np.where(coin, fresh, new)
            col[bottom] = new
        lineage[bottom, r + 1] = src
    return _result(pop, pbt, lineage, interval_values, hps, slot_values, slot_val, slot_losses, starts, epochs,
                   num_programs)  # fmt: skip


def _result(pop, pbt, lineage, interval_values, hps, slot_values, slot_val, slot_losses, starts, epochs,
            num_programs) -> PBTResult:  # fmt: skip
    """The members' histories along their ancestries (module docstring)."""
    n, rounds = lineage.shape
    values = np.empty((n, epochs), slot_values[0].dtype)
    losses = np.empty((n, epochs, slot_losses[0].shape[-1]), slot_losses[0].dtype)
    val_values = None if slot_val[0] is None else np.empty_like(values)
    schedules = {k: np.empty((n, epochs), col.dtype) for k, col in hps.items()}
    slot_schedules = {k: np.repeat(col, np.diff([*starts, epochs]), axis=1) for k, col in hps.items()}
    slots = np.arange(n)
    for r in range(rounds - 1, -1, -1):  # slots[i]: the slot that held member i's model in interval r
        span = slice(starts[r], starts[r] + slot_values[r].shape[1])
        values[:, span], losses[:, span] = slot_values[r][slots], slot_losses[r][slots]
        if val_values is not None:
            val_values[:, span] = slot_val[r][slots]
        for k, col in hps.items():
            schedules[k][:, span] = col[slots, r][:, None]
        slots = lineage[slots, r]
    final = values[:, -1]
    configs = {k: col.copy() for k, col in pop.configs.items()}
    return PBTResult(configs=configs, values=values, final_values=final, step_losses=losses, num_programs=num_programs,
                     val_values=val_values, schedules=schedules, lineage=lineage, interval_values=interval_values,
                     slot_schedules=slot_schedules, interval=pbt.interval, **pop.outcome(final))  # fmt: skip
