"""Batches of quotes to check: JSON Lines of ``{id, quote, speaker?, date?}``, and verdicts as a DataFrame."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from policytext.errors import BadInput
from policytext.provenance import attach_provenance
from policytext.verify.check import ALTERED_MIN, QuoteItem, Verdict, verify_quote, verify_quotes

BATCH_FIELDS = ("id", "quote", "speaker", "date")
VERIFY_COLUMNS = [
    "id", "quote", "asked_speaker", "verdict", "similarity", "changes", "note", "speaker", "date",
    "matched", "diff", "citation", "url", "claimed_date", "same_date", "paraphrase_checked", "coverage",
    "passages",
]
"""Columns of :func:`verify_frame`, in order: one row per quote, the best passage's details, and
``passages`` (every supporting passage as a dict)."""


def read_quote_batch(path: str | Path) -> list[QuoteItem]:
    """Read a JSON Lines file of ``{id, quote, speaker?, date?}`` objects; refuse it whole when a line is bad.

    Blank lines are skipped. Every id must be present and unique, every quote non-empty text; a
    field outside :data:`BATCH_FIELDS` is an error (a typo such as ``speeker`` would otherwise
    check the quote against everyone).

    Example:
        >>> read_quote_batch("quotes.jsonl")  # doctest: +SKIP
        [QuoteItem(id='q1', quote='the trust to try things out', speaker='Hancock', date='2015')]
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as err:
        raise BadInput(str(path), "no such file: give a JSON Lines file of {id, quote, speaker?, date?}") from err
    except (OSError, UnicodeDecodeError) as err:
        raise BadInput(str(path), f"cannot read it as UTF-8 text ({err})") from err
    items: list[QuoteItem] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise BadInput(str(path), f"not a JSON object ({err.msg})", line=number) from err
        if not isinstance(record, dict):
            raise BadInput(str(path), "each line must be a JSON object {id, quote, speaker?, date?}", line=number)
        unknown = sorted(set(record) - set(BATCH_FIELDS))
        if unknown:
            raise BadInput(str(path), f"unknown field(s) {', '.join(unknown)}; known: {', '.join(BATCH_FIELDS)}",
                           line=number)
        for name in BATCH_FIELDS:
            value = record.get(name)
            if value is not None and not isinstance(value, (str, int)) or (name == "quote" and not isinstance(value, str)):
                raise BadInput(str(path), f"{name} must be text, not {value!r}", line=number)
        item_id = str(record.get("id", "")).strip()
        if not item_id:
            raise BadInput(str(path), "every line needs an id", line=number)
        if item_id in seen:
            raise BadInput(str(path), f"id {item_id!r} was already used on line {seen[item_id]}; ids must be unique",
                           line=number)
        if not record["quote"].strip():
            raise BadInput(str(path), "the quote is empty", line=number)
        seen[item_id] = number
        items.append(QuoteItem(id=item_id, quote=record["quote"], speaker=record.get("speaker") or None,
                               date=str(record["date"]) if record.get("date") else None))
    if not items:
        raise BadInput(str(path), "holds no quotes: one JSON object per line, {id, quote, speaker?, date?}")
    return items


def verify_frame(corpus: Any, quotes: str | Iterable[QuoteItem], *, speaker: str | None = None,
                 since: str | None = None, until: str | None = None,
                 altered_min: float = ALTERED_MIN, meaning: bool | None = None) -> pd.DataFrame:
    """Return the verdicts on one quote or a batch as a DataFrame with :data:`VERIFY_COLUMNS`.

    Example:
        >>> verify_frame(corpus, "the era of big government is over", speaker="Clinton")  # doctest: +SKIP
    """
    if isinstance(quotes, str):
        verdicts: list[Verdict] = [verify_quote(corpus, quotes, speaker=speaker, since=since, until=until,
                                                altered_min=altered_min, meaning=meaning)]
    else:
        if speaker is not None:
            raise BadInput("verify_frame", "a batch names each quote's speaker itself; pass speaker= only "
                           "with a single quote")
        verdicts = verify_quotes(corpus, list(quotes), since=since, until=until, altered_min=altered_min,
                                 meaning=meaning)
    frame = pd.DataFrame([v.to_dict() for v in verdicts], columns=VERIFY_COLUMNS)
    return attach_provenance(frame, corpus, "verify_frame", {"speaker": speaker, "since": since, "until": until},
                             altered_min=altered_min, meaning=meaning)
