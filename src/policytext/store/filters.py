"""Document filters shared by every query: the same names in the CLI, the library and the web page.

``speaker`` matches the start of a word of the name, case-insensitively ("Kennedy" finds
"John F. Kennedy", "Ann" finds "Anne-Marie Trevelyan" but not "Danny Kruger"); ``government``
and ``post`` (a post the speaker held that day, the ``speaker_role`` column) match any part of
the name; ``party``, ``kind``, ``source``, ``country`` and ``role`` (the speaker's place
on the day: minister, shadow, backbencher, chair) match whole values, and ``side`` (the speaker's
party's side that day) is ``government`` or ``opposition`` (any other value is refused),
case-insensitively (``party`` also by any label a source gave the party in this corpus: "Con" finds
every Conservative document); ``since`` and ``until`` are inclusive ISO dates (a year such as ``1961`` is
read as the first or last day of that year; ``since`` after ``until`` is refused). A document dated
only to the year or month is within them when its whole year or month is.

:meth:`DocumentFilter.check_values` refuses a party, kind or government no document has, and a
speaker who matches no record, suggesting the closest values of the corpus: a typo such as
``--party Democrat`` is an error, never an empty result.

The vocabulary is closed: a name outside :data:`FILTER_NAMES` is refused with
:class:`~policytext.errors.UnknownOption` (a typo such as ``goverment`` never widens a selection
to the whole corpus), and every date bound of every command is read by
:func:`normalise_date_bound` alone.
"""
from __future__ import annotations

import calendar
import datetime as dt
import difflib
import fnmatch
import functools
import inspect
import operator
import re
from dataclasses import dataclass, fields
from typing import Any, Callable, Iterable, Sequence, TypeVar

from policytext.errors import BadQuery, UnknownOption, UnknownValue
from policytext.records import ROLES, SIDES

DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"
MAX_SQL_INTEGER = 2**63 - 1  # the largest integer SQLite stores (a LIMIT beyond it overflows)
# [0-9], not \d: \d also matches Arabic-Indic and other decimal digits, which int() reads
# but the ISO dates in the store never contain, so '١٩٩٠' would select nothing or everything.
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_DATE_IN_ANY_DIGITS = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_WHOLE_NUMBER = re.compile(r"[0-9]+")
_TEXT_FILTERS = ("speaker", "party", "government", "kind", "source", "country", "role", "side", "post")

_NO_VALUE = ("unknown", "none", "null", "n/a", "-")  # what a user may write for the absent side

F = TypeVar("F", bound=Callable[..., Any])


def check_fraction(value: float, *, option: str) -> float:
    """Return ``value`` as a float when it lies in 0–1; raise :class:`BadQuery` naming ``option`` otherwise.

    ``option`` is the keyword's name (``min_score``), worded by each front end (``--min-score``).

    Example:
        >>> check_fraction(0.8, option="min_score")
        0.8
    """
    if not 0.0 <= float(value) <= 1.0:
        raise BadQuery(f"{{{option}}} must be between 0 and 1, not {value}", fields=(option,))
    return float(value)


def check_side(value: str) -> str:
    """Return ``value`` as ``government`` or ``opposition``; raise :class:`BadQuery` for anything else.

    Documents whose side is unknown have none: no value selects them by side, and none is guessed.

    >>> check_side("Opposition")
    'opposition'
    """
    side = str(value).strip().casefold()
    if side in _NO_VALUE:
        raise BadQuery(f"side must be {' or '.join(SIDES)}, not {value!r}: a document whose side is unknown "
                       "(a source without parties' sides, or a party not placed on that day) has no side, and no "
                       "value selects it by side; leave out the side filter to include such documents")
    if side not in SIDES:
        raise BadQuery(f"side must be {' or '.join(SIDES)}, not {value!r}")
    return side


def check_grouping(by: str, allowed: Sequence[str]) -> str:
    """Return ``by`` when it is one of the ``allowed`` groupings; raise :class:`BadQuery` otherwise.

    The one check of every ``--by`` option (trends, keyness, topics, entities, stats), so each
    refuses an unknown grouping with the same words.

    Example:
        >>> check_grouping("party", ("government", "party"))
        'party'
    """
    if by not in allowed:
        raise BadQuery(f"cannot group by {by!r}: use one of {', '.join(allowed)}")
    return by


@dataclass(frozen=True)
class DocumentFilter:
    speaker: str | None = None
    party: str | None = None
    government: str | None = None
    kind: str | None = None
    source: str | None = None
    country: str | None = None
    role: str | None = None
    side: str | None = None
    post: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int | None = None

    @classmethod
    def from_options(cls, **options: Any) -> "DocumentFilter":
        """Build a filter from keyword options, checked; ``None`` and ``""`` leave a filter unset.

        Raises:
            UnknownOption: a name outside :data:`FILTER_NAMES` (the message lists them).
            BadQuery: a role outside :data:`~policytext.records.ROLES`, a date bound that is not
                YYYY, YYYY-MM or YYYY-MM-DD (digits 0-9, years 1-9999), a limit that is not a whole number from 0, or a text filter that is
                not text.

        Example:
            >>> DocumentFilter.from_options(speaker="Kennedy", until="1962-02").until
            '1962-02-28'
        """
        check_filter_names(options)
        values = {k: v for k, v in options.items() if v is not None and not (isinstance(v, str) and v == "")}
        for name in _TEXT_FILTERS:
            if name in values:
                values[name] = _check_text(name, values[name])
        if "role" in values and values["role"].lower() not in ROLES:
            raise BadQuery(f"no such role {values['role']!r}: a speaker's place that day is one of "
                           f"{', '.join(ROLES)}")
        if "side" in values:
            values["side"] = check_side(values["side"])
        if "since" in values:
            values["since"] = normalise_date_bound(values["since"], end=False, name="since")
        if "until" in values:
            values["until"] = normalise_date_bound(values["until"], end=True, name="until")
        if "since" in values and "until" in values and values["since"] > values["until"]:
            raise BadQuery(f"{{since}} is after {{until}} ({values['since']} > {values['until']}): no date "
                           "lies between them; swap them or widen the period", fields=("since", "until"))
        if "limit" in values:
            values["limit"] = _check_limit(values["limit"])
        return cls(**values)

    def check_values(self, conn: Any, *, speaker_of: Sequence[str] = ("documents",)) -> "DocumentFilter":
        """Refuse a party, kind, government or post that no document has, or a speaker the filter cannot find; return self.

        Each value is checked on its own, so a value the corpus has but other filters exclude is
        not an error (the empty result is then the answer). Cheap: one ``LIMIT 1`` look-up per
        value given (indexed columns but party); the distinct values are read only to suggest the
        closest in the error.

        Args:
            conn: the store's connection.
            speaker_of: the tables whose ``speaker`` the filter's speaker is matched against
                (of ``documents``, ``quotes``, ``claims``): the documents' speaker by default,
                as :meth:`where` matches it; a listing of quotes or claims that falls back to the
                document's speaker gives its own table and ``documents``. A name found only in
                the other tables (a person quoted, never a document's speaker) is refused, since
                it would select nothing here and read as a finding ("George Bush said nothing
                about health"), with the closest names of these tables and where the name is.

        Raises:
            UnknownValue: a ``BadQuery`` naming the value, the values of the corpus and the closest.
        """
        if self.party and not _exists(conn, "SELECT 1 FROM documents WHERE party = ? COLLATE NOCASE "
                                            "OR source_party = ? COLLATE NOCASE LIMIT 1", [self.party] * 2):
            _refuse(conn, "party", "parties", self.party, "SELECT DISTINCT party FROM documents")
        if self.kind and not _exists(conn, "SELECT 1 FROM documents WHERE kind = ? COLLATE NOCASE LIMIT 1",
                                     [self.kind]):
            _refuse(conn, "kind", "kinds", self.kind, "SELECT DISTINCT kind FROM documents")
        if self.government and not _exists(conn, "SELECT 1 FROM documents WHERE government LIKE ? ESCAPE '\\' "
                                                 "LIMIT 1", [f"%{escape_like(self.government)}%"]):
            _refuse(conn, "government", "governments", self.government,
                    "SELECT DISTINCT government FROM documents")
        if self.post and not _exists(conn, "SELECT 1 FROM documents WHERE speaker_role LIKE ? ESCAPE '\\' "
                                           "LIMIT 1", [f"%{escape_like(self.post)}%"]):
            # a post is free text like a government: one no document holds is a typo or another
            # corpus's, and its empty answer would read as "no minister of it said so"
            _refuse(conn, "post", "posts", self.post, "SELECT DISTINCT speaker_role FROM documents")
        if self.speaker:
            tables = _speaker_tables(speaker_of)
            clause, params = speaker_condition("speaker", self.speaker)
            if not any(_exists(conn, f"SELECT 1 FROM {table} WHERE {clause} LIMIT 1", params) for table in tables):
                _refuse_speaker(conn, self.speaker, tables)
        return self

    def where(self, alias: str = "documents", *, speaker_column: str | None = None) -> tuple[str, list[Any]]:
        """Return a SQL condition (``1`` when empty) and its parameters, for table ``alias``.

        ``speaker_column`` replaces ``<alias>.speaker`` as what ``speaker`` matches (a record's
        own speaker, say, for quotes and claims).
        """
        clauses, params = [], []
        if self.speaker:
            clause, speaker_params = speaker_condition(speaker_column or alias + ".speaker", self.speaker)
            clauses.append(clause)
            params.extend(speaker_params)
        if self.government:
            clauses.append(f"{alias}.government LIKE ? ESCAPE '\\'")
            params.append(f"%{escape_like(self.government)}%")
        if self.post:  # any part of a post held that day: "Cabinet Office", "Secretary of State"
            clauses.append(f"{alias}.speaker_role LIKE ? ESCAPE '\\'")
            params.append(f"%{escape_like(self.post)}%")
        if self.party:
            # a party by its canonical name, or by any label a source gave it in this corpus
            # ("Con", "Tory"): the store keeps each document's own label in source_party
            clauses.append(f"({alias}.party = ? COLLATE NOCASE OR {alias}.party IN "
                           f"(SELECT p.party FROM documents AS p WHERE p.source_party = ? COLLATE NOCASE))")
            params.extend([self.party, self.party])
        for name in ("kind", "source", "country", "role", "side"):
            value = getattr(self, name)
            if value:
                clauses.append(f"{alias}.{name} = ? COLLATE NOCASE")
                params.append(value)
        if self.since:
            clauses.append(f"{alias}.date >= ?")
            params.append(self.since)
        if self.until:
            # a date known only to the year or month is in the period when all of it is: "2010"
            # is not "until 2010-03" (it may be December), as it gets no government it may not have
            clauses.append(f"{alias}.date <= ? AND (CASE {alias}.date_precision "
                           f"WHEN 'year' THEN substr({alias}.date, 1, 4) || '-12-31' "
                           f"WHEN 'month' THEN COALESCE(date({alias}.date, 'start of month', '+1 month', '-1 day'), {alias}.date) "
                           f"ELSE {alias}.date END) <= ?")
            params.extend([self.until, self.until])
        return (" AND ".join(clauses) or "1"), params


FILTER_NAMES: tuple[str, ...] = tuple(f.name for f in fields(DocumentFilter))
"""The shared filter vocabulary, in the order messages list it."""


_DESCRIBED_GLOB = "*['’]s [a-z]*"
"""A speaker described by a possessor: "Smith's lawyer", "Tyre's mother" (a possessive, then a word in lower case)."""
_POSSESSIVE = re.compile(r"['’]s\b")


def speaker_condition(column: str, speaker: str) -> tuple[str, list[str]]:
    """Return the SQL condition matching ``speaker`` at the start of a word of ``column``, and its parameters.

    Case-insensitive, at the start of the name or after a space or hyphen: "Ann" finds "Ann
    Widdecombe" and "Anne-Marie Trevelyan" (a word that starts so) but not "Danny Kruger";
    "Kennedy" finds "John F. Kennedy". A speaker described by a possessor ("Smith's lawyer") is
    not the possessor: "Smith" does not find them, "lawyer" does, and so does a speaker given
    with the possessive ("Smith's").
    """
    value = escape_like(speaker.strip())
    words = [f"{value}%", f"% {value}%", f"%-{value}%"]

    def starts_a_word(of: str) -> str:
        return "(" + " OR ".join([f"{of} LIKE ? ESCAPE '\\'"] * 3) + ")"

    # the words after the possessive (the later of the two apostrophes' first ones, as described_head)
    head = f"substr({column}, max(instr({column}, '''s '), instr({column}, '’s ')) + 3)"
    described, described_params = starts_a_word(head), list(words)
    if _POSSESSIVE.search(speaker):
        described = f"({described} OR {column} LIKE ? ESCAPE '\\')"
        described_params.append(f"{value}%")
    clause = f"(CASE WHEN {column} GLOB ? THEN {described} ELSE {starts_a_word(column)} END)"
    return clause, [_DESCRIBED_GLOB, *described_params, *words]


def described_head(name: str) -> str | None:
    """Return the words after the possessor of a described speaker ("lawyer" of "Smith's lawyer"), else None.

    The one reading of such a name: the speaker filters here (SQL and Python) and the quote
    evaluation's speaker check (:func:`policytext.evaluation.quotes.names_gold_speaker`) use it.

        >>> described_head("Tyre's mother"), described_head("Prime Minister's Office")
        ('mother', None)
    """
    if not fnmatch.fnmatchcase(name, _DESCRIBED_GLOB):
        return None
    return name[max(name.find("'s "), name.find("’s ")) + 3:]


def speaker_matches(name: str | None, speaker: str) -> bool:
    """Return whether ``name`` matches ``speaker`` as :func:`speaker_condition` does, in Python.

        >>> speaker_matches("Anne-Marie Trevelyan", "marie"), speaker_matches("Danny Kruger", "Ann")
        (True, False)
        >>> speaker_matches("Smith's lawyer", "Smith"), speaker_matches("Smith's lawyer", "lawyer")
        (False, True)
    """
    if not name:
        return False
    value, folded = speaker.strip().casefold(), name.casefold()
    head = described_head(name)
    if head is not None:
        if _POSSESSIVE.search(speaker) and folded.startswith(value):
            return True
        folded = head.casefold()
    return folded.startswith(value) or f" {value}" in folded or f"-{value}" in folded


def _exists(conn: Any, sql: str, params: list[Any]) -> bool:
    return conn.execute(sql, params).fetchone() is not None


def _closest(value: str, known: Sequence[str], n: int = 3) -> list[str]:
    """Return the values of ``known`` closest to ``value``, whole or by a word ("Kenedy" -> "Kennedy administration")."""
    by_fold: dict[str, str] = {}
    words: dict[str, list[str]] = {}
    for name in known:
        by_fold.setdefault(name.casefold(), name)
        for word in re.split(r"[\s-]+", name.casefold()):
            if word and name not in words.setdefault(word, []):
                words[word].append(name)
    target = value.strip().casefold()
    close = [by_fold[m] for m in difflib.get_close_matches(target, list(by_fold), n=n, cutoff=0.6)]
    for word in difflib.get_close_matches(target, list(words), n=n, cutoff=0.6):
        close += [name for name in words[word] if name not in close]
    return close[:n]


def _listing(values: Sequence[str], most: int = 30) -> str:
    shown = ", ".join(values[:most])
    return shown + (f", … ({len(values)} in all)" if len(values) > most else "") if values else "none"


def _refuse(conn: Any, name: str, plural: str, value: str, sql: str) -> None:
    known = sorted({row[0] for row in conn.execute(sql) if row[0]}, key=str.casefold)
    close = _closest(value, known)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    raise UnknownValue(f"no document has {name} {value!r}; {plural} in this corpus: {_listing(known)}{hint}",
                       name=name, value=value, suggestions=tuple(close))


SPEAKER_TABLES = ("documents", "quotes", "claims")
"""Where a speaker is recorded: who speaks a document, who is quoted, who claims."""
_SPEAKER_ROLES = {"documents": "speaker of a document", "quotes": "person quoted",
                  "claims": "speaker of a claim"}


def _speaker_tables(speaker_of: Sequence[str]) -> tuple[str, ...]:
    tables = (speaker_of,) if isinstance(speaker_of, str) else tuple(speaker_of)
    unknown = [table for table in tables if table not in SPEAKER_TABLES]
    if unknown or not tables:
        raise ValueError(f"speaker_of must name some of {', '.join(SPEAKER_TABLES)}, not {speaker_of!r}")
    return tables


def _refuse_speaker(conn: Any, speaker: str, tables: Sequence[str] = SPEAKER_TABLES) -> None:
    names = sorted({row[0] for table in tables
                    for row in conn.execute(f"SELECT DISTINCT speaker FROM {table}") if row[0]}, key=str.casefold)
    close = _closest(speaker, names)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    clause, params = speaker_condition("speaker", speaker)
    found_as = tuple(table for table in SPEAKER_TABLES
                     if table not in tables and _exists(conn, f"SELECT 1 FROM {table} WHERE {clause} LIMIT 1", params))
    elsewhere = [_SPEAKER_ROLES[table] for table in found_as]
    if elsewhere:  # the name is in the corpus, but not as the speaker this filter chooses by
        looked = " or ".join(_SPEAKER_ROLES[table] for table in tables)
        raise UnknownValue(f"no {looked} in this corpus matches {speaker!r}: the name is found only as a "
                           f"{' and as a '.join(elsewhere)}, and here {{speaker}} chooses the {looked}"
                           f"{' (quotes --speaker lists what a person is quoted saying)' if 'quotes' not in tables else ''}"
                           f"{hint}", name="speaker", value=speaker, suggestions=tuple(close), found_as=found_as,
                           fields=("speaker",))
    raise UnknownValue(f"no speaker in this corpus matches {speaker!r} (a speaker matches at the start of a "
                       f"word of the name, e.g. 'Ann' finds 'Anne-Marie' but not 'Danny'){hint}",
                       name="speaker", value=speaker, suggestions=tuple(close))


def escape_like(value: str) -> str:
    """Return ``value`` with LIKE's wildcards escaped (for ``LIKE ? ESCAPE '\\'``)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _check_text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise BadQuery(f"{name} must be text, not {value!r}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:  # a lone surrogate: SQLite cannot take it
        raise BadQuery(f"{name} holds a character that is not valid text (U+{ord(value[err.start]):04X}, "
                       "an unpaired surrogate); remove it") from err
    return value


def _check_limit(value: Any) -> int:
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        limit = int(value.strip())
    else:
        try:
            if isinstance(value, bool):
                raise TypeError
            limit = operator.index(value)  # ints, NumPy ints; not floats, which would be cut
        except TypeError as err:
            raise BadQuery(f"limit must be a whole number, not {value!r}") from err
    if limit < 0:
        raise BadQuery(f"limit must be zero or more, not {limit}")
    if limit > MAX_SQL_INTEGER:
        raise BadQuery(f"limit must be at most {MAX_SQL_INTEGER}, not {limit}")
    return limit


def normalise_date_bound(value: Any, *, end: bool, name: str | None = None) -> str:
    """Return ``value`` (YYYY, YYYY-MM or YYYY-MM-DD) as an inclusive ISO date bound.

    A year or month is read as its first day, or with ``end`` as its last. Only the digits 0-9
    and years 1 to 9999 are dates; a number is read as a year and a ``datetime.date`` as itself.
    This is the one place every command, the library and the web page read ``since`` and
    ``until``.

    Args:
        value: what the user gave.
        end: True for an upper bound (``until``).
        name: the option's name (``since``, ``until``), to say which one is wrong (worded by each
            front end: ``--since`` on the command line, "From" on the page).

    Raises:
        BadQuery: anything that is not such a date, saying what to write instead.

    Example:
        >>> normalise_date_bound("2016-02", end=True)
        '2016-02-29'
    """
    label = f"{{{name}}}={value!r}" if name else repr(value)  # since='19x'; the page says From='19x'
    bad = functools.partial(BadQuery, fields={name: name} if name else {})  # the message names the option as {since}
    if isinstance(value, dt.datetime):
        raise bad(f"{label} is a date and time: give a date ({DATE_FORMS})")
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        try:
            if isinstance(value, bool):
                raise TypeError
            year = operator.index(value)
        except TypeError as err:
            raise bad(f"{label} is not a date: use {DATE_FORMS}") from err
        if not 1 <= year <= 9999:
            raise bad(f"{label} is out of range: years run from 1 to 9999")
        return f"{year:04d}-12-31" if end else f"{year:04d}-01-01"
    text = value.strip()
    match = _DATE.fullmatch(text)
    if match is None:
        if _DATE_IN_ANY_DIGITS.fullmatch(text):
            raise bad(f"{label} is written with digits other than 0-9: use {DATE_FORMS} "
                           "in the digits 0-9")
        raise bad(f"{label} is not a date: use {DATE_FORMS}")
    year, month, day = (int(part) if part is not None else None for part in match.groups())
    if year == 0:
        raise bad(f"{label} is out of range: years run from 0001 to 9999")
    if month is None:
        return f"{year:04d}-12-31" if end else f"{year:04d}-01-01"
    if not 1 <= month <= 12:
        raise bad(f"{label} is not a valid month")
    last_day = calendar.monthrange(year, month)[1]
    if day is None:
        return f"{year:04d}-{month:02d}-{last_day if end else 1:02d}"
    if not 1 <= day <= last_day:
        raise bad(f"{label} is not a valid day: {calendar.month_name[month]} {year} has {last_day} days")
    return text


# ---------------------------------------------------------------------------- option names


def _suggestion(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown_message(unknown: Sequence[str], known: Sequence[str], *, takes_filters: bool,
                     options: Sequence[str] = (), function: str | None = None) -> str:
    plural = "s" if len(unknown) > 1 else ""
    named = ", ".join(f"{name!r}{_suggestion(name, known)}" for name in unknown)
    of = f" of {function}" if function else ""
    if not takes_filters:
        return f"unknown option{plural} {named}; known options{of}: {', '.join(options)}"
    message = f"unknown filter{plural} {named}; known: {', '.join(FILTER_NAMES)}"
    if options:
        message += f"; other options{of}: {', '.join(options)}"
    return message


def check_filter_names(options: Iterable[str]) -> None:
    """Raise :class:`UnknownOption` when a name in ``options`` is not a filter of :data:`FILTER_NAMES`.

    Example:
        >>> check_filter_names({"goverment": "Reagan"})
        Traceback (most recent call last):
        ...
        policytext.errors.UnknownOption: unknown filter 'goverment' (did you mean 'government'?); known: speaker, party, government, kind, source, country, role, side, post, since, until, limit
    """
    unknown = [name for name in options if name not in FILTER_NAMES]
    if unknown:
        raise UnknownOption(_unknown_message(unknown, FILTER_NAMES, takes_filters=True))


def strict_options(function: F | None = None, *, like: Callable[..., Any] | None = None) -> Any:
    """Make ``function`` refuse a keyword it does not take, naming the ones it does.

    A function with ``**filters`` takes the shared filter names there (:data:`FILTER_NAMES`);
    ``like`` names the callable a function's ``**options`` are passed on to, whose parameters
    are then the known names. The check runs at the call, before any work, and raises
    :class:`~policytext.errors.UnknownOption` (a ``BadQuery`` and a ``TypeError``) whose message
    uses the parameter names and suggests the closest.

    Example:
        >>> @strict_options
        ... def count(corpus, *, words=False, **filters): ...
        >>> count(None, spekaer="Reagan")
        Traceback (most recent call last):
        ...
        policytext.errors.UnknownOption: unknown filter 'spekaer' (did you mean 'speaker'?); known: speaker, party, government, kind, source, country, role, side, post, since, until, limit; other options of count: words
    """
    if function is None:
        return functools.partial(strict_options, like=like)
    parameters = list(inspect.signature(function).parameters.values())
    own = [p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    options = [p.name for p in parameters if p.kind is p.KEYWORD_ONLY]
    if like is not None:
        passed_on = [p for p in inspect.signature(like).parameters.values()
                     if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        options += [p.name for p in passed_on if p.name not in own]
        takes_filters = any(p.kind is p.VAR_KEYWORD for p in inspect.signature(like).parameters.values())
    else:
        takes_filters = any(p.kind is p.VAR_KEYWORD for p in parameters)
    if takes_filters:  # a filter named as its own parameter too (kwic's limit) is listed once
        options = [option for option in options if option not in FILTER_NAMES]
    allowed = frozenset(own) | frozenset(options) | (frozenset(FILTER_NAMES) if takes_filters else frozenset())
    known = tuple(options) + (FILTER_NAMES if takes_filters else ())
    name = function.__name__

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not allowed.issuperset(kwargs):
            unknown = [key for key in kwargs if key not in allowed]
            raise UnknownOption(_unknown_message(unknown, known, takes_filters=takes_filters,
                                                 options=options, function=name))
        return function(*args, **kwargs)

    return checked
