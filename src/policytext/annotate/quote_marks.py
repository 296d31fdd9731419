"""Quotation marks: pair them (straight, curly, single, double, PTB) across sentences and paragraphs.

The first stage of the quote finder (:mod:`policytext.annotate.quotes`), and what chunking asks
so that it never cuts a quotation that runs over several paragraphs.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable

_OPENERS = {"“": "”", "‘": "’", "``": "''", "''": "''", "\"": "\"", "'": "'", "«": "»"}
_MARK = re.compile(r"``|''|[“”‘’\"'«»]")


@dataclass(frozen=True)
class QuoteMarks:
    """A pair of matching quotation marks: the content lies between ``start`` and ``end``."""

    open_start: int
    start: int
    end: int
    close_end: int


def find_quote_marks(text: str) -> list[QuoteMarks]:
    """Pair the quotation marks of ``text``; double marks first, single marks outside them.

    A quote left open at the end of a paragraph continues when the next paragraph opens with the
    same mark (the usual way to quote several paragraphs).

    Example:
        >>> [text[m.start:m.end] for text in ['He said “we will win” and left.'] for m in find_quote_marks(text)]
        ['we will win']
    """
    doubles = _pair_marks(text, ("“", "``", "''", "\"", "«"))
    covered = Spans((m.open_start, m.close_end) for m in doubles)
    singles = [m for m in _pair_marks(text, ("‘", "'")) if not covered.holds(m.open_start)]
    return sorted(doubles + singles, key=lambda m: m.open_start)


class Spans:
    """Character spans ``[start, end)``, merged and sorted, asked in O(log n) whether they hold a point.

    Pairing quotation marks and choosing chunk breaks ask this for every mark or paragraph break;
    a scan of every span each time made both quadratic in the length of the text.

    Example:
        >>> spans = Spans([(10, 20), (0, 5), (15, 30)])
        >>> spans.holds(17), spans.holds(30), spans.holds(17, strict=True)
        (True, False, True)
    """

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(spans):
            if self.ends and start < self.ends[-1]:  # overlapping; spans that only touch stay apart
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def holds(self, point: int, *, strict: bool = False) -> bool:
        """Return whether ``start <= point < end`` (``start < point < end`` when ``strict``) for a span."""
        index = bisect_right(self.starts, point) - 1
        if index < 0:
            return False
        if strict and self.starts[index] == point:
            # a span starting exactly here does not hold the point; an earlier merged one cannot
            return False
        return point < self.ends[index]


def _mark_role(text: str, start: int, end: int, mark: str) -> str | None:
    """Return "open", "close" or None (an apostrophe) for the mark at ``text[start:end]``."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if mark in ("“", "``", "«", "‘"):
        if mark == "‘" and before.isalnum():
            return None
        return "open"
    if mark in ("”", "»"):
        return "close"
    if mark == "''":
        # PTB text closes with '' and sometimes opens with it too (''We won,'' she said)
        opens = (before.isspace() or before in "([{—–-/") and not after.isspace() and after not in ".,;:!?"
        return "open" if opens else "close"
    if mark == "’":
        return None if after.isalnum() or (before.isalnum() and after in "s") else "close"
    # straight marks: open before a word, close after one
    if before.isalnum() and after.isalnum():
        return None  # don't, it's
    if (before.isspace() or before in "([{—–-/") and not after.isspace():
        return "open"
    if not before.isspace():
        return "close"
    return None


def _pair_marks(text: str, openers: tuple[str, ...]) -> list[QuoteMarks]:
    pairs: list[QuoteMarks] = []
    style_closers = {_OPENERS[o] for o in openers}
    current: tuple[str, int, int] | None = None  # (closer, open_start, content start)
    first_break: int | None = None  # where the current quote's first line break is, once looked up
    for match in _MARK.finditer(text):
        mark = match.group(0)
        if mark not in openers and mark not in style_closers:
            continue
        role = _mark_role(text, match.start(), match.end(), mark)
        if role is None:
            continue
        if role == "open" and mark in openers:
            if current is not None:
                # the first line break after the quote opened, found once per quote: searching the
                # whole stretch again at each reopening paragraph was quadratic in the quote's length
                if first_break is None:
                    first_break = text.find("\n", current[2], match.start())
                if first_break >= 0 and at_paragraph_start(text, match.start()):
                    continue  # the quote goes on in a new paragraph
            current = (_OPENERS[mark], match.start(), match.end())
            first_break = None
        elif role == "close" and current is not None and mark == current[0]:
            start, end = current[2], match.start()
            if text[start:end].strip():
                pairs.append(QuoteMarks(current[1], start, end, match.end()))
            current = None
    return pairs


def at_paragraph_start(text: str, index: int) -> bool:
    """True when only blanks stand between the start of its line and ``index``."""
    line_start = text.rfind("\n", 0, index) + 1
    return not text[line_start:index].strip()


def ends_sentence(text: str, mark: QuoteMarks, stops: tuple[str, ...] = (".",)) -> bool:
    """True when a quote closes its sentence: one of ``stops`` before the closing mark, a capital after it.

    ``stops`` (".", "?", "!") under ``speech``: “What's the secret?” He said … — the question is
    not his (see :func:`policytext.annotate.quote_reports.report_for_quote`).
    """
    after = text[mark.close_end:mark.close_end + 3].lstrip()
    return text[mark.start:mark.end].rstrip().endswith(stops) and after[:1].isupper()


_SENTENCE_END = re.compile(r"[.!?](?:''|[”’\"'])?\s+(?:``|''|[A-Z“‘\"'])")


def no_sentence_end(gap: str) -> bool:
    """True when no sentence ends inside ``gap`` (a full stop, maybe a closing mark, then a capital)."""
    return not _SENTENCE_END.search(gap)
