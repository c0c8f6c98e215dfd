"""A population of ``sweep_fit`` rows run in segments of epochs, with their carries kept between segments.

ALGORITHMS.md §9 (``fit``'s epochs) and §10.2 (sweeps). The grid search runs every row's epochs as
one program; the searches that decide between epochs — successive halving (stop some rows at a
rung), population-based training (copy one row's model into another, change its
hyperparameters), several seeds — run the rows in *segments* instead: :meth:`Population.run`
takes some rows from their carries (parameters, optimizer state, loss, step count, stop reason:
:class:`~jaxopt_lectures.engine.MinibatchLoop`) through epochs ``first … first + epochs − 1``,
as one vmapped program per static group (:mod:`.loops`'s ``segment_program``: ``first`` is a
runtime input, so equal-length segments compile once), and keeps the new carries on the host.

Between segments a search may :meth:`~Population.copy` rows' carries onto other rows, change a
row's hyperparameters (:attr:`~Population.configs`: traced values, so no recompilation) and run any
subset of rows — fewer rows are a smaller batch: compute saved, not masked. A row's epochs from a
carry are exactly ``fit``'s from the same parameters and state (the same minibatches, drawn with
``fold_in(key, epoch)``), so a row run in segments equals one uninterrupted run.

The carries live in NumPy between segments (one device transfer per segment and static group):
cheap for the models a sweep trains many of, and it lets rows move between static groups.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec

from .. import engine
from . import sharding
from .configs import check_factory, configurations, static_groups, validate
from .driver import _float_dtype
from .loops import compiled, segment_program, start_program
from .result import python_scalar

__all__ = ["Population"]


class Population:
    """The rows of a minibatch search and their carries (see the module docstring).

    Args:
      make_optimizer: the factory, as for :func:`~jaxopt_lectures.sweep_fit`.
      configs: name → [n] column (zipped rows, e.g. from :func:`.distributions.sample_grid`);
        floating columns are traced.
      loss_fn, data, validation_data, batch_size, sampling: as for ``sweep_fit``.
      key: the minibatch key, one for every row; or ``row_keys``: ``[n]`` typed keys
        (``jax.random.key``), row i drawing its minibatches from ``row_keys[i]`` (seeds).
      devices: the devices the rows are sharded over (default: every local device).
    """

    def __init__(self, make_optimizer, configs, loss_fn, data, *, key=None, row_keys=None, batch_size, sampling,
                 validation_data=None, devices=None):  # fmt: skip
        self.configs = configurations(configs, product=False)
        names = list(self.configs)
        check_factory(make_optimizer, names)
        self.n = len(next(iter(self.configs.values())))
        self.traced = [k for k in names if np.issubdtype(self.configs[k].dtype, np.floating)]
        validate(make_optimizer, self.rows(), self.configs, self.traced)
        self.make_optimizer = make_optimizer
        self.loss_fn = loss_fn
        self.batch_size, self.sampling = batch_size, sampling
        self.mesh = sharding.mesh(devices)
        self._along = NamedSharding(self.mesh, PartitionSpec("config"))
        replicated = NamedSharding(self.mesh, PartitionSpec())
        self.per_row_key = row_keys is not None
        self._keys = key if row_keys is None else row_keys
        self._data, self._validation = sharding.put((data, validation_data), replicated)
        self._replicated = replicated
        self.carries: list[Any] = [None] * self.n  # per row: an engine.MinibatchLoop of NumPy arrays
        self.initial_values = np.full(self.n, np.nan)
        self.dtype = None

    def rows(self) -> list[dict[str, Any]]:
        """Every row's configuration as keyword arguments of ``make_optimizer``."""
        return [{k: python_scalar(col[i]) for k, col in self.configs.items()} for i in range(self.n)]

    def _groups(self, members: np.ndarray) -> dict[tuple, np.ndarray]:
        rows = self.rows()
        groups = static_groups([rows[i] for i in members], self.traced)
        return {static: members[np.asarray(pos)] for static, pos in groups.items()}

    def _hps(self, padded: np.ndarray) -> dict[str, jax.Array]:
        return {k: sharding.put(self.configs[k][padded].astype(self.dtype), self._along) for k in self.traced}

    def _keys_of(self, padded: np.ndarray) -> Any:
        if not self.per_row_key:
            return sharding.put(self._keys, self._replicated)
        return sharding.put(self._keys[padded], self._along)

    def _pad(self, members: np.ndarray) -> np.ndarray:
        d = self.mesh.devices.size
        return np.concatenate([members, np.full(-len(members) % d, members[0])]).astype(np.int64)

    def start(self, params: Any, per_row: bool = False) -> None:
        """Every row's carry at ``params`` (with ``per_row``: leaves with a leading [n] axis, row i
        starting from its slice i); the optimizer states are ``init(params)``."""
        params = jax.tree.map(jnp.asarray, params)  # Python floats too: JAX's default float, as in sweep_fit
        self.dtype = _float_dtype(params if not per_row else jax.tree.map(lambda a: a[0], params))
        members = np.arange(self.n)
        for static, group in self._groups(members).items():
            padded = self._pad(group)
            p = sharding.put(jax.tree.map(lambda a: np.asarray(a)[padded], params), self._along) if per_row else \
                sharding.put(params, self._replicated)
            options = {"loss_fn": self.loss_fn, "per_row_params": bool(per_row)}
            run = compiled(start_program, self.make_optimizer, static, options)
            carry = sharding.fetch(run(self._hps(padded), sharding.put(padded.astype(np.int32), self._along), p,
                                       self._data))  # fmt: skip
            self._store(group, carry)
            self.initial_values[group] = carry.value[: len(group)]

    def _store(self, group: np.ndarray, carry: Any) -> None:
        for j, i in enumerate(group):
            self.carries[i] = jax.tree.map(lambda a, j=j: a[j], carry)

    def _stack(self, padded: np.ndarray) -> Any:
        return jax.tree.map(lambda *leaves: np.stack(leaves), *[self.carries[i] for i in padded])

    def run(self, members: Any, first: int, epochs: int) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """Run rows ``members`` through epochs ``first … first + epochs − 1`` from their carries.

        Returns ``(values, val_values, step_losses)`` for those rows in the order given: [m, epochs]
        losses on all data and on the validation data (None without it), [m, epochs, steps] the
        minibatch losses; NaN from the epoch a row stopped."""
        members = np.asarray(members, dtype=np.int64)
        outs = []
        for static, group in self._groups(members).items():
            padded = self._pad(group)
            options = {"loss_fn": self.loss_fn, "epochs": int(epochs), "batch_size": self.batch_size,
                       "sampling": self.sampling, "per_row_key": self.per_row_key}  # fmt: skip
            run = compiled(segment_program, self.make_optimizer, static, options)
            carry = sharding.put(self._stack(padded), self._along)
            ids = sharding.put(padded.astype(np.int32), self._along)
            outs.append((group, run(self._hps(padded), ids, carry, self._data, self._validation,
                                    self._keys_of(padded), np.int32(first))))  # fmt: skip
        position = {int(i): j for j, i in enumerate(members)}
        values = val_values = losses = None
        for group, out in outs:
            carry, (v, vv, sl) = sharding.fetch(out)
            m = len(group)
            self._store(group, carry)
            if values is None:
                values = np.full((len(members), *v.shape[1:]), np.nan, v.dtype)
                losses = np.full((len(members), *sl.shape[1:]), np.nan, sl.dtype)
                val_values = None if vv is None else np.full_like(values, np.nan)
            at = [position[int(i)] for i in group]
            values[at], losses[at] = v[:m], sl[:m]
            if val_values is not None:
                val_values[at] = vv[:m]
        return values, val_values, losses

    def copy(self, dst: Any, src: Any) -> None:
        """Rows ``dst`` take the carries (parameters, optimizer state, loss, counts) and the
        configurations of rows ``src`` (PBT's exploit step)."""
        dst, src = np.atleast_1d(dst), np.atleast_1d(src)
        carries = [self.carries[i] for i in src]
        for d, c in zip(dst, carries):
            self.carries[d] = c
        for col in self.configs.values():
            col[dst] = col[src]

    def alive(self) -> np.ndarray:
        """[n] bool: the rows that have not diverged."""
        return np.array([c is not None and int(c.reason) != engine.DIVERGED for c in self.carries])

    def outcome(self, final: np.ndarray) -> dict[str, Any]:
        """The :class:`~.result.SweepResult` fields the rows' carries give, for ``final`` ([n] each row's
        last loss): ``params`` (stacked), ``reason`` (:func:`engine.finish`), ``diverged`` — the grid's
        rule (:func:`.driver.run_sweep`): stopped on a non-finite number, or ``final`` not finite or above
        the start — ``initial_value``, the evaluation counts and ``num_devices``."""
        stack = lambda *leaves: np.stack(leaves)  # noqa: E731
        params = jax.tree.map(stack, *[c.params for c in self.carries])
        reason = np.asarray(engine.finish(np.array([c.reason for c in self.carries])))
        ev = jax.tree.map(stack, *[c.evaluations for c in self.carries])
        with np.errstate(invalid="ignore"):
            diverged = (reason == engine.DIVERGED) | ~np.isfinite(final) | (final > self.initial_values)
        return {"params": params, "reason": reason, "diverged": diverged, "initial_value": float(self.initial_values[0]),
                "num_fun_evals": ev.fun, "num_grad_evals": ev.grad, "num_hvp_evals": ev.hvp,
                "num_devices": self.mesh.devices.size}  # fmt: skip

    def steps(self) -> np.ndarray:
        """[n] the optimizer steps each row has taken."""
        return np.array([0 if c is None else int(c.k) for c in self.carries])

