"""What a seeded sweep returns: :class:`SeedsResult` (configurations × seeds) and :class:`SeedsBest`.

ALGORITHMS.md §9 and §10.2; :mod:`.seeds` says how the seeds are run. The per-seed arrays have a
leading ``[n configurations, k seeds]``; the statistics over seeds are NumPy's (``np.mean``,
``np.std``, ``np.quantile`` along the seed axis).

**Diverged seeds.** A seed that diverged (as in :class:`~jaxopt_lectures.SweepResult`: a non-finite
number, or a final loss above its start) marks its configuration as diverged
(:attr:`SeedsResult.config_diverged`): a configuration that fails on one seed in k is not one to
pick, so :meth:`SeedsResult.best` never returns it. The statistics include every seed: from the
epoch a seed stopped its losses are NaN, and so are its configuration's statistics — unless
``skipna=True``, which takes them over the seeds still running at each epoch (``np.nanmean`` …).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ..table import text_table
from .result import SweepResult, _cell, python_scalar

__all__ = ["STATISTICS", "SeedsBest", "SeedsResult"]

# name → (statistic over the seed axis, its NaN-skipping twin); lower is better for ``best``
STATISTICS: dict[str, tuple[Callable, Callable]] = {
    "mean": (np.mean, np.nanmean),
    "median": (np.median, np.nanmedian),
    "std": (np.std, np.nanstd),
    "min": (np.min, np.nanmin),
    "max": (np.max, np.nanmax),
}


class SeedsBest(NamedTuple):
    """The configuration a seeded sweep ranks first: ``final_value`` is the ranking statistic of
    its seeds' final losses ``final_values`` ([k]), on the loss :meth:`SeedsResult.best` was asked for."""

    index: int
    config: dict[str, Any]
    final_value: float
    final_values: np.ndarray


class SeedsResult(NamedTuple):
    """Outcome of ``sweep_fit(..., seeds=k)`` / ``sweep(..., seeds=k, init_params=...)`` (NumPy arrays).

    ``n`` configurations in caller order, ``k`` seeds; entry ``[c, s]`` is configuration c run with
    seed s, i.e. with key ``seed_keys[s]`` (:mod:`.seeds`).

    Attributes:
      configs: hyperparameter name → [n] array of each configuration's value.
      values: [n, k, epochs] (``sweep``: [n, k, steps]) the loss after each epoch (step), as
        :attr:`SweepResult.values`; NaN from where a seed stopped.
      final_values: [n, k] ``values[..., -1]``.
      diverged: [n, k] bool: that seed stopped on a non-finite number or ends above its start.
      initial_values: [n, k] the loss at each seed's start (the same for every seed without ``init_params``).
      params: final parameters, each leaf with a leading [n, k].
      seed_keys: [k] the seeds' PRNG keys, ``jax.random.fold_in(key, s)``.
      step_losses: ``sweep_fit``: [n, k, epochs, steps_per_epoch] minibatch losses (None for ``sweep``).
      val_values: with ``validation_data``: [n, k, epochs] the validation loss after each epoch.
      reason, num_fun_evals, num_grad_evals, num_hvp_evals: [n, k] as in :class:`SweepResult`.
      num_programs, num_devices: compiled groups (one for all seeds of a static group) and devices.
    """

    configs: dict[str, np.ndarray]
    values: np.ndarray
    final_values: np.ndarray
    diverged: np.ndarray
    initial_values: np.ndarray
    params: Any
    seed_keys: Any
    step_losses: np.ndarray | None = None
    val_values: np.ndarray | None = None
    reason: np.ndarray | None = None
    num_fun_evals: np.ndarray | None = None
    num_grad_evals: np.ndarray | None = None
    num_hvp_evals: np.ndarray | None = None
    num_programs: int = 1
    num_devices: int = 1

    @classmethod
    def from_sweep(cls, keys: Any, r: SweepResult) -> SeedsResult:
        """From a sweep whose program ran every configuration with each seed (arrays [n, k, …])."""
        initial = np.broadcast_to(np.asarray(r.initial_value, dtype=r.values.dtype), r.final_values.shape)
        return cls(r.configs, r.values, r.final_values, r.diverged, initial, r.params, keys, r.step_losses,
                   r.val_values, r.reason, r.num_fun_evals, r.num_grad_evals, r.num_hvp_evals, r.num_programs,
                   r.num_devices)  # fmt: skip

    @property
    def seeds(self) -> int:
        """k, the number of seeds per configuration."""
        return self.values.shape[1]

    def seed_key(self, s: int) -> Any:
        """Seed ``s``'s key, ``jax.random.fold_in(key, s)``: ``fit`` with it reproduces run ``[c, s]``."""
        return self.seed_keys[s]

    def config(self, index: int) -> dict[str, Any]:
        """Configuration ``index`` as keyword arguments of ``make_optimizer`` (Python scalars)."""
        return {name: python_scalar(col[index]) for name, col in self.configs.items()}

    @property
    def config_diverged(self) -> np.ndarray:
        """[n] bool: some seed of the configuration diverged (module docstring)."""
        return self.diverged.any(axis=1)

    def _on(self, on: str | None) -> str:
        if on is None:
            return "train" if self.val_values is None else "val"
        if on not in ("train", "val"):
            raise ValueError(f"on must be 'train' or 'val' (the loss to summarise); got {on!r}")
        if on == "val" and self.val_values is None:
            raise ValueError("on='val' needs a sweep run with validation_data")
        return on

    def curves(self, on: str = "train") -> np.ndarray:
        """[n, k, epochs]: ``values`` (``on="train"``) or ``val_values`` (``on="val"``)."""
        return self.values if self._on(on) == "train" else self.val_values

    def _stat(self, name: str, on: str, final: bool, skipna: bool, **kwargs) -> np.ndarray:
        curves = self.curves(on)
        data = curves[..., -1] if final else curves
        fn = STATISTICS[name][1 if skipna else 0]
        with _quiet_nan_warnings():
            return fn(data, axis=1, **kwargs)

    def mean(self, on: str = "train", *, final: bool = False, skipna: bool = False) -> np.ndarray:
        """The mean over seeds per configuration: [n, epochs] (``final=True``: [n], of the final loss).
        ``on``: ``"train"`` or ``"val"``; ``skipna``: over the seeds still running (module docstring)."""
        return self._stat("mean", on, final, skipna)

    def std(self, on: str = "train", *, final: bool = False, skipna: bool = False, ddof: int = 0) -> np.ndarray:
        """The standard deviation over seeds (``ddof`` as for ``np.std``; 1 gives the sample one); shapes
        and arguments as :meth:`mean`."""
        return self._stat("std", on, final, skipna, ddof=ddof)

    def quantile(self, q: Any, on: str = "train", *, final: bool = False, skipna: bool = False) -> np.ndarray:
        """Quantile(s) ``q`` ∈ [0, 1] over seeds (``np.quantile``'s linear interpolation): [n, epochs]
        for one q, [len(q), n, epochs] for several; ``final=True`` drops the epoch axis."""
        qs = np.asarray(q, dtype=np.float64)
        if qs.ndim > 1 or not np.all((qs >= 0) & (qs <= 1)):
            raise ValueError(f"q must be a quantile in [0, 1] (or a 1-D sequence of them); got {q!r}")
        curves = self.curves(on)
        data = curves[..., -1] if final else curves
        fn = np.nanquantile if skipna else np.quantile
        with _quiet_nan_warnings():
            return fn(data, qs, axis=1)

    def median(self, on: str = "train", *, final: bool = False, skipna: bool = False) -> np.ndarray:
        """The median over seeds, ``quantile(0.5, ...)``."""
        return self.quantile(0.5, on, final=final, skipna=skipna)

    def ranking_values(self, statistic: str | Callable = "mean", on: str | None = None) -> np.ndarray:
        """[n] what :meth:`best` ranks: ``statistic`` of each configuration's [k] final losses on
        ``on`` (default: validation loss when the sweep had validation data, else training loss);
        NaN for a configuration with a diverged seed."""
        finals = self.curves(self._on(on))[..., -1]
        if callable(statistic):
            scores = np.array([float(statistic(np.asarray(v))) for v in finals])
        elif statistic in STATISTICS:
            with _quiet_nan_warnings():
                scores = np.asarray(STATISTICS[statistic][0](finals, axis=1), dtype=np.float64)
        else:
            raise ValueError(f"statistic must be one of {list(STATISTICS)} or a callable of the [k] final "
                             f"losses (lower is better); got {statistic!r}")  # fmt: skip
        return np.where(self.config_diverged, np.nan, scores)

    def best(self, statistic: str | Callable = "mean", on: str | None = None) -> SeedsBest:
        """The configuration whose seeds' final losses have the lowest ``statistic`` (``"mean"``,
        ``"median"``, ``"std"``, ``"min"``, ``"max"`` — the worst seed — or a callable of the [k] final
        losses), among those with no diverged seed; ``on`` as :meth:`ranking_values` (default: mean
        final validation loss when there is validation data, else mean final loss). First on a tie."""
        scores = self.ranking_values(statistic, on)
        ok = np.isfinite(scores)
        if not ok.any():
            raise ValueError("every configuration has a diverged seed (or a non-finite statistic): "
                             "there is no best one")
        i = int(np.flatnonzero(ok)[np.argmin(scores[ok])])
        return SeedsBest(i, self.config(i), float(scores[i]), self.curves(self._on(on))[i, :, -1].copy())

    def table(self, sort: bool = False, on: str | None = None) -> str:
        """A text table: one row per configuration, the mean, standard deviation, min and max over
        seeds of the final loss on ``on`` (default as :meth:`best`), how many seeds diverged."""
        on = self._on(on)
        finals = self.curves(on)[..., -1]
        with _quiet_nan_warnings():
            stats = [np.mean(finals, axis=1), np.std(finals, axis=1), np.min(finals, axis=1), np.max(finals, axis=1)]
        order = np.arange(len(finals))
        if sort:  # best first, configurations with a diverged seed last
            order = np.lexsort((np.nan_to_num(stats[0], nan=np.inf), self.config_diverged))
        best = self.best(on=on).index if (~self.config_diverged).any() else -1
        rows = []
        for i in order:
            cells = [_cell(col[i]) for col in self.configs.values()]
            cells += [f"{s[i]:.6g}" if np.isfinite(s[i]) else "—" for s in stats]
            cells += [f"{int(self.diverged[i].sum())}/{self.seeds}", "best" if i == best else ""]
            rows.append(cells)
        loss = "final val loss" if on == "val" else "final loss"
        return text_table([*self.configs, f"mean {loss}", "std", "min", "max", "diverged seeds", ""], rows)

    def __str__(self) -> str:
        return self.table()


@contextlib.contextmanager
def _quiet_nan_warnings():
    """NumPy's "Mean of empty slice" / "All-NaN slice" / invalid-value warnings off: a NaN result says it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
