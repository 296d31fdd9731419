"""One way to write a value into a CSV cell, for the CLI's tables, ``export`` and the page's download.

A text cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) gets a leading apostrophe, so opening a downloaded CSV never runs
anything a scraped page put there. Parquet and JSON Lines carry text exactly as stored.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any, *, lists: Literal["json", "joined"] = "json") -> Any:
    """Return ``value`` as a CSV cell: text defused, dates ISO, ``None`` empty, lists as JSON or joined.

    ``lists="json"`` keeps a list machine-readable (``export``); ``"joined"`` writes ``a; b`` for
    people reading a table (the CLI's ``--format csv``). Dicts are always JSON.

    >>> csv_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> csv_cell(["tax", "cuts"]), csv_cell(["tax", "cuts"], lists="joined"), csv_cell(None), csv_cell(3)
    ('["tax", "cuts"]', 'tax; cuts', '', 3)
    """
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = json.dumps(list(value), ensure_ascii=False, default=str) if lists == "json" \
            else "; ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, default=str)
    elif isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
