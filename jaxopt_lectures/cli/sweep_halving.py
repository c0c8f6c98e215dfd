"""``jaxopt-lectures sweep --halving ETA [--rungs R1,R2,...]``: successive halving on a training problem.

``sweep_fit(..., halving=ETA, rungs=...)`` (Jamieson & Talwalkar 2016;
:mod:`jaxopt_lectures.sweeps.halving`): every configuration runs to the first rung, the best 1/ETA
by validation loss go on to the next, and so on. The table then shows the epochs each
configuration ran, a line the rungs and the configuration-steps spent, and ``--plot`` draws the
rung diagram (:func:`~jaxopt_lectures.plotting.plot_halving`).
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["add_arguments", "check", "options", "plot", "summary"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--halving ETA and --rungs R1,R2,..."""
    parser.add_argument(
        "--halving", type=float, metavar="ETA",
        help="training problems: successive halving, keep the best 1/ETA at each rung (ETA > 1, e.g. 3)",
    )  # fmt: skip
    parser.add_argument(
        "--rungs", metavar="R1,R2,...",
        help="with --halving: the rungs in epochs, increasing, at most --epochs (default E/ETA², E/ETA, E)",
    )  # fmt: skip


def check(parser: argparse.ArgumentParser, args: argparse.Namespace, training: bool) -> None:
    """--halving only on a training problem and > 1; --rungs only with it, a list of integers (parsed in place)."""
    if args.halving is None:
        if args.rungs is not None:
            parser.error("--rungs needs --halving ETA (successive halving)")
        return
    if not training:
        parser.error(f"--halving applies to training problems (sweep_fit); {args.problem} is a function")
    if not args.halving > 1:  # also NaN
        parser.error(f"--halving must be a number > 1 (keep the best 1/ETA at each rung), got {args.halving}")
    if args.rungs is not None:
        try:
            args.rungs = [int(text) for text in args.rungs.split(",")]
        except ValueError:
            parser.error(f"--rungs must be comma-separated integers (epochs), e.g. 9,27,81; got {args.rungs!r}")
    from ..problems import get_training_problem
    from ..sweeps.halving import check_halving

    epochs = get_training_problem(args.problem.strip()).epochs if args.epochs is None else args.epochs
    try:  # sweep_fit's own checks, before the data are drawn
        check_halving(args.halving, args.rungs, epochs)
    except ValueError as err:
        parser.error(str(err).replace("rungs", "--rungs", 1))


def options(args: argparse.Namespace) -> dict[str, Any]:
    """``sweep_fit``'s keyword arguments for the options given (none without --halving)."""
    return {} if args.halving is None else {"halving": args.halving, "rungs": args.rungs}


def summary(result: Any) -> str | None:
    """A line on the rungs and the compute spent, for a halving result (None for a whole grid)."""
    from ..sweeps import HalvingResult

    if not isinstance(result, HalvingResult):
        return None
    sizes = ", ".join(f"{m} to epoch {r}" for r, m in zip(result.rungs, result.rung_sizes))
    spent, grid = result.config_steps, result.grid_config_steps
    return (f"successive halving, η = {result.eta:g}: {sizes}; {spent} of the grid's {grid} configuration-steps "
            f"({spent / grid:.1%})")  # fmt: skip


def plot(result: Any, title: str, path: Any) -> Any:
    """The rung diagram."""
    from .. import plotting

    return plotting.plot_halving(result, title=title, path=path)
