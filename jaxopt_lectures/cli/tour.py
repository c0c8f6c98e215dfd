"""``jaxopt-lectures tour``: every lecture figure and worked example, then the optimizer grid
(:func:`jaxopt_lectures.tour.run_tour` does the work; this module only reads the arguments).

``--examples``/``--no-examples`` choose the figures, ``--optimizers`` (``NAME`` or
``NAME:VARIANT``), ``--problems`` and ``--no-grid`` the optimizer grid; ``--quick`` and
``--steps`` how long each grid run is. One optimizer on one problem without the figures
(``--no-examples --problems beale --optimizers adam --quick``) is one compiled program: seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from ..problems import PROBLEMS
from ..tour import FULL, QUICK, TOUR_PROBLEMS, footnote, format_rows, run_tour
from .common import (
    add_progress_option, choice_label, clear_progress, has_matplotlib, names_option, optimizer_choices,
    progress_printer,
)  # fmt: skip

__all__ = ["add_parser", "run"]


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..figures import EXAMPLES, claims_table

    choices = optimizer_choices(parser, "--optimizers", args.optimizers)
    problems = names_option(parser, "--problems", args.problems, list(PROBLEMS)) or list(TOUR_PROBLEMS)
    examples = names_option(parser, "--examples", args.examples, list(EXAMPLES))
    if args.steps is not None and args.steps < 1:
        parser.error(f"--steps must be ≥ 1, got {args.steps}")
    if args.tol is not None and not args.tol >= 0:
        parser.error(f"--tol must be ≥ 0, got {args.tol}")
    if args.dpi is not None and not 10 <= args.dpi <= 600:
        parser.error(f"--dpi must be in [10, 600], got {args.dpi}")
    overrides = {k: v for k, v in (("num_steps", args.steps), ("tol", args.tol)) if v is not None}
    settings = dataclasses.replace(QUICK if args.quick else FULL, **overrides)
    optimizers = None if choices is None else [choice_label(name, variant) for name, variant in choices]
    plots = not args.no_plots and has_matplotlib()
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    report = run_tour(
        settings=settings,
        out=None if args.out == "" else args.out,
        plots=plots,
        examples=[] if args.no_examples else examples,
        problems=problems,
        optimizers=[] if args.no_grid else optimizers,
        dpi=args.dpi,
        progress=progress_printer(progress),
    )
    clear_progress(progress)
    if report.rows:
        where = "three lecture problems" if problems == list(TOUR_PROBLEMS) else ", ".join(problems)
        print(f"Every optimizer on {where} (the best of a grid of learning rates):")
        print(format_rows(report.rows), end="")
        print(footnote(settings))
    if report.reproductions:
        print("The lectures' figures and worked examples: what the lecture says, what this library computes:")
        print(claims_table(report.reproductions), end="")
        print(f"{report.num_agree} of {len(report.claims)} lecture claims agree.")
    if report.written:
        pngs = sum(w.endswith(".png") for w in report.written)
        print(f"wrote {pngs} figures and {len(report.written) - pngs} tables to {args.out}/")
    elif report.reproductions and not plots:
        print("no figures drawn" + (" (matplotlib is not installed)" if not args.no_plots else ""))
    print(f"{len(report.reproductions)} examples and {len(report.rows)} optimizer runs in {report.seconds:.1f} s.")
    return 0


def add_parser(sub: Any) -> None:
    """Add ``tour`` to ``sub`` (the parser's ``add_subparsers()`` action)."""
    tour_parser = sub.add_parser(
        "tour",
        help="reproduce every lecture figure and worked example, and run every optimizer on three problems",
        description=(
            "Run every lecture figure and worked example (jaxopt_lectures.figures: GD step sizes, "
            "momentum, NAG, Beale and a saddle, learning-rate decay, CG vs steepest descent, LM, the L3 "
            "network, a learning-rate sweep, critical points, the worked steps): print one table of "
            "lecture claim | computed | agrees?, and save each figure as DIR/<example>.png. Then run "
            "every registered optimizer (every variant without --quick) on L0's quadratic "
            "0.1 x1² + 2 x2², Rosenbrock and Beale, each over a log-spaced grid of learning rates as "
            "one compiled program, and print the best rate, the final loss, f − f* and the steps to tol."
        ),
        epilog=(
            "One optimizer variant on one problem, without the figures (seconds): "
            "jaxopt-lectures tour --no-examples --problems beale --optimizers adam:eps_in_sqrt --quick --out ''"
        ),
    )
    tour_parser.add_argument(
        "--quick", action="store_true",
        help="shorter figures; the optimizer grid with each optimizer's defaults only, 8 rates × 1000 steps "
             "(default: every variant, 16 × 5000)",
    )  # fmt: skip
    tour_parser.add_argument("--out", metavar="DIR", default="tour",
                             help="where the figures and tables go (default ./tour; '' writes nothing)")
    tour_parser.add_argument("--no-plots", action="store_true", help="run the claims without drawing figures")
    tour_parser.add_argument("--dpi", type=int, metavar="N", help="pixels per inch of the saved figures (default 100)")
    tour_parser.add_argument("--examples", metavar="A,B,...", help="only these figures and worked examples")
    tour_parser.add_argument("--no-examples", action="store_true", help="skip the figures and worked examples")
    tour_parser.add_argument("--no-grid", action="store_true", help="skip the optimizer grid")
    tour_parser.add_argument("--steps", type=int, metavar="N", help="optimizer steps per grid run (overrides --quick's)")
    tour_parser.add_argument("--tol", type=float, metavar="TOL", help="grid tolerance on f − f* (default 1e-6)")
    tour_parser.add_argument(
        "--optimizers", metavar="A,B:VARIANT,...",
        help="only these registered optimizers in the grid; NAME:VARIANT runs that variant alone (list shows them)",
    )  # fmt: skip
    tour_parser.add_argument("--problems", metavar="P,Q,...", help="these grid problems instead of the tour's three")
    add_progress_option(tour_parser)
    tour_parser.set_defaults(handler=run, subparser=tour_parser)
