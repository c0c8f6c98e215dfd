"""``jaxopt-lectures sweep --seeds K`` on a training problem: every configuration with K seeds.

:func:`jaxopt_lectures.sweep_fit` with ``seeds=K`` (:mod:`jaxopt_lectures.sweeps.seeds`): seed s
draws its initial parameters (the problem's ``init_params``) and its minibatches from
``jax.random.fold_in(jax.random.key(--seed), s)``; all K·n runs are one compiled program. The table
gives, per configuration, the mean, standard deviation, min and max over seeds of the final
validation loss, ranked by the mean; ``--plot`` draws each configuration's mean validation loss
per epoch with a ±1 standard deviation band (:func:`~jaxopt_lectures.plotting.plot_seeds`).
Function problems start from their fixed x0 (a deterministic run), so ``--seeds`` is refused there.
"""

from __future__ import annotations

import argparse
from typing import Any

from .common import config_text, print_table, run_sweep_call, save_plot
from .sweep_training import setting

__all__ = ["add_arguments", "check", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--seeds K``."""
    parser.add_argument(
        "--seeds", type=int, metavar="K",
        help="training problems: run every configuration with K seeds (initial parameters and minibatch order)",
    )  # fmt: skip


def check(parser: argparse.ArgumentParser, args: argparse.Namespace, training: bool) -> None:
    """--seeds ≥ 1, and only on a training problem."""
    if args.seeds is None:
        return
    if args.seeds < 1:
        parser.error(f"--seeds must be ≥ 1, got {args.seeds}")
    if not training:
        parser.error(f"--seeds applies to training problems (a random start per seed); {args.problem} is a "
                     "function with a fixed start x0")  # fmt: skip


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, spec: Any, grid: dict[str, Any],
        product: bool, num_configs: int) -> int:  # fmt: skip
    """Train every configuration of ``grid`` with ``args.seeds`` seeds on the training problem ``args.problem``."""
    import jax
    import numpy as np

    from ..sweeps import sweep_fit

    problem, epochs, batch_size, dtype, data, validation = setting(args)
    status = (f"{problem.name}: {spec.name}, {num_configs} configurations × {args.seeds} seeds × {epochs} epochs "
              "(one compiled program)…")
    result, seconds = run_sweep_call(parser, args, status, lambda: sweep_fit(
        spec.make, grid, problem.loss_fn, None, data, epochs=epochs, batch_size=batch_size,
        key=jax.random.key(args.seed), sampling=problem.sampling, product=product, validation_data=validation,
        seeds=args.seeds, init_params=lambda key: problem.init_params(key, dtype)))

    print_table(result.table(sort=True), args.top)
    n, num_diverged = len(result.final_values), int(np.sum(result.config_diverged))
    if num_diverged < n:
        best = result.best()
        floor = "" if problem.loss_floor is None else f"; noise floor {problem.loss_floor:.4g}"
        print(f"best: {config_text(best.config)} (lowest mean final validation loss over {args.seeds} seeds "
              f"{best.final_value:.6g}{floor})")  # fmt: skip
    else:
        print("best: none (every configuration has a diverged seed)")
    print(f"diverged: {num_diverged} of {n} configurations (with at least one diverged seed)")
    print(
        f"{spec.name} on {problem.name}, {epochs} epochs of batches of {batch_size}, {args.seeds} seeds "
        f"fold_in(key({args.seed}), s), {np.dtype(dtype).name}; other parameters: registry defaults; "
        f"{result.num_programs} compiled program(s), {seconds:.1f} s."
    )
    if args.plot is None:
        return 0
    from .. import plotting

    title = f"{spec.name} on {problem.name}: validation loss over {args.seeds} seeds"
    return save_plot(lambda: plotting.plot_seeds(result, on="val", title=title, path=args.plot), args.plot)
