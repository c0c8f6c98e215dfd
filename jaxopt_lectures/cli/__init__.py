"""The ``jaxopt-lectures`` command (also ``python -m jaxopt_lectures``).

    jaxopt-lectures tour [--quick] [--out DIR]   every lecture figure and worked example (one table of
        lecture claim | computed | agrees?, figures saved to DIR, default ./tour), then every
        optimizer on three lecture problems (--optimizers, --problems, --no-examples, --no-grid
        narrow it down)
    jaxopt-lectures list [--problems] [--markdown]   the registered optimizers with their defaults
        and each variant's keyword arguments (or the problems)
    jaxopt-lectures compare --problem P --optimizers A,B:VARIANT,... [--steps N] [--lr LR] [--plot FILE]
        several optimizers (registry defaults, or a named variant) on one problem: steps, f,
        f − f*, ‖∇f‖, stop reason
    jaxopt-lectures sweep --optimizer A --param lr=1e-4:1:32:log [--param ...] --problem P [--plot FILE]
        one optimizer over a grid of its hyperparameters, one compiled program (``sweep``)

This package is the only place that parses arguments, one module per subcommand
(:mod:`.tour`, :mod:`.listing`, :mod:`.compare`, :mod:`.sweep`; :mod:`.common` holds what they
share, :mod:`.tables` the tables read from the registries). The work is done by
:mod:`jaxopt_lectures.tour`, :mod:`jaxopt_lectures.figures`, :mod:`jaxopt_lectures.registry`,
:mod:`jaxopt_lectures.problems`, :mod:`jaxopt_lectures.solve` (``compare``),
:mod:`jaxopt_lectures.sweeps` (``sweep``) and :mod:`jaxopt_lectures.plotting` (``--plot``).
Everything a subcommand needs to know about an optimizer (its learning-rate argument, its loop,
its variants) it reads from the registry entry. Errors in the arguments (unknown subcommands,
unknown optimizer, variant, problem or parameter names, a malformed ``--param``, a least-squares
optimizer on a problem without residuals) exit with status 2 and list the valid choices;
``--plot`` without matplotlib exits with status 1.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .. import __version__
from . import compare, listing, sweep, tour
from .tables import algorithm_table, optimizer_table, problem_table

__all__ = ["algorithm_table", "build_parser", "main", "optimizer_table", "problem_table"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (``--help`` on the command and each subcommand)."""
    parser = argparse.ArgumentParser(
        prog="jaxopt-lectures",
        description="The optimizers of five neural-network optimization lectures as optax transformations.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in (tour, listing, compare, sweep):
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (argument errors exit with status 2)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.handler(args, args.subparser)
