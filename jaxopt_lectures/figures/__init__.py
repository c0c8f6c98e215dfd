"""The lectures' figures and worked examples, reproduced: each a function returning its claims and figure.

ALGORITHMS.md §10 (worked examples 1–8) and §8 (analysis). Every entry of :data:`EXAMPLES` runs
the library the way a user would (``minimize``, ``least_squares``, ``fit``, ``sweep``, the
analysis tools), compares what the lecture states with what it computes — one :class:`Claim`
per statement, with the lecture's number, ours and whether they agree — and draws the lecture's
figure with :mod:`jaxopt_lectures.plotting`. ``examples/<name>.py`` runs one of them as a script;
``jaxopt-lectures tour`` runs them all and prints every claim in one table.

Where a slide's arithmetic is wrong the claim states the correct value (the catalogue's) and a
second claim shows the slide's number is what a different setting gives (e.g. β = 0.9 for L0's
momentum step). A claim that compares floating-point numbers states its tolerance and why.

Runs are in float64 (``jax.enable_x64`` inside each entry only), except the L3 network, which is
float32 as the notebook's torch model is.

The package: :mod:`.base` holds the records and the registry (:data:`EXAMPLES`,
:func:`register_example`, :func:`claims_table`), :mod:`.common` what the lecture modules share,
and one module per lecture group registers its entries on import, in the tour's order:
:mod:`.l0` (worked steps, §10.1, §10.4; the d2l figures, §10.5), :mod:`.l4` (cs231n's figures,
§10.8; CG and Levenberg–Marquardt, §6, §7, §10.6), :mod:`.l3` (the notebook, §10.7) and
:mod:`.l0_analysis` (the learning-rate sweep and the critical points, §10.2, §10.3, §8).

Examples:
  >>> from jaxopt_lectures import figures
  >>> r = figures.reproduce("l0_gd_step_sizes", plot=False)
  >>> all(c.agrees for c in r.claims)
  True
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import pathlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .base import CLAIM_COLUMNS, DPI, EXAMPLES, Claim, Example, Reproduction, claims_table, register_example
from . import l0, l4, l3, l0_analysis  # noqa: F401  (they register their entries: this order is the tour's)

__all__ = [
    "CLAIM_COLUMNS",
    "DPI",
    "EXAMPLES",
    "Claim",
    "Example",
    "Reproduction",
    "claims_table",
    "example_main",
    "register_example",
    "reproduce",
    "reproduce_all",
]


# ----------------------------------------------------------------------------------------------
# Running them
# ----------------------------------------------------------------------------------------------


def _check_names(names: Iterable[str] | None) -> list[str]:
    names = list(EXAMPLES) if names is None else list(names)
    unknown = [n for n in names if n not in EXAMPLES]
    if unknown:
        raise ValueError(f"unknown example(s) {', '.join(map(repr, unknown))}; valid: {', '.join(EXAMPLES)}")
    return names


def reproduce(name: str, *, quick: bool = False, plot: bool = True) -> Reproduction:
    """Run one entry of :data:`EXAMPLES`: its claims, and its figure when ``plot`` (needs matplotlib)."""
    return EXAMPLES[_check_names([name])[0]].run(quick=quick, plot=plot)


def reproduce_all(
    names: Iterable[str] | None = None,
    *,
    quick: bool = False,
    plot: bool = True,
    out: str | pathlib.Path | None = None,
    dpi: int = DPI,
    progress: Callable[[str], None] | None = None,
) -> list[Reproduction]:
    """Run every entry (or ``names``), in order; save each figure to ``out/<name>.png`` when given.

    Figures are saved and then dropped as they are made (``figure`` is ``None`` in the returned
    records when ``out`` is given), so memory stays flat over the whole tour.
    """
    names = _check_names(names)
    done = []
    for i, name in enumerate(names):
        if progress is not None:
            progress(f"[{i + 1}/{len(names)}] {name}: {EXAMPLES[name].title}")
        r = reproduce(name, quick=quick, plot=plot)
        if out is not None and r.figure is not None:
            r.save(out, dpi=dpi)
            r = dataclasses.replace(r, figure=None)
        done.append(r)
    return done


def example_main(
    name: str, argv: Sequence[str] | None = None, add_arguments: Callable[[Any], None] | None = None
) -> int:
    """The body of ``examples/<name>.py``: print the claims, save the PNG; exit status 1 if one disagrees.

    Arguments ``[PNG]`` (default ``./<name>.png``), ``--quick``, ``--no-plot``, and those that
    ``add_arguments(parser)`` adds, which reach the entry as keyword options.
    """
    example = EXAMPLES[_check_names([name])[0]]
    parser = argparse.ArgumentParser(prog=f"{name}.py", description=f"{example.title} ({example.source}).")
    parser.add_argument("png", nargs="?", default=f"{name}.png", help="where to save the figure")
    parser.add_argument("--quick", action="store_true", help="the tour's shorter settings")
    parser.add_argument("--no-plot", action="store_true", help="print the claims only")
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args(argv)
    options = {k: v for k, v in vars(args).items() if k not in ("png", "quick", "no_plot")}
    plot = not args.no_plot and importlib.util.find_spec("matplotlib") is not None
    r = example.run(quick=args.quick, plot=plot, **options)
    print(f"{example.title} ({example.source})")
    print(r.table(), end="")
    print(f"{sum(c.agrees for c in r.claims)} of {len(r.claims)} claims agree; {r.seconds:.1f} s")
    if r.figure is not None:
        r.figure.savefig(args.png, dpi=DPI)
        print(f"saved {args.png}")
    elif not args.no_plot:
        print("matplotlib is not installed: no plot")
    return 0 if r.agrees else 1
