"""The ``jaxopt-lectures`` command (also ``python -m jaxopt_lectures``).

    jaxopt-lectures tour [--quick] [--out DIR]   every optimizer and variant on three lecture problems
    jaxopt-lectures list [--problems] [--markdown]   the registered optimizers (or problems)

This is the only module that parses arguments; the work is done by :mod:`jaxopt_lectures.tour`,
:mod:`jaxopt_lectures.registry` and :mod:`jaxopt_lectures.problems`. Errors in the arguments
(unknown subcommands, unknown optimizer or problem names) exit with status 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence

from . import __version__, registry, tour
from ._table import markdown_table, text_table
from .problems import PROBLEMS

__all__ = ["algorithm_table", "build_parser", "main", "optimizer_table", "problem_table"]


# ----------------------------------------------------------------------------------------------
# Tables read from the registries
# ----------------------------------------------------------------------------------------------


def _variants(spec: registry.OptimizerSpec) -> str:
    """``"a, b [value]"``: variant names, with the extra arguments a variant alone needs."""
    parts = []
    for name, variant in spec.variants.items():
        extra = [a for a in variant.extra_args if a not in spec.extra_args]
        parts.append(f"{name} [{', '.join(extra)}]" if extra else name)
    return ", ".join(parts) or "—"


def _extras(spec: registry.OptimizerSpec) -> str:
    """Extra ``update`` arguments: always needed ones, then per-variant ones."""
    parts = list(spec.extra_args)
    for name, variant in spec.variants.items():
        parts += [f"{a} ({name})" for a in variant.extra_args if a not in spec.extra_args]
    return ", ".join(parts) or "—"


def optimizer_table(markdown: bool = False) -> str:
    """Every registered optimizer: family, lecture, variants and the extra arguments it needs."""
    header = ("optimizer", "family", "lecture", "variants", "extra args")
    rows = [(s.name, s.family, s.lecture, _variants(s), _extras(s)) for s in registry.REGISTRY.values()]
    return (markdown_table if markdown else text_table)(header, rows)


def algorithm_table() -> str:
    """The README's table: algorithm → module → lecture, as Markdown (``list --markdown``)."""
    header = ("algorithm", "module", "family", "lecture", "variants")
    rows = [
        (f"`{s.name}`", f"`{s.factory.__module__}`", s.family, s.lecture, _variants(s))
        for s in registry.REGISTRY.values()
    ]
    return markdown_table(header, rows)


def problem_table(markdown: bool = False) -> str:
    """Every registered test problem with its start, minimiser, minimum and source."""

    def vec(x):
        return "(" + ", ".join(f"{v:g}" for v in x) + ")"

    header = ("problem", "dim", "x0", "x*", "f*", "source")
    rows = [(p.name, str(p.dim), vec(p.x0), vec(p.x_star), f"{p.f_star:g}", p.source) for p in PROBLEMS.values()]
    return (markdown_table if markdown else text_table)(header, rows)


# ----------------------------------------------------------------------------------------------
# Subcommands
# ----------------------------------------------------------------------------------------------


def _names(parser: argparse.ArgumentParser, option: str, value: str | None, known: Sequence[str]) -> list[str] | None:
    """A comma-separated list of names, each checked against ``known`` (else exit 2 listing them)."""
    if value is None:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        parser.error(f"{option}: unknown name(s) {', '.join(unknown) or repr(value)}; valid: {', '.join(known)}")
    return names


def _progress_printer(enabled: bool):
    if not enabled:
        return None

    def show(message: str) -> None:
        print(f"\r\033[K{message}", end="", file=sys.stderr, flush=True)

    return show


def _cmd_tour(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    optimizers = _names(parser, "--optimizers", args.optimizers, registry.names())
    problems = _names(parser, "--problems", args.problems, list(PROBLEMS))
    settings = tour.QUICK if args.quick else tour.FULL
    overrides = {k: v for k, v in (("num_steps", args.steps), ("tol", args.tol)) if v is not None}
    if args.steps is not None and args.steps < 1:
        parser.error(f"--steps must be ≥ 1, got {args.steps}")
    if args.tol is not None and not args.tol >= 0:
        parser.error(f"--tol must be ≥ 0, got {args.tol}")
    settings = dataclasses.replace(settings, **overrides)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    rows, seconds = tour.timed_tour(
        settings=settings,
        problems=problems or tour.TOUR_PROBLEMS,
        optimizers=optimizers,
        progress=_progress_printer(progress),
    )
    if progress:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    print(tour.format_rows(rows), end="")
    print()
    print(tour.footnote(settings), end="")
    print(f"{len(rows)} runs in {seconds:.1f} s (compilation dominates: one program per optimizer variant and problem).")
    if args.out is not None:
        os.makedirs(args.out, exist_ok=True)
        written = []
        for fmt, filename in (("csv", "tour.csv"), ("markdown", "tour.md")):
            path = os.path.join(args.out, filename)
            with open(path, "w", encoding="utf-8") as f:
                f.write(tour.format_rows(rows, fmt))
                if fmt == "markdown":
                    f.write("\n" + tour.footnote(settings))
            written.append(path)
        print(f"wrote {', '.join(written)}")
    return 0


def _cmd_list(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    del parser
    if args.problems:
        print(problem_table(markdown=args.markdown), end="")
    elif args.markdown:
        print(algorithm_table(), end="")
    else:
        print(optimizer_table(), end="")
    return 0


# ----------------------------------------------------------------------------------------------
# Parser
# ----------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (``--help`` on the command and each subcommand)."""
    parser = argparse.ArgumentParser(
        prog="jaxopt-lectures",
        description="The optimizers of five neural-network optimization lectures as optax transformations.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    tour_parser = sub.add_parser(
        "tour",
        help="run every optimizer and variant on three lecture problems and print a table",
        description=(
            "Run every registered optimizer and every registered variant on L0's quadratic "
            "0.1 x1² + 2 x2², Rosenbrock and Beale. For each, a log-spaced grid of learning rates "
            "runs as one compiled program (jax.vmap over the rate); the table shows the best rate "
            "that did not diverge, the final loss, f − f* and the first step with f − f* ≤ tol."
        ),
    )
    tour_parser.add_argument("--quick", action="store_true", help="8 learning rates × 1000 steps (default: 16 × 5000)")
    tour_parser.add_argument("--out", metavar="DIR", help="also write the table to DIR/tour.csv and DIR/tour.md")
    tour_parser.add_argument("--steps", type=int, metavar="N", help="optimizer steps per run (overrides --quick's)")
    tour_parser.add_argument("--tol", type=float, metavar="TOL", help="tolerance on f − f* (default 1e-6)")
    tour_parser.add_argument("--optimizers", metavar="A,B,...", help="only these registered optimizers (default: all)")
    tour_parser.add_argument("--problems", metavar="P,Q,...", help="these problems instead of the tour's three")
    tour_parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on stderr (default: when stderr is a terminal)",
    )
    tour_parser.set_defaults(handler=_cmd_tour, subparser=tour_parser)

    lst = sub.add_parser(
        "list",
        help="list the registered optimizers (family, lecture, variants, extra args)",
        description="Print every registered optimizer with its family, lecture, variants and needed extra arguments.",
    )
    lst.add_argument("--problems", action="store_true", help="list the registered test problems instead")
    lst.add_argument("--markdown", action="store_true", help="Markdown (the README's algorithm table)")
    lst.set_defaults(handler=_cmd_list, subparser=lst)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (argument errors exit with status 2)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.handler(args, args.subparser)
