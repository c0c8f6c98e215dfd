"""Random search: grid values drawn from a distribution — :func:`uniform`, :func:`log_uniform`, :func:`choice`.

ALGORITHMS.md §10.2 (L0's learning-rate sweeps); random search after Bergstra & Bengio,
"Random Search for Hyper-Parameter Optimization", JMLR 13 (2012) 281–305: with few
hyperparameters that matter, N random configurations cover each of them with N distinct values
where a grid of N points gives only N^(1/d). A sweep's grid (``jl.sweep``, ``jl.sweep_fit``) may
map a name to a distribution instead of a list of values; with ``samples=N`` and
``sample_key=jax.random.key(seed)`` the sweep draws N values of each distribution:

* **rows.** The N draws form N rows, zipped among the distribution columns (row i holds draw i of
  every distribution). Listed columns combine with that block as in a grid: with
  ``product=True`` the Cartesian product, the block counting as one factor at the place of its
  first name (the last factor varies fastest), so ``{"learning_rate": log_uniform(…),
  "beta": [0.5, 0.9]}`` with N = 8 gives 16 rows; with ``product=False`` every listed column
  needs N values and is zipped with the draws.
* **on the host, before compilation.** The draws are ordinary NumPy columns handed to the grid
  driver (:func:`~jaxopt_lectures.sweeps.driver.run_sweep` with zipped columns), so float
  draws are traced like any float grid: one compiled program for all of them. Strings or
  integers from :func:`choice` are static, one compiled group per distinct value.
* **reproducible.** The generator is NumPy's PCG64 (``numpy.random.Generator``) seeded with
  ``numpy.random.SeedSequence(entropy=<the key's uint32 words>, spawn_key=(crc32(name),))``:
  the same key, name, distribution and N give the same values on every platform; another key or
  another name gives other values; the first N draws of N + 1 are the draws for N; adding
  or removing another column changes nothing. ``uniform`` draws in [low, high);
  ``log_uniform`` draws exp(U) with U uniform in [log low, log high); ``choice`` draws each of its
  values with probability 1/k.

Examples:
  >>> import jax, jaxopt_lectures as jl
  >>> cols = jl.sample_grid({"learning_rate": jl.log_uniform(1e-4, 1e-1), "beta": [0.5, 0.9]},
  ...                       samples=3, sample_key=jax.random.key(0))
  >>> cols["beta"].tolist(), bool(((cols["learning_rate"] >= 1e-4) & (cols["learning_rate"] < 1e-1)).all())
  ([0.5, 0.9, 0.5, 0.9, 0.5, 0.9], True)
  >>> jl.choice(["classic", "ema"])
  choice(['classic', 'ema'])
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jax
import numpy as np

from .configs import configurations

__all__ = ["Distribution", "choice", "log_uniform", "sample_grid", "uniform"]

_ACCEPTED = "a 1-D array of values or a distribution: jl.uniform(low, high), jl.log_uniform(low, high), jl.choice(values)"


class Distribution:
    """A distribution a grid value may be drawn from; made by :func:`uniform`, :func:`log_uniform`
    or :func:`choice` (no other kind is sampled)."""

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True, repr=False)
class _Interval(Distribution):
    low: float
    high: float
    log: bool

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.log:  # log x ~ U[log low, log high)
            return np.exp(rng.uniform(math.log(self.low), math.log(self.high), n))
        return rng.uniform(self.low, self.high, n)

    def __repr__(self) -> str:
        return f"{'log_uniform' if self.log else 'uniform'}({self.low!r}, {self.high!r})"


@dataclass(frozen=True, repr=False)
class _Choice(Distribution):
    values: tuple

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.asarray(self.values)[rng.integers(0, len(self.values), n)]  # each value with probability 1/k

    def __repr__(self) -> str:
        return f"choice({list(self.values)!r})"


def _bounds(kind: str, low: Any, high: Any) -> tuple[float, float]:
    for name, v in (("low", low), ("high", high)):
        try:  # a Python, NumPy or concrete JAX real scalar (drawn on the host: tracers cannot be)
            ok = not isinstance(v, (bool, str)) and np.ndim(v) == 0 and np.asarray(v).dtype.kind in "iuf"
        except Exception:  # noqa: BLE001 - a tracer or an odd object: not a number we can draw from
            ok = False
        if not (ok and math.isfinite(float(v))):
            raise ValueError(f"{kind}: {name} must be a finite real number; got {v!r}")
    if not low < high:
        raise ValueError(f"{kind}: low must be < high; got low={low!r}, high={high!r}")
    return float(low), float(high)


def uniform(low: float, high: float) -> Distribution:
    """Values uniform in [low, high) (finite, low < high); floats, traced in the sweep.

    Example: ``jl.uniform(0.0, 0.99)`` for a momentum β (ALGORITHMS.md §10.5)."""
    return _Interval(*_bounds("uniform", low, high), log=False)


def log_uniform(low: float, high: float) -> Distribution:
    """Values whose logarithm is uniform in [log low, log high) (0 < low < high): every decade
    between them equally likely — the usual prior for a learning rate (Bergstra & Bengio 2012)."""
    low, high = _bounds("log_uniform", low, high)
    if not low > 0:
        raise ValueError(f"log_uniform: low must be > 0 (its logarithm is drawn); got low={low!r}")
    return _Interval(low, high, log=True)


def choice(values: Any) -> Distribution:
    """One of ``values`` (a non-empty 1-D list: numbers, strings, flags, None), each with probability 1/k."""
    try:
        arr = np.asarray(values)
    except ValueError:  # ragged nested lists
        arr = np.empty(0)
    if arr.ndim != 1 or isinstance(values, (str, bytes)):
        raise ValueError(f"choice: values must be a 1-D list of values; got {values!r}")
    if arr.size == 0:
        raise ValueError("choice: values is empty: give at least one value")
    return _Choice(tuple(values))


def _key_words(sample_key: Any) -> list[int]:
    """The key's uint32 words (a typed ``jax.random.key`` or a raw ``jax.random.PRNGKey``)."""
    dtype = getattr(sample_key, "dtype", None)
    if dtype is not None and jax.dtypes.issubdtype(dtype, jax.dtypes.prng_key) and np.ndim(sample_key) == 0:
        return np.asarray(jax.random.key_data(sample_key), np.uint32).ravel().tolist()
    if isinstance(dtype, np.dtype) and dtype == np.uint32 and np.ndim(sample_key) == 1:
        return np.asarray(sample_key).tolist()
    raise TypeError(
        f"sample_key must be a PRNG key such as jax.random.key(0) (it draws the grid's distributions); got {sample_key!r}"
    )


def sample_grid(grid: Any, samples: int | None = None, sample_key: Any = None, product: bool = True) -> dict[str, np.ndarray]:
    """The configurations of a grid with distributions, as zipped columns (name → [rows] values).

    Draws ``samples`` values of every distribution (the generator is described in
    :mod:`jaxopt_lectures.sweeps.distributions`) and combines them with the listed columns:
    ``product=True`` the Cartesian product with the block of draws as one factor, ``product=False``
    zipped (each listed column needs ``samples`` values). A grid without distributions gives
    :func:`~jaxopt_lectures.sweeps.configs.configurations` of it; ``samples`` and ``sample_key``
    must then be left out. What :func:`~jaxopt_lectures.sweep` calls before anything compiles.
    """
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError(f"grid must map at least one hyperparameter name to {_ACCEPTED}; got {grid!r}")
    for name, values in grid.items():
        if not isinstance(values, Distribution) and _is_foreign(values):
            raise TypeError(f"grid[{name!r}] must be {_ACCEPTED}; got {type(values).__name__} {values!r}")
    dists = {name: d for name, d in grid.items() if isinstance(d, Distribution)}
    if not dists:
        if samples is not None or sample_key is not None:
            given = "samples" if samples is not None else "sample_key"
            raise ValueError(f"{given} is given but no grid value is a distribution (jl.uniform, jl.log_uniform, jl.choice)")
        return configurations(grid, product)
    listed = ", ".join(repr(n) for n in dists)
    if samples is None or sample_key is None:
        missing = "samples" if samples is None else "sample_key"
        raise ValueError(
            f"grid[{listed}] is a distribution: give {missing} (samples=N draws, sample_key=jax.random.key(seed))"
        )
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 1:
        raise ValueError(f"samples must be an integer ≥ 1 (the draws of each distribution); got {samples!r}")
    words = _key_words(sample_key)
    n = int(samples)
    block = {}
    for name, dist in dists.items():
        if not isinstance(name, str):
            raise TypeError(f"grid names must be strings (keyword arguments of make_optimizer); got {name!r}")
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(words, spawn_key=(zlib.crc32(name.encode()),))))
        block[name] = dist.draw(rng, n)
    # each listed column checked (1-D, non-empty) as the grid checks it
    factors: list[dict[str, np.ndarray]] = []
    for name, values in grid.items():
        if name in dists:
            if block is not None:
                factors.append(block)
                block = None
        else:
            factors.append(configurations({name: values}, True))
    if not product:
        lengths = {name: len(col) for f in factors for name, col in f.items()}
        if len(set(lengths.values())) != 1:
            raise ValueError(
                f"with product=False every listed grid array is zipped with the samples={n} draws, so it needs "
                f"{n} values; got {lengths}"
            )
        index = np.zeros((n, len(factors)), int) + np.arange(n)[:, None]
    else:
        sizes = [len(next(iter(f.values()))) for f in factors]
        index = np.array(list(itertools.product(*map(range, sizes)))).reshape(-1, len(factors))
    columns = {name: col[index[:, j]] for j, f in enumerate(factors) for name, col in f.items()}
    return {name: columns[name] for name in grid}


def _is_foreign(values: Any) -> bool:
    """An object that is neither a sequence of values nor a distribution of ours (a scipy.stats
    distribution, say): NumPy would make it a 0-d object array."""
    try:
        arr = np.asarray(values)
    except ValueError:  # ragged: the grid's own check reports it
        return False
    return arr.ndim == 0 and arr.dtype == object and values is not None
