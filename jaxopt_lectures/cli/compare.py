"""``jaxopt-lectures compare``: several optimizers (or variants, ``NAME:VARIANT``) on one problem.

Each runs from the problem's start until ‖∇f‖ ≤ gtol or ``--steps`` steps in the loop its
registry entry names (:meth:`~jaxopt_lectures.registry.OptimizerSpec.driver_for`:
:func:`~jaxopt_lectures.minimize`, or :func:`~jaxopt_lectures.least_squares` on the residuals),
and prints one row each: steps, f, f − f*, ‖∇f‖, the stop reason.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any

from .. import registry
from ..table import text_table
from .common import (
    add_run_options, check_common, check_residuals, choice_label, clear_progress, float_dtype, one_problem,
    optimizer_choices, progress_printer, save_plot,
)  # fmt: skip

__all__ = ["add_parser", "run"]


def _num(x: float, fmt: str) -> str:
    return format(x, fmt) if math.isfinite(x) else str(x)


def _build(choices, args: argparse.Namespace, parser: argparse.ArgumentParser, problem) -> tuple[list, list[str]]:
    """``[(label, optimizer, driver)]`` for the ``--optimizers`` choices, and the labels ``--lr`` does not apply to."""
    runs, no_lr = [], []
    for name, variant in choices:
        spec, label = registry.get(name), choice_label(name, variant)
        overrides = {}
        if args.lr is not None:
            if spec.learning_rate_arg is None:
                no_lr.append(label)
            else:
                overrides[spec.learning_rate_arg] = args.lr
        try:
            opt = spec.make_variant(variant, **overrides)
        except (TypeError, ValueError) as err:
            parser.error(f"{label}: {err}")
        driver = spec.driver_for(**spec.variant_kwargs(variant, **overrides))
        if driver == "least_squares":
            check_residuals(parser, problem, label)
        runs.append((label, opt, driver))
    return runs, no_lr


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import jax
    import jax.numpy as jnp

    from ..solve import least_squares, minimize

    choices = optimizer_choices(parser, "--optimizers", args.optimizers)
    problem = one_problem(parser, args.problem)
    check_common(parser, args)
    if not args.gtol >= 0:
        parser.error(f"--gtol must be ≥ 0, got {args.gtol}")
    runs, no_lr = _build(choices, args, parser, problem)
    loops = {"minimize": minimize, "least_squares": least_squares}  # registry.DRIVERS

    x0 = jnp.asarray(problem.x0, float_dtype())
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    show = progress_printer(progress)
    results, rows = {}, []
    start = time.perf_counter()
    for i, (label, opt, driver) in enumerate(runs):
        if show is not None:
            show(f"[{i + 1}/{len(runs)}] {problem.name}: {label}")
        loop = loops[driver]
        target = problem.residual_fn if driver == "least_squares" else problem.fun

        def one(x, loop=loop, target=target, opt=opt):
            return loop(target, x, opt, max_steps=args.steps, gtol=args.gtol, record=True)

        result = jax.jit(one)(x0)
        results[label] = result
        value = float(result.value)
        rows.append((
            label,
            str(int(result.num_steps)),
            _num(value, ".8g"),
            _num(value - problem.f_star, ".3e"),
            _num(float(result.grad_norm), ".3e"),
            result.reason_name,
        ))
    seconds = time.perf_counter() - start
    clear_progress(progress)

    print(text_table(("optimizer", "steps", "final f", "f − f*", "‖∇f‖", "stop reason"), rows), end="")
    print()
    print(
        f"{problem.name} from x0 = ({', '.join(f'{v:g}' for v in problem.x0)}), f* = {problem.f_star:g}; "
        f"at most {args.steps} steps, gtol = {args.gtol:g}, {x0.dtype.name}; registry defaults"
        + (" (NAME:VARIANT: the variant's keyword arguments over them)" if any(":" in r[0] for r in runs) else "")
        + (f" with learning rate {args.lr:g}" if args.lr is not None else "")
        + "."
    )
    if no_lr:
        print(f"--lr does not apply to {', '.join(no_lr)} (no learning rate).")
    lsq = [label for label, _, driver in runs if driver == "least_squares"]
    if lsq:
        print(f"{', '.join(lsq)}: least_squares on the residuals (f = ½‖r‖²).")
    print(f"{len(runs)} runs in {seconds:.1f} s (compilation included).")
    return 0 if args.plot is None else _plot(args, problem, results)


def _plot(args: argparse.Namespace, problem, results: dict[str, Any]) -> int:
    from .. import plotting

    title = f"{problem.name} ({args.steps} steps at most)"
    if problem.dim == 2:
        return save_plot(lambda: plotting.plot_trajectories(problem, results, title=title, path=args.plot), args.plot)
    gap = problem.kind == "minimum"  # f − f* on a log axis; a saddle's f − f* goes negative
    return save_plot(
        lambda: plotting.plot_loss_curves(
            results, f_star=problem.f_star if gap else None, log=gap, title=title, path=args.plot
        ),
        args.plot,
    )


def add_parser(sub: Any) -> None:
    """Add ``compare`` to ``sub`` (the parser's ``add_subparsers()`` action)."""
    cmp_parser = sub.add_parser(
        "compare",
        help="run several optimizers on one problem and print a table (optionally a plot)",
        description=(
            "Run each optimizer with its registry defaults (NAME:VARIANT: with that lecture variant's keyword "
            "arguments over them; list shows them) from the problem's start x0 until "
            "‖∇f‖ ≤ gtol or --steps steps (minimize; optimizers that need the residuals run "
            "least_squares on f = ½‖r‖²) and print one row each: steps taken, final f, f − f*, "
            "‖∇f‖ and the stop reason (gtol, max_steps or diverged). Exit status 2 for argument "
            "errors (unknown names or variants, a least-squares optimizer on a problem without residuals), "
            "1 if --plot is given and matplotlib is not installed."
        ),
    )
    cmp_parser.add_argument("--problem", required=True, metavar="NAME", help="a registered problem (list --problems)")
    cmp_parser.add_argument(
        "--optimizers", required=True, metavar="A,B:VARIANT,...",
        help="registered optimizers, NAME or NAME:VARIANT (list shows both)",
    )  # fmt: skip
    cmp_parser.add_argument("--steps", type=int, default=1000, metavar="N", help="most steps per run (default 1000)")
    cmp_parser.add_argument("--gtol", type=float, default=1e-6, metavar="TOL", help="stop at ‖∇f‖ ≤ TOL (default 1e-6)")
    cmp_parser.add_argument("--lr", type=float, metavar="LR", help="learning rate of the optimizers that have one")
    add_run_options(cmp_parser, "trajectories on the contours of a 2-D problem, else loss curves")
    cmp_parser.set_defaults(handler=run, subparser=cmp_parser)
