"""Counts over stored annotations, as DataFrames with fixed columns: entities and quoted speakers."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from policytext.errors import BadQuery
from policytext.records import check_quote_scheme, check_resolved_by
from policytext.store.filters import DocumentFilter, check_fraction, check_grouping, speaker_condition, strict_options

if TYPE_CHECKING:
    from policytext.corpus import Corpus

ENTITY_COUNT_COLUMNS = ["name", "label", "mentions", "documents"]
"""Columns of :func:`count_entities` (with ``government`` first when grouped by government)."""
SPEAKER_COLUMNS = ["speaker", "role", "quotes", "documents", "direct", "indirect", "mixed"]
"""Columns of :func:`count_quoted_speakers`; ``role`` is the role most often given with the speaker's
counted quotes ("Skills Minister"), or None."""
_GROUPS = {"government": "d.government", "party": "d.party", "speaker": "d.speaker", "kind": "d.kind"}


@strict_options
def count_entities(corpus: "Corpus", *, label: str | None = None, top: int = 20, by: str | None = None,
                   **filters: Any) -> pd.DataFrame:
    """Return the most mentioned entities (normalised names), overall or per group.

    Args:
        corpus: an annotated corpus.
        label: only this spaCy label (PERSON, ORG, GPE, NORP, …).
        top: how many names (per group when ``by`` is given).
        by: ``government``, ``party``, ``speaker`` or ``kind``: count within each group.
        filters: document filters (``speaker``, ``party``, ``government``, ``kind``, ``since``, …).

    Returns:
        Columns :data:`ENTITY_COUNT_COLUMNS`, most mentioned first (preceded by the group column).

    Example:
        >>> count_entities(corpus, label="PERSON", top=5)  # doctest: +SKIP
    """
    if top < 1:
        raise BadQuery(f"--top must be 1 or more, not {top}")
    if by is not None:
        check_grouping(by, tuple(_GROUPS))
    where, params = DocumentFilter.from_options(**filters).check_values(corpus.store.conn).where("d")
    if label:
        where += " AND e.label = ?"
        params.append(label.upper())
    group = f"COALESCE({_GROUPS[by]}, '(none)') AS {by}, " if by else ""
    group_by = "1, 2, 3" if by else "1, 2"
    sql = (f"SELECT {group}e.name AS name, e.label AS label, COUNT(*) AS mentions, "
           f"COUNT(DISTINCT e.doc_id) AS documents FROM entities e JOIN documents d ON d.id = e.doc_id "
           f"WHERE {where} GROUP BY {group_by}")
    frame = pd.read_sql_query(sql, corpus.store.conn, params=params)
    columns = ([by] if by else []) + ENTITY_COUNT_COLUMNS
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.sort_values(["mentions", "documents", "name"], ascending=[False, False, True])
    if by:
        frame = frame.groupby(by, sort=False).head(top)
        order = corpus.timelines.order() if by == "government" else {}
        frame["_order"] = [order.get(g) or g for g in frame[by]]
        frame = frame.sort_values(["_order", "mentions"], ascending=[True, False], kind="stable").drop(columns="_order")
    else:
        frame = frame.head(top)
    return frame[columns].reset_index(drop=True)


@strict_options
def count_quoted_speakers(corpus: "Corpus", *, top: int = 10, quoted: str | None = None, min_confidence: float = 0.0,
                          resolved_by: str | None = None, scheme: str | None = None, **filters: Any) -> pd.DataFrame:
    """Return the speakers quoted most often, with counts by kind (columns :data:`SPEAKER_COLUMNS`).

    Args:
        corpus: an annotated corpus.
        top: how many speakers.
        quoted: count only the quotes of this person (part of the name, from the start of a word,
            as ``find_quotes(speaker=…)`` reads it); a name no record has is refused.
        min_confidence: count only quotes whose confidence is at least this (0–1).
        resolved_by: count only quotes whose speaker was resolved so ("name", "name,chain", …).
        scheme: count only quotes found under this scheme (``speech`` or ``attribution``).
        filters: document filters (``speaker``, ``party``, ``government``, ``kind``, ``since``, …):
            ``speaker`` is the documents' speaker (who quotes), not who is quoted.

    Example:
        >>> count_quoted_speakers(corpus, top=10, min_confidence=0.8)  # doctest: +SKIP
    """
    if top < 1:
        raise BadQuery(f"--limit must be 1 or more, not {top}")
    confidence = check_fraction(min_confidence, option="--min-confidence")
    where, params = DocumentFilter.from_options(**filters).check_values(corpus.store.conn).where("d")
    if quoted is not None and str(quoted).strip():
        person = DocumentFilter.from_options(speaker=quoted).check_values(corpus.store.conn).speaker
        clause, person_params = speaker_condition("q.speaker", person)
        where, params = f"{clause} AND {where}", [*person_params, *params]
    if resolved_by is not None:
        methods = check_resolved_by(resolved_by)
        where, params = f"q.resolved_by IN ({', '.join('?' * len(methods))}) AND {where}", [*methods, *params]
    if scheme is not None:
        where, params = f"q.scheme = ? AND {where}", [check_quote_scheme(scheme), *params]
    sql = ("SELECT q.speaker AS speaker, COUNT(*) AS quotes, COUNT(DISTINCT q.doc_id) AS documents, "
           "SUM(q.kind = 'direct') AS direct, SUM(q.kind = 'indirect') AS indirect, "
           "SUM(q.kind = 'mixed') AS mixed FROM quotes q JOIN documents d ON d.id = q.doc_id "
           f"WHERE q.speaker IS NOT NULL AND q.confidence >= ? AND {where} GROUP BY q.speaker "
           "ORDER BY quotes DESC, documents DESC, speaker LIMIT ?")
    frame = pd.read_sql_query(sql, corpus.store.conn, params=[confidence, *params, int(top)])
    if frame.empty:
        return pd.DataFrame(columns=SPEAKER_COLUMNS)
    speakers = list(frame["speaker"])
    roles_sql = ("SELECT q.speaker AS speaker, q.speaker_role AS role, COUNT(*) AS n FROM quotes q "
                 "JOIN documents d ON d.id = q.doc_id WHERE q.speaker_role IS NOT NULL AND q.confidence >= ? "
                 f"AND q.speaker IN ({', '.join('?' * len(speakers))}) AND {where} GROUP BY q.speaker, q.speaker_role")
    roles: dict[str, tuple[int, str]] = {}
    for speaker, role, n in corpus.store.conn.execute(roles_sql, [confidence, *speakers, *params]):
        best = roles.get(speaker)
        if best is None or (n, role) > best:  # the most frequent role; ties go to the later name, fixed
            roles[speaker] = (n, role)
    frame["role"] = [roles[s][1] if s in roles else None for s in frame["speaker"]]
    return frame[SPEAKER_COLUMNS]
