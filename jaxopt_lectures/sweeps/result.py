"""What a sweep returns: :class:`SweepResult` (one row per configuration) and :class:`SweepBest`.

ALGORITHMS.md §10.2 and §10.5 (L0 reads the right learning rate off a sweep: the fastest row, the
rows that diverged). :mod:`jaxopt_lectures.sweeps` says what a row of each sweep holds.
"""

from __future__ import annotations

import collections
from typing import Any, NamedTuple

import numpy as np

from .. import engine
from ..table import text_table

__all__ = ["SweepBest", "SweepResult", "python_scalar", "result_fields"]


class SweepBest(NamedTuple):
    """The configuration with the lowest final loss among those that did not diverge."""

    index: int
    config: dict[str, Any]
    final_value: float


class SweepResult(NamedTuple):
    """Outcome of :func:`sweep` / :func:`sweep_fit` (NumPy arrays, configurations in caller order).

    Attributes:
      configs: hyperparameter name → [n] array of each configuration's value.
      values: [n, steps] (``sweep``: f after each step) or [n, epochs] (``sweep_fit``: the
        training loss after each epoch); NaN from the step at which a configuration stopped.
      final_values: ``values[:, -1]``.
      diverged: [n] bool: stopped on a non-finite loss, gradient or parameter, or
        ``final_values > initial_value``.
      initial_value: the loss at the start (f(x0), or the training loss of the initial params).
      params: the final parameters (the last finite ones), each leaf with a leading [n] axis.
      step_losses: ``sweep_fit`` only: [n, epochs, steps_per_epoch] minibatch losses before each
        step (None for ``sweep``).
      num_programs: compiled groups (1 unless some hyperparameters could not be traced).
      num_devices: devices the configuration axis was sharded over.
      reason: [n] int: each row's stop reason, an index into ``engine.REASONS`` (``diverged``, or
        ``max_steps`` for a row that ran all its steps); ``reason_names`` gives the words.
      num_fun_evals, num_grad_evals, num_hvp_evals: [n] evaluations each row spent (line-search
        trials included; ``sweep_fit``: on minibatches, the per-epoch losses on all data not counted).
      val_values: ``sweep_fit`` with ``validation_data``: [n, epochs] the loss on it after each
        epoch (NaN from the epoch a row stopped); None otherwise. When present, :meth:`best` ranks
        by its last column.
    """

    configs: dict[str, np.ndarray]
    values: np.ndarray
    final_values: np.ndarray
    diverged: np.ndarray
    initial_value: float
    params: Any
    step_losses: np.ndarray | None = None
    num_programs: int = 1
    num_devices: int = 1
    reason: np.ndarray | None = None
    num_fun_evals: np.ndarray | None = None
    num_grad_evals: np.ndarray | None = None
    num_hvp_evals: np.ndarray | None = None
    val_values: np.ndarray | None = None

    @property
    def reason_names(self) -> list[str]:
        """Each row's stop reason in words."""
        return [engine.REASONS[int(c)] for c in self.reason]

    def config(self, index: int) -> dict[str, Any]:
        """Configuration ``index`` as keyword arguments of ``make_optimizer`` (Python scalars)."""
        return {name: python_scalar(col[index]) for name, col in self.configs.items()}

    @property
    def ranking_values(self) -> np.ndarray:
        """[n] what :meth:`best` ranks: the final validation loss when there is one, else ``final_values``."""
        return self.final_values if self.val_values is None else self.val_values[:, -1]

    def best(self) -> SweepBest:
        """The non-diverged configuration with the lowest final loss — validation loss when the sweep had
        validation data — (the first one on a tie); ``final_value`` is that loss."""
        ranked = self.ranking_values
        ok = ~self.diverged & np.isfinite(ranked)
        if not ok.any():
            raise ValueError("every configuration diverged: there is no best one")
        i = int(np.flatnonzero(ok)[np.argmin(ranked[ok])])
        return SweepBest(i, self.config(i), float(ranked[i]))

    def steps_to(self, target: float) -> np.ndarray:
        """[n] float: the first step (epoch for ``sweep_fit``) after which the loss is ≤ ``target``;
        0 when the start is, ``inf`` when never. The fewest steps is the fastest convergence."""
        hit = self.values <= target
        out = np.where(hit.any(axis=1), hit.argmax(axis=1) + 1.0, np.inf)
        return np.where(self.initial_value <= target, 0.0, out)

    def table(self, sort: bool = False) -> str:
        """A text table: one row per configuration, its final loss (and validation loss), whether it diverged."""
        order = np.arange(len(self.final_values))
        ranked = self.ranking_values
        if sort:  # best first, diverged last
            order = np.lexsort((np.nan_to_num(ranked, nan=np.inf), self.diverged))
        best = self.best().index if not self.diverged.all() else -1
        columns = [self.final_values] + ([] if self.val_values is None else [self.val_values[:, -1]])
        rows = []
        for i in order:
            cells = [_cell(col[i]) for col in self.configs.values()]
            cells += [f"{c[i]:.6g}" if np.isfinite(c[i]) else "—" for c in columns]
            cells.append("yes" if self.diverged[i] else "no")
            rows.append([*cells, "best" if i == best else ""])
        losses = ["final loss"] + ([] if self.val_values is None else ["final val loss"])
        return text_table([*self.configs, *losses, "diverged", ""], rows)

    def __str__(self) -> str:
        return self.table()


def result_fields(name: str, **extra: Any) -> type:
    """A namedtuple of :class:`SweepResult`'s fields followed by ``extra`` (field name → default):
    the base of a search's result, ``class R(result_fields("_RFields", …), SweepResult)``, which then
    is a :class:`SweepResult` (``isinstance``, its methods) with more fields."""
    defaults = [*SweepResult._field_defaults.values(), *extra.values()]
    return collections.namedtuple(name, [*SweepResult._fields, *extra], defaults=defaults)


def python_scalar(value: Any) -> Any:
    """A grid entry as a Python scalar (NumPy scalars unwrapped; None and strings of object arrays kept)."""
    return value.item() if isinstance(value, np.generic) else value


def _cell(value: Any) -> str:
    value = python_scalar(value)
    return f"{value:.4g}" if isinstance(value, float) else str(value)

