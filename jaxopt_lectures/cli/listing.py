"""``jaxopt-lectures list``: the registered optimizers (defaults, variants), or the test problems."""

from __future__ import annotations

import argparse
from typing import Any

from .tables import algorithm_table, optimizer_table, problem_table

__all__ = ["NOTE", "add_parser", "run"]

#: Printed under the optimizer table: how to read it and how to name a variant.
NOTE = (
    "An optimizer's row gives its registry defaults; each variant below it the keyword arguments it sets over\n"
    "them ('+ value': an extra argument it adds). compare and tour run a variant as NAME:VARIANT, e.g.\n"
    "--optimizers adam:eps_in_sqrt,rprop:irprop+,lbfgs.\n"
)


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    del parser
    if args.problems:
        print(problem_table(markdown=args.markdown), end="")
    elif args.markdown:
        print(algorithm_table(), end="")
    else:
        print(optimizer_table(), end="")
        print()
        print(NOTE, end="")
    return 0


def add_parser(sub: Any) -> None:
    """Add ``list`` to ``sub`` (the parser's ``add_subparsers()`` action)."""
    lst = sub.add_parser(
        "list",
        help="list the registered optimizers (family, lecture, defaults, variants, extra args)",
        description=(
            "Print every registered optimizer with its family, lecture, registry defaults and needed extra "
            "arguments, and under it each lecture variant with the keyword arguments it sets (run one with "
            "compare or tour as NAME:VARIANT)."
        ),
    )
    lst.add_argument("--problems", action="store_true", help="list the registered test problems instead")
    lst.add_argument("--markdown", action="store_true", help="Markdown (the README's algorithm table)")
    lst.set_defaults(handler=run, subparser=lst)
