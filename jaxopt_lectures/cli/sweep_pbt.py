"""``jaxopt-lectures sweep --pbt``: population-based training on a training problem (issue 16, item 6).

The swept configurations are the initial population of :func:`jaxopt_lectures.sweep_fit` with
``pbt=jl.PBT(...)`` (Jaderberg et al. 2017, :mod:`jaxopt_lectures.sweeps.pbt`): every
``--pbt-interval`` epochs the worst ``--pbt-quantile`` of the members copy a member of the best
quantile and multiply its float hyperparameters by one of ``--pbt-factors`` (or, with probability
``--pbt-resample``, redraw them from the initial values). PBT's key is
``fold_in(key(--seed), 1)`` (the minibatches use ``key(--seed)``). The table lists each member's
final hyperparameters; the best member's schedule is printed after it, and ``--plot`` draws every
member's schedule (:func:`jaxopt_lectures.plotting.plot_pbt_schedules`).
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["add_arguments", "check", "settings", "summary"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--pbt`` and its options."""
    parser.add_argument("--pbt", action="store_true",
                        help="training problems: population-based training from the swept configurations")  # fmt: skip
    parser.add_argument("--pbt-interval", type=int, default=1, metavar="E",
                        help="--pbt: epochs between exploit steps (default 1)")  # fmt: skip
    parser.add_argument("--pbt-quantile", type=float, default=0.25, metavar="Q",
                        help="--pbt: the fraction copied over, and from, in (0, 0.5] (default 0.25)")  # fmt: skip
    parser.add_argument("--pbt-factors", default="0.8,1.25", metavar="F1,F2,...",
                        help="--pbt: explore multipliers, each equally likely (default 0.8,1.25)")  # fmt: skip
    parser.add_argument("--pbt-resample", type=float, default=0.0, metavar="P",
                        help="--pbt: chance of redrawing a value from the initial ones instead (default 0)")


def check(parser: argparse.ArgumentParser, args: argparse.Namespace, training: bool) -> None:
    """--pbt only on a training problem; the --pbt-* options only with --pbt (values: :func:`settings`)."""
    defaults = {"interval": 1, "quantile": 0.25, "factors": "0.8,1.25", "resample": 0.0}
    given = [f"--pbt-{k}" for k, d in defaults.items() if getattr(args, f"pbt_{k}") != d]
    if given and not args.pbt:
        parser.error(f"{given[0]} is given without --pbt")
    if args.pbt and not training:
        parser.error(f"--pbt applies to training problems (population-based training with sweep_fit); "
                     f"{args.problem} is a function")  # fmt: skip


def settings(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Any:
    """The ``jl.PBT`` of the options (None without ``--pbt``); a bad value exits with status 2."""
    if not args.pbt:
        return None
    import jax

    from ..sweeps import PBT

    try:
        factors = tuple(float(f) for f in args.pbt_factors.split(","))
    except ValueError:
        parser.error(f"--pbt-factors must be numbers separated by commas, e.g. 0.8,1.25; got {args.pbt_factors!r}")
    try:
        return PBT(interval=args.pbt_interval, key=jax.random.fold_in(jax.random.key(args.seed), 1),
                   quantile=args.pbt_quantile, factors=factors, resample_probability=args.pbt_resample)  # fmt: skip
    except (TypeError, ValueError) as err:
        parser.error(str(err).replace("PBT ", "--pbt-").replace("resample_probability", "resample"))


def summary(result: Any) -> str:
    """The best member's schedule of each swept float, at up to 8 epochs, and its lineage count."""
    import numpy as np

    best = result.best().index
    epochs = result.values.shape[1]
    marks = sorted({0, epochs - 1, *np.unique(np.geomspace(1, max(epochs - 1, 1), 6).astype(int)).tolist()})
    lines = []
    for name, schedule in result.schedules.items():
        if np.asarray(schedule).dtype.kind == "f":
            lines.append(f"PBT schedule of member {best} (epoch: {name}): "
                         + ", ".join(f"{e}: {schedule[best, e]:.4g}" for e in marks))  # fmt: skip
    copies = int(np.sum(result.lineage != np.arange(result.lineage.shape[0])[:, None]))
    lines.append(f"PBT: {result.lineage.shape[1]} intervals of {result.interval} epoch(s), {copies} copies")
    return "\n".join(lines)
