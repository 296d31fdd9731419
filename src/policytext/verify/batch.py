"""Batches of quotes to check: JSON Lines of ``{id, quote, speaker?, date?}``, and verdicts as a DataFrame."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from policytext.errors import BadInput, BadQuery
from policytext.provenance import attach_provenance
from policytext.verify.check import ALTERED_MIN, QuoteItem, Verdict, check_claimed_date, verify_quote, verify_quotes

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

    Blank lines are skipped. Every id must be present and unique, every quote non-empty text, a
    date YYYY, YYYY-MM or YYYY-MM-DD (it is compared with the passages' dates); a
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
        date = str(record["date"]).strip() if record.get("date") else None
        if date is not None:
            try:
                check_claimed_date(date)
            except BadQuery as err:
                raise BadInput(str(path), str(err), line=number) from err
        seen[item_id] = number
        items.append(QuoteItem(id=item_id, quote=record["quote"], speaker=record.get("speaker") or None,
                               date=date))
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


QUOTE_CHECK_COLUMNS = ["doc_id", "start", "end", "cue", "quote_kind", "confidence", "title", *VERIFY_COLUMNS]
"""Columns of :func:`verify_extracted_quotes`: where each quote was found, then :data:`VERIFY_COLUMNS`."""


def verify_extracted_quotes(corpus: Any, *, doc_ids: Iterable[str] = (), altered_min: float = ALTERED_MIN,
                            meaning: bool | None = None, embedder: Any = None, **options: Any) -> pd.DataFrame:
    """Check every quote the annotation found (in the given documents, or as chosen) against the rest of the corpus.

    Each quote is checked as said by the speaker it was attributed to, and the document it comes
    from is no evidence for it (it would confirm itself). The seed case: the blog's "trust to try
    things out", attributed to Matthew Hancock, is ``not found`` in his speeches, and the note
    says where else it is quoted. A quote too short to check (fewer than three words) gets the
    verdict ``not checked`` and says why, rather than stopping the batch.

    Args:
        corpus: a Corpus or Store.
        doc_ids: only the quotes of these documents (empty: every quote the options choose).
        options: the options of :func:`~policytext.search.find_quotes` (speaker, about, the filters,
            limit, min_confidence, resolved_by) that choose the quotes.

    Returns:
        A DataFrame with :data:`QUOTE_CHECK_COLUMNS`, one row per quote, in document order.

    Example:
        >>> verify_extracted_quotes(corpus, doc_ids=["test:seed-blog"])  # doctest: +SKIP
    """
    from policytext.search import find_quotes
    from policytext.search.meaning import has_vectors, load_embedder, meaning_available, model_of

    wanted = [str(doc_id) for doc_id in doc_ids]
    store = getattr(corpus, "store", corpus)
    if wanted:
        known = {row[0] for row in store.conn.execute(
            f"SELECT id FROM documents WHERE id IN ({', '.join('?' for _ in wanted)})", wanted)}
        unknown = [doc_id for doc_id in wanted if doc_id not in known]
        if unknown:
            raise BadQuery(f"no document with id {', '.join(map(repr, unknown))} in this corpus "
                           "(policytext documents lists them)")
    limit = options.pop("limit", None) if wanted else options.get("limit")
    quotes = find_quotes(corpus, **options)
    if wanted:
        quotes = quotes[quotes["doc_id"].isin(wanted)].head(limit if limit is not None else len(quotes))
    name = model_of(corpus)
    if embedder is None and (meaning or (meaning is None and meaning_available(name) and has_vectors(store, name))):
        embedder = load_embedder(name)
    rows = []
    for quote in quotes.to_dict(orient="records"):
        where = {"doc_id": quote["doc_id"], "start": quote["start"], "end": quote["end"], "cue": quote["cue"],
                 "quote_kind": quote["kind"], "confidence": quote["confidence"], "title": quote["title"]}
        item_id = f"{quote['doc_id']}:{quote['start']}-{quote['end']}"
        try:
            verdict = verify_quote(corpus, quote["text"], speaker=quote["speaker"] or None, id=item_id,
                                   altered_min=altered_min, meaning=meaning if embedder is not None else False,
                                   embedder=embedder, exclude_doc=quote["doc_id"])
        except BadQuery as err:  # too short to say anything: said in the row, the batch goes on
            rows.append({**where, "id": item_id, "quote": quote["text"], "asked_speaker": quote["speaker"],
                         "verdict": "not checked", "note": f"not checked: {err}", "changes": [], "passages": []})
            continue
        rows.append({**where, **verdict.to_dict()})
    frame = pd.DataFrame(rows, columns=QUOTE_CHECK_COLUMNS)
    return attach_provenance(frame, corpus, "verify_extracted_quotes", None, doc_ids=wanted, altered_min=altered_min,
                             meaning=meaning, **options)
