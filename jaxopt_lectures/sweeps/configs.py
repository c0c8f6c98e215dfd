"""A sweep's configurations and its optimizer factory, all checked before anything compiles.

ALGORITHMS.md §10.2 and §10.5. The grid becomes one row per configuration (the Cartesian product,
or zipped columns); the factory ``make_optimizer(**hyperparameters)`` must accept every grid name
and get every required one; every configuration is built once, concretely, so that a bad value
fails with the configuration it came from. Rows that share their untraced values (strings,
integers, flags) form a static group: one compiled program each.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import optax

__all__ = ["build", "check_factory", "configurations", "static_groups", "validate"]


def configurations(grid: Any, product: bool) -> dict[str, np.ndarray]:
    """name → [n] values: the Cartesian product (last name fastest) or the zipped columns."""
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError(f"grid must map at least one hyperparameter name to a 1-D array of values; got {grid!r}")
    columns = {}
    for name, values in grid.items():
        if not isinstance(name, str):
            raise TypeError(f"grid names must be strings (keyword arguments of make_optimizer); got {name!r}")
        try:
            arr = np.asarray(values)
        except ValueError:  # NumPy's "inhomogeneous shape": a ragged nested list
            raise ValueError(f"grid[{name!r}] must be a 1-D array of values; got a ragged {values!r}") from None
        if arr.ndim != 1:
            raise ValueError(f"grid[{name!r}] must be a 1-D array of values; got shape {arr.shape}")
        if arr.size == 0:
            raise ValueError(f"grid[{name!r}] is empty: give at least one value")
        columns[name] = arr
    if not product:
        lengths = {name: len(col) for name, col in columns.items()}
        if len(set(lengths.values())) != 1:
            raise ValueError(
                f"with product=False every grid array needs the same length (they are zipped); got {lengths}"
            )
        return columns
    index = np.array(list(itertools.product(*(range(len(col)) for col in columns.values())))).reshape(-1, len(columns))
    return {name: col[index[:, j]] for j, (name, col) in enumerate(columns.items())}


def check_factory(make_optimizer: Callable, names: Sequence[str]) -> None:
    """Every grid name is a keyword of ``make_optimizer`` and every required keyword is given."""
    if not callable(make_optimizer):
        raise TypeError(
            f"make_optimizer must be callable (**hyperparameters → transformation); got {make_optimizer!r}"
        )
    try:
        params = inspect.signature(make_optimizer).parameters.values()
    except (TypeError, ValueError):  # no signature (some builtins): the eager build checks
        return
    named = [p for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if not any(p.kind == p.VAR_KEYWORD for p in params):
        unknown = [n for n in names if n not in {p.name for p in named}]
        if unknown:
            accepted = ", ".join(p.name for p in named) or "nothing"
            listed = ", ".join(map(repr, unknown))
            raise TypeError(f"make_optimizer does not accept the grid name(s) {listed}; it takes {accepted}")
    missing = [p.name for p in named if p.default is p.empty and p.name not in names]
    if missing:
        raise TypeError(
            f"make_optimizer needs {', '.join(map(repr, missing))}: add it to the grid, or fix it with "
            "functools.partial or a lambda"
        )


def build(make_optimizer: Callable, config: dict[str, Any], index: int) -> optax.GradientTransformation:
    """The concrete optimizer of one configuration (range checks of the library run here)."""
    try:
        opt = make_optimizer(**config)
    except (TypeError, ValueError) as err:
        cls = ValueError if isinstance(err, ValueError) else TypeError
        raise cls(f"make_optimizer(**{config!r}) (configuration {index}): {err}") from err
    if not isinstance(opt, optax.GradientTransformation):
        raise TypeError(f"make_optimizer must return an optax GradientTransformation; got {type(opt).__name__}")
    return opt


def static_groups(rows: list[dict[str, Any]], traced: Sequence[str]) -> dict[tuple, list[int]]:
    """Row indices by their untraced values ``((name, value), …)``, groups in order of first appearance."""
    groups: dict[tuple, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(tuple((k, v) for k, v in row.items() if k not in traced), []).append(i)
    return groups


def validate(make_optimizer: Callable, rows: list[dict[str, Any]], configs: dict[str, np.ndarray],
              traced: Sequence[str]) -> None:
    """Build every configuration once, concretely, so that bad values fail before anything compiles.

    Per group of equal non-float values, the factory is first called once with each float column
    as a NumPy array of the group's values: this library's range checks test every element of a
    concrete array, so one call validates the whole group (a sweep of 256 learning rates builds one
    ``adam`` instead of 256). If that call fails for any reason — a bad value, or a factory that
    wants Python scalars — every configuration of the group is built on its own, which names the
    first bad one. A factory that accepts arrays without checking them is not checked per value.
    """
    for static, members in static_groups(rows, traced).items():
        columns = {name: configs[name][members] for name in traced}
        try:
            if not isinstance(make_optimizer(**dict(static), **columns), optax.GradientTransformation):
                raise TypeError
        except Exception:  # noqa: BLE001 - any failure: find (and report) the configuration one by one
            for i in members:
                build(make_optimizer, rows[i], i)
