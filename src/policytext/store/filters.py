"""Document filters shared by every query: the same names in the CLI, the library and the web page.

``speaker`` and ``government`` match any part of the name, case-insensitively ("Kennedy" finds
"John F. Kennedy"); ``party``, ``kind``, ``source`` and ``country`` match whole values,
case-insensitively; ``since`` and ``until`` are inclusive ISO dates (a year such as ``1961`` is
read as the first or last day of that year).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from typing import Any

from policytext.errors import BadQuery


def check_fraction(value: float, *, option: str) -> float:
    """Return ``value`` as a float when it lies in 0–1; raise :class:`BadQuery` naming ``option`` otherwise.

    Example:
        >>> check_fraction(0.8, option="--min-score")
        0.8
    """
    if not 0.0 <= float(value) <= 1.0:
        raise BadQuery(f"{option} must be between 0 and 1, not {value}")
    return float(value)


@dataclass(frozen=True)
class DocumentFilter:
    speaker: str | None = None
    party: str | None = None
    government: str | None = None
    kind: str | None = None
    source: str | None = None
    country: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int | None = None

    @classmethod
    def from_options(cls, **options: Any) -> "DocumentFilter":
        """Build a filter from keyword options, ignoring ``None`` and unknown names."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in options.items() if k in names and v not in (None, "")}
        if "since" in values:
            values["since"] = normalise_date_bound(str(values["since"]), end=False)
        if "until" in values:
            values["until"] = normalise_date_bound(str(values["until"]), end=True)
        if "limit" in values:
            limit = int(values["limit"])
            if limit < 0:
                raise BadQuery(f"--limit must be zero or more, not {limit}")
            values["limit"] = limit
        return cls(**values)

    def where(self, alias: str = "documents", *, speaker_column: str | None = None) -> tuple[str, list[Any]]:
        """Return a SQL condition (``1`` when empty) and its parameters, for table ``alias``.

        ``speaker_column`` replaces ``<alias>.speaker`` as what ``speaker`` matches (a record's
        own speaker, say, for quotes and claims).
        """
        clauses, params = [], []
        if self.speaker:
            clauses.append(f"{speaker_column or alias + '.speaker'} LIKE ? ESCAPE '\\'")
            params.append(f"%{_escape_like(self.speaker)}%")
        if self.government:
            clauses.append(f"{alias}.government LIKE ? ESCAPE '\\'")
            params.append(f"%{_escape_like(self.government)}%")
        for name in ("party", "kind", "source", "country"):
            value = getattr(self, name)
            if value:
                clauses.append(f"{alias}.{name} = ? COLLATE NOCASE")
                params.append(value)
        if self.since:
            clauses.append(f"{alias}.date >= ?")
            params.append(self.since)
        if self.until:
            clauses.append(f"{alias}.date <= ?")
            params.append(self.until)
        return (" AND ".join(clauses) or "1"), params


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def normalise_date_bound(value: str, *, end: bool) -> str:
    """Return ``value`` (YYYY, YYYY-MM or YYYY-MM-DD) as an inclusive ISO date bound."""
    value = value.strip()
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-12-31" if end else f"{value}-01-01"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = int(value[:4]), int(value[5:])
        if not 1 <= month <= 12:
            raise BadQuery(f"{value!r} is not a valid month")
        if not end:
            return f"{value}-01"
        next_month = dt.date(year + month // 12, month % 12 + 1, 1)
        return (next_month - dt.timedelta(days=1)).isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as err:
        raise BadQuery(f"{value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD") from err
