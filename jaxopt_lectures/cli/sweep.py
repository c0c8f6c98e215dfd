"""``jaxopt-lectures sweep``: one optimizer over a grid of its hyperparameters on one problem, as
one compiled program (:func:`jaxopt_lectures.sweep`), with the ``--param`` grammar
(:func:`parse_param`) and random search's ``--sample`` grammar (:func:`parse_sample`; Bergstra &
Bengio 2012, :mod:`jaxopt_lectures.sweeps.distributions`). The grid's names are checked against the factory's keyword arguments as the
registry lists them (:attr:`~jaxopt_lectures.registry.OptimizerSpec.parameters`).
"""

from __future__ import annotations

import argparse
import itertools
import math
from typing import Any

from .. import registry
from . import sweep_halving, sweep_pbt, sweep_seeds, sweep_training
from .common import (
    add_run_options, check_common, check_residuals, config_text, float_dtype, names_option, one_problem,
    print_table, run_sweep_call, save_plot,
)  # fmt: skip

__all__ = ["ALIASES", "PARAM_FORMS", "SAMPLE_FORMS", "add_parser", "parse_param", "parse_sample", "parse_value", "run"]

PARAM_FORMS = (
    "NAME=LO:HI:N[:lin|:log] (N ≥ 1 values from LO to HI, evenly or log-spaced; log needs LO, HI > 0) "
    "or NAME=V1,V2,... (numbers, true/false, none or words, e.g. variant=rprop-,irprop+)"
)
SAMPLE_FORMS = (
    "NAME=uniform:LO:HI, NAME=log_uniform:LO:HI (0 < LO < HI) or NAME=choice:V1,V2,... "
    "(--samples N draws of each, from --seed)"
)
#: Short names ``--param`` and ``--sample`` accept for a factory's keyword arguments.
ALIASES = {"lr": "learning_rate"}


def parse_value(text: str) -> Any:
    """``"3"`` → 3, ``"0.1"`` → 0.1, ``"true"`` → True, ``"none"`` → None, anything else the string."""
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def parse_param(text: str, valid: dict[str, Any] | None = None) -> tuple[str, list[Any]]:
    """One ``--param`` spec → ``(name, values)``; ``ValueError`` when it is malformed or unknown.

    ``NAME=LO:HI:N[:lin|:log]`` gives N evenly (default) or log-spaced floats from LO to HI;
    ``NAME=V1,V2,...`` the listed values (int, float, true/false, none, else the string). ``lr``
    stands for ``learning_rate``. With ``valid`` (parameter → default value) the name is checked,
    integers become floats where the default is a float, and a range of whole numbers becomes
    integers where the default is an integer (``memory_size=5:20:4``).
    """
    name, sep, spec = text.partition("=")
    name = ALIASES.get(name.strip(), name.strip())
    if not sep or not name.isidentifier() or not spec.strip():
        raise ValueError(f"--param {text!r} is malformed; accepted forms: {PARAM_FORMS}")
    if valid is not None and name not in valid:
        aliases = {v: k for k, v in ALIASES.items()}
        listed = ", ".join(f"{n} (alias {aliases[n]})" if n in aliases else n for n in valid)
        raise ValueError(f"--param {text!r}: unknown parameter {name!r}; valid: {listed}")
    default = None if valid is None else valid[name]
    numeric_default = isinstance(default, (int, float)) and not isinstance(default, bool)
    if ":" in spec:
        parts = [p.strip() for p in spec.split(":")]
        spacing = parts.pop() if len(parts) == 4 else "lin"
        try:
            if len(parts) != 3 or spacing not in ("lin", "log"):
                raise ValueError
            lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
        except ValueError:
            raise ValueError(f"--param {text!r} is malformed; accepted forms: {PARAM_FORMS}") from None
        if n < 1 or not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"--param {text!r}: N must be an integer ≥ 1 and LO, HI finite; accepted forms: {PARAM_FORMS}")
        if spacing == "log" and not (lo > 0 and hi > 0):
            raise ValueError(f"--param {text!r}: log spacing needs LO > 0 and HI > 0; accepted forms: {PARAM_FORMS}")
        if n == 1:
            values = [lo]
        elif spacing == "log":
            values = [math.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * i / (n - 1)) for i in range(n)]
            values[-1] = hi
        else:
            values = [lo + (hi - lo) * i / (n - 1) for i in range(n)]
            values[-1] = hi
        if numeric_default and isinstance(default, int) and all(float(v).is_integer() for v in values):
            values = [int(v) for v in values]
        return name, values
    items = [p.strip() for p in spec.split(",")]
    if not all(items):
        raise ValueError(f"--param {text!r} has an empty value; accepted forms: {PARAM_FORMS}")
    values = [parse_value(p) for p in items]
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    if numbers and (any(isinstance(v, float) for v in values) or isinstance(default, float)):
        values = [float(v) for v in values]  # one float array: traced, one compiled program
    return name, values


def parse_sample(text: str, valid: dict[str, Any] | None = None) -> tuple[str, Any]:
    """One ``--sample`` spec → ``(name, distribution)``; ``ValueError`` when malformed or unknown.

    ``NAME=uniform:LO:HI`` and ``NAME=log_uniform:LO:HI`` give :func:`~jaxopt_lectures.uniform` and
    :func:`~jaxopt_lectures.log_uniform`; ``NAME=choice:V1,V2,...`` gives
    :func:`~jaxopt_lectures.choice` of the values as ``--param NAME=V1,V2,...`` reads them. Names as
    in :func:`parse_param`.
    """
    from ..sweeps import distributions

    name, sep, spec = text.partition("=")
    kind, colon, rest = spec.strip().partition(":")
    if not sep or not colon or kind not in ("uniform", "log_uniform", "choice") or not rest.strip():
        raise ValueError(f"--sample {text!r} is malformed; accepted forms: {SAMPLE_FORMS}")
    if kind == "choice":
        try:
            name, values = parse_param(f"{name}={rest}", valid)
        except ValueError as err:
            raise ValueError(str(err).replace("--param", "--sample", 1).split("; accepted forms")[0]
                             + f"; accepted forms: {SAMPLE_FORMS}") from None  # fmt: skip
        return name, distributions.choice(values)
    parts = [p.strip() for p in rest.split(":")]
    try:
        if len(parts) != 2:
            raise ValueError
        lo, hi = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"--sample {text!r} is malformed; accepted forms: {SAMPLE_FORMS}") from None
    name, _ = parse_param(f"{name}=0", valid)  # the name's checks and aliases
    make = distributions.log_uniform if kind == "log_uniform" else distributions.uniform
    try:
        return name, make(lo, hi)
    except ValueError as err:
        raise ValueError(f"--sample {text!r}: {err}; accepted forms: {SAMPLE_FORMS}") from None


def _grid_configs(grid: dict[str, list[Any]], product: bool) -> list[dict[str, Any]]:
    """The configurations ``sweep`` will run (for deciding which extra arguments they need)."""
    columns = itertools.product(*grid.values()) if product else zip(*grid.values(), strict=True)
    return [dict(zip(grid, values, strict=True)) for values in columns]


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import jax.numpy as jnp
    import numpy as np

    import jax

    from ..sweeps import sample_grid, sweep

    name = names_option(parser, "--optimizer", args.optimizer, registry.names())
    if len(name) != 1:
        parser.error(f"--optimizer takes one name, got {len(name)}: {', '.join(name)}")
    spec = registry.get(name[0])
    from ..problems import TRAINING_PROBLEMS

    training = args.problem.strip() in TRAINING_PROBLEMS
    sweep_training.check(parser, args, training)
    sweep_halving.check(parser, args, training)
    sweep_pbt.check(parser, args, training)
    sweep_seeds.check(parser, args, training)
    given = {"--seeds": args.seeds is not None, "--halving": args.halving is not None, "--pbt": args.pbt}
    searches = [option for option, on in given.items() if on]
    if len(searches) > 1:
        parser.error(f"{' and '.join(searches)} cannot be combined yet: give one of them")
    problem = None if training else one_problem(parser, args.problem, also=list(TRAINING_PROBLEMS))
    if not training and args.steps is None:
        args.steps = 1000
    if not args.tol >= 0:
        parser.error(f"--tol must be ≥ 0, got {args.tol}")
    if args.top is not None and args.top < 1:
        parser.error(f"--top must be ≥ 1, got {args.top}")
    valid = spec.parameters
    grid: dict[str, list[Any]] = {}
    for text in args.param:
        try:
            key, values = parse_param(text, valid)
        except ValueError as err:
            parser.error(f"{spec.name}: {err}")
        if key in grid:
            parser.error(f"--param {key} is given twice" + (" (lr stands for learning_rate)" if key == "learning_rate" else ""))
        grid[key] = values
    for text in args.sample:
        try:
            key, dist = parse_sample(text, valid)
        except ValueError as err:
            parser.error(f"{spec.name}: {err}")
        if key in grid:
            parser.error(f"{key} is given twice (--param and --sample name one parameter each)")
        grid[key] = dist
    args.sampled = [k for k, v in grid.items() if not isinstance(v, list)]  # the --sample names, in order
    if not grid:
        parser.error("give at least one --param or --sample")
    if args.sample and args.samples is None:
        parser.error("--sample needs --samples N (the number of draws, N ≥ 1)")
    if args.samples is not None and not args.sample:
        parser.error("--samples is given without --sample")
    if args.samples is not None and args.samples < 1:
        parser.error(f"--samples must be ≥ 1, got {args.samples}")
    searched = args.seeds is not None or args.pbt or args.halving is not None  # they draw their own figures
    if args.sample and args.plot is not None and not searched:  # final loss against the one sampled parameter
        if len(args.sampled) != 1:
            parser.error(f"--plot with --sample draws the final loss against one sampled parameter; got "
                         f"{len(args.sampled)}: {', '.join(args.sampled)}")  # fmt: skip
        values = getattr(grid[args.sampled[0]], "values", (0.0,))  # choice(...) lists its values
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            parser.error(f"--plot needs numeric parameters; {args.sampled[0]} is not")
    if args.seed < 0:
        parser.error(f"--seed must be ≥ 0, got {args.seed}")
    if args.plot is not None and not searched and not args.sample:
        if len(grid) not in (1, 2):
            parser.error(f"--plot takes 1 or 2 parameters (a curve or a heatmap); got {len(grid)}: {', '.join(grid)}")
        words = [k for k, vs in grid.items() if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vs)]
        if words:
            parser.error(f"--plot needs numeric parameters; {', '.join(words)} is not")
    if args.zip and not args.sample and len({len(values) for values in grid.values()}) > 1:
        lengths = ", ".join(f"{k}: {len(vs)}" for k, vs in grid.items())
        parser.error(f"--zip pairs the parameters' values, so they need the same number of values; got {lengths}")
    if training:
        args.steps = 1  # check_common's --steps check does not apply: --epochs does
    check_common(parser, args)
    if args.sample:  # random search: draw once, then sweep the drawn rows as zipped columns
        try:
            columns = sample_grid(grid, args.samples, jax.random.key(args.seed), not args.zip)
        except (TypeError, ValueError) as err:
            parser.error(str(err).replace("product=False", "--zip"))
        n_rows = len(next(iter(columns.values())))
        configs = [{k: col[i].item() if hasattr(col[i], "item") else col[i] for k, col in columns.items()}
                   for i in range(n_rows)]  # fmt: skip
        grid, product = columns, False
    else:
        configs = _grid_configs(grid, not args.zip)
        product = not args.zip
    if training and args.seeds is not None:  # several seeds per configuration: cli/sweep_seeds.py
        return sweep_seeds.run(args, parser, spec, grid, product, len(configs))
    if training:
        return sweep_training.run(args, parser, spec, grid, product, len(configs))
    residuals = any(spec.driver_for(**c) == "least_squares" for c in configs)
    if residuals:
        check_residuals(parser, problem, spec.name)

    x0 = jnp.asarray(problem.x0, float_dtype())
    status = f"{problem.name}: {spec.name}, {len(configs)} configurations × {args.steps} steps (one compiled program)…"
    residual_fn = problem.residual_fn if residuals else None
    result, seconds = run_sweep_call(parser, args, status, lambda: sweep(
        spec.make, grid, problem.fun, x0, steps=args.steps, product=product, residual_fn=residual_fn))

    print_table(result.table(sort=True), args.top)
    n = len(result.final_values)
    num_diverged = int(np.sum(result.diverged))
    if num_diverged < n:
        best = result.best()
        print(f"best: {config_text(best.config)} (lowest final loss {best.final_value:.8g}; f* = {problem.f_star:g})")
    else:
        print("best: none (every configuration diverged)")
    steps_to = result.steps_to(problem.f_star + args.tol)
    reached = ~np.asarray(result.diverged) & np.isfinite(steps_to)
    if reached.any():
        i = int(np.flatnonzero(reached)[np.argmin(steps_to[reached])])
        print(f"fastest to f − f* ≤ {args.tol:g}: {config_text(result.config(i))} ({int(steps_to[i])} steps)")
    else:
        print(f"fastest to f − f* ≤ {args.tol:g}: none within {args.steps} steps")
    print(f"diverged: {num_diverged} of {n} configurations")
    dtype = x0.dtype.name
    drawn = f"{args.samples} draws of {', '.join(args.sample)} from seed {args.seed}; " if args.sample else ""
    print(
        f"{spec.name} on {problem.name}, {args.steps} steps from x0, {dtype}; {drawn}other parameters: registry "
        f"defaults; {result.num_programs} compiled program(s), {seconds:.1f} s."
    )
    if args.plot is None:
        return 0
    from .. import plotting

    title = f"{spec.name} on {problem.name}"
    keys = list(grid)
    if args.sample:  # random search: the final loss at each draw of the sampled parameter
        return save_plot(lambda: plotting.plot_sweep(result, x=args.sampled[0], title=title, path=args.plot), args.plot)
    if len(keys) == 1:
        return save_plot(lambda: plotting.plot_sweep(result, title=title, path=args.plot), args.plot)
    return save_plot(
        lambda: plotting.plot_sweep_heatmap(result, keys[0], keys[1], title=title, path=args.plot), args.plot
    )


def add_parser(sub: Any) -> None:
    """Add ``sweep`` to ``sub`` (the parser's ``add_subparsers()`` action)."""
    sweep_parser = sub.add_parser(
        "sweep",
        help="run one optimizer over a grid of its hyperparameters on one problem",
        description=(
            "Run one optimizer for --steps steps from the problem's start x0 with every "
            "configuration of a hyperparameter grid, as one compiled program (jaxopt_lectures.sweep), "
            "and print the final loss of each (best first, diverged last), the best configuration "
            "and how many diverged. Parameters not swept keep their registry defaults. Exit status 2 "
            "for argument errors (unknown names, malformed --param, a bad grid), 1 if --plot is "
            "given and matplotlib is not installed."
        ),
        epilog=(
            "--param forms: NAME=LO:HI:N[:lin|:log] (N ≥ 1 values from LO to HI, evenly spaced by default; "
            "log needs LO, HI > 0), or NAME=V1,V2,... (numbers, true/false, none, or words). "
            "lr stands for learning_rate. Examples: --param lr=1e-4:1:32:log, --param beta=0,0.5,0.9, "
            "--param variant=rprop-,irprop+. Random search (Bergstra & Bengio 2012): --sample forms "
            f"{SAMPLE_FORMS}; e.g. --sample lr=log_uniform:1e-4:1e-1 --samples 32 --seed 0. The draws form "
            "--samples rows, combined with the --param values by their product (or zipped with --zip)."
        ),
    )
    sweep_parser.add_argument("--optimizer", required=True, metavar="NAME", help="a registered optimizer (list)")
    sweep_parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="SPEC",
        help="a swept keyword of the optimizer's factory (repeat for a grid; forms below)",
    )
    sweep_parser.add_argument(
        "--sample",
        action="append",
        default=[],
        metavar="SPEC",
        help="a keyword drawn at random: NAME=uniform:LO:HI, NAME=log_uniform:LO:HI or NAME=choice:V1,V2,...",
    )
    sweep_parser.add_argument("--samples", type=int, metavar="N", help="draws of each --sample (N ≥ 1)")
    sweep_parser.add_argument(
        "--seed", type=int, default=0, metavar="S",
        help="the draws' jax.random.key, and on training problems the minibatches' (default 0)",
    )  # fmt: skip
    sweep_parser.add_argument(
        "--problem", required=True, metavar="NAME",
        help="a registered problem (list --problems), or a training problem (sin_regression: sweep_fit)",
    )  # fmt: skip
    sweep_parser.add_argument(
        "--steps", type=int, metavar="N", help="function problems: steps per configuration (default 1000)"
    )
    sweep_training.add_arguments(sweep_parser)
    sweep_halving.add_arguments(sweep_parser)
    sweep_pbt.add_arguments(sweep_parser)
    sweep_seeds.add_arguments(sweep_parser)
    sweep_parser.add_argument(
        "--zip", action="store_true", help="pair the parameters' values (equal lengths) instead of their product"
    )
    sweep_parser.add_argument(
        "--tol", type=float, default=1e-6, metavar="TOL", help="report the fewest steps to f − f* ≤ TOL (default 1e-6)"
    )
    sweep_parser.add_argument("--top", type=int, metavar="K", help="print only the best K configurations")
    add_run_options(sweep_parser, "final loss vs one parameter, or a heatmap over two")
    sweep_parser.set_defaults(handler=run, subparser=sweep_parser)
