"""Collect ministerial speeches and statements from GOV.UK's public Search and Content APIs.

The Search API (``/api/search.json``) lists items of the chosen document types, oldest first; the
Content API (``/api/content<base_path>``) returns each item, whose ``details.body`` is HTML. A
re-run fetches only items whose ``public_timestamp`` changed since they were stored.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, Iterator, Sequence
from urllib.parse import urlencode, urlsplit

import lxml.html
from lxml import etree

from policytext.collect.base import Outcome, ProgressHook, open_fetcher
from policytext.collect.dedupe import write_collected
from policytext.collect.fetch import Fetcher, FetchedResponse, check_url
from policytext.collect.labels import as_collected
from policytext.errors import BadInput, ConfigError, FetchError
from policytext.records import Document, make_document_id
from policytext.store import Store, WriteReport, get_document
from policytext.store.filters import normalise_date_bound

SOURCE = "govuk"
STAGE = "collect-govuk"
DEFAULT_BASE_URL = "https://www.gov.uk"
SPEECH_TYPES = ("speech", "oral_statement", "written_statement", "authored_article")
KIND_BY_TYPE = {
    "speech": "speech",
    "oral_statement": "statement",
    "written_statement": "statement",
    "authored_article": "article",
    "news_story": "news",
    "press_release": "news",
}
SEARCH_FIELDS = ("link", "title", "public_timestamp", "content_store_document_type")
PAGE_SIZE = 100


@dataclass(frozen=True)
class GovukOptions:
    """What to collect from GOV.UK. Dates are inclusive ISO bounds (YYYY, YYYY-MM or YYYY-MM-DD)."""

    types: tuple[str, ...] = SPEECH_TYPES
    since: str | None = None
    until: str | None = None
    organisation: str | None = None  # a slug, e.g. "home-office"
    person: str | None = None  # a slug, e.g. "theresa-may"
    limit: int | None = None
    base_url: str = DEFAULT_BASE_URL
    page_size: int = PAGE_SIZE

    def __post_init__(self) -> None:
        bad = [t for t in self.types if not re.fullmatch(r"[a-z_]+", t)]
        if not self.types or bad:
            raise ConfigError(f"--type takes GOV.UK document types such as speech,oral_statement; "
                              f"not {', '.join(bad) or 'nothing'}")
        if self.limit is not None and self.limit < 0:
            raise ConfigError(f"--limit must be zero or more, not {self.limit}")
        try:
            check_url(self.base_url)
        except FetchError as err:
            raise ConfigError(f"--base-url: {err}") from err


# ---------------------------------------------------------------------------------- parsing

_TITLE_PREFIXES = re.compile(
    r"^(?:(?:the\s+)?(?:rt\.?|right)\s+hon(?:ourable|\.)?|the\s+hon(?:ourable|\.)?|hon\.?|sir|dame)\s+",
    re.I)
_POST_NOMINALS = {"MP", "MSP", "MS", "MLA", "MEP", "AM", "QC", "KC", "PC", "CBE", "OBE", "MBE",
                  "KBE", "DBE", "GBE", "KCB", "GCB", "KCMG", "GCMG", "CMG", "CB", "CH", "KG", "FRS"}


def normalise_speaker(title: str | None) -> tuple[str | None, tuple[str, ...]]:
    """Return a speaker's name without styles and post-nominals, and what was removed.

    Peerage titles ("Lord", "Baroness") are how peers are named, so they stay; "Sir" and "Dame"
    are honours and go, like "The Rt Hon" and "MP".

    >>> normalise_speaker("The Rt Hon Theresa May MP")
    ('Theresa May', ('The Rt Hon', 'MP'))
    >>> normalise_speaker("Sir Keir Starmer KCB KC MP")
    ('Keir Starmer', ('Sir', 'KCB', 'KC', 'MP'))
    >>> normalise_speaker("The Rt Hon Lord McNally")
    ('Lord McNally', ('The Rt Hon',))
    """
    if not title or not title.strip():
        return None, ()
    name = " ".join(title.split())
    removed: list[str] = []
    while match := _TITLE_PREFIXES.match(name):
        removed.append(match.group(0).strip())
        name = name[match.end():]
    words = name.split(" ")
    suffixes: list[str] = []
    while len(words) > 1 and words[-1].strip(",") in _POST_NOMINALS:
        suffixes.insert(0, words.pop().strip(","))
    name = " ".join(words).strip(" ,")
    return (name or None), tuple(removed + suffixes)


_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "tr", "ul", "ol",
           "table", "section", "article", "figure", "figcaption", "pre", "address", "dt", "dd"}


def govspeak_to_text(html: str) -> str:
    """Return the text of a GOV.UK body: paragraphs kept, headings and list items as lines.

    >>> govspeak_to_text("<h2>Plan</h2><p>First   point.</p><ul><li>One</li><li>Two</li></ul>")
    'Plan\\n\\nFirst point.\\n\\nOne\\n\\nTwo'
    """
    if not html or not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for element in root.iter("script", "style"):
        element.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _BLOCKS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
        elif element.tag in ("td", "th"):
            element.tail = " | " + (element.tail or "")
    text = root.text_content().replace("\xa0", " ")
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        paragraph = "\n".join(line for line in lines if line).strip(" |")
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _titles(links: dict[str, Any], name: str) -> list[str]:
    return [str(item["title"]) for item in links.get(name) or [] if isinstance(item, dict) and item.get("title")]


def _slugs(links: dict[str, Any], name: str) -> list[str]:
    return [str(item["base_path"]).rstrip("/").rsplit("/", 1)[-1]
            for item in links.get(name) or [] if isinstance(item, dict) and item.get("base_path")]


def is_content_item(item: Any) -> bool:
    """Whether ``item`` looks like a GOV.UK Content API item (a base path, a type and details)."""
    return (isinstance(item, dict) and isinstance(item.get("base_path"), str) and item["base_path"].startswith("/")
            and isinstance(item.get("details"), dict)
            and isinstance(item.get("document_type") or item.get("schema_name"), str))


def parse_content_item(item: Any, *, base_url: str = DEFAULT_BASE_URL) -> Document:
    """Turn one Content API item into a Document; raise :class:`BadInput` when it cannot be.

    Args:
        item: the decoded JSON of ``/api/content<base_path>``.
        base_url: the site the item came from (gives the document's web URL).

    Example:
        >>> doc = parse_content_item(json.load(open("speech.json")))   # doctest: +SKIP
        >>> doc.speaker, doc.kind, doc.source_government               # doctest: +SKIP
        ('Andrea Leadsom', 'speech', '2015 Conservative government')
    """
    if not isinstance(item, dict):
        raise BadInput("content item", f"expected a JSON object, found {type(item).__name__}")
    base_path = item.get("base_path")
    where = str(base_path or "content item")
    if not isinstance(base_path, str) or not base_path.startswith("/"):
        raise BadInput(where, "the item has no base_path")
    details = item.get("details") if isinstance(item.get("details"), dict) else {}
    links = item.get("links") if isinstance(item.get("links"), dict) else {}
    body = details.get("body")
    if isinstance(body, list):  # multi-part bodies: [{"content_type": "text/html", "content": …}]
        body = next((part.get("content") for part in body if isinstance(part, dict)
                     and part.get("content_type") == "text/html"), None)
    text = govspeak_to_text(body) if isinstance(body, str) else ""
    if not text:
        raise BadInput(where, "the item has no body text (details.body is empty or missing)")

    speaker_title = next(iter(_titles(links, "speaker")), None)
    speaker_from = "links.speaker"
    if not speaker_title and details.get("speaker_without_profile"):
        speaker_title, speaker_from = str(details["speaker_without_profile"]), "details.speaker_without_profile"
    if not speaker_title and _titles(links, "people"):
        speaker_title, speaker_from = _titles(links, "people")[0], "links.people"
    speaker, removed = normalise_speaker(speaker_title)
    roles = _titles(links, "roles")
    delivered = details.get("delivered_on")
    date = _iso_day(delivered) or _iso_day(item.get("first_published_at")) or _iso_day(details.get("first_public_at"))
    government = details.get("government") if isinstance(details.get("government"), dict) else {}
    organisations = _titles(links, "organisations")
    primary = _titles(links, "primary_publishing_organisation")
    document_type = str(item.get("document_type") or item.get("schema_name") or "")
    meta = {
        "govuk_document_type": document_type,
        "content_id": item.get("content_id"),
        "base_path": base_path,
        "public_updated_at": item.get("public_updated_at"),
        "first_published_at": item.get("first_published_at"),
        "delivered_on": delivered,
        "location": details.get("location"),
        "speech_type": details.get("speech_type_explanation"),
        "political": details.get("political"),
        "government_current": government.get("current"),
        "speaker_titles": list(removed),
        "speaker_from": speaker_from if speaker_title else None,
        "roles": roles,
        "organisation_slugs": _slugs(links, "organisations"),
        "people_slugs": _slugs(links, "people") or _slugs(links, "speaker"),
        "description": item.get("description"),
    }
    return Document(
        source=SOURCE,
        source_id=base_path,
        text=text,
        title=str(item.get("title") or "") or None,
        url=base_url.rstrip("/") + base_path,
        date=date,
        speaker=speaker,
        speaker_role=roles[0] if roles else None,
        organisations=tuple(organisations),
        publisher=(primary or organisations or [None])[0],
        kind=KIND_BY_TYPE.get(document_type, document_type or None),
        country="GB",
        # GOV.UK's own label; the timeline's name (from the date) is set when the document is written.
        source_government=(str(government["title"]) if government.get("title") else None),
        language=str(item.get("locale") or "en"),
        meta={k: v for k, v in meta.items() if v not in (None, [], "")},
    )


def _iso_day(value: Any) -> str | None:
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _instant(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------------------------- API


def build_search_url(options: GovukOptions, *, start: int, count: int) -> str:
    """Return the Search API URL of one page of results, oldest first.

    >>> build_search_url(GovukOptions(types=("speech",), since="2016"), start=0, count=10)
    'https://www.gov.uk/api/search.json?filter_content_store_document_type=speech&filter_public_timestamp=from%3A2016-01-01&order=public_timestamp&start=0&count=10&fields=link&fields=title&fields=public_timestamp&fields=content_store_document_type'
    """
    params: list[tuple[str, str]] = [("filter_content_store_document_type", t) for t in options.types]
    bounds = []
    if options.since:
        bounds.append(f"from:{normalise_date_bound(options.since, end=False)}")
    if options.until:
        bounds.append(f"to:{normalise_date_bound(options.until, end=True)}")
    if bounds:
        params.append(("filter_public_timestamp", ",".join(bounds)))
    if options.organisation:
        params.append(("filter_organisations", options.organisation))
    if options.person:
        params.append(("filter_people", options.person))
    # The Search API validates parameters strictly: each field is its own ``fields`` parameter.
    params += [("order", "public_timestamp"), ("start", str(start)), ("count", str(count))]
    params += [("fields", name) for name in SEARCH_FIELDS]
    return f"{options.base_url.rstrip('/')}/api/search.json?{urlencode(params)}"


def decode_json(response: FetchedResponse, what: str) -> Any:
    """Return the decoded JSON body of ``response``; raise :class:`FetchError` naming ``what`` when it is not JSON."""
    try:
        return json.loads(response.body.decode(response.charset or "utf-8"))
    except (UnicodeDecodeError, LookupError, ValueError) as err:
        raise FetchError(f"{what} is not valid JSON ({err.__class__.__name__}: {err})") from err


def iter_search_results(fetcher: Fetcher, options: GovukOptions) -> Iterator[dict[str, Any] | BadInput]:
    """Yield search results (dicts with ``link`` and ``public_timestamp``), page by page.

    A page that cannot be fetched or read is yielded as :class:`BadInput` and ends the listing.
    """
    start, seen = 0, 0
    while options.limit is None or seen < options.limit:
        count = options.page_size if options.limit is None else min(options.page_size, options.limit - seen)
        url = build_search_url(options, start=start, count=count)
        try:
            page = decode_json(fetcher.fetch(url), "the search page")
        except FetchError as err:
            yield BadInput(url, str(err))
            return
        results = page.get("results") if isinstance(page, dict) else None
        if not isinstance(results, list):
            yield BadInput(url, "the search page has no 'results' list; is --base-url a GOV.UK site?")
            return
        for result in results:
            if not isinstance(result, dict) or not isinstance(result.get("link"), str):
                yield BadInput(url, f"a search result without a link: {str(result)[:80]}")
                continue
            yield result
            seen += 1
            if options.limit is not None and seen >= options.limit:
                return
        total = page.get("total") if isinstance(page.get("total"), int) else None
        start += len(results)
        if not results or (total is not None and start >= total):
            return


def iter_govuk(fetcher: Fetcher, store: Store, options: GovukOptions) -> Iterator[Outcome]:
    """Yield a Document (or why not) for every item the search lists.

    Items already stored with the same ``public_timestamp`` are yielded from the store, unfetched.
    """
    for result in iter_search_results(fetcher, options):
        if isinstance(result, BadInput):
            yield result
            continue
        link = result["link"]
        if urlsplit(link).scheme:  # some results carry full URLs
            link = urlsplit(link).path
        existing = get_document(store, make_document_id(SOURCE, link))
        if existing is not None:
            stored, listed = _instant(existing.meta.get("public_updated_at")), _instant(result.get("public_timestamp"))
            if stored is not None and stored == listed:
                yield as_collected(existing)
                continue
        api_url = f"{options.base_url.rstrip('/')}/api/content{link}"
        try:
            response = fetcher.fetch(api_url)
            item = decode_json(response, "the content item")
            document = parse_content_item(item, base_url=options.base_url)
        except FetchError as err:
            yield BadInput(link, str(err))
            continue
        except BadInput as err:
            yield BadInput(link, err.reason)
            continue
        yield document.with_changes(meta={**document.meta, "fetched_url": api_url})


def collect_govuk(corpus: Any, *, types: Sequence[str] | None = None, since: str | None = None,
                  until: str | None = None, organisation: str | None = None,
                  person: str | None = None, limit: int | None = None,
                  base_url: str = DEFAULT_BASE_URL,
                  progress: ProgressHook | None = None) -> WriteReport:
    """Collect GOV.UK speeches and statements into ``corpus``; return what happened.

    Args:
        corpus: an open :class:`~policytext.corpus.Corpus`.
        types: GOV.UK document types (default: the speech family, :data:`SPEECH_TYPES`).
        since, until: inclusive bounds on the public timestamp (YYYY, YYYY-MM or YYYY-MM-DD).
        organisation, person: GOV.UK slugs to filter on, e.g. ``home-office``, ``theresa-may``.
        limit: at most this many items.
        base_url: the site (tests point it at a local server).

    Example:
        >>> collect_govuk(corpus, since="2016-01", until="2016-03", limit=50).summary()  # doctest: +SKIP
        '50 collected, 0 updated, 0 unchanged, 0 skipped, 0 duplicate, 0 failed'
    """
    options = GovukOptions(types=tuple(types or SPEECH_TYPES), since=since, until=until,
                           organisation=organisation, person=person, limit=limit, base_url=base_url)
    fetcher = open_fetcher(corpus)
    return write_collected(corpus, iter_govuk(fetcher, corpus.store, options), stage=STAGE,
                           progress=progress)
