"""Render results for the terminal: table, JSON, JSON Lines or CSV on stdout; progress on stderr."""
from __future__ import annotations

import csv
import inspect
import io
import json
import math
import os
import re
import sys
from contextlib import contextmanager
from enum import Enum
from typing import Any, Callable, Iterator, Sequence

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from policytext.csv_cells import csv_cell


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


PIPE_WIDTH = 200
"""Width of tables written to a pipe or file when ``COLUMNS`` does not say (a terminal's own width
is used on a terminal): wide enough that a citation is not folded into many lines."""


UNBROKEN_MAX = 40
"""Cells without spaces up to this long (ids, dates, numbers) are kept whole in tables; text folds around them."""


TEXT_MIN = 8
"""Text columns keep at least this many characters (or their longest word) when a table is squeezed."""


def console_width(stream: Any) -> int | None:
    """Return the width for tables on ``stream``: ``COLUMNS`` when set, the terminal's, or :data:`PIPE_WIDTH`.

    Example:
        >>> import io, os
        >>> os.environ["COLUMNS"] = "80"; console_width(io.StringIO())
        80
        >>> del os.environ["COLUMNS"]; console_width(io.StringIO())
        200
    """
    given = os.environ.get("COLUMNS", "").strip()
    if given.isascii() and given.isdigit() and 20 <= int(given) <= 10_000:
        return int(given)
    return None if stream.isatty() else PIPE_WIDTH


stdout = Console(soft_wrap=True, width=console_width(sys.stdout))
stderr = Console(stderr=True, soft_wrap=True, width=console_width(sys.stderr))


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, tuple):
        return list(value)
    return value


def records_of(data: pd.DataFrame | Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(data, pd.DataFrame):
        return [{k: _jsonable(v) for k, v in row.items()} for row in data.to_dict(orient="records")]
    return [{k: _jsonable(v) for k, v in row.items()} for row in data]


def render(data: pd.DataFrame | Sequence[dict[str, Any]], fmt: OutputFormat | str, *,
           title: str | None = None, columns: Sequence[str] | None = None,
           max_width: int = 60, provenance: bool = False) -> None:
    """Print ``data`` to stdout in ``fmt``. Tables shorten long cells; other formats keep all.

    With ``provenance``, how a DataFrame was made (its ``attrs["policytext"]``) comes first: json
    prints ``{"provenance": {…}, "rows": […]}`` instead of the bare list; jsonl starts with a line
    ``{"provenance": {…}}``; csv starts with ``# key: <JSON value>`` lines (read it with
    ``pandas.read_csv(path, comment="#")``); a table prints the lines on stderr. Without it the
    output is the plain rows, as every reader expects.
    """
    fmt = OutputFormat(fmt)
    rows = records_of(data)
    if columns is None:
        columns = list(data.columns) if isinstance(data, pd.DataFrame) else (list(rows[0]) if rows else [])
    made = provenance_of(data) if provenance else None
    if made is not None and fmt is not OutputFormat.json:
        lines = [f"{key}: {json.dumps(value, ensure_ascii=False, default=str)}" for key, value in made.items()]
        if fmt is OutputFormat.jsonl:
            sys.stdout.write(json.dumps({"provenance": made}, ensure_ascii=False, default=str) + "\n")
        elif fmt is OutputFormat.csv:
            sys.stdout.write("".join(f"# {line}\n" for line in lines))
        else:
            message("\n".join(lines))
    if fmt is OutputFormat.json:
        body = rows if made is None else {"provenance": made, "rows": rows}
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2, default=str) + "\n")
    elif fmt is OutputFormat.jsonl:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    elif fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_cell(row.get(k), lists="joined") for k in columns})
        sys.stdout.write(buffer.getvalue())
    else:
        table = Table(title=title, show_lines=False, header_style="bold")
        cells = [[_table_cell(row.get(c), max_width) for c in columns] for row in rows]
        needed = 1  # the narrowest the table can be without breaking a single-word cell or header
        for index, column in enumerate(columns):
            numeric = bool(rows) and all(isinstance(r.get(column), (int, float)) or r.get(column) is None for r in rows)
            words = [line[index] for line in cells]
            # a column of single words (ids, dates, numbers) is never folded: "2002-01-2/9" copies wrong
            whole = max(map(len, words), default=0)
            keep = bool(words) and whole <= UNBROKEN_MAX and not any(any(ch.isspace() for ch in w) for w in words)
            longest_word = max((len(part) for w in [*words, str(column)] for part in w.split()), default=0)
            least = max(whole, len(str(column))) if keep else min(longest_word, TEXT_MIN)
            needed += least + 3
            table.add_column(str(column), justify="right" if numeric else "left", overflow="fold",
                             no_wrap=keep, width=least if keep else None, min_width=None if keep else least)
        for line in cells:
            table.add_row(*line)
        # too many columns for the width: a wider table (scroll, or read it with --format csv)
        # rather than ids, dates and numbers folded into pieces that copy wrong
        width = stdout.width
        stdout.width = max(needed, width)
        try:
            stdout.print(table)
        finally:
            stdout.width = width


def provenance_of(data: Any) -> dict[str, Any]:
    """Return how a DataFrame was made (``attrs["policytext"]``), or ``{}`` when it does not say."""
    from policytext.provenance import PROVENANCE_KEY

    attrs = getattr(data, "attrs", None) or {}
    return dict(attrs.get(PROVENANCE_KEY) or {})



def _table_cell(value: Any, max_width: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def message(text: str, *, quiet: bool = False) -> None:
    """Print a note for people on stderr (never on stdout, which is for data)."""
    if not quiet:
        stderr.print(text, highlight=False, markup=False)


@contextmanager
def progress_bar(description: str, total: int | None, *, quiet: bool = False) -> Iterator[Callable[..., None]]:
    """Yield a function that advances a progress bar on stderr by one, or by ``by=n`` (nothing when quiet)."""
    if quiet or not sys.stderr.isatty() and total is None:
        yield lambda *args, **kwargs: None
        return
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=stderr, transient=False, disable=quiet) as progress:
        task = progress.add_task(description, total=total)
        yield lambda *args, by=1, **kwargs: progress.advance(task, by)


_KEPT_LINE = re.compile(r"(?:Example:|[-*•] |\d+[.)] )")
"""A help line that starts one of its own (an example, a list item), not the rest of a sentence."""


def unwrap_paragraphs(text: str) -> str:
    r"""Return help text with each paragraph's line breaks made spaces, except before an example or list item.

    typer (0.29) keeps a docstring's single line breaks after the first paragraph, so at 80 columns
    "words in double / quotation marks" broke mid-sentence; the terminal wraps each paragraph instead.

    Example:
        >>> unwrap_paragraphs("First.\n\nA bare word matches\nall its forms.\n- one\n- two")
        'First.\n\nA bare word matches all its forms.\n- one\n- two'
    """
    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        lines: list[str] = []
        for line in paragraph.split("\n"):
            if lines and line.strip() and not _KEPT_LINE.match(line.strip()) and not line.startswith((" ", "\b")):
                lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def unwrap_help(app: Any) -> None:
    """Unwrap the help of every command registered on ``app`` and its sub-apps (:func:`unwrap_paragraphs`)."""
    for info in app.registered_commands:
        text = info.help or (info.callback.__doc__ if info.callback else None)
        if text:
            info.help = unwrap_paragraphs(text)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            unwrap_help(group.typer_instance)
