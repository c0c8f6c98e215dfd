"""The records of the lectures' figures and their registry: :class:`Claim`, :class:`Reproduction`,
:data:`EXAMPLES`, :func:`register_example` and :func:`claims_table`.

ALGORITHMS.md §10 (worked examples 1–8) and §8 (analysis). An entry is a function
``body(claims, quick, plot, **options) -> figure | None`` that appends one
``(claim, lecture, computed, agrees)`` tuple per statement of its lecture to ``claims`` and draws
the lecture's figure when ``plot``; :func:`register_example` turns it into an :class:`Example`
under its name. The lecture modules of :mod:`jaxopt_lectures.figures` register theirs on import,
in the tour's order.
"""

from __future__ import annotations

import dataclasses
import functools
import pathlib
import time
from collections.abc import Callable, Sequence
from typing import Any

import jax

from ..table import csv_table, markdown_table, text_table

__all__ = ["CLAIM_COLUMNS", "DPI", "EXAMPLES", "Claim", "Example", "Reproduction", "claims_table", "register_example"]

#: Pixels per inch of saved figures (the README gallery uses a smaller value).
DPI = 100


# ----------------------------------------------------------------------------------------------
# Records
# ----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Claim:
    """One statement of a lecture, the lecture's value, ours, and whether they agree.

    Attributes:
      example: the :data:`EXAMPLES` name it belongs to.
      claim: what the lecture says (with the setting: function, rate, steps).
      lecture: the lecture's number or statement (the catalogue's correct value where a slide errs).
      computed: what this library computes, as text.
      agrees: whether ``computed`` bears out ``lecture`` (within the stated tolerance).
    """

    example: str
    claim: str
    lecture: str
    computed: str
    agrees: bool


@dataclasses.dataclass
class Reproduction:
    """What one entry of :data:`EXAMPLES` produced: its claims, its figure (or ``None``) and its time."""

    name: str
    title: str
    source: str
    claims: tuple[Claim, ...]
    figure: Any  # matplotlib Figure, or None when plot=False
    seconds: float

    @property
    def agrees(self) -> bool:
        return all(c.agrees for c in self.claims)

    def save(self, directory: str | pathlib.Path, dpi: int = DPI) -> pathlib.Path | None:
        """Write the figure to ``directory/<name>.png`` (``figsize × dpi`` pixels); ``None`` without one."""
        if self.figure is None:
            return None
        path = pathlib.Path(directory) / f"{self.name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.figure.savefig(path, dpi=dpi)
        return path

    def table(self, fmt: str = "text") -> str:
        return claims_table([self], fmt)


@dataclasses.dataclass(frozen=True)
class Example:
    """An entry of :data:`EXAMPLES`: ``run(quick=…, plot=…, **options)`` returns a :class:`Reproduction`
    (``options``: an entry's own settings, e.g. ``epochs`` and ``seed`` of ``l3_sin_regression``)."""

    name: str
    title: str
    source: str
    run: Callable[..., Reproduction]


#: name → :class:`Example`, in the order the tour shows them.
EXAMPLES: dict[str, Example] = {}


def register_example(name: str, title: str, source: str, *, x64: bool = True):
    """A decorator: register ``body(claims, quick, plot, **options) -> figure | None`` as :data:`EXAMPLES` ``[name]``.

    The decorated name becomes the entry's ``run(quick=…, plot=…, **options)``, which calls
    ``body`` inside ``jax.enable_x64(x64)`` (float64 unless ``x64=False``), turns each tuple
    ``(claim, lecture, computed, agrees)`` it appended to ``claims`` into a :class:`Claim`, titles
    the figure ``"title (source)"`` and returns the :class:`Reproduction`. Names are unique;
    entries keep the order in which they are registered (the tour's).
    """
    if name in EXAMPLES:
        raise ValueError(f"name {name!r} is registered already; example names are unique")

    def register(body: Callable[..., Any]) -> Callable[..., Reproduction]:
        @functools.wraps(body)
        def run(*, quick: bool = False, plot: bool = True, **options: Any) -> Reproduction:
            start = time.perf_counter()
            found: list[tuple[str, str, str, bool]] = []
            with jax.enable_x64(x64):
                figure = body(found, quick, plot, **options)
            claims = tuple(Claim(name, *c) for c in found)
            if figure is not None:
                figure.suptitle(f"{title} ({source})")
            return Reproduction(name, title, source, claims, figure, time.perf_counter() - start)

        EXAMPLES[name] = Example(name, title, source, run)
        return run

    return register


# ----------------------------------------------------------------------------------------------
# The claims as one table
# ----------------------------------------------------------------------------------------------

#: The columns of :func:`claims_table`.
CLAIM_COLUMNS = ("example", "lecture claim", "lecture", "computed", "agrees?")


def claims_table(reproductions: Sequence[Reproduction], fmt: str = "text") -> str:
    """Every claim of ``reproductions`` in one table: ``"text"``, ``"markdown"`` or ``"csv"``."""
    rows = [(c.example, c.claim, c.lecture, c.computed, "yes" if c.agrees else "NO")
            for r in reproductions for c in r.claims]
    if fmt == "text":
        return text_table(CLAIM_COLUMNS, rows, max_widths=(None, 58, 26, 34, None))
    if fmt == "markdown":
        return markdown_table(CLAIM_COLUMNS, rows)
    if fmt == "csv":
        return csv_table(CLAIM_COLUMNS, rows)
    raise ValueError(f"fmt must be one of 'text', 'markdown', 'csv'; got {fmt!r}")
