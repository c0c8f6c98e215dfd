"""Plain-text and Markdown tables for the command line and the README (no dependencies)."""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Sequence

__all__ = ["csv_table", "markdown_table", "text_table"]


def text_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], max_widths: Sequence[int | None] | None = None
) -> str:
    """Left-aligned columns separated by two spaces, with a dashed rule under the header.

    ``max_widths[i]`` (``None``: unlimited) wraps column i's cells at word boundaries onto
    continuation lines.
    """
    if max_widths is not None:
        wrapped = []
        for row in rows:
            cells = [textwrap.wrap(str(c), w) or [""] if w else [str(c)] for c, w in zip(row, max_widths)]
            height = max(len(c) for c in cells)
            wrapped += [[c[i] if i < len(c) else "" for c in cells] for i in range(height)]
        rows = wrapped
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]

    def line(cells):
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)]) + "\n"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table (``|`` inside cells is escaped)."""

    def line(cells):
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), "|" + "---|" * len(header), *map(line, rows)]) + "\n"


def csv_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """CSV with a header line, ``\\n`` line ends (``None`` cells are written empty)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buf.getvalue()
