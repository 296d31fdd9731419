"""Citations a journalist can paste: speaker, title, publisher or source, date and address."""
from __future__ import annotations

import datetime as dt
import functools

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def format_date(value: str | None) -> str | None:
    """Return an ISO date as '11 January 1962' (or the value unchanged when it is not a date).

    Example:
        >>> format_date("1962-01-11")
        '11 January 1962'
    """
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@functools.lru_cache(maxsize=4096)
def format_citation(*, speaker: str | None, title: str | None, publisher: str | None,
                    source: str | None, date: str | None, url: str | None,
                    quoted_in: str | None = None) -> str:
    """Return a citation a journalist can paste: speaker, title, publisher or source, date, URL.

    Args:
        quoted_in: the document's own speaker or author when ``speaker`` is someone they quote.

    Example:
        >>> format_citation(speaker="John F. Kennedy", title="State of the Union Address",
        ...                 publisher="The American Presidency Project", source="sotu",
        ...                 date="1962-01-11", url="https://example.org/1962")
        'John F. Kennedy, “State of the Union Address”, The American Presidency Project, 11 January 1962, https://example.org/1962'
    """
    parts = []
    who = speaker or quoted_in
    if who:
        parts.append(who)
    if title:
        if quoted_in and speaker and speaker != quoted_in:
            parts.append(f"quoted in “{title}” by {quoted_in}")
        else:
            parts.append(f"“{title}”")
    elif quoted_in and speaker and speaker != quoted_in:
        parts.append(f"quoted by {quoted_in}")
    if publisher or source:
        parts.append(publisher or source)
    if date:
        parts.append(format_date(date))
    if url:
        parts.append(url)
    return ", ".join(p for p in parts if p) or "(no source details recorded)"
