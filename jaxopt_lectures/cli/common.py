"""What the subcommands share: name lists checked against the registries, the options that run
optimizers on a problem (``--x64``, ``--progress``, ``--plot``), and progress and plot output.

Every argument error goes through ``parser.error``: exit status 2, the usage line, and the valid
choices in the message. ``--plot`` without matplotlib exits with :data:`PLOT_STATUS` instead.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from .. import registry
from ..problems import PROBLEMS, Problem

__all__ = [
    "PLOT_STATUS", "add_progress_option", "add_run_options", "check_common", "check_residuals", "choice_label",
    "clear_progress", "float_dtype", "has_matplotlib", "names_option", "one_problem", "optimizer_choices",
    "print_table", "progress_printer", "save_plot",
]  # fmt: skip

PLOT_STATUS = 1  # --plot without matplotlib: exit status (not an argument error)


def names_option(
    parser: argparse.ArgumentParser,
    option: str,
    value: str | None,
    known: Sequence[str],
    name_of: Callable[[str], str] = str.strip,
) -> list[str] | None:
    """A comma-separated list of names, each item's ``name_of(item)`` in ``known`` (else exit 2 listing them)."""
    if value is None:
        return None
    items = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in items if name_of(n) not in known]
    if unknown or not items:
        parser.error(f"{option}: unknown name(s) {', '.join(unknown) or repr(value)}; valid: {', '.join(known)}")
    return items


def optimizer_choices(
    parser: argparse.ArgumentParser, option: str, value: str | None
) -> list[tuple[str, str | None]] | None:
    """``"adam:eps_in_sqrt,lbfgs"`` → ``[("adam", "eps_in_sqrt"), ("lbfgs", None)]``.

    Each item is a registered optimizer, optionally ``:`` one of its registered variants (whose
    keyword arguments :meth:`~jaxopt_lectures.registry.OptimizerSpec.variant_kwargs` puts over its
    defaults). An unknown name or variant exits with status 2 listing the valid ones.
    """
    items = names_option(parser, option, value, registry.names(), name_of=lambda item: item.partition(":")[0])
    if items is None:
        return None
    choices = [(name, variant or None) for name, _, variant in (item.partition(":") for item in items)]
    for name, variant in choices:
        spec = registry.get(name)
        if variant is not None and variant not in spec.variants:
            valid = ", ".join(f"{name}:{v}" for v in spec.variants) or f"{name} alone (it has no variants)"
            parser.error(f"{option}: {name} has no variant {variant!r}; valid: {valid}")
    return choices


def choice_label(name: str, variant: str | None) -> str:
    """``"adam:eps_in_sqrt"`` (how the command line names a variant), or ``"adam"``."""
    return name if variant is None else f"{name}:{variant}"


def one_problem(parser: argparse.ArgumentParser, value: str, also: Sequence[str] = ()) -> Problem:
    """The problem called ``value`` (exactly one name, else exit 2 listing the valid ones, ``also``
    the names the caller handles itself)."""
    names = names_option(parser, "--problem", value, [*PROBLEMS, *also])
    if len(names) != 1:
        parser.error(f"--problem takes one name, got {len(names)}: {', '.join(names)}")
    return PROBLEMS[names[0]]


def check_residuals(parser: argparse.ArgumentParser, problem: Problem, optimizer: str) -> None:
    """Exit 2 when ``optimizer`` (driven by least_squares) meets a problem without residuals."""
    if problem.residual_fn is None:
        with_residuals = [name for name, p in PROBLEMS.items() if p.residual_fn is not None]
        parser.error(
            f"{optimizer} needs the residuals of a least-squares problem and {problem.name!r} has none; "
            f"problems with residuals: {', '.join(with_residuals)}"
        )


def check_common(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
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
            raise SystemExit(PLOT_STATUS) from None
    if args.x64:
        import jax

        jax.config.update("jax_enable_x64", True)


def has_matplotlib() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def float_dtype():
    """JAX's default float: float32, float64 after --x64 (or when the caller enabled x64 already)."""
    import jax.numpy as jnp

    return jnp.result_type(float)


def progress_printer(enabled: bool) -> Callable[[str], None] | None:
    """A one-line status on stderr, overwritten by each message (``None`` when disabled)."""
    if not enabled:
        return None

    def show(message: str) -> None:
        print(f"\r\033[K{message}", end="", file=sys.stderr, flush=True)

    return show


def clear_progress(enabled: bool) -> None:
    if enabled:
        print("\r\033[K", end="", file=sys.stderr, flush=True)


def run_sweep_call(parser: argparse.ArgumentParser, args: argparse.Namespace, status: str,
                   call: Callable[[], Any]) -> tuple[Any, float]:  # fmt: skip
    """``call()`` (a sweep) with ``status`` on stderr while it runs (``--progress``, default when
    stderr is a terminal): its result and its wall time in seconds. A ``TypeError`` or ``ValueError``
    it raises (a bad grid, a value out of range) exits 2 with the message."""
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    show = progress_printer(progress)
    if show is not None:
        show(status)
    start = time.perf_counter()
    try:
        result = call()
    except (TypeError, ValueError) as err:
        clear_progress(progress)
        parser.error(str(err))
    seconds = time.perf_counter() - start
    clear_progress(progress)
    return result, seconds


def config_text(config: dict[str, Any]) -> str:
    """A configuration as ``name=value, …`` (floats to 6 significant digits)."""
    return ", ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in config.items())


def print_table(table: str, top: int | None) -> None:
    """A sweep's text table (header, rule, rows best first) — only its best ``top`` rows when given —
    and a blank line."""
    lines = table.splitlines()
    shown = lines if top is None else lines[: 2 + top]
    print("\n".join(shown))
    if len(shown) < len(lines):
        print(f"… {len(lines) - len(shown)} more (leave out --top to see them)")
    print()


def save_plot(draw: Callable[[], object], path: str) -> int:
    """Run ``draw()`` (which saves the figure); ``wrote PATH`` or a message on stderr and status 1."""
    try:
        draw()
    except (ImportError, ValueError, OSError) as err:
        print(f"jaxopt-lectures: error: could not write the plot {path}: {err}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


def add_progress_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show progress on stderr (default: when stderr is a terminal)",
    )


def add_run_options(parser: argparse.ArgumentParser, plot_help: str) -> None:
    """``--plot FILE`` (drawing ``plot_help``), ``--x64`` and ``--progress``: the options of the
    subcommands that run optimizers on a problem."""
    parser.add_argument("--plot", metavar="FILE", help=f"save a figure (needs matplotlib): {plot_help}")
    parser.add_argument("--x64", action="store_true", help="run in float64 (default float32)")
    add_progress_option(parser)
