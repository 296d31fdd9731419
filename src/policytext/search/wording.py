"""How counts of search results are said to people, the same on the command line and the page."""
from __future__ import annotations


def count_matching(count: int, within: str) -> str:
    """Return "1 quote matches" or "3,210 quotes match" for ``count`` hits of ``within``.

    Example:
        >>> count_matching(1, "sentences"), count_matching(3210, "quotes")
        ('1 sentence matches', '3,210 quotes match')
    """
    singular = within[:-1] if within.endswith("s") else within
    return f"{count:,} {singular} matches" if count == 1 else f"{count:,} {within} match"
