"""The sweep driver: split the configurations into static groups, shard, run, reassemble in caller order.

ALGORITHMS.md §10.2 and §10.5. :func:`run_sweep` is what every sweep calls with its compiled
program (:mod:`.loops`): it checks the grid and the factory (:mod:`.configs`), places the rows on
the device mesh (:mod:`.sharding`), traces the floating hyperparameters — and, when the factory
needs one of them as a Python value, runs it as a static one instead — and returns a
:class:`~jaxopt_lectures.SweepResult` with every row in the caller's order.
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec

from . import sharding
from .configs import check_factory, configurations, static_groups, validate
from .loops import compiled
from .result import SweepResult, python_scalar

__all__ = ["run_sweep"]

# What tracing a hyperparameter that the factory needs as a Python value raises.
_TRACER_ERRORS = (
    jax.errors.ConcretizationTypeError,  # also TracerBoolConversionError: `if eta > 0:`
    jax.errors.TracerIntegerConversionError,
    jax.errors.TracerArrayConversionError,
)


def run_sweep(program, make_optimizer, grid, product, devices, shared, options) -> SweepResult:
    """Run ``program`` for every configuration of ``grid``; ``shared`` (x0, or params, data and key) is
    replicated on every device, ``options`` are the program's keyword arguments (functions, sizes).

    A program may give each configuration several runs (seeds): its per-configuration outputs then
    have trailing axes (``values`` [rows, k, steps], ``alive`` and f(x0) [rows, k]), kept as they are;
    ``final_values`` is the last entry of the last axis."""
    configs = configurations(grid, product)
    names = list(configs)
    check_factory(make_optimizer, names)
    n = len(next(iter(configs.values())))
    rows = [{name: python_scalar(configs[name][i]) for name in names} for i in range(n)]
    traced = [name for name in names if np.issubdtype(configs[name].dtype, np.floating)]
    validate(make_optimizer, rows, configs, traced)
    mesh = sharding.mesh(devices)
    along, replicated = NamedSharding(mesh, PartitionSpec("config")), NamedSharding(mesh, PartitionSpec())
    shared = sharding.put(shared, replicated)

    while True:  # runs again only when a float turned out to need a Python value
        groups = static_groups(rows, traced)
        outs, needs_value = [], []
        for static, members in groups.items():
            try:
                args = (static, members, configs, traced, mesh, along, shared, options)
                outs.append(_launch(program, make_optimizer, *args))
            except _TRACER_ERRORS:
                row = rows[members[0]]
                needs_value = [k for k in traced if not _traceable(program, make_optimizer, row, k, shared, options)]
                if not needs_value:
                    raise
                break
        if not needs_value:
            break
        traced = [name for name in traced if name not in needs_value]

    outs = sharding.fetch(outs)
    first = outs[0]
    values = np.empty((n, *first[1][0].shape[1:]), first[1][0].dtype)
    val_values = None if first[1][1] is None else np.empty_like(values)
    losses = None if first[2] is None else np.empty((n, *first[2].shape[1:]), first[2].dtype)
    alive = np.empty((n, *first[3].shape[1:]), bool)
    params = jax.tree.map(lambda a: np.empty((n, *a.shape[1:]), a.dtype), first[0])
    counts = {name: np.empty((n, *col.shape[1:]), col.dtype) for name, col in first[5].items()}
    own_start = np.ndim(first[4]) > 0  # f(x0) per configuration (and seed): each run its own start
    initial = np.empty((n, *first[4].shape[1:]), first[4].dtype) if own_start else float(first[4])
    for members, (p, v, sl, a, v0, c) in zip(groups.values(), outs):
        m = len(members)  # rows past m are padding
        values[members], alive[members] = v[0][:m], a[:m]
        if val_values is not None:
            val_values[members] = v[1][:m]
        if losses is not None:
            losses[members] = sl[:m]
        for dst, src in zip(jax.tree.leaves(params), jax.tree.leaves(p)):
            dst[members] = src[:m]
        for name, col in c.items():
            counts[name][members] = col[:m]
        if own_start:
            initial[members] = v0[:m]
    final = values[..., -1]
    with np.errstate(invalid="ignore"):
        diverged = ~alive | ~np.isfinite(final) | (final > initial)
    return SweepResult(configs, values, final, diverged, initial, params, losses, len(groups), mesh.devices.size,
                       **counts, val_values=val_values)  # fmt: skip


def _float_dtype(params: Any) -> Any:
    """The parameters' floating dtype, which traced hyperparameters take (so that a float64 grid
    with x64 enabled does not promote a float32 model's optimizer state); JAX's default float
    when the parameters have none."""
    floats = [leaf.dtype for leaf in jax.tree.leaves(params) if jnp.issubdtype(leaf.dtype, jnp.floating)]
    return jnp.result_type(*floats) if floats else jnp.result_type(float)


def _launch(program, make_optimizer, static, members, configs, traced, mesh, along, shared, options):
    """Start one static group's compiled program (asynchronously); rows padded to the mesh."""
    d = mesh.devices.size
    padded = np.concatenate([members, np.full(-len(members) % d, members[0])])
    dtype = _float_dtype(shared[0])
    hps = {name: sharding.put(configs[name][padded].astype(dtype), along) for name in traced}
    run = compiled(program, make_optimizer, static, options)
    return run(hps, sharding.put(padded.astype(np.int32), along), *shared)


def _traceable(program, make_optimizer, row, name, shared, options) -> bool:
    """Does one step of configuration ``row`` trace with only ``name`` traced?"""
    static = tuple((k, v) for k, v in row.items() if k != name)
    options = {**options, ("steps" if "steps" in options else "epochs"): 1}
    run = functools.partial(program, make_optimizer=make_optimizer, static=static, **options)
    try:
        jax.eval_shape(run, {name: jnp.asarray([row[name]], _float_dtype(shared[0]))}, jnp.zeros(1, jnp.int32), *shared)
    except _TRACER_ERRORS:
        return False
    return True
