"""The ``jaxopt-lectures`` command (also ``python -m jaxopt_lectures``).

    jaxopt-lectures tour [--quick] [--out DIR]   every lecture figure and worked example (one table of
        lecture claim | computed | agrees?, figures saved to DIR, default ./tour), then every
        optimizer on three lecture problems
    jaxopt-lectures list [--problems] [--markdown]   the registered optimizers (or problems)
    jaxopt-lectures compare --problem P --optimizers A,B,... [--steps N] [--lr LR] [--plot FILE]
        several optimizers (registry defaults) on one problem: steps, f, f − f*, ‖∇f‖, stop reason
    jaxopt-lectures sweep --optimizer A --param lr=1e-4:1:32:log [--param ...] --problem P [--plot FILE]
        one optimizer over a grid of its hyperparameters, one compiled program (``sweep``)

This is the only module that parses arguments; the work is done by :mod:`jaxopt_lectures.tour`,
:mod:`jaxopt_lectures.figures`,
:mod:`jaxopt_lectures.registry`, :mod:`jaxopt_lectures.problems`, :mod:`jaxopt_lectures.solve`
(``compare``), :mod:`jaxopt_lectures.sweeps` (``sweep``) and :mod:`jaxopt_lectures.plotting`
(``--plot``). Errors in the arguments (unknown subcommands, unknown optimizer, problem or
parameter names, a malformed ``--param``, a least-squares optimizer on a problem without
residuals) exit with status 2 and list the valid choices; ``--plot`` without matplotlib exits
with status 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import itertools
import math
import sys
import time
from collections.abc import Sequence
from typing import Any

from . import __version__, registry, tour
from .table import markdown_table, text_table
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
    from .figures import EXAMPLES, claims_table

    optimizers = _names(parser, "--optimizers", args.optimizers, registry.names())
    problems = _names(parser, "--problems", args.problems, list(PROBLEMS))
    examples = _names(parser, "--examples", args.examples, list(EXAMPLES))
    settings = tour.QUICK if args.quick else tour.FULL
    overrides = {k: v for k, v in (("num_steps", args.steps), ("tol", args.tol)) if v is not None}
    if args.steps is not None and args.steps < 1:
        parser.error(f"--steps must be ≥ 1, got {args.steps}")
    if args.tol is not None and not args.tol >= 0:
        parser.error(f"--tol must be ≥ 0, got {args.tol}")
    if args.dpi is not None and not 10 <= args.dpi <= 600:
        parser.error(f"--dpi must be in [10, 600], got {args.dpi}")
    settings = dataclasses.replace(settings, **overrides)
    plots = not args.no_plots and _has_matplotlib()
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    report = tour.run_tour(
        settings=settings,
        out=None if args.out == "" else args.out,
        plots=plots,
        examples=[] if args.no_examples else examples,
        problems=problems or tour.TOUR_PROBLEMS,
        optimizers=[] if args.no_grid else optimizers,
        dpi=args.dpi,
        progress=_progress_printer(progress),
    )
    _clear_progress(progress)
    if report.rows:
        print("Every optimizer on three lecture problems (the best of a grid of learning rates):")
        print(tour.format_rows(report.rows), end="")
        print(tour.footnote(settings))
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


def _has_matplotlib() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


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
# compare and sweep: several optimizers on one problem; one optimizer over a hyperparameter grid
# ----------------------------------------------------------------------------------------------

_PLOT_STATUS = 1  # --plot without matplotlib: exit status (not an argument error)
_PARAM_FORMS = (
    "NAME=LO:HI:N[:lin|:log] (N ≥ 1 values from LO to HI, evenly or log-spaced; log needs LO, HI > 0) "
    "or NAME=V1,V2,... (numbers, true/false, none or words, e.g. variant=rprop-,irprop+)"
)
_ALIASES = {"lr": "learning_rate"}


def _one_problem(parser: argparse.ArgumentParser, value: str):
    """The problem called ``value`` (exactly one name, else exit 2 listing the valid ones)."""
    names = _names(parser, "--problem", value, list(PROBLEMS))
    if len(names) != 1:
        parser.error(f"--problem takes one name, got {len(names)}: {', '.join(names)}")
    return PROBLEMS[names[0]]


def _residual_problems() -> list[str]:
    return [name for name, p in PROBLEMS.items() if p.residual_fn is not None]


def _check_residuals(parser: argparse.ArgumentParser, problem, optimizer: str) -> None:
    if problem.residual_fn is None:
        parser.error(
            f"{optimizer} needs the residuals of a least-squares problem and {problem.name!r} has none; "
            f"problems with residuals: {', '.join(_residual_problems())}"
        )


def _check_common(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """--steps ≥ 1, and matplotlib present when --plot is given (checked before anything runs)."""
    if args.steps < 1:
        parser.error(f"--steps must be ≥ 1, got {args.steps}")
    if args.plot is not None:
        try:
            import matplotlib.figure  # noqa: F401
        except ImportError:
            print(
                f"{parser.prog}: error: --plot needs matplotlib: pip install 'jaxopt-lectures[plot]' "
                "(or leave out --plot)",
                file=sys.stderr,
            )
            raise SystemExit(_PLOT_STATUS) from None
    if args.x64:
        import jax

        jax.config.update("jax_enable_x64", True)


def _float_dtype():
    """JAX's default float: float32, float64 after --x64 (or when the caller enabled x64 already)."""
    import jax.numpy as jnp

    return jnp.result_type(float)


def _clear_progress(enabled: bool) -> None:
    if enabled:
        print("\r\033[K", end="", file=sys.stderr, flush=True)


def _save_plot(draw, path: str) -> int:
    """Run ``draw()`` (which saves the figure); ``wrote PATH`` or a message on stderr and status 1."""
    try:
        draw()
    except (ImportError, ValueError, OSError) as err:
        print(f"jaxopt-lectures: error: could not write the plot {path}: {err}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


def _num(x: float, fmt: str) -> str:
    return format(x, fmt) if math.isfinite(x) else str(x)


def _cmd_compare(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import jax
    import jax.numpy as jnp

    from .solve import least_squares, minimize

    names = _names(parser, "--optimizers", args.optimizers, registry.names())
    problem = _one_problem(parser, args.problem)
    _check_common(parser, args)
    if not args.gtol >= 0:
        parser.error(f"--gtol must be ≥ 0, got {args.gtol}")
    runs, no_lr = [], []
    for name in names:
        spec = registry.get(name)
        overrides = {}
        if args.lr is not None:
            if "learning_rate" in inspect.signature(spec.factory).parameters:
                overrides["learning_rate"] = args.lr
            else:
                no_lr.append(name)
        try:
            opt = spec.make(**overrides)
        except (TypeError, ValueError) as err:
            parser.error(f"{name}: {err}")
        residuals = "residual_fn" in spec.needs(**overrides)
        if residuals:
            _check_residuals(parser, problem, name)
        runs.append((name, opt, residuals))

    x0 = jnp.asarray(problem.x0, _float_dtype())
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    show = _progress_printer(progress)
    results, rows = {}, []
    start = time.perf_counter()
    for i, (name, opt, residuals) in enumerate(runs):
        if show is not None:
            show(f"[{i + 1}/{len(runs)}] {problem.name}: {name}")
        solve, target = (least_squares, problem.residual_fn) if residuals else (minimize, problem.fun)

        def run(x, solve=solve, target=target, opt=opt):
            return solve(target, x, opt, max_steps=args.steps, gtol=args.gtol, record=True)

        result = jax.jit(run)(x0)
        results[name] = result
        value = float(result.value)
        rows.append((
            name,
            str(int(result.num_steps)),
            _num(value, ".8g"),
            _num(value - problem.f_star, ".3e"),
            _num(float(result.grad_norm), ".3e"),
            result.reason_name,
        ))
    seconds = time.perf_counter() - start
    _clear_progress(progress)

    print(text_table(("optimizer", "steps", "final f", "f − f*", "‖∇f‖", "stop reason"), rows), end="")
    print()
    dtype = x0.dtype.name
    print(
        f"{problem.name} from x0 = ({', '.join(f'{v:g}' for v in problem.x0)}), f* = {problem.f_star:g}; "
        f"at most {args.steps} steps, gtol = {args.gtol:g}, {dtype}; registry defaults"
        + (f" with learning rate {args.lr:g}" if args.lr is not None else "")
        + "."
    )
    if no_lr:
        print(f"--lr does not apply to {', '.join(no_lr)} (no learning rate).")
    lsq = [name for name, _, residuals in runs if residuals]
    if lsq:
        print(f"{', '.join(lsq)}: least_squares on the residuals (f = ½‖r‖²).")
    print(f"{len(runs)} runs in {seconds:.1f} s (compilation included).")
    if args.plot is None:
        return 0
    from . import plotting

    title = f"{problem.name} ({args.steps} steps at most)"
    if problem.dim == 2:
        return _save_plot(lambda: plotting.plot_trajectories(problem, results, title=title, path=args.plot), args.plot)
    gap = problem.kind == "minimum"  # f − f* on a log axis; a saddle's f − f* goes negative
    return _save_plot(
        lambda: plotting.plot_loss_curves(
            results, f_star=problem.f_star if gap else None, log=gap, title=title, path=args.plot
        ),
        args.plot,
    )


def _parse_value(text: str) -> Any:
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


def _factory_parameters(spec: registry.OptimizerSpec) -> dict[str, Any]:
    """Keyword parameters of the optimizer's factory → their effective default (registry's first)."""
    params = inspect.signature(spec.factory).parameters.values()
    keywords = {p.name: p.default for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return {name: spec.defaults.get(name, default) for name, default in keywords.items()}


def _parse_param(text: str, valid: dict[str, Any] | None = None) -> tuple[str, list[Any]]:
    """One ``--param`` spec → ``(name, values)``; ``ValueError`` when it is malformed or unknown.

    ``NAME=LO:HI:N[:lin|:log]`` gives N evenly (default) or log-spaced floats from LO to HI;
    ``NAME=V1,V2,...`` the listed values (int, float, true/false, none, else the string). ``lr``
    stands for ``learning_rate``. With ``valid`` (parameter → default value) the name is checked,
    integers become floats where the default is a float, and a range of whole numbers becomes
    integers where the default is an integer (``memory_size=5:20:4``).
    """
    name, sep, spec = text.partition("=")
    name = _ALIASES.get(name.strip(), name.strip())
    if not sep or not name.isidentifier() or not spec.strip():
        raise ValueError(f"--param {text!r} is malformed; accepted forms: {_PARAM_FORMS}")
    if valid is not None and name not in valid:
        aliases = {v: k for k, v in _ALIASES.items()}
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
            raise ValueError(f"--param {text!r} is malformed; accepted forms: {_PARAM_FORMS}") from None
        if n < 1 or not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"--param {text!r}: N must be an integer ≥ 1 and LO, HI finite; accepted forms: {_PARAM_FORMS}")
        if spacing == "log" and not (lo > 0 and hi > 0):
            raise ValueError(f"--param {text!r}: log spacing needs LO > 0 and HI > 0; accepted forms: {_PARAM_FORMS}")
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
        raise ValueError(f"--param {text!r} has an empty value; accepted forms: {_PARAM_FORMS}")
    values = [_parse_value(p) for p in items]
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    if numbers and (any(isinstance(v, float) for v in values) or isinstance(default, float)):
        values = [float(v) for v in values]  # one float array: traced, one compiled program
    return name, values


def _grid_configs(grid: dict[str, list[Any]], product: bool) -> list[dict[str, Any]]:
    """The configurations ``sweep`` will run (for deciding which extra arguments they need)."""
    columns = itertools.product(*grid.values()) if product else zip(*grid.values(), strict=True)
    return [dict(zip(grid, values, strict=True)) for values in columns]


def _config_text(config: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in config.items())


def _cmd_sweep(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import jax.numpy as jnp
    import numpy as np

    from .sweeps import sweep

    name = _names(parser, "--optimizer", args.optimizer, registry.names())
    if len(name) != 1:
        parser.error(f"--optimizer takes one name, got {len(name)}: {', '.join(name)}")
    spec = registry.get(name[0])
    problem = _one_problem(parser, args.problem)
    if not args.tol >= 0:
        parser.error(f"--tol must be ≥ 0, got {args.tol}")
    if args.top is not None and args.top < 1:
        parser.error(f"--top must be ≥ 1, got {args.top}")
    valid = _factory_parameters(spec)
    grid: dict[str, list[Any]] = {}
    for text in args.param:
        try:
            key, values = _parse_param(text, valid)
        except ValueError as err:
            parser.error(f"{spec.name}: {err}")
        if key in grid:
            parser.error(f"--param {key} is given twice" + (" (lr stands for learning_rate)" if key == "learning_rate" else ""))
        grid[key] = values
    if args.plot is not None:
        if len(grid) not in (1, 2):
            parser.error(f"--plot takes 1 or 2 parameters (a curve or a heatmap); got {len(grid)}: {', '.join(grid)}")
        words = [k for k, vs in grid.items() if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vs)]
        if words:
            parser.error(f"--plot needs numeric parameters; {', '.join(words)} is not")
    if args.zip and len({len(values) for values in grid.values()}) > 1:
        lengths = ", ".join(f"{k}: {len(vs)}" for k, vs in grid.items())
        parser.error(f"--zip pairs the parameters' values, so they need the same number of values; got {lengths}")
    _check_common(parser, args)
    configs = _grid_configs(grid, not args.zip)
    residuals = any("residual_fn" in spec.needs(**c) for c in configs)
    if residuals:
        _check_residuals(parser, problem, spec.name)

    x0 = jnp.asarray(problem.x0, _float_dtype())
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    show = _progress_printer(progress)
    if show is not None:
        show(f"{problem.name}: {spec.name}, {len(configs)} configurations × {args.steps} steps (one compiled program)…")
    start = time.perf_counter()
    try:
        result = sweep(
            spec.make,
            grid,
            problem.fun,
            x0,
            steps=args.steps,
            product=not args.zip,
            residual_fn=problem.residual_fn if residuals else None,
        )
    except (TypeError, ValueError) as err:
        _clear_progress(progress)
        parser.error(str(err))
    seconds = time.perf_counter() - start
    _clear_progress(progress)

    table = result.table(sort=True).splitlines()
    n = len(result.final_values)
    shown = table if args.top is None else table[: 2 + args.top]
    print("\n".join(shown))
    if len(shown) < len(table):
        print(f"… {len(table) - len(shown)} more (leave out --top to see them)")
    print()
    num_diverged = int(np.sum(result.diverged))
    if num_diverged < n:
        best = result.best()
        print(f"best: {_config_text(best.config)} (lowest final loss {best.final_value:.8g}; f* = {problem.f_star:g})")
    else:
        print("best: none (every configuration diverged)")
    steps_to = result.steps_to(problem.f_star + args.tol)
    reached = ~np.asarray(result.diverged) & np.isfinite(steps_to)
    if reached.any():
        i = int(np.flatnonzero(reached)[np.argmin(steps_to[reached])])
        print(f"fastest to f − f* ≤ {args.tol:g}: {_config_text(result.config(i))} ({int(steps_to[i])} steps)")
    else:
        print(f"fastest to f − f* ≤ {args.tol:g}: none within {args.steps} steps")
    print(f"diverged: {num_diverged} of {n} configurations")
    dtype = x0.dtype.name
    print(
        f"{spec.name} on {problem.name}, {args.steps} steps from x0, {dtype}; other parameters: registry "
        f"defaults; {result.num_programs} compiled program(s), {seconds:.1f} s."
    )
    if args.plot is None:
        return 0
    from . import plotting

    title = f"{spec.name} on {problem.name}"
    keys = list(grid)
    if len(keys) == 1:
        return _save_plot(lambda: plotting.plot_sweep(result, title=title, path=args.plot), args.plot)
    return _save_plot(
        lambda: plotting.plot_sweep_heatmap(result, keys[0], keys[1], title=title, path=args.plot), args.plot
    )


# ----------------------------------------------------------------------------------------------
# Parser
# ----------------------------------------------------------------------------------------------


def _add_progress_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on stderr (default: when stderr is a terminal)",
    )


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """``--x64`` and ``--progress``, shared by the subcommands that run optimizers on a problem."""
    parser.add_argument("--x64", action="store_true", help="run in float64 (default float32)")
    _add_progress_option(parser)


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
    )
    tour_parser.add_argument(
        "--quick", action="store_true",
        help="shorter figures; the optimizer grid with each optimizer's defaults only, 8 rates × 1000 steps "
             "(default: every variant, 16 × 5000)",
    )
    tour_parser.add_argument("--out", metavar="DIR", default="tour",
                             help="where the figures and tables go (default ./tour; '' writes nothing)")
    tour_parser.add_argument("--no-plots", action="store_true", help="run the claims without drawing figures")
    tour_parser.add_argument("--dpi", type=int, metavar="N", help="pixels per inch of the saved figures (default 100)")
    tour_parser.add_argument("--examples", metavar="A,B,...", help="only these figures and worked examples")
    tour_parser.add_argument("--no-examples", action="store_true", help="skip the figures and worked examples")
    tour_parser.add_argument("--no-grid", action="store_true", help="skip the optimizer grid")
    tour_parser.add_argument("--steps", type=int, metavar="N", help="optimizer steps per grid run (overrides --quick's)")
    tour_parser.add_argument("--tol", type=float, metavar="TOL", help="grid tolerance on f − f* (default 1e-6)")
    tour_parser.add_argument("--optimizers", metavar="A,B,...", help="only these registered optimizers in the grid")
    tour_parser.add_argument("--problems", metavar="P,Q,...", help="these grid problems instead of the tour's three")
    _add_progress_option(tour_parser)
    tour_parser.set_defaults(handler=_cmd_tour, subparser=tour_parser)

    lst = sub.add_parser(
        "list",
        help="list the registered optimizers (family, lecture, variants, extra args)",
        description="Print every registered optimizer with its family, lecture, variants and needed extra arguments.",
    )
    lst.add_argument("--problems", action="store_true", help="list the registered test problems instead")
    lst.add_argument("--markdown", action="store_true", help="Markdown (the README's algorithm table)")
    lst.set_defaults(handler=_cmd_list, subparser=lst)

    cmp_parser = sub.add_parser(
        "compare",
        help="run several optimizers on one problem and print a table (optionally a plot)",
        description=(
            "Run each optimizer with its registry defaults from the problem's start x0 until "
            "‖∇f‖ ≤ gtol or --steps steps (minimize; optimizers that need the residuals run "
            "least_squares on f = ½‖r‖²) and print one row each: steps taken, final f, f − f*, "
            "‖∇f‖ and the stop reason (gtol, max_steps or diverged). Exit status 2 for argument "
            "errors (unknown names, a least-squares optimizer on a problem without residuals), "
            "1 if --plot is given and matplotlib is not installed."
        ),
    )
    cmp_parser.add_argument("--problem", required=True, metavar="NAME", help="a registered problem (list --problems)")
    cmp_parser.add_argument("--optimizers", required=True, metavar="A,B,...", help="registered optimizers (list)")
    cmp_parser.add_argument("--steps", type=int, default=1000, metavar="N", help="most steps per run (default 1000)")
    cmp_parser.add_argument("--gtol", type=float, default=1e-6, metavar="TOL", help="stop at ‖∇f‖ ≤ TOL (default 1e-6)")
    cmp_parser.add_argument("--lr", type=float, metavar="LR", help="learning rate of the optimizers that have one")
    cmp_parser.add_argument(
        "--plot",
        metavar="FILE",
        help="save a figure (needs matplotlib): trajectories on the contours of a 2-D problem, else loss curves",
    )
    _add_run_options(cmp_parser)
    cmp_parser.set_defaults(handler=_cmd_compare, subparser=cmp_parser)

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
            "--param variant=rprop-,irprop+."
        ),
    )
    sweep_parser.add_argument("--optimizer", required=True, metavar="NAME", help="a registered optimizer (list)")
    sweep_parser.add_argument(
        "--param",
        required=True,
        action="append",
        metavar="SPEC",
        help="a swept keyword of the optimizer's factory (repeat for a grid; forms below)",
    )
    sweep_parser.add_argument("--problem", required=True, metavar="NAME", help="a registered problem (list --problems)")
    sweep_parser.add_argument("--steps", type=int, default=1000, metavar="N", help="steps per configuration (default 1000)")
    sweep_parser.add_argument(
        "--zip", action="store_true", help="pair the parameters' values (equal lengths) instead of their product"
    )
    sweep_parser.add_argument(
        "--tol", type=float, default=1e-6, metavar="TOL", help="report the fewest steps to f − f* ≤ TOL (default 1e-6)"
    )
    sweep_parser.add_argument("--top", type=int, metavar="K", help="print only the best K configurations")
    sweep_parser.add_argument(
        "--plot",
        metavar="FILE",
        help="save a figure (needs matplotlib): final loss vs one parameter, or a heatmap over two",
    )
    _add_run_options(sweep_parser)
    sweep_parser.set_defaults(handler=_cmd_sweep, subparser=sweep_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (argument errors exit with status 2)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.handler(args, args.subparser)
