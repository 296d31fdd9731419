"""Collect local files: plain text, Markdown, HTML, JSON, JSON Lines and CSV/TSV.

Folders are walked. Records in JSON, JSON Lines and CSV files are mapped to Document fields by a
field mapping (``{"text": "foreword", "speaker": "leader_name"}``); common column names are
recognised without one. A mapping or an option always beats a recognised column, and a field
mapped to nothing (``{"kind": ""}``) is not looked for at all.

Only regular files are read, capped at ``max_file_bytes`` while read. JSON Lines and CSV files
are read record by record, so a large file is never held in memory whole. Each line is decoded
on its own: UTF-8 first, then the encoding given (lines that needed it are counted in a
:class:`~policytext.collect.base.Notice`), so a file that mixes encodings is read whole. A bad
record (malformed, a value of the wrong type, a lone surrogate, nested too deeply) fails alone.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Mapping, NamedTuple

from policytext.collect.base import Notice, Outcome, ProgressHook, Skipped, check_on_duplicate_id
from policytext.collect.html_text import ExtractedPage, extract_html, extract_scraped_text
from policytext.collect.govuk import is_content_item, parse_content_item
from policytext.collect.governments import (
    check_country_option,
    corpus_countries,
    known_countries,
    normalise_country,
    unknown_country,
)
from policytext.errors import BadInput, ConfigError
from policytext.inputs import (
    DecodedLines,
    decode_whole,
    describe_file_type,
    has_surrogate,
    is_ascii_compatible,
    json_value_problem,
    load_json,
    open_regular_file,
    printable_path,
    undecodable_name_reason,
)
from policytext.records import Document
from policytext.store import WriteReport

SOURCE = "files"
STAGE = "collect-files"
TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
SUPPORTED_SUFFIXES = (TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
                      | JSONL_SUFFIXES | CSV_SUFFIXES)

DOCUMENT_FIELDS = ("text", "title", "date", "speaker", "speaker_role", "party", "url", "id",
                   "kind", "publisher", "country", "government", "organisations", "language")

# Column names recognised when no mapping is given, in order of preference (lower case).
DEFAULT_FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "speech", "foreword", "article", "articlebody"),
    "title": ("title", "headline", "name"),
    "date": ("date", "published", "published_at", "delivered_on", "datetime", "year"),
    "speaker": ("speaker", "speaker_name", "author", "authors", "leader_name", "president", "pm"),
    "speaker_role": ("speaker_role", "role"),
    "party": ("party", "speaker_party", "parti"),
    "url": ("url", "link", "source_url"),
    "id": ("id", "uuid", "doc_id", "fileid"),
    "kind": ("kind", "type"),
    "publisher": ("publisher", "site", "sitename"),
    "country": ("country",),
    "government": ("government",),
    "organisations": ("organisations", "organizations"),
    "language": ("language", "lang", "locale"),
}

# What a JSON value of each field may be; anything else fails the record.
_NAME_FIELDS = ("speaker", "organisations")  # text, or a list of texts
_SCALAR_FIELDS = ("id", "date")  # text or a number
# Fields that an option of the same name sets for every document.
_OPTION_FIELDS = ("kind", "publisher", "country")


@dataclass(frozen=True)
class FileOptions:
    """How to read files. ``fields`` maps Document field -> column or JSON key."""

    kind: str | None = None
    publisher: str | None = None
    country: str | None = None
    encoding: str = "utf-8"
    # how to read 03/04/2015: dmy (UK) or mdy (US); None reads day first and notes each ambiguous date
    date_order: str | None = None
    max_file_bytes: int = 50_000_000
    fields: Mapping[str, str] = field(default_factory=dict)
    # the country codes a file may give (a timeline's or the corpus's); None: any
    countries: frozenset[str] | None = None

    def __post_init__(self) -> None:
        unknown = set(self.fields) - set(DOCUMENT_FIELDS)
        if unknown:
            raise ConfigError(
                f"unknown field(s) in the mapping: {', '.join(sorted(unknown))}. "
                f"Map any of: {', '.join(DOCUMENT_FIELDS)}"
            )
        if self.date_order not in (None, "dmy", "mdy"):
            raise ConfigError(f"date order must be 'dmy' or 'mdy', not {self.date_order!r}")
        if not isinstance(self.max_file_bytes, int) or self.max_file_bytes < 1:
            raise ConfigError(f"the largest file size must be a positive number of bytes, not "
                              f"{self.max_file_bytes!r} (max_file_bytes / --max-file-bytes)")
        if "text" in self.fields and not self.fields["text"]:
            raise ConfigError("the text field cannot be ignored: map it to a column (e.g. text=body)")
        for name in _OPTION_FIELDS:
            if getattr(self, name) and self.fields.get(name):
                raise ConfigError(
                    f"{name} is given twice: {name}={getattr(self, name)!r} for every document and the "
                    f"column {self.fields[name]!r} (--field {name}={self.fields[name]}); give one of them"
                )
        try:
            codecs.lookup(self.encoding)
        except LookupError as err:
            raise ConfigError(f"unknown encoding {self.encoding!r}; name one Python knows, "
                              f"e.g. utf-8, cp1252, latin-1 or utf-16") from err


def parse_field_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """Parse ``FIELD=COLUMN`` pairs; ``FIELD=`` (no column) means: do not look for that field.

    >>> parse_field_mapping(["text=foreword", "speaker=leader_name", "kind="])
    {'text': 'foreword', 'speaker': 'leader_name', 'kind': ''}
    """
    mapping = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--field expects FIELD=COLUMN (e.g. text=body), not {pair!r}")
        mapping[name.strip()] = column.strip()
    return mapping


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path | BadInput | Skipped]:
    """Yield the files to read: named files as they are, folders walked in sorted order.

    Only regular files are yielded. A named path that is something else (a FIFO, a device) is
    a :class:`BadInput`; in a folder, such files are :class:`Skipped` with the reason. A name
    that is not valid UTF-8 is a :class:`BadInput` (its text could not be stored).
    """
    for given in paths:
        path = Path(os.fsdecode(given))
        where = printable_path(path)
        bad_name = undecodable_name_reason(path)
        if bad_name:
            yield BadInput(where, bad_name)
            continue
        try:
            info = os.stat(path)
        except FileNotFoundError:
            yield BadInput(where, "cannot read: a link to a file that does not exist"
                           if os.path.islink(path) else "no such file or folder")
            continue
        except OSError as err:
            yield BadInput(where, f"cannot read: {err.strerror or err}")
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(path)
        elif stat.S_ISREG(info.st_mode):
            yield path
        else:
            yield BadInput(where, f"not a regular file but {describe_file_type(info.st_mode)}; "
                                  f"only regular files are read")


def _walk(folder: Path) -> Iterator[Path | BadInput | Skipped]:
    errors: list[OSError] = []
    for root, dirs, names in os.walk(folder, onerror=errors.append):
        yield from (BadInput(printable_path(e.filename or root), f"cannot read the folder: {e.strerror or e}")
                    for e in errors)
        errors.clear()
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            bad_name = undecodable_name_reason(name)
            if bad_name:
                yield BadInput(printable_path(Path(root) / name), bad_name)
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            if name.startswith("."):
                continue
            child = Path(root) / name
            where = printable_path(child)
            if child.suffix.lower() not in SUPPORTED_SUFFIXES:
                yield Skipped(where, f"not a supported file type ({child.suffix or 'no suffix'})")
                continue
            bad_name = undecodable_name_reason(name)
            if bad_name:
                yield BadInput(where, bad_name)
                continue
            try:
                info = os.stat(child)
            except OSError as err:
                yield BadInput(where, "cannot read: a link to a file that does not exist"
                               if os.path.islink(child) else f"cannot read: {err.strerror or err}")
                continue
            if stat.S_ISREG(info.st_mode):
                yield child
            else:
                yield Skipped(where, f"not a regular file but {describe_file_type(info.st_mode)}")
    yield from (BadInput(printable_path(e.filename or folder), f"cannot read the folder: {e.strerror or e}")
                for e in errors)


def collect_files(corpus: Any, paths: Iterable[str | Path], *, progress: ProgressHook | None = None,
                  on_duplicate_id: str = "error", allow_duplicates: bool = False, **options: Any) -> WriteReport:
    """Collect local files into ``corpus``; ``options`` are those of :class:`FileOptions`.

    An id given twice in the run (``-f id=COLUMN`` values that repeat) fails for the repeat
    unless ``on_duplicate_id`` is ``skip``, ``update`` or ``suffix`` (keep every row, the
    repeat's id with its line appended); see :data:`~policytext.collect.base.ON_DUPLICATE_ID`.
    ``max_file_bytes`` defaults to the corpus's setting. Failures name files by absolute path.
    A text found again under another id (50 words or more) is stored once, its address listed by
    ``policytext duplicates``, unless ``allow_duplicates``.

    Example:
        >>> collect_files(corpus, ["forewords.csv"], fields={"text": "foreword"}).summary()  # doctest: +SKIP
        '12 collected, 0 updated, 0 unchanged, 0 skipped, 0 duplicate, 0 failed'
    """
    check_on_duplicate_id(on_duplicate_id)
    in_corpus = corpus_countries(corpus)
    if options.get("country"):
        options["country"] = check_country_option(options["country"], corpus.timelines, in_corpus)
    options.setdefault("countries", known_countries(corpus.timelines, in_corpus))
    options.setdefault("max_file_bytes", corpus.config.max_file_bytes)
    return corpus.write(iter_files(paths, FileOptions(**options)), stage=STAGE, progress=progress,
                        on_duplicate_id=on_duplicate_id, item_key=_absolute_path,
                        duplicate_texts="allow" if allow_duplicates else "hold")


def _absolute_path(item: str) -> str:
    """Name a file by its absolute path, however it was given on the command line."""
    return str(Path(item).resolve())


def iter_files(paths: Iterable[str | Path], options: FileOptions | None = None) -> Iterator[Outcome]:
    """Yield a Document (or the reason it could not be made) for every file or record found."""
    options = options or FileOptions()
    for item in iter_paths(paths):
        if isinstance(item, (BadInput, Skipped)):
            yield item
            continue
        for outcome in _read_file(item, options):
            if isinstance(outcome, Document) and has_surrogate(outcome.source_id):
                # e.g. a folder above the file, reached through resolve(), has an undecodable name
                yield BadInput(printable_path(outcome.source_id), undecodable_name_reason(outcome.source_id) or "")
            else:
                yield outcome


def _read_file(path: Path, options: FileOptions) -> Iterator[Outcome]:
    try:
        handle = open_regular_file(path, max_bytes=options.max_file_bytes)
    except BadInput as bad:
        yield bad
        return
    years_only = 0
    dates: list[_DateEvidence] = []
    with handle:
        try:
            for outcome in _read_open_file(path, handle, options):
                if isinstance(outcome, _DateEvidence):
                    dates.append(outcome)
                    continue
                if isinstance(outcome, Document) and YEAR_PLACEHOLDER in outcome.meta:
                    years_only += 1
                yield outcome
        except BadInput as bad:  # the file grew past the cap, or a stream it cannot decode
            yield bad
    yield from _date_notices(str(path), dates)
    if years_only:
        yield Notice(str(path), f"{years_only:,} date(s) in a column named 'year' fell on 1 January and were read "
                                f"as the year alone (kept in meta '{YEAR_PLACEHOLDER}'); map a column with full "
                                f"dates with -f date=COLUMN if there is one")


YEAR_PLACEHOLDER = "date_given"
"""Meta key holding a 'year' column's 1 January value that was read as the year alone."""


def _record_date(record: Mapping[str, Any], options: FileOptions, meta: dict[str, Any],
                 notes: list[str] | None = None) -> str | None:
    """Return a record's date, reading 1 January in a column named 'year' as the year alone.

    Sources that know only the year of an item often fill a date column called ``year`` with
    1 January of it (the UK manifesto forewords: 01/01/1955 for a manifesto of May 1955). Taken as a
    day it would label the document with whoever governed on New Year's Day. A value that is not a
    date, or one read day first without a chosen ``date_order``, adds a sentence to ``notes``.
    """
    key = _picked_key(record, "date", options)
    if key is None:
        return None
    date = _normalise_date(record[key], options, notes)
    if date and len(date) == 10 and date.endswith("-01-01") and str(key).strip().lower() == "year":
        meta[YEAR_PLACEHOLDER] = record[key]
        return date[:4]
    return date


def _read_open_file(path: Path, handle: BinaryIO, options: FileOptions) -> Iterator[Outcome]:
    where = str(path)
    suffix = path.suffix.lower()
    ascii_compatible = is_ascii_compatible(options.encoding)
    head = handle.peek(8192)[:8192]
    if ascii_compatible and head.startswith((b"\xff\xfe", b"\xfe\xff")):
        yield BadInput(where, "the file starts with a UTF-16 (or UTF-32) byte-order mark; "
                              "pass --encoding utf-16 (or utf-32)")
        return
    # NUL bytes mark a binary file in ASCII-compatible encodings, not in UTF-16 or UTF-32.
    if ascii_compatible and b"\x00" in head:
        yield BadInput(where, "a binary file, not text (if it is UTF-16 or UTF-32 text, "
                              "pass --encoding utf-16 or utf-32)")
        return
    if suffix in JSONL_SUFFIXES or suffix in CSV_SUFFIXES:
        lines = DecodedLines(handle, options.encoding, where)
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path, lines, options)
        else:
            yield from _read_csv(path, lines, options, delimiter="\t" if suffix == ".tsv" else ",")
        if lines.repaired and lines.mixed:
            yield _repaired_notice(where, lines.repaired, options.encoding)
        return
    data = handle.read()
    if not data.strip():
        yield Skipped(where, "the file is empty")
        return
    try:
        text, repaired = decode_whole(data, options.encoding, where)
    except BadInput as bad:
        yield bad
        return
    text = text.lstrip("\ufeff")
    base = {"path": str(path.resolve())}
    if suffix in JSON_SUFFIXES:
        yield from _read_json(path, text, options)
    elif suffix in HTML_SUFFIXES:
        page = extract_html(text, url=None)
        if page is None:
            yield BadInput(where, "no main text found in the HTML")
            return
        yield _page_document(path, page, options, meta=base, title=page.title)
    elif suffix in MARKDOWN_SUFFIXES:
        front, body = _split_front_matter(text)
        body = markdown_to_text(body)
        if not body.strip():
            yield Skipped(where, "the file has no text")
            return
        yield _document(path.resolve().as_posix(), body, options, meta={**base, **front},
                        title=front.get("title") or _first_heading(text) or path.stem,
                        date=_normalise_date(front.get("date"), options),
                        speaker=_join_names(front.get("author") or front.get("authors")))
    elif (page := extract_scraped_text(text)) is not None:  # a web page saved as text
        if not page.text:
            yield Skipped(where, "the file has no text besides page furniture")
            return
        yield _page_document(path, page, options, meta=base, title=page.title or path.stem)
    else:
        body = _clean_plain(text)
        yield _document(path.resolve().as_posix(), body, options, meta=base,
                        title=_first_line_title(body) or path.stem)
    if repaired:
        yield _repaired_notice(where, repaired, options.encoding)


def _document(source_id: str, text: str, options: FileOptions, *, meta: dict[str, Any],
              title: str | None = None, date: str | None = None, speaker: str | None = None,
              publisher: str | None = None, url: str | None = None, **extra: Any) -> Document | Skipped:
    kind, country = extra.pop("kind", None), extra.pop("country", None)
    problem = None if options.country or options.countries is None else unknown_country(country, options.countries)
    if problem:  # a typo ("XX") would give the document no government, silently
        return Skipped(str(meta.get("path") or source_id), f"{problem}; not collected: correct the value, or add "
                       "the country's government timeline (the 'timelines' setting)", line=meta.get("line"))
    return Document(
        source=SOURCE,
        source_id=source_id,
        text=text,
        title=title,
        date=date,
        speaker=speaker,
        url=url,
        # an option given for every document beats what a record says
        kind=options.kind or kind,
        publisher=options.publisher or publisher,
        country=normalise_country(options.country or country),
        meta=meta,
        **extra,
    )


def _page_document(path: Path, page: ExtractedPage, options: FileOptions, *, meta: dict[str, Any],
                   title: str | None) -> Document | Skipped:
    """Make a Document of a page read by :mod:`policytext.collect.html_text`, as the web collector does."""
    return _document(path.resolve().as_posix(), page.text, options, meta={**meta, **page.meta()},
                     title=title, date=_normalise_date(page.date, options), speaker=page.author,
                     publisher=page.sitename, url=page.url)


# ---------------------------------------------------------------------------------- records


def _picked_key(record: Mapping[str, Any], name: str, options: FileOptions) -> Any:
    """Return the key of ``record`` that holds field ``name``, or None.

    A mapped key is used as given (an empty one: the field is not looked for); otherwise the
    first recognised name with a value.
    """
    if name in options.fields:
        key = options.fields[name]
        return key if key and key in record else None
    lowered = {str(k).lower(): k for k in record}
    for candidate in DEFAULT_FIELD_NAMES.get(name, ()):
        if candidate in lowered and record[lowered[candidate]] not in (None, ""):
            return lowered[candidate]
    return None


def _pick(record: Mapping[str, Any], name: str, options: FileOptions) -> Any:
    key = _picked_key(record, name, options)
    return None if key is None else record[key]


def _type_problem(record: Mapping[str, Any], options: FileOptions) -> str | None:
    """Return why a field of ``record`` holds a value of the wrong type, or None."""
    for name in DOCUMENT_FIELDS:
        if name == "text" or (name in _OPTION_FIELDS and getattr(options, name)):
            continue  # text is checked on its own; an option replaces the record's value
        key = _picked_key(record, name, options)
        value = None if key is None else record[key]
        if value is None:
            continue
        if name in _NAME_FIELDS:
            ok = isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
            wanted = "text or a list of texts"
        elif name in _SCALAR_FIELDS:
            ok = isinstance(value, (str, int, float)) and not isinstance(value, bool)
            wanted = "text or a number"
        else:
            ok, wanted = isinstance(value, str), "text"
        if not ok:
            return (f"{name} ({key!r}) holds {_describe_json(value)}, not {wanted}; map another key "
                    f"with --field {name}=KEY, or ignore it with --field {name}=")
    return None


def _describe_json(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({json.dumps(value)})"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    if isinstance(value, list):
        return "a list" if all(isinstance(v, str) for v in value) else "a list of other things than texts"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _content_item_document(path: Path, record: dict[str, Any], options: FileOptions, *, line: int | None,
                           notes: list[Any] | None) -> Outcome:
    """Read a saved GOV.UK Content API item as ``collect govuk`` reads it, and say so.

    It gets the ``govuk`` source and id that ``collect govuk`` gives the same page, so collecting
    it again from the site updates it rather than storing it twice; options given for every
    document (kind, publisher) still apply. Its text is HTML under ``details.body``, which no
    ``--field text=`` mapping can name.
    """
    try:
        document = parse_content_item(record)
    except BadInput as err:
        return BadInput(str(path), f"a GOV.UK content item, but {err.reason}", line=line)
    if options.country and normalise_country(options.country) != document.country:
        return BadInput(str(path), f"a GOV.UK content item is from GB, not --country {options.country}", line=line)
    if notes is not None:
        notes.append(f"read as a GOV.UK Content API item ({document.source_id}): stored as the document "
                     f"'collect govuk' stores for that page, id {document.id}")
    return document.with_changes(kind=options.kind or document.kind, publisher=options.publisher or document.publisher,
                                 meta={**document.meta, "path": str(path.resolve()), "line": line})


def _record_outcomes(path: Path, record: Any, options: FileOptions, *, key: str,
                     line: int | None) -> Iterator[Outcome]:
    """Yield a record's Document (or why there is none), then a Notice for each doubt about its values."""
    notes: list[Any] = []
    yield _record_to_outcome(path, record, options, key=key, line=line, notes=notes)
    for note in notes:
        yield note._replace(line=line) if isinstance(note, _DateEvidence) else Notice(str(path), note, line)


class _DateEvidence(NamedTuple):
    """What a dd/mm/yyyy date read without a chosen order says about the file's order (not stored)."""

    value: str
    read_as: str
    ambiguous: bool  # True: 02/03/2020; False: 13/03/2020, which only day first can read
    line: int | None = None
    month_first: bool = False  # 03/13/2020, which only month first can read (not read: no date)


def _date_notices(where: str, seen: list[_DateEvidence]) -> Iterator[Notice]:
    """Note each date that could be read either way, or once when the file's other dates show day first.

    A file whose dates contradict each other (13/06/2021, which only day first reads, next to
    06/13/2021, which only month first reads) is said to, with both, rather than cited for day first.
    """
    ambiguous = [e for e in seen if e.ambiguous]
    proof = next((e for e in seen if not e.ambiguous and not e.month_first), None)
    against = next((e for e in seen if e.month_first), None)
    if against is not None:
        mdy_at = f" at line {against.line}" if against.line is not None else ""
        either = (f"; {len(ambiguous):,} date(s) that could be read either way (the first {ambiguous[0].value!r}"
                  f"{f' at line {ambiguous[0].line}' if ambiguous[0].line is not None else ''}) were read day "
                  "first and may be wrong" if ambiguous else "")
        if proof is not None:
            dmy_at = f" at line {proof.line}" if proof.line is not None else ""
            yield Notice(where, f"the file writes dates both ways: {proof.value!r}{dmy_at} can only be day "
                                f"first, {against.value!r}{mdy_at} only month first; the rule used was day "
                                f"first (no --date-order given), so the month-first dates are stored without "
                                f"a date{either}; check the file, or pass --date-order dmy or mdy")
        else:
            yield Notice(where, f"{against.value!r}{mdy_at} can only be read month first, but the rule used "
                                f"was day first (no --date-order given), so it is stored without a date"
                                f"{either}; pass --date-order mdy if the file writes dates month first")
        return
    if not ambiguous:
        return
    if proof is None:
        for e in ambiguous:
            yield Notice(where, f"date {e.value!r} is ambiguous: read day first as {e.read_as} (pass "
                                f"--date-order dmy to confirm or mdy to read month first)", e.line)
        return
    first = ambiguous[0]
    at = f" at line {proof.line}" if proof.line is not None else ""
    yield Notice(where, f"{len(ambiguous):,} date(s) could be read either way (the first {first.value!r}"
                        f"{f' at line {first.line}' if first.line is not None else ''}): read day first, as "
                        f"{proof.value!r}{at} shows the file writes them; pass --date-order dmy to confirm")


def _record_to_outcome(path: Path, record: Any, options: FileOptions, *, key: str,
                       line: int | None, notes: list[str] | None = None) -> Outcome:
    where = str(path)
    if not isinstance(record, dict):
        return BadInput(where, f"expected an object, found {type(record).__name__}", line=line)
    text = _pick(record, "text", options)
    if text is None and "text" not in options.fields and is_content_item(record):
        return _content_item_document(path, record, options, line=line, notes=notes)
    if text is None:
        wanted = options.fields.get("text") or "/".join(DEFAULT_FIELD_NAMES["text"])
        return BadInput(where, f"no text field ({wanted}); map one with --field text=NAME", line=line)
    if not isinstance(text, str):
        return BadInput(where, f"the text field holds {type(text).__name__}, not text", line=line)
    problem = _type_problem(record, options)
    if problem:
        return BadInput(where, problem, line=line)
    raw_text, text = text, _clean_plain(text)
    if not text:
        return Skipped(where, "the record's text is empty", line=line)
    record_id = _pick(record, "id", options)
    source_id = f"{path.resolve().as_posix()}#{record_id if record_id not in (None, '') else key}"
    organisations = _pick(record, "organisations", options)
    if isinstance(organisations, str):
        organisations = [o.strip() for o in organisations.split(";") if o.strip()]
    # Keep the record's other columns as metadata, but not the (long) text itself.
    meta = {"path": str(path.resolve()), "line": line}
    meta.update({str(k): v for k, v in record.items() if record.get(k) is not raw_text})
    return _document(
        source_id, text, options, meta=meta,
        title=_str_or_none(_pick(record, "title", options)),
        date=_record_date(record, options, meta, notes),
        speaker=_join_names(_pick(record, "speaker", options)),
        url=_str_or_none(_pick(record, "url", options)),
        speaker_role=_str_or_none(_pick(record, "speaker_role", options)),
        party=_str_or_none(_pick(record, "party", options)),
        government=_str_or_none(_pick(record, "government", options)),
        organisations=tuple(organisations or ()),
        kind=_str_or_none(_pick(record, "kind", options)),
        country=_str_or_none(_pick(record, "country", options)),
        # a record's own language ("ar" of a translated item): annotate keeps only the sentences of a
        # document in another language than the pipeline's, and the analyses leave it out
        **({"language": language} if (language := _str_or_none(_pick(record, "language", options))) else {}),
    )


def _read_json(path: Path, text: str, options: FileOptions) -> Iterator[Outcome]:
    try:
        data = load_json(text, check=False)
    except json.JSONDecodeError as err:
        yield BadInput(str(path), f"malformed JSON: {err.msg} (column {err.colno})", line=err.lineno)
        return
    except ValueError as err:
        yield BadInput(str(path), f"cannot read the JSON: {err}")
        return
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records, start=1):
        problem = json_value_problem(record)  # this record alone fails
        outcomes = [BadInput(str(path), problem)] if problem else _record_outcomes(
            path, record, options, key=str(index), line=None)
        for outcome in outcomes:
            if isinstance(outcome, (BadInput, Skipped, Notice)) and len(records) > 1:  # say which record
                outcome = type(outcome)(outcome.item, f"record {index}: {outcome.reason}")
            yield outcome


def _read_jsonl(path: Path, lines: DecodedLines, options: FileOptions) -> Iterator[Outcome]:
    empty = True
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        empty = False
        if line_number in lines.undecodable:
            yield lines.undecodable_input(line_number)
            continue
        try:
            record = load_json(line)
        except json.JSONDecodeError as err:
            yield BadInput(str(path), f"malformed JSON line: {err.msg} (column {err.colno})", line=line_number)
            continue
        except ValueError as err:
            yield BadInput(str(path), f"cannot read the JSON line: {err}", line=line_number)
            continue
        yield from _record_outcomes(path, record, options, key=f"L{line_number}", line=line_number)
    if empty:
        yield Skipped(str(path), "the file is empty")


def _read_csv(path: Path, lines: DecodedLines, options: FileOptions, *, delimiter: str) -> Iterator[Outcome]:
    csv.field_size_limit(max(options.max_file_bytes, 131072))
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):  # blank lines before the header
            header = next(reader)
    except StopIteration:
        yield Skipped(str(path), "the file is empty")
        return
    except csv.Error as err:
        yield BadInput(str(path), f"no CSV header row: {err}", line=reader.line_num)
        return
    if any(n in lines.undecodable for n in range(1, reader.line_num + 1)):
        yield lines.undecodable_input(reader.line_num)
        return
    header = [h.strip() for h in header]
    missing = {name: column for name, column in options.fields.items() if column and column not in header}
    if missing:
        wanted = ", ".join(f"{column!r} (--field {name}={column})" for name, column in missing.items())
        yield BadInput(str(path), f"no column {wanted}; the columns are: {', '.join(header)}",
                       line=reader.line_num)
        return
    row_number = 1
    missing_cells: Counter = Counter()
    while True:
        start_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            yield BadInput(str(path), f"malformed CSV: {err}", line=start_line)
            break  # the parser cannot resynchronise reliably after a broken quote
        row_number += 1
        if not any(cell.strip() for cell in row):
            continue
        bad_line = next((n for n in range(start_line, reader.line_num + 1) if n in lines.undecodable), None)
        if bad_line is not None:
            yield lines.undecodable_input(bad_line, record_line=start_line)
            continue
        if len(row) != len(header):
            yield BadInput(str(path), f"the row has {len(row)} fields, the header has {len(header)}",
                           line=start_line)
            continue
        record = dict(zip(header, row))
        _read_r_missing(record, options, missing_cells)
        yield from _record_outcomes(path, record, options, key=f"R{row_number}", line=start_line)
    if missing_cells:
        counts = ", ".join(f"{name} {count:,}" for name, count in sorted(missing_cells.items()))
        yield Notice(str(path), f"{sum(missing_cells.values()):,} cell(s) written NA, as R writes a missing "
                                f"value, were read as missing ({counts}), not as the text 'NA'")


# The document fields whose CSV cell 'NA' is R's missing value: a party or speaker called "NA"
# counted as a party of its own in stats, trends and keyness (48 rows of the ParlEE sample, the
# chair's among them). The text is never touched, nor the country ('NA' is Namibia).
_R_MISSING_FIELDS = ("speaker", "party", "speaker_role", "government", "title", "kind", "organisations",
                     "url", "date", "language")  # 'na' would read as Nauruan


def _read_r_missing(record: dict[str, Any], options: FileOptions, counts: Counter) -> None:
    """Empty the cells of ``record``'s document fields that hold R's ``NA``, counting them by field."""
    for name in _R_MISSING_FIELDS:
        key = _picked_key(record, name, options)
        if key is not None and isinstance(record[key], str) and record[key].strip() == "NA":
            record[key] = ""
            counts[name] += 1


def _repaired_notice(where: str, lines: list[int], encoding: str) -> Notice:
    shown = ", ".join(str(n) for n in lines[:10]) + (", …" if len(lines) > 10 else "")
    return Notice(where, f"the file mixes encodings: {len(lines):,} line(s) not valid UTF-8 were read as "
                         f"{encoding} (lines {shown}), the others as UTF-8")


# ---------------------------------------------------------------------------------- helpers

_MONTH_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$")
# A year written first is followed by the month in every convention (ISO, East Asian, Swedish):
# such a date is never read day first, and one with no such month or day is no date.
_YEAR_FIRST = re.compile(r"^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?:$|[T ]\d)")


def _normalise_date(value: Any, options: FileOptions, notes: list[str] | None = None) -> str | None:
    """Return an ISO date from ISO strings, dd/mm/yyyy (or mm/dd/yyyy), years and timestamps.

    A value that gives only a year or a month keeps that precision ("1945", "2015-03"): it is not
    made 1 January. The writer stores it as the period's first day with its ``date_precision``.
    When ``notes`` is given, a value that is not a date (``2024-02-30``) and one whose day and
    month could be swapped (``02/03/2020``, read day first when no ``date_order`` was chosen) add a
    sentence saying what was done.
    """
    if value in (None, ""):
        return None
    date = _read_date(value, options, notes)
    if date is None and notes is not None:
        notes.append(f"date {str(value).strip()!r} is not a date: stored without a date")
    return date


def _read_date(value: Any, options: FileOptions, notes: list[str] | None) -> str | None:
    if isinstance(value, (int, float)) and 1000 <= value <= 2999 and value == int(value):
        return f"{int(value):04d}"
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    if re.fullmatch(r"\d{4}-\d{2}", text) and 1 <= int(text[5:]) <= 12:
        return text
    match = _YEAR_FIRST.match(text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[3]), int(match[4])).isoformat()
        except ValueError:
            return None
    match = _MONTH_FIRST.match(text)
    if match:
        a, b, year = (int(g) for g in match.groups())
        day, month = (a, b) if options.date_order != "mdy" else (b, a)
        if year < 100:
            year += 2000 if year < 50 else 1900
        try:
            date = dt.date(year, month, day).isoformat()
        except ValueError:
            if notes is not None and options.date_order is None and a <= 12 < b <= 31:
                notes.append(_DateEvidence(text, "", ambiguous=False, month_first=True))  # 06/13/2021
            return None
        if notes is not None and options.date_order is None and a != b and b <= 12:
            notes.append(_DateEvidence(text, date, ambiguous=a <= 12))
        return date
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        pass
    try:
        from dateutil import parser as date_parser

        # Parse against two different defaults: a part that changes with the default was not in
        # the text ("March 2015" has no day), so the date keeps only the parts it gave.
        first = date_parser.parse(text, dayfirst=options.date_order != "mdy", default=dt.datetime(2000, 1, 1))
        second = date_parser.parse(text, dayfirst=options.date_order != "mdy", default=dt.datetime(2001, 2, 2))
    except (ValueError, OverflowError, ImportError):
        return None
    if first.year != second.year:
        return None  # no year: not a date we can place
    if first.month != second.month:
        return f"{first.year:04d}"
    if first.day != second.day:
        return f"{first.year:04d}-{first.month:02d}"
    return first.date().isoformat()


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _join_names(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):
        names = [str(v).strip() for v in value if str(v).strip()]
        return "; ".join(names) or None
    return _str_or_none(value)


def _clean_plain(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _first_line_title(text: str) -> str | None:
    for line in text.split("\n"):
        line = line.strip()
        if line:
            return line if len(line) <= 150 else None
    return None


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split YAML-like front matter (simple ``key: value`` lines) from a Markdown body."""
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end == -1:
        return {}, text
    front: dict[str, Any] = {}
    for line in text[3:end].splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "-")):
            front[key.strip().lower()] = value.strip().strip("'\"")
    return front, text[end + 4:]


def _first_heading(text: str) -> str | None:
    match = re.search(r"^#{1,6}[ \t]+(.+?)[ \t]*#*$", text, flags=re.MULTILINE)
    return match.group(1).strip() if match else None


def markdown_to_text(text: str) -> str:
    """Return Markdown as plain text: markup dropped, headings and paragraphs kept as lines."""
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their words
    text = re.sub(r"<[^>\n]+>", "", text)  # inline HTML tags
    text = re.sub(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", r"\1", text, flags=re.MULTILINE)
    text = re.sub(r"^[ \t]{0,3}>[ \t]?", "", text, flags=re.MULTILINE)
    text = re.sub(r"^[ \t]*[-*+][ \t]+", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<!\w)([*_])(?!\s)(.+?)(?<!\s)\1(?!\w)", r"\2", text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    text = re.sub(r"^[ \t]*([-*_][ \t]*){3,}$", "", text, flags=re.MULTILINE)
    return _clean_plain(text)
