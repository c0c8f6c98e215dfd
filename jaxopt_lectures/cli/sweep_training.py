"""``jaxopt-lectures sweep --problem NAME`` on a training problem: :func:`jaxopt_lectures.sweep_fit`.

A training problem (:data:`~jaxopt_lectures.problems.TRAINING_PROBLEMS`, e.g. L3's
``sin_regression``) is a loss over data with a random start; the sweep trains every configuration
for ``--epochs`` epochs on minibatches of ``--batch-size`` (the problem's defaults), ranks them by
the final validation loss and prints them best first. The data come from ``jax.random.key(0)``,
the initial parameters from ``key(1)`` (the L3 figure's keys), the minibatches from ``--seed``.
"""

from __future__ import annotations

import argparse
from typing import Any

from . import sweep_halving, sweep_pbt
from .common import config_text, float_dtype, print_table, run_sweep_call, save_plot

__all__ = ["add_arguments", "check", "run", "setting"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a training problem (ignored, or refused, for a function problem)."""
    parser.add_argument(
        "--epochs", type=int, metavar="N", help="training problems: epochs per configuration (default: the problem's)"
    )
    parser.add_argument(
        "--batch-size", type=int, metavar="B", help="training problems: minibatch size (default: the problem's)"
    )


def check(parser: argparse.ArgumentParser, args: argparse.Namespace, training: bool) -> None:
    """--epochs and --batch-size only with a training problem, each ≥ 1; --steps and --tol only without."""
    if not training:
        for option, value in (("--epochs", args.epochs), ("--batch-size", args.batch_size)):
            if value is not None:
                parser.error(f"{option} applies to training problems ({_names()}); {args.problem} is a function")
        return
    if args.steps is not None:
        parser.error(f"--steps applies to function problems; {args.problem} is a training problem: use --epochs")
    for option, value in (("--epochs", args.epochs), ("--batch-size", args.batch_size)):
        if value is not None and value < 1:
            parser.error(f"{option} must be ≥ 1, got {value}")


def _names() -> str:
    from ..problems import TRAINING_PROBLEMS

    return ", ".join(TRAINING_PROBLEMS)


def setting(args: argparse.Namespace) -> tuple[Any, int, int, Any, Any, Any]:
    """``(problem, epochs, batch_size, dtype, data, validation)`` of a training problem's sweep: the
    options, else the problem's defaults; the data from ``jax.random.key(0)``."""
    import jax

    from ..problems import get_training_problem

    problem = get_training_problem(args.problem.strip())
    epochs = problem.epochs if args.epochs is None else args.epochs
    batch_size = problem.batch_size if args.batch_size is None else args.batch_size
    dtype = float_dtype()
    return (problem, epochs, batch_size, dtype, *problem.data(jax.random.key(0), dtype))


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, spec: Any, grid: dict[str, Any],
        product: bool, num_configs: int) -> int:  # fmt: skip
    """Train every configuration of ``grid`` (checked by the caller) on the training problem ``args.problem``."""
    import jax
    import numpy as np

    from ..sweeps import sweep_fit

    pbt = sweep_pbt.settings(args, parser)  # None without --pbt; checked before any data are drawn
    problem, epochs, batch_size, dtype, data, validation = setting(args)
    params = problem.init_params(jax.random.key(1), dtype)
    status = f"{problem.name}: {spec.name}, {num_configs} configurations × {epochs} epochs (one compiled program)…"
    result, seconds = run_sweep_call(parser, args, status, lambda: sweep_fit(
        spec.make, grid, problem.loss_fn, params, data, epochs=epochs, batch_size=batch_size,
        key=jax.random.key(args.seed), sampling=problem.sampling, product=product, validation_data=validation,
        pbt=pbt, **sweep_halving.options(args)))

    print_table(result.table(sort=True), args.top)
    n, num_diverged = len(result.final_values), int(np.sum(result.diverged))
    if num_diverged < n:
        best = result.best()
        floor = "" if problem.loss_floor is None else f"; noise floor {problem.loss_floor:.4g}"
        which = "final loss" if validation is None else "final validation loss"
        print(f"best: {config_text(best.config)} (lowest {which} {best.final_value:.6g}{floor})")
        if pbt is not None:
            print(sweep_pbt.summary(result))
    else:
        print("best: none (every configuration diverged)")
    print(f"diverged: {num_diverged} of {n} configurations")
    if sweep_halving.summary(result):
        print(sweep_halving.summary(result))
    print(
        f"{spec.name} on {problem.name}, {epochs} epochs of batches of {batch_size} from seed {args.seed}, "
        f"{np.dtype(dtype).name}; other parameters: registry defaults; {result.num_programs} compiled program(s), "
        f"{seconds:.1f} s."
    )
    if args.plot is None:
        return 0
    from .. import plotting

    title = f"{spec.name} on {problem.name}"
    if args.halving is not None:
        return save_plot(lambda: sweep_halving.plot(result, title, args.plot), args.plot)
    if pbt is not None:
        return save_plot(lambda: plotting.plot_pbt_schedules(result, title=title, path=args.plot), args.plot)
    keys = list(grid)
    if args.sample and args.seeds is None:  # random search: the final loss at each draw of the sampled parameter
        return save_plot(lambda: plotting.plot_sweep(result, x=args.sampled[0], title=title, path=args.plot), args.plot)
    if len(keys) == 1:
        return save_plot(lambda: plotting.plot_sweep(result, title=title, path=args.plot), args.plot)
    return save_plot(
        lambda: plotting.plot_sweep_heatmap(result, keys[0], keys[1], title=title, path=args.plot), args.plot
    )
