"""The tour: the lectures' figures and worked examples, and every optimizer on three lecture problems.

:func:`run_tour` is ``jaxopt-lectures tour``. It runs every entry of
:data:`jaxopt_lectures.figures.EXAMPLES` (each lecture figure and worked example: its claims next to
the computed numbers, its figure saved to ``out/<name>.png``), then the optimizer grid below, and
writes the tables to ``out``.

The optimizer grid: for each optimizer variant and problem, a log-spaced grid of learning rates
around the registry's default runs in one compiled program (``jax.vmap`` over the rate of
``minimize`` with ``gtol = 0`` and a recorded history of a fixed number of steps), and the best
rate that did not diverge is reported with its final loss, the gap f − f* and the first step at
which f − f* ≤ tol. Selection: among rates that end within tol, the fewest steps to tol; if none
does, the smallest final gap. The quick settings run each optimizer's defaults only (compilation
dominates: one program per variant and problem); the full ones every registered variant.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from . import registry
from .table import csv_table, markdown_table, text_table
from .problems import Problem, get_problem
from .solve import least_squares, minimize

__all__ = [
    "FULL",
    "QUICK",
    "COLUMNS",
    "TOUR_PROBLEMS",
    "TourReport",
    "TourRow",
    "TourSettings",
    "footnote",
    "format_rows",
    "learning_rate_grid",
    "run_tour",
    "select_learning_rate",
    "tour_cases",
    "tour_rows",
    "timed_tour",
]

#: The tour's problems (issue 2, item 6): L0's quadratic, Rosenbrock, Beale.
TOUR_PROBLEMS = ("quadratic_l0", "rosenbrock", "beale")


@dataclasses.dataclass(frozen=True)
class TourSettings:
    """How hard the tour tries.

    Attributes:
      num_steps: optimizer steps per run.
      num_learning_rates: grid points, log-spaced over ``default · 10^[decades_below, decades_above]``.
      decades_below, decades_above: the grid's span around the registry's default learning rate.
      tol: the tolerance on f − f* for "steps to tolerance".
      all_variants: every registered variant of each optimizer, or only its defaults.
      quick: the figures' shorter settings (:func:`jaxopt_lectures.figures.reproduce`).
    """

    num_steps: int
    num_learning_rates: int
    decades_below: float = 2.0
    decades_above: float = 2.0
    tol: float = 1e-6
    all_variants: bool = True
    quick: bool = False


# Compilation dominates (about 0.2–0.6 s per optimizer variant and problem); the steps themselves
# cost microseconds, so the quick tour saves little by running fewer of them.
QUICK = TourSettings(num_steps=1000, num_learning_rates=8, all_variants=False, quick=True)
FULL = TourSettings(num_steps=5000, num_learning_rates=16)


@dataclasses.dataclass(frozen=True)
class TourRow:
    """One line of the tour table (``None`` where a value does not exist, e.g. all rates diverged)."""

    problem: str
    optimizer: str
    variant: str
    learning_rate: float | None
    final_loss: float | None
    gap: float | None  # f − f* at the last step
    steps_to_tol: int | None  # first k with f(x_k) − f* ≤ tol
    num_steps: int
    tol: float
    num_diverged: int  # grid points that diverged
    grid_low: float | None
    grid_high: float | None

    @property
    def label(self) -> str:
        """``"optimizer (variant)"``; just the optimizer when it has no registered variants."""
        return f"{self.optimizer} ({self.variant})" if self.variant else self.optimizer

    @property
    def at_grid_edge(self) -> bool:
        """The chosen rate is an end of the grid: a wider grid might do better."""
        return self.learning_rate is not None and self.learning_rate in (self.grid_low, self.grid_high)

    @property
    def reached_tol(self) -> bool:
        return self.steps_to_tol is not None


def _default_learning_rate(spec: registry.OptimizerSpec, variant: str | None = None) -> float | None:
    """The variant's (or the registry's) default rate, else the factory's; ``None`` when it has none."""
    if spec.learning_rate_arg is None:
        return None
    rate = spec.variant_kwargs(variant).get(spec.learning_rate_arg, spec.parameters.get(spec.learning_rate_arg))
    if isinstance(rate, bool) or not isinstance(rate, (int, float)):  # absent, or a schedule: no grid around it
        raise ValueError(f"optimizer {spec.name!r} has no numeric default learning rate in the registry or its factory")
    return float(rate)


def learning_rate_grid(default: float, settings: TourSettings) -> np.ndarray:
    """``num_learning_rates`` log-spaced rates over ``default · 10^[−decades_below, decades_above]``."""
    exponents = np.linspace(-settings.decades_below, settings.decades_above, settings.num_learning_rates)
    return default * 10.0**exponents


def select_learning_rate(values: np.ndarray, f_star: float, tol: float) -> tuple[int | None, int | None, int]:
    """Pick the best grid point from ``values[i, k] = f(x_k)`` of rate ``i``.

    A run diverged when any value is non-finite or the last value exceeds the first. Among the
    others, runs that end with f − f* ≤ tol win, by the fewest steps to tol (then the smallest
    final gap); if none ends within tol, the smallest final gap wins (a run that only passed
    through tol, e.g. oscillating around the minimum, counts as not converged here). Returns
    ``(best index or None, its first step with f − f* ≤ tol or None, number diverged)``.
    """
    values = np.asarray(values, dtype=np.float64)
    gaps = values - f_star
    diverged = ~np.all(np.isfinite(values), axis=1) | (values[:, -1] > values[:, 0])
    below = gaps <= tol
    first = np.where(below.any(axis=1), np.argmax(below, axis=1), -1)
    candidates = [i for i in range(values.shape[0]) if not diverged[i]]
    if not candidates:
        return None, None, int(diverged.sum())

    def key(i):
        final_gap = gaps[i, -1]
        return (0, first[i], final_gap) if final_gap <= tol else (1, 0, final_gap)

    best = min(candidates, key=key)
    return best, (int(first[best]) if first[best] >= 0 else None), int(diverged.sum())


def tour_cases(
    optimizers: Iterable[str] | None = None, all_variants: bool = True
) -> list[tuple[registry.OptimizerSpec, str, dict[str, Any]]]:
    """``(spec, variant name, variant kwargs)`` for every registered optimizer and variant.

    Each item of ``optimizers`` is a registry name or ``"name:variant"`` (that variant alone). A
    name runs every registered variant, or once with its defaults (variant name ``""``) when it
    has none or ``all_variants`` is False. An unknown name or variant raises ``KeyError`` listing
    the known ones.
    """
    cases = []
    for item in registry.names() if optimizers is None else optimizers:
        name, _, chosen = item.partition(":")
        spec = registry.get(name)
        if chosen and chosen not in spec.variants:
            raise KeyError(f"{name} has no variant {chosen!r}; known: {', '.join(spec.variants)}")
        if chosen:
            variants = [chosen]
        elif spec.variants and all_variants:
            variants = list(spec.variants)
        else:
            variants = [""]
        cases += [(spec, v, dict(spec.variants[v].kwargs) if v else {}) for v in variants]
    return cases


def _grid_values(
    problem: Problem, make: Any, learning_rates: np.ndarray, num_steps: int, residuals: bool, dtype: Any
) -> np.ndarray:
    """``values[i, k] = f(x_k)``, k = 0 … num_steps, for every rate, in one compiled program.

    Each run is :func:`~jaxopt_lectures.minimize` (``least_squares`` when the optimizer wants the
    residuals) with ``gtol = 0`` and a recorded history, ``jax.vmap``-ed over the learning rate
    (a traced scalar reaching the factory). After an exact stop (∇f = 0) the value stays; after
    divergence it is +inf, which :func:`select_learning_rate` reads as diverged.
    """
    x0 = jnp.asarray(problem.x0, dtype)
    solve = least_squares if residuals else minimize
    target = problem.residual_fn if residuals else problem.fun

    def one(lr):
        r = solve(target, x0, make(lr), max_steps=num_steps, gtol=0.0, record=True)
        k = jnp.arange(num_steps + 1)
        recorded = jnp.append(r.history.values, r.value)  # f(x_0) … f(x_{K−1}), and f(x_K) last
        after = jnp.where(r.diverged, jnp.inf, r.value)
        return jnp.where(k < r.num_steps, recorded, after)

    return np.asarray(jax.jit(jax.vmap(one))(jnp.asarray(learning_rates, dtype)))


def _run_case(
    spec: registry.OptimizerSpec, variant: str, problem: Problem, settings: TourSettings, dtype: Any
) -> tuple[np.ndarray, np.ndarray | None]:
    """The values of ``variant`` (``""``: the defaults) over its learning-rate grid, and the grid."""
    variant = variant or None
    default_lr = _default_learning_rate(spec, variant)
    residuals = spec.driver_for(**spec.variant_kwargs(variant)) == "least_squares"
    if default_lr is None:  # no learning rate to tune: one run (vmapped over a dummy axis)
        grid = None

        def make(_):
            return spec.make_variant(variant)

        lrs = np.zeros(1)
    else:
        grid = lrs = learning_rate_grid(default_lr, settings)

        def make(lr):
            return spec.make_variant(variant, **{spec.learning_rate_arg: lr})

    return _grid_values(problem, make, lrs, settings.num_steps, residuals, dtype), grid


def tour_rows(
    *,
    quick: bool = False,
    settings: TourSettings | None = None,
    problems: Sequence[str] = TOUR_PROBLEMS,
    optimizers: Iterable[str] | None = None,
    dtype: Any = jnp.float32,
    progress: Callable[[str], None] | None = None,
) -> list[TourRow]:
    """Run the tour and return its rows (problem-major, then registry order).

    Args:
      quick: use :data:`QUICK` settings instead of :data:`FULL` (ignored when ``settings`` is given).
      settings: explicit :class:`TourSettings`.
      problems: names from :data:`jaxopt_lectures.problems.PROBLEMS`.
      optimizers: registry names or ``"name:variant"`` items (default: all; :func:`tour_cases`).
      dtype: float32 by default; every tour problem reaches f − f* ≤ 1e-6 in float32 (f* = 0
        there, so the tolerance is not limited by rounding of f*).
      progress: called with a short message before each compiled run.
    """
    settings = settings or (QUICK if quick else FULL)
    resolved = [get_problem(p) for p in problems]
    cases = tour_cases(optimizers, settings.all_variants)
    rows = []
    total = len(resolved) * len(cases)
    for p_index, problem in enumerate(resolved):
        for c_index, (spec, variant_name, _) in enumerate(cases):
            if progress is not None:
                label = f"{spec.name} ({variant_name})" if variant_name else spec.name
                progress(f"[{p_index * len(cases) + c_index + 1}/{total}] {problem.name}: {label}")
            values, grid = _run_case(spec, variant_name, problem, settings, dtype)
            best, steps, num_diverged = select_learning_rate(values, problem.f_star, settings.tol)
            final = None if best is None else float(values[best, -1])
            rows.append(TourRow(
                problem=problem.name,
                optimizer=spec.name,
                variant=variant_name,
                learning_rate=None if best is None or grid is None else float(grid[best]),
                final_loss=final,
                gap=None if final is None else final - problem.f_star,
                steps_to_tol=steps,
                num_steps=settings.num_steps,
                tol=settings.tol,
                num_diverged=num_diverged,
                grid_low=None if grid is None else float(grid[0]),
                grid_high=None if grid is None else float(grid[-1]),
            ))
    return rows


# ----------------------------------------------------------------------------------------------
# Formatting
# ----------------------------------------------------------------------------------------------

_DASH = "—"
COLUMNS = ("problem", "optimizer (variant)", "learning rate", "final loss", "f − f*", "steps to tol")


def _g(x: float | None, digits: int = 3) -> str:
    if x is None:
        return _DASH
    if x == 0 or (math.isfinite(x) and 1e-3 <= abs(x) < 1e4):
        return f"{x:.{digits + 1}g}"
    return f"{x:.{digits - 1}e}"


def _display(row: TourRow) -> tuple[str, ...]:
    lr = _g(row.learning_rate) + ("*" if row.at_grid_edge else "")
    if row.final_loss is None:
        lr = f"all {row.num_diverged} diverged"
    return (row.problem, row.label, lr, _g(row.final_loss), _g(row.gap), _DASH if row.steps_to_tol is None else str(row.steps_to_tol))


def format_rows(rows: Sequence[TourRow], fmt: str = "text") -> str:
    """The table as ``"text"`` (aligned columns), ``"markdown"`` or ``"csv"`` (every field, full precision)."""
    if fmt == "csv":
        fields = [f.name for f in dataclasses.fields(TourRow)] + ["at_grid_edge"]
        return csv_table(fields, [[getattr(row, f) for f in fields] for row in rows])
    if fmt == "markdown":
        return markdown_table(COLUMNS, [_display(r) for r in rows])
    if fmt == "text":
        return text_table(COLUMNS, [_display(r) for r in rows])
    raise ValueError(f"fmt must be one of 'text', 'markdown', 'csv'; got {fmt!r}")


def footnote(settings: TourSettings) -> str:
    """What the table's numbers mean, in one paragraph."""
    return (
        f"{settings.num_steps} steps per run, float32. Learning rate: the best of "
        f"{settings.num_learning_rates} log-spaced rates over default·10^[−{settings.decades_below:g}, "
        f"{settings.decades_above:g}] that did not diverge (* = an end of the grid). "
        f"Steps to tol: first step with f − f* ≤ {settings.tol:g}.\n"
    )


def timed_tour(**kwargs: Any) -> tuple[list[TourRow], float]:
    """``tour_rows(**kwargs)`` and its wall time in seconds."""
    start = time.perf_counter()
    rows = tour_rows(**kwargs)
    return rows, time.perf_counter() - start


# ----------------------------------------------------------------------------------------------
# The whole tour: figures and worked examples, then the optimizer grid
# ----------------------------------------------------------------------------------------------


@dataclasses.dataclass
class TourReport:
    """What :func:`run_tour` did: the figures' claims, the optimizer grid, the files written, the time."""

    reproductions: list  # figures.Reproduction, in figures.EXAMPLES order
    rows: list[TourRow]
    settings: TourSettings
    written: list[str]
    seconds: float

    @property
    def claims(self) -> list:
        return [c for r in self.reproductions for c in r.claims]

    @property
    def num_agree(self) -> int:
        return sum(c.agrees for c in self.claims)


def run_tour(
    *,
    quick: bool = False,
    settings: TourSettings | None = None,
    out: str | None = "tour",
    plots: bool = True,
    examples: Sequence[str] | None = None,
    problems: Sequence[str] = TOUR_PROBLEMS,
    optimizers: Iterable[str] | None = None,
    dpi: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> TourReport:
    """``jaxopt-lectures tour``: every figure and worked example, then every optimizer on three problems.

    Args:
      quick: :data:`QUICK` settings (ignored when ``settings`` is given).
      settings: explicit :class:`TourSettings` for the optimizer grid (and ``settings.quick`` for the figures).
      out: directory for ``<example>.png``, ``claims.csv``/``claims.md`` (the lecture claims) and
        ``tour.csv``/``tour.md`` (the optimizer grid); ``None`` writes nothing.
      plots: draw the figures (needs matplotlib; without it the claims still run).
      examples: names from :data:`jaxopt_lectures.figures.EXAMPLES` (default: all; ``[]``: none).
      problems, optimizers: the optimizer grid's, as in :func:`tour_rows` (``optimizers=[]`` skips the grid).
      dpi: pixels per inch of the saved figures (default :data:`jaxopt_lectures.figures.DPI`).
      progress: called with a short message before each step.
    """
    from . import figures

    settings = settings or (QUICK if quick else FULL)
    start = time.perf_counter()
    written: list[str] = []
    if out is not None:
        os.makedirs(out, exist_ok=True)
    reproductions = figures.reproduce_all(
        examples, quick=settings.quick, plot=plots, out=out, dpi=dpi or figures.DPI, progress=progress
    )
    if out is not None:
        written += [os.path.join(out, f"{r.name}.png") for r in reproductions if plots]
    optimizers = None if optimizers is None else list(optimizers)
    rows = [] if optimizers == [] else tour_rows(
        settings=settings, problems=problems, optimizers=optimizers, progress=progress
    )
    if out is not None:
        files = [("claims.csv", figures.claims_table(reproductions, "csv")),
                 ("claims.md", figures.claims_table(reproductions, "markdown"))]
        if rows:
            files += [("tour.csv", format_rows(rows, "csv")), ("tour.md", format_rows(rows, "markdown") + "\n" + footnote(settings))]
        for filename, text in files:
            path = os.path.join(out, filename)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            written.append(path)
    return TourReport(reproductions, rows, settings, written, time.perf_counter() - start)
