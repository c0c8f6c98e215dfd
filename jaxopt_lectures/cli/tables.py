"""Tables read from the registries: optimizers with their defaults and variants, the README's
algorithm table, the test problems (``jaxopt-lectures list``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .. import registry
from ..problems import PROBLEMS
from ..table import markdown_table, text_table

__all__ = ["OPTIMIZER_COLUMNS", "algorithm_table", "keywords_text", "optimizer_table", "problem_table"]

#: The columns of :func:`optimizer_table`.
OPTIMIZER_COLUMNS = ("optimizer / variant", "family", "lecture", "keyword arguments", "extra args")
_DASH = "—"


def keywords_text(kwargs: Mapping[str, Any]) -> str:
    """``"learning_rate=0.01, variant='rprop+'"``: keyword arguments as they are written in Python."""
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _variants(spec: registry.OptimizerSpec) -> str:
    """``"a, b [value]"``: variant names, with the extra arguments a variant alone needs."""
    parts = []
    for name, variant in spec.variants.items():
        extra = _added_extras(spec, variant)
        parts.append(f"{name} [{', '.join(extra)}]" if extra else name)
    return ", ".join(parts) or _DASH


def _added_extras(spec: registry.OptimizerSpec, variant: registry.Variant) -> list[str]:
    return [a for a in variant.extra_args if a not in spec.extra_args]


def _optimizer_rows(spec: registry.OptimizerSpec, variant_label: Callable[[str], str]) -> list[tuple[str, ...]]:
    """The optimizer's row (its registry defaults), then one row per variant (what it sets on top)."""
    rows = [(spec.name, spec.family, spec.lecture, keywords_text(spec.defaults) or _DASH,
             ", ".join(spec.extra_args) or _DASH)]  # fmt: skip
    for name, variant in spec.variants.items():
        added = _added_extras(spec, variant)
        rows.append((
            variant_label(name),
            "",
            variant.lecture,
            keywords_text(variant.kwargs) or "(the defaults)",
            "+ " + ", ".join(added) if added else "",
        ))
    return rows


def optimizer_table(markdown: bool = False) -> str:
    """Every registered optimizer: family, lecture, registry defaults and extra arguments; below it
    one row per variant: the keyword arguments it sets over the defaults, the extra arguments it adds.

    In the text table (``jaxopt-lectures list``) the variants are indented under their optimizer;
    in Markdown they are named ``optimizer:variant``, as ``compare`` and ``tour`` take them.
    """
    specs = registry.REGISTRY.values()
    if markdown:
        rows = [r for s in specs for r in _optimizer_rows(s, lambda v, s=s: f"{s.name}:{v}")]
        return markdown_table(OPTIMIZER_COLUMNS, rows)
    rows = [r for s in specs for r in _optimizer_rows(s, lambda v: f"  {v}")]
    return text_table(OPTIMIZER_COLUMNS, rows, max_widths=(None, None, 36, 36, None))


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
    table = (markdown_table if markdown else text_table)(header, rows)
    from ..problems import TRAINING_PROBLEMS

    header = ("training problem", "batch", "epochs", "loss floor", "description")
    rows = [(p.name, str(p.batch_size), str(p.epochs), "—" if p.loss_floor is None else f"{p.loss_floor:.4g}",
             p.description) for p in TRAINING_PROBLEMS.values()]  # fmt: skip
    return table + "\n" + (markdown_table if markdown else text_table)(header, rows)
