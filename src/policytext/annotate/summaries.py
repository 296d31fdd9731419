"""Counts over stored annotations, as DataFrames with fixed columns: entities and quoted speakers."""
from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from policytext.annotate.titles import ABBREVIATED_TITLES, PERSON_TITLES, TITLE_WORDS, person_title, strip_person_name
from policytext.errors import BadQuery
from policytext.records import check_quote_scheme, check_resolved_by
from policytext.store.db import utc_now
from policytext.store.filters import (SPEAKER_TABLES, DocumentFilter, check_fraction, check_grouping, speaker_condition,
                                      strict_options)

if TYPE_CHECKING:
    from policytext.corpus import Corpus

ENTITY_COUNT_COLUMNS = ["name", "label", "mentions", "documents"]
"""Columns of :func:`count_entities` (with ``government`` first when grouped by government)."""
SPEAKER_COLUMNS = ["speaker", "role", "quotes", "documents", "direct", "indirect", "mixed"]
"""Columns of :func:`count_quoted_speakers`; ``role`` is the role most often given with the speaker's
counted quotes ("Skills Minister"), or None."""
_GROUPS = {"government": "d.government", "party": "d.party", "speaker": "d.speaker", "kind": "d.kind"}


_NAME_SUFFIXES = frozenset(("jr", "jr.", "sr", "sr.", "ii", "iii", "iv"))


def _surname(name: str) -> str:
    """Return the last word of a person's name, past a suffix ("Jr."), lower-cased.

    >>> _surname("Martin Luther King Jr."), _surname("Putin")
    ('king', 'putin')
    """
    words = name.split()
    while len(words) > 1 and words[-1].lower() in _NAME_SUFFIXES:
        words.pop()
    return words[-1].lower() if words else ""


def surname_aliases(conn: Any) -> dict[str, str]:
    """Return each one-word person name of the store mapped to the one full name it stands for.

    Within a document a surname is already joined to its full name ("Putin" after "Vladimir
    Putin"); across documents it is not, so a listing showed "Putin" and "Vladimir Putin" as two
    people. A one-word name joins the full name of the store that ends with it only when exactly
    one does, and nothing says they differ: no document names both apart (a document that kept
    "Biden" apart from "Jill Biden" had a reason), and no office or honorific of the surname's
    mentions is missing from the full name's ("Vice President Biden" is not shown to be "Jill
    Biden"; "Mr Smith" is not "Jane Smith"). Two full names with the surname ("George W. Bush",
    "George H. W. Bush") leave it alone: never a guess. Only listings use this; stored mentions
    keep their names.
    """
    names: dict[str, set[tuple[str | None, str | None]]] = {}
    for name, text in conn.execute("SELECT DISTINCT name, text FROM entities WHERE label = 'PERSON'"):
        if name:
            names.setdefault(name, set()).add(person_title(text))
    full_by_surname: dict[str, list[str]] = {}
    for name in names:
        if len(name.split()) > 1:
            full_by_surname.setdefault(_surname(name), []).append(name)
    pairs = {}
    for name, titles in names.items():
        if len(name.split()) != 1:
            continue
        full = full_by_surname.get(name.lower(), [])
        if len(full) != 1:
            continue
        offices = {office for office, _ in names[full[0]] if office}
        genders = {gender for _, gender in names[full[0]] if gender}
        if any(office and office not in offices for office, _ in titles):
            continue
        if len(genders | {gender for _, gender in titles if gender}) > 1:
            continue
        pairs[name] = full[0]
    if not pairs:
        return {}
    involved = set(pairs) | set(pairs.values())
    in_document: dict[str, set[str]] = {}
    for doc_id, name in conn.execute("SELECT DISTINCT doc_id, name FROM entities WHERE label = 'PERSON'"):
        if name in involved:
            in_document.setdefault(doc_id, set()).add(name)
    apart = {short for present in in_document.values() for short in present
             if short in pairs and pairs[short] in present}
    return {short: full for short, full in pairs.items() if short not in apart}


def _mention_key(text: str) -> str:
    """A mention's text as the same words whatever the label: "the Chamber's" and "Chamber" are one key."""
    words = re.sub(r"(?:['’]s|['’])$", "", " ".join(text.split())).casefold().split(" ")
    return " ".join(words[1:] if len(words) > 1 and words[0] == "the" else words)


def _given_name(name: str, table: Any) -> bool:
    """Whether the first word of ``name`` that is not an initial is in the first-name table."""
    import unicodedata

    for word in re.findall(r"[^\W\d_][\w'-]*\.?", name):
        if len(word.rstrip(".")) == 1 or word.endswith("."):
            continue  # an initial ("J. Michael Johnson")
        plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().casefold()
        return bool(plain) and table.code(plain) is not None
    return False


def _lower_case_words(conn: Any) -> set[str]:
    """Return every word the documents write in lower case (the corpus's ordinary words)."""
    words: set[str] = set()
    lower = re.compile(r"\b[a-z]+\b")
    for (text,) in conn.execute("SELECT text FROM documents"):
        words.update(lower.findall(text or ""))
    return words


MIN_PERSON_SHARE = 0.25
"""A name stays a person only when at least this share of the places its words stand in the
documents were tagged part of a person's name (:func:`person_shares`). spaCy's small model tags
"God" (of "God bless America") and "Head Start" a PERSON in some places, never another label, and
"God" is a given name of the first-name table, so the two rules of :func:`unlikely_people` before
this one kept them; their words stand far more often untagged (State of the Union addresses
1946-2026: God 17 of 155 places, Head Start 25 of 180). 0.25 was chosen by reading the lists of those
addresses (there is no labelled set of names to cross-validate on): at 0.5 Nixon (0.47), Richard
Nixon (0.36) and Carter (0.43) went too. See docs/annotation.md for what it leaves out."""
_WORD = re.compile(r"\w+")


def person_shares(conn: Any) -> dict[str, tuple[int, int]]:
    """Return, for each name tagged PERSON in the store, in how many of the
    places its mentions' words stand (case aside, whole words) spaCy tagged them part of a person's
    name, and in how many places they stand: ``{name: (as a person, places)}``.

    A place inside a longer name of another kind ("Nixon" in "the Nixon Administration", ORG) is
    not counted either way: it is part of another name, not a use of this one. A word the corpus
    also uses as a common noun ("this chamber") or in a fixed phrase ("God bless") gets a low share.

    The counts annotate stored (:func:`store_person_shares`) are read when no entity or document
    changed since; otherwise they are counted afresh from every annotated document's text.
    """
    return {name: (as_person, places) for name, (as_person, places, _, _) in _person_counts(conn).items()}


def _person_counts(conn: Any) -> dict[str, tuple[int, int, bool, bool]]:
    """:func:`person_shares` with two more facts of the corpus about each name: whether every word
    of it is written in lower case somewhere, and whether it is written just after a person's title
    somewhere (:func:`_names_after_titles`)."""
    kept = _kept_person_counts(conn)
    return kept if kept is not None else _count_person_counts(conn)


def _count_person_counts(conn: Any) -> dict[str, tuple[int, int, bool, bool]]:
    lower = _lower_case_words(conn)
    after_title = _names_after_titles(conn)
    return {name: (as_person, places, _written_in_lower_case(name, lower), name in after_title)
            for name, (as_person, places) in count_person_shares(conn).items()}


def _written_in_lower_case(name: str, lower: set[str]) -> bool:
    words = [w.casefold() for w in re.findall(r"[^\W\d_]+", name)]
    return bool(words) and all(w in lower for w in words)


_RUN = re.compile(r"(?:[A-Z](?:\.|[\w'’-]+)[ \t]+){0,3}[A-Z][\w'’-]*")
"""Capitalised words in a row ("Abraham Lincoln", "George W. Bush"): a full stop only after an initial."""


def _names_after_titles(conn: Any) -> set[str]:
    """Return the PERSON names of the store that the documents write just after a person's title.

    "Prime Minister Begin", "Ms. Waters", "President Abraham Lincoln": a capitalised word after
    one of :data:`~policytext.annotate.titles.PERSON_TITLES` is a person's name, whatever the
    model tagged it elsewhere ("Begin" the verb, "Lincoln Memorial"). A name counts when its words
    begin or end such a run of capitalised words, so "Lincoln" counts by "President Abraham Lincoln".
    A run that begins with a title word is an address ("Madam Speaker"), not a name.
    """
    wanted: dict[tuple[str, ...], set[str]] = {}
    for name, text in conn.execute("SELECT DISTINCT name, text FROM entities WHERE label = 'PERSON'"):
        for words in (tuple(_WORD.findall(name or "")), tuple(_WORD.findall(strip_person_name(text)))):
            if words:
                wanted.setdefault(words, set()).add(name)
    if not wanted:
        return set()
    written = [re.escape(t.capitalize()) for t in PERSON_TITLES]
    written += [re.escape(t.capitalize()) + r"\." for t in ABBREVIATED_TITLES]
    titles = re.compile(r"\b(?:" + "|".join(sorted(written, key=len, reverse=True)) + r")[ \t]+")
    found: set[str] = set()
    for (text,) in conn.execute("SELECT text FROM documents"):
        for match in titles.finditer(text or ""):
            run = _RUN.match(text, match.end())
            if not run:
                continue
            words = tuple(_WORD.findall(re.sub(r"['’]s\b", "", run.group())))
            if not words or words[0].lower() in TITLE_WORDS:
                continue
            for n in range(1, len(words) + 1):
                found.update(wanted.get(words[:n], ()))
                found.update(wanted.get(words[-n:], ()))
    return found


PERSON_COUNTS_METHOD = 1
"""The version of how :func:`_count_person_counts` counts: raise it when the counting changes, so
counts an older policytext kept in the store are counted again rather than read."""


def _kept_person_counts(conn: Any) -> dict[str, tuple[int, int, bool, bool]] | None:
    """The counts in the store's ``person_shares`` table when they are of the current generation, else None."""
    current = conn.execute("SELECT 1 FROM person_shares_counted c JOIN annotation_generation g "
                           "ON g.n = c.generation WHERE c.method = ?", (PERSON_COUNTS_METHOD,)).fetchone()
    if current is None:
        return None
    return {name: (as_person, places, bool(lower), bool(after_title)) for name, as_person, places, lower, after_title
            in conn.execute("SELECT name, as_person, places, lower_case, after_title FROM person_shares")}


def store_person_shares(store: Any) -> bool:
    """Count :func:`person_shares` and keep the counts in the store, unless those kept are current.

    Annotate calls it once at the end of a run, so ``entities`` reads the counts instead of every
    document's text. One write transaction: no other writer changes entities between the count and
    the generation it is kept under. Returns whether it counted.
    """
    with store.transaction() as conn:
        if _kept_person_counts(conn) is not None:
            return False
        counts = _count_person_counts(conn)
        conn.execute("DELETE FROM person_shares")
        conn.executemany("INSERT INTO person_shares (name, as_person, places, lower_case, after_title) "
                         "VALUES (?, ?, ?, ?, ?)", [(name, a, b, int(lower), int(after_title))
                                                    for name, (a, b, lower, after_title) in counts.items()])
        conn.execute("INSERT OR REPLACE INTO person_shares_counted (id, generation, method, counted_at) "
                     "SELECT 1, n, ?, ? FROM annotation_generation", (PERSON_COUNTS_METHOD, utc_now()))
    return True


def count_person_shares(conn: Any) -> dict[str, tuple[int, int]]:
    """Count :func:`person_shares` from the documents' text (whatever the store keeps)."""
    texts: dict[str, set[tuple[str, ...]]] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    others: dict[str, list[tuple[int, int]]] = {}
    for doc, start, end, label, text, name in conn.execute(
            "SELECT e.doc_id, e.start_char, e.end_char, e.label, e.text, e.name FROM entities e "
            "JOIN documents d ON d.id = e.doc_id"):
        if label == "PERSON":
            spans.setdefault(doc, []).append((start, end))
            words = tuple(w.lower() for w in _WORD.findall(text))
            if words:
                texts.setdefault(name, set()).add(words)
        else:
            others.setdefault(doc, []).append((start, end))
    keys = {words for group in texts.values() for words in group}
    if not keys:
        return {}
    firsts, longest = {k[0] for k in keys}, max(len(k) for k in keys)
    person: dict[tuple[str, ...], int] = {}
    places: dict[tuple[str, ...], int] = {}
    for doc in spans:
        (text,) = conn.execute("SELECT text FROM documents WHERE id = ?", (doc,)).fetchone()
        tagged = sorted(spans[doc])
        starts = [a for a, _ in tagged]
        other = sorted(others.get(doc, []))
        other_starts = [a for a, _ in other]
        tokens = [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]
        for i, (word, begin, _) in enumerate(tokens):
            if word not in firsts:
                continue
            for n in range(1, min(longest, len(tokens) - i) + 1):
                key = tuple(t[0] for t in tokens[i:i + n])
                if key not in keys:
                    continue
                finish = tokens[i + n - 1][2]
                j = bisect.bisect_right(starts, begin) - 1
                if j >= 0 and tagged[j][1] >= finish:
                    person[key] = person.get(key, 0) + 1
                elif any(a <= begin and finish <= b and b - a > finish - begin
                         for a, b in other[:bisect.bisect_right(other_starts, begin)]):
                    continue
                places[key] = places.get(key, 0) + 1
    return {name: (sum(person.get(k, 0) for k in group), sum(places.get(k, 0) for k in group))
            for name, group in texts.items()}


def unlikely_people(conn: Any) -> dict[str, str]:
    """Return the PERSON names of the store that do not look like people, each with why.

    The small English model tags some capitalised words as people ("Chamber" in "the Chamber",
    "Desert Storm", "Healthy People"). Three things the corpus itself shows leave a name out:

    - most mentions of its words are tagged as something else, counted over the whole store:
      "Chamber" is tagged PERSON 7 times and ORG 44 times in the 2001-2026 addresses;
    - every word of it is also written in lower case in the corpus ("desert", "storm"), so it is
      a phrase of ordinary words, while no word is a given name of the first-name table the
      speaker resolver uses (:mod:`policytext.annotate.first_names`: "Grace", "Will") and no
      mention carries a title ("Mr. Storm"). Names of people are rarely written in lower case:
      "Cheney", "Maduro", "Kampuchea" never are, so they stay;
    - the places its words stand in the documents were tagged part of a person's name in under
      :data:`MIN_PERSON_SHARE` of them (:func:`person_shares`): "God" (of "God bless America",
      a given name of the table and never tagged otherwise) is a person in 17 of 155 places.

    A name the documents write just after a person's title somewhere ("Prime Minister Begin",
    "Ms. Waters", "President Abraham Lincoln" for "Lincoln") stays, whatever the three rules say
    (:func:`_names_after_titles`). A name made only of title words ("Madam" of "Madam Speaker")
    is left out: it addresses someone, it names nobody.

    Only listings use this (:func:`count_entities`, which says what it leaves out); stored
    mentions keep their labels.
    """
    from policytext.annotate.first_names import NameTable

    labelled: dict[str, list[int]] = {}  # mention key -> [PERSON mentions, other mentions]
    for text, label, n in conn.execute("SELECT text, label, COUNT(*) FROM entities GROUP BY text, label"):
        counts = labelled.setdefault(_mention_key(text), [0, 0])
        counts[0 if label == "PERSON" else 1] += n
    mentions: dict[str, set[str]] = {}
    for name, text in conn.execute("SELECT DISTINCT name, text FROM entities WHERE label = 'PERSON'"):
        if name:
            mentions.setdefault(name, set()).add(text)
    table = NameTable.installed()
    why: dict[str, str] = {}
    ordinary: list[str] = []
    for name, texts in mentions.items():
        keys = {_mention_key(t) for t in texts} | {_mention_key(name)}
        person = sum(labelled.get(k, [0, 0])[0] for k in keys)
        other = sum(labelled.get(k, [0, 0])[1] for k in keys)
        if other > person:
            why[name] = f"tagged PERSON in {person} of {person + other} mentions"
        elif not _given_name(name, table) and not any(any(person_title(t)) for t in texts):
            ordinary.append(name)
    counts = _person_counts(conn)
    for name in ordinary:
        if name in counts and counts[name][2]:
            why[name] = "its words are ordinary words of the corpus (written in lower case) and none is a given name"
    for name, (as_person, places, _, _) in counts.items():
        if name not in why and places and as_person / places < MIN_PERSON_SHARE:
            why[name] = f"its words stand {places} times in the documents, tagged a person's name in {as_person}"
    for name in [name for name in why if name in counts and counts[name][3]]:
        del why[name]  # written after a person's title somewhere ("Prime Minister Begin"): a person
    for name in mentions:
        words = [w.casefold() for w in _WORD.findall(name)]
        if words and all(w in TITLE_WORDS for w in words):
            why[name] = "it is a title or form of address, not a name"
    return why


@strict_options
def count_entities(corpus: "Corpus", *, label: str | None = None, top: int = 20, by: str | None = None,
                   all_names: bool = False, **filters: Any) -> pd.DataFrame:
    """Return the most mentioned entities (normalised names), overall or per group.

    A one-word person name that can only be one full name of the corpus is counted under it
    (:func:`surname_aliases`): "Putin" in one speech and "Vladimir Putin" in another are one row.
    A name tagged PERSON that the corpus shows is no person (:func:`unlikely_people`: "Chamber",
    "Desert Storm") is left out unless ``all_names``; ``attrs["not_people"]`` lists those left out
    as ``(name, mentions, why)``, most mentioned first.

    Args:
        corpus: an annotated corpus.
        label: only this spaCy label (PERSON, ORG, GPE, NORP, …).
        top: how many names (per group when ``by`` is given).
        by: ``government``, ``party``, ``speaker`` or ``kind``: count within each group.
        all_names: list every name tagged PERSON, also those that do not look like people.
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
    aliases = surname_aliases(corpus.store.conn) if label is None or label.upper() == "PERSON" else {}
    # a surname standing for the corpus's one full name of it is counted under the full name
    # (see surname_aliases); the mentions stored keep their own names
    alias_sql = "WITH alias(short, full) AS (VALUES " + ", ".join("(?, ?)" for _ in aliases) + ") " if aliases else ""
    name_sql = "COALESCE(alias.full, e.name)" if aliases else "e.name"
    join_sql = " LEFT JOIN alias ON e.label = 'PERSON' AND alias.short = e.name" if aliases else ""
    sql = (f"{alias_sql}SELECT {group}{name_sql} AS name, e.label AS label, COUNT(*) AS mentions, "
           f"COUNT(DISTINCT e.doc_id) AS documents FROM entities e JOIN documents d ON d.id = e.doc_id{join_sql} "
           f"WHERE {where} GROUP BY {group_by}")
    frame = pd.read_sql_query(sql, corpus.store.conn,
                              params=[value for pair in aliases.items() for value in pair] + params)
    columns = ([by] if by else []) + ENTITY_COUNT_COLUMNS
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame.sort_values(["mentions", "documents", "name"], ascending=[False, False, True])
    not_people: list[tuple[str, int, str]] = []
    if not all_names and (label is None or label.upper() == "PERSON"):
        unlikely = unlikely_people(corpus.store.conn)
        out = (frame["label"] == "PERSON") & frame["name"].isin(list(unlikely))
        left = frame[out].groupby("name", sort=False)["mentions"].sum()
        not_people = [(name, int(n), unlikely[name]) for name, n in left.sort_values(ascending=False, kind="stable").items()]
        frame = frame[~out]
    if by:
        frame = frame.groupby(by, sort=False).head(top)
        order = corpus.timelines.order() if by == "government" else {}
        frame["_order"] = [order.get(g) or g for g in frame[by]]
        frame = frame.sort_values(["_order", "mentions"], ascending=[True, False], kind="stable").drop(columns="_order")
    else:
        frame = frame.head(top)
    result = frame[columns].reset_index(drop=True)
    result.attrs["not_people"] = not_people
    return result


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
    confidence = check_fraction(min_confidence, option="min_confidence")
    where, params = DocumentFilter.from_options(**filters).check_values(corpus.store.conn).where("d")
    if quoted is not None and str(quoted).strip():
        person = DocumentFilter.from_options(speaker=quoted).check_values(
            corpus.store.conn, speaker_of=SPEAKER_TABLES).speaker  # a speaker never quoted: none, a true answer
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
