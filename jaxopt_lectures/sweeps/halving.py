"""Successive halving: every configuration runs to a first rung, the best 1/η go on to the next, and so on.

ALGORITHMS.md §9 (``fit``'s epochs) and §10.2 (sweeps); Jamieson & Talwalkar (2016), "Non-stochastic
best arm identification and hyperparameter optimization", Algorithm 1 (successive halving), with
the reduction factor η of Li et al. (2018), "Hyperband" — the synchronous SHA of Li et al. (2020),
"A system for massively parallel hyperparameter tuning", Algorithm 1 (ASHA, their Algorithm 2,
promotes without waiting): every rung waits for all its configurations.

``sweep_fit(..., halving=η, rungs=[r_0, …, r_K])`` with r_0 < r_1 < … < r_K = ``epochs``:

1. the m_0 = n configurations run epochs 0 … r_0 − 1;
2. at rung r_k they are ranked by the **ranking measure** after epoch r_k — the loss on
   ``validation_data`` when given, else the training loss on all of ``data`` (``values``, what
   :meth:`SweepResult.best` ranks) — ties by configuration index; a configuration whose measure
   is not finite (it diverged) ranks last and never goes on;
3. the best m_{k+1} = ⌈m_k / η⌉ (fewer when fewer are finite) run epochs r_k … r_{k+1} − 1 from
   where they stopped — only those: the batch of configurations really shrinks, so the compute is
   saved, not masked (:class:`~.population.Population` runs a subset of rows);
4. after r_K = ``epochs``, :meth:`HalvingResult.best` is the best of the last m_K.

**Default rungs** (``rungs=None``): E/η², E/η, E for E = ``epochs``, each rounded to the nearest
integer and at least 1, repeats dropped (so E < η² gives fewer rungs). Two halvings: 1/η² of the
configurations run the whole way, at 1/η² + 2(η − 1)/η³ of the grid's configuration-steps
(7/27 ≈ 0.26 for η = 3). A first rung earlier than E/η² ranks curves that have not separated yet:
on L3's sin-regression MLP (256 Adam rates × 2 β1, 81 epochs, batches of 16) the default
(9, 27, 81) keeps the grid's best configuration itself on seeds 1–7 and one 5.5% worse on seed 0;
the geometric ladder down to one epoch (1, 3, 9, 27, 81), replayed on the grid's curves of 10
seeds, keeps ones 1.04–2.1× worse (mean 1.46×).

**What halving can find is bounded by how well one epoch's loss measures a configuration.** With a
constant learning rate a curve's last-epoch validation loss jumps by 1–13% from epoch to epoch and
100 validation points add ~5% sampling noise, so the grid's best is partly a lucky draw no early
rung can predict. With a rate that decays to 0 (Adam with ``optax.cosine_decay_schedule``, batches
of 50, 270 epochs, rungs 30, 90, 270) and 1000 validation points, halving replayed on the grid's
curves of 30 seeds keeps the grid's best on 27 and lands at most 4.6% worse (the slow test runs
seeds 0–2 for real).

**Equal to the grid.** A configuration's epochs are the grid's: the same minibatches (drawn with
``fold_in(key, epoch)``, shared by every configuration) from its own carry, so each curve up to
where it stopped equals that row of ``sweep_fit`` without halving, to rounding (the grid's program
batches the rows differently; bitwise against :class:`~.population.Population` run whole). Unstable
rows amplify that rounding: on L3's MLP the validation curves agree to 4e-6 up to the first rung
and most to 1e-6 at the end, a few with high learning rates by 10% after 81 epochs.

**Configuration-steps.** A configuration that diverges inside a segment keeps its lane to the
rung (its ``values`` are NaN from the epoch it diverged): ``config_steps`` counts lanes, the work
done, Σ_i ``stopped_epoch[i]`` × steps per epoch, against ``n × epochs ×`` steps per epoch for the
grid (``grid_config_steps``).

Examples:
  >>> import jax, jax.numpy as jnp, jaxopt_lectures as jl
  >>> x = jnp.linspace(-1.0, 1.0, 32); data = (x, 3.0 * x)
  >>> loss = lambda w, b: jnp.mean((w * b[0] - b[1]) ** 2)
  >>> r = jl.sweep_fit(jl.sgd, {"learning_rate": [0.01, 0.1, 0.5, 0.9]}, loss, 0.0, data, epochs=4,
  ...                  batch_size=8, key=jax.random.key(0), halving=2, rungs=[1])
  >>> r.rungs, r.stopped_epoch.tolist(), r.config_steps, r.grid_config_steps, r.best().config
  ((1, 4), [1, 1, 4, 4], 40, 64, {'learning_rate': 0.9})
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ..table import text_table
from .configs import static_groups
from .population import Population
from .result import SweepResult, _cell, result_fields

__all__ = ["HalvingResult", "check_halving", "default_rungs", "keep_best", "run_halving"]

# A SweepResult with three more fields (SweepResult, second in the bases, brings its methods).
_HalvingFields = result_fields("_HalvingFields", stopped_epoch=None, rungs=(), eta=None)


class HalvingResult(_HalvingFields, SweepResult):
    """Outcome of ``sweep_fit(..., halving=η)``: a :class:`SweepResult` whose rows stop at their rung.

    Attributes (besides :class:`SweepResult`'s):
      values, val_values, step_losses: as for ``sweep_fit``, NaN after the epoch a configuration
        stopped (and from the epoch it diverged).
      final_values: [n] each configuration's training loss after its last epoch
        (``values[i, stopped_epoch[i] − 1]``); ``values[:, -1]`` for those that ran to the end.
      diverged: [n] stopped on a non-finite number, or its last loss is above ``initial_value``.
      params: each configuration's parameters where it stopped.
      stopped_epoch: [n] int, the epochs configuration i ran (a rung).
      rungs: the rungs r_0 < … < r_K = ``epochs``.
      eta: the reduction factor η.
    """

    __slots__ = ()

    @property
    def rung_sizes(self) -> list[int]:
        """m_k: the configurations that ran to rung r_k."""
        return [int(np.sum(self.stopped_epoch >= r)) for r in self.rungs]

    @property
    def finished(self) -> np.ndarray:
        """[n] bool: the configurations that ran every epoch (reached the last rung)."""
        return self.stopped_epoch == self.values.shape[1]

    @property
    def config_steps(self) -> int:
        """Minibatch steps run over all configurations: Σ stopped_epoch × steps per epoch."""
        return int(np.sum(self.stopped_epoch)) * self.step_losses.shape[2]

    @property
    def grid_config_steps(self) -> int:
        """What the full grid runs: n × epochs × steps per epoch."""
        return int(np.prod(self.step_losses.shape))

    @property
    def ranking_values(self) -> np.ndarray:
        """[n] what :meth:`best` ranks: the final ranking measure of the configurations that reached
        the last rung (validation loss when there was validation data), NaN for the others."""
        last = self.values[:, -1] if self.val_values is None else self.val_values[:, -1]
        return np.where(self.finished, last, np.nan)

    def table(self, sort: bool = False) -> str:
        """A text table: one row per configuration, the epochs it ran, its last loss (and validation
        loss), whether it diverged; sorted: the furthest first, then by the ranking measure."""
        order = np.arange(len(self.final_values))
        last_val = None if self.val_values is None else self.val_values[order, self.stopped_epoch - 1]
        if sort:  # the furthest first, then by the ranking measure where they stopped, diverged last
            measure = self.final_values if last_val is None else last_val
            order = np.lexsort((np.nan_to_num(measure, nan=np.inf), -self.stopped_epoch, self.diverged))
        best = self.best().index if np.isfinite(self.ranking_values[~self.diverged]).any() else -1
        columns = [self.final_values] + ([] if last_val is None else [last_val])
        rows = []
        for i in order:
            cells = [_cell(col[i]) for col in self.configs.values()] + [str(self.stopped_epoch[i])]
            cells += [f"{c[i]:.6g}" if np.isfinite(c[i]) else "—" for c in columns]
            rows.append([*cells, "yes" if self.diverged[i] else "no", "best" if i == best else ""])
        losses = ["last loss"] + ([] if last_val is None else ["last val loss"])
        return text_table([*self.configs, "epochs", *losses, "diverged", ""], rows)


def check_halving(halving: Any, rungs: Any, epochs: int) -> tuple[float, tuple[int, ...]] | None:
    """``(η, rungs)`` checked (the default rungs filled in), or None without ``halving``."""
    if halving is None:
        if rungs is not None:
            raise ValueError("rungs needs halving=η (the reduction factor, a number > 1); got halving=None")
        return None
    ok = isinstance(halving, numbers.Real) and not isinstance(halving, (bool, np.bool_))
    if not ok or not halving > 1 or not math.isfinite(halving):
        raise ValueError(f"halving must be a real number η > 1 (the reduction factor: keep the best 1/η at each "
                         f"rung); got {halving!r}")  # fmt: skip
    eta = float(halving)
    if rungs is None:
        return eta, default_rungs(epochs, eta)
    listed = list(rungs) if isinstance(rungs, (list, tuple, np.ndarray)) else None
    good = listed and all(isinstance(r, numbers.Integral) and not isinstance(r, (bool, np.bool_)) for r in listed)
    if not good or min(listed) < 1:
        raise ValueError(f"rungs must be a non-empty list of positive integers (epochs); got {rungs!r}")
    if any(b <= a for a, b in zip(listed, listed[1:])):
        raise ValueError(f"rungs must be strictly increasing; got {rungs!r}")
    if listed[-1] > epochs:
        raise ValueError(f"rungs must not exceed epochs={epochs} (the run's length); got {rungs!r}")
    if listed[-1] < epochs:  # the last rung is the end of the run
        listed.append(epochs)
    return eta, tuple(int(r) for r in listed)


def default_rungs(epochs: int, eta: float) -> tuple[int, ...]:
    """E/η², E/η, E rounded to the nearest integer, at least 1, repeats dropped (module docstring)."""
    return tuple(sorted({max(1, math.floor(epochs / eta**k + 0.5)) for k in (2, 1, 0)}))


def keep_best(measure: np.ndarray, eta: float) -> np.ndarray:
    """The positions of the best ⌈m/η⌉ of ``measure`` [m] (lowest first, ties by position); a
    non-finite measure never survives, so fewer are kept when fewer are finite."""
    finite = np.isfinite(measure)
    order = np.argsort(np.where(finite, measure, np.inf), kind="stable")
    keep = min(math.ceil(len(measure) / eta), int(finite.sum()))
    return np.sort(order[:keep])


def run_halving(make_optimizer, configs, loss_fn, params, data, key, validation_data, *, epochs, batch_size, sampling,
                devices, eta, rungs) -> HalvingResult:  # fmt: skip
    """Successive halving over the zipped ``configs`` (the module docstring); arguments as ``sweep_fit``'s."""
    pop = Population(make_optimizer, configs, loss_fn, data, key=key, batch_size=batch_size, sampling=sampling,
                     validation_data=validation_data, devices=devices)  # fmt: skip
    pop.start(params)
    n = pop.n
    values = val_values = step_losses = None
    stopped = np.zeros(n, np.int64)
    alive, first = np.arange(n), 0
    for rung in rungs:
        v, vv, sl = pop.run(alive, first, rung - first)
        if values is None:  # shapes and dtypes from the first segment
            values = np.full((n, epochs), np.nan, v.dtype)
            step_losses = np.full((n, epochs, sl.shape[2]), np.nan, sl.dtype)
            val_values = None if vv is None else np.full_like(values, np.nan)
        values[alive, first:rung], step_losses[alive, first:rung] = v, sl
        if vv is not None:
            val_values[alive, first:rung] = vv
        stopped[alive] = rung
        if rung == epochs:
            break
        measure = (v if vv is None else vv)[:, -1]  # the ranking measure after epoch `rung`
        alive, first = alive[keep_best(measure, eta)], rung
        if not alive.size:  # every one diverged
            break
    return _result(pop, values, val_values, step_losses, stopped, rungs, eta)


def _result(pop, values, val_values, step_losses, stopped, rungs, eta) -> HalvingResult:
    final = values[np.arange(pop.n), stopped - 1]
    return HalvingResult(
        configs=pop.configs, values=values, final_values=final, step_losses=step_losses, val_values=val_values,
        num_programs=len(static_groups(pop.rows(), pop.traced)), stopped_epoch=stopped, rungs=tuple(rungs), eta=eta,
        **pop.outcome(final),
    )  # fmt: skip
