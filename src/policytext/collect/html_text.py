"""HTML to clean main text and metadata: trafilatura for the main text, plus our own clean-up.

On top of trafilatura this module:

- decodes bytes with the right charset (byte-order mark, then the HTTP header's charset, then the
  page's ``<meta charset>``, then UTF-8, then Windows-1252), even when the declared one is wrong;
- removes page furniture that survives extraction ("top of page", "bottom of page", "Writer's
  picture", "Updated: …" and "3 min read" lines, share buttons, cookie notices), reading the author
  and the dates from those lines before dropping them;
- tells the published date from the updated date (``date`` is never an "Updated:" date);
- reads the canonical URL (``<link rel="canonical">``, else ``og:url``).

Pages saved as plain text (a blog post copied with its "top of page" and "Writer's picture"
lines) get the same furniture removal and metadata from :func:`extract_scraped_text`.
"""
from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree


@dataclass(frozen=True)
class ExtractedPage:
    """The main text of a page and what the page says about itself."""

    text: str  # paragraphs separated by blank lines
    title: str | None = None
    author: str | None = None
    date: str | None = None  # published (ISO YYYY-MM-DD), never an "updated" date
    sitename: str | None = None
    url: str | None = None  # the canonical URL when the page names one, else the URL given
    description: str | None = None
    updated: str | None = None  # ISO date the page says it was updated, when it says so
    canonical_url: str | None = None
    charset: str | None = None  # how the bytes were decoded (None when given text)

    def meta(self) -> dict[str, str]:
        """Return what the page says beyond a Document's own fields, without empty values.

        >>> ExtractedPage(text="Body.", updated="2021-04-06").meta()
        {'updated': '2021-04-06'}
        """
        values = {"updated": self.updated, "canonical_url": self.canonical_url,
                  "sitename": self.sitename, "description": self.description}
        return {key: value for key, value in values.items() if value}


# ------------------------------------------------------------------------------------ charsets

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SINGLE_BYTE = {"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii"}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(body: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Decode an HTML body; return the text and the charset used.

    Tries, in order: a byte-order mark, the charset ``declared`` by the HTTP header, the page's own
    ``<meta charset>``, UTF-8, and finally Windows-1252 (which decodes any bytes). A declared
    charset that does not decode the bytes cleanly is passed over; a declared single-byte charset
    loses to UTF-8 when the bytes are valid UTF-8 with non-ASCII characters (a common server
    misconfiguration).

    >>> decode_html("café".encode("utf-8"), declared="iso-8859-1")
    ('café', 'utf-8')
    >>> decode_html("café".encode("cp1252"), declared="utf-8")
    ('café', 'cp1252')
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(name, "replace"), name
    match = _META_CHARSET.search(body[:4096])
    candidates = [_codec(declared), _codec(match.group(1).decode("ascii", "ignore")) if match else None,
                  "utf-8"]
    non_ascii = not body.isascii()
    for name in candidates:
        if not name:
            continue
        if name in {_codec(n) for n in _SINGLE_BYTE} and non_ascii:
            try:
                return body.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        try:
            return body.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("cp1252", "replace"), "cp1252"


# ------------------------------------------------------------------------------------ dates

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH_FIRST = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DAY_FIRST = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def parse_date(value: Any) -> str | None:
    """Return an ISO date (YYYY-MM-DD) from common written forms, or ``None``.

    >>> parse_date("Updated: Apr 6, 2021")
    '2021-04-06'
    >>> parse_date("2015-06-03T09:00:00+01:00")
    '2015-06-03'
    >>> parse_date("3 June 2015")
    '2015-06-03'
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    found: tuple[int, int, int] | None = None
    if match := _ISO_DATE.search(text):
        found = int(match.group(1)), int(match.group(2)), int(match.group(3))
    elif (match := _MONTH_FIRST.search(text)) and match.group(1)[:3].lower() in _MONTHS:
        found = int(match.group(3)), _MONTHS[match.group(1)[:3].lower()], int(match.group(2))
    elif (match := _DAY_FIRST.search(text)) and match.group(2)[:3].lower() in _MONTHS:
        found = int(match.group(3)), _MONTHS[match.group(2)[:3].lower()], int(match.group(1))
    elif match := _SLASHED.search(text):  # dd/mm/yyyy, the UK reading
        found = int(match.group(3)), int(match.group(2)), int(match.group(1))
    if found is None:
        return None
    try:
        return dt.date(*found).isoformat()
    except ValueError:
        return None


_PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "date",
                   "pubdate", "publishdate", "publish-date", "publish_date", "dc.date.issued",
                   "dcterms.issued", "dc.date", "citation_publication_date", "sailthru.date",
                   "parsely-pub-date", "article.published")
_UPDATED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
                 "last-modified", "article.updated")


def _jsonld_items(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if "@graph" in item:
                    stack.append(item["@graph"])


def _read_head(tree: Any, url: str | None) -> dict[str, str | None]:
    """Read published/updated dates, canonical URL and author from meta tags and JSON-LD."""
    meta: dict[str, str] = {}
    for element in tree.xpath("//meta[@content]"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        if key and key not in meta:
            meta[key] = element.get("content") or ""
    published = next((parse_date(meta[k]) for k in _PUBLISHED_META if parse_date(meta.get(k))), None)
    updated = next((parse_date(meta[k]) for k in _UPDATED_META if parse_date(meta.get(k))), None)
    author = meta.get("author") or meta.get("article:author") or None
    for item in _jsonld_items(tree):
        published = published or parse_date(item.get("datePublished"))
        updated = updated or parse_date(item.get("dateModified"))
    if not published:
        for element in tree.xpath('//*[@itemprop="datePublished"]|//time[@pubdate]'):
            published = parse_date(element.get("content") or element.get("datetime") or element.text_content())
            if published:
                break
    canonical = None
    for element in tree.xpath('//link[@href]'):
        if "canonical" in (element.get("rel") or "").lower().split():
            canonical = element.get("href")
            break
    canonical = canonical or meta.get("og:url")
    if canonical:
        canonical = urljoin(url or "", canonical.strip())
        if urlsplit(canonical).scheme not in ("http", "https"):
            canonical = None
    if author and (author.startswith("http") or len(author) > 120):
        author = None
    return {"published": published, "updated": updated, "canonical": canonical, "author": author}


# ------------------------------------------------------------------------------------ furniture

_FURNITURE_LINES = {
    "top of page", "bottom of page", "skip to content", "skip to main content", "back to top",
    "share", "share this", "share this post", "share this article", "share on facebook",
    "share on twitter", "share on linkedin", "tweet", "print", "email", "facebook", "twitter",
    "linkedin", "whatsapp", "copy link", "link copied", "menu", "close", "search", "log in",
    "sign up", "subscribe", "read more", "accept", "accept all", "reject all", "cookie settings",
    "manage cookies", "recent posts", "see all", "like", "comment", "comments",
}
_WRITER = re.compile(r"^\W*(?:writer'?s|author'?s)\s+picture\s*:?\s*(.*)$", re.I)
_UPDATED = re.compile(r"^\W*(?:last\s+)?updated(?:\s+on)?\s*:?\s*(.+)$", re.I)
_PUBLISHED = re.compile(r"^\W*(?:published|posted)(?:\s+on)?\s*:?\s*(.+)$", re.I)
_READ_TIME = re.compile(r"^\W*\d+\s*min(?:ute)?s?\s+read\W*$", re.I)
_COOKIE = re.compile(r"\b(?:we use|this (?:site|website) uses|uses?)\s+cookies\b|\bcookie (?:policy|settings|preferences)\b", re.I)
_VIEWS = re.compile(r"^\W*\d+\s+(?:views?|comments?|likes?)(?:\W+\d+\s+(?:views?|comments?|likes?))*\W*$", re.I)


@dataclass(frozen=True)
class Furniture:
    """What the furniture lines said before they were removed."""

    author: str | None = None
    published: str | None = None
    updated: str | None = None
    removed: tuple[str, ...] = ()


def classify_line(line: str) -> tuple[str, str | None] | None:
    """Return what a furniture line is (``drop``, ``author``, ``updated``, ``published``) and its value.

    Returns ``None`` for a line of main text.

    >>> classify_line("Updated: Apr 6, 2021")
    ('updated', '2021-04-06')
    >>> classify_line("The election feels like a distant memory.") is None
    True
    """
    bare = " ".join(line.split()).strip(" •·|-–—").strip()
    if not bare:
        return None
    lowered = bare.lower().rstrip(":.!")
    if lowered in _FURNITURE_LINES or _READ_TIME.match(bare) or _VIEWS.match(bare):
        return "drop", None
    if match := _WRITER.match(bare):
        return "author", (match.group(1).strip() or None)
    if len(bare) <= 60 and (match := _UPDATED.match(bare)) and parse_date(match.group(1)):
        return "updated", parse_date(match.group(1))
    if len(bare) <= 60 and (match := _PUBLISHED.match(bare)) and parse_date(match.group(1)):
        return "published", parse_date(match.group(1))
    if len(bare) <= 400 and _COOKIE.search(bare):
        return "drop", None
    return None


def remove_furniture(text: str) -> tuple[str, Furniture]:
    """Drop page-furniture lines from extracted text; return the text and what they said.

    Works on paragraphs (blank-line or line separated) of already extracted text, such as a blog
    post scraped with its "top of page" and "Writer's picture" lines.

    >>> text, found = remove_furniture("top of page\\nWriter's pictureAndrew Laird\\nUpdated: Apr 6, 2021\\nBody.")
    >>> text, found.author, found.updated
    ('Body.', 'Andrew Laird', '2021-04-06')
    """
    kept, removed = [], []
    found: dict[str, str | None] = {"author": None, "published": None, "updated": None}
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        kind = classify_line(line)
        if kind is None:
            kept.append(line)
            continue
        removed.append(line)
        if kind[0] in found and found[kind[0]] is None:
            found[kind[0]] = kind[1]
    return "\n\n".join(kept), Furniture(author=found["author"], published=found["published"],
                                        updated=found["updated"], removed=tuple(removed))


# A page saved as text shows its furniture in its first or last few lines.
_EDGE_LINES = 5
_NAME = re.compile(r"^[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,4}$")


def looks_like_scraped_page(text: str) -> bool:
    """Return whether plain text is a web page saved as text: furniture in its first or last lines.

    >>> looks_like_scraped_page("top of page\\nA title\\nThe post itself.")
    True
    >>> looks_like_scraped_page("Speech to the LGA\\n\\nThank you. Councils have shown the way.")
    False
    """
    lines = [line for line in text.splitlines() if line.strip()]
    edges = lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]
    return any(classify_line(line) is not None for line in edges)


def extract_scraped_text(text: str) -> ExtractedPage | None:
    """Return the post and its metadata from a web page saved as text, or ``None`` if it is not one.

    The same furniture as in :func:`extract_html` goes ("top of page", "Writer's picture…",
    "Updated: …", "3 min read", share and cookie lines), and what it said is kept: the writer
    becomes ``author``, a "Published:"/"Posted:" date ``date``, an "Updated:" date only
    ``updated`` (never ``date``: the day a page was last edited is not the day it was written).
    The first line left, when it reads as a heading (150 characters or fewer, not a sentence
    ending in a full stop), is the ``title``; it stays in the text, as the web collector keeps a
    page's heading. Paragraphs and line breaks are kept as they are.

    Example:
        >>> page = extract_scraped_text("top of page\\nWriter's pictureAndrew Laird\\nTrust to try\\n"
        ...                             "Updated: Apr 6, 2021\\nThe election feels distant.\\nbottom of page")
        >>> page.title, page.author, page.date, page.updated
        ('Trust to try', 'Andrew Laird', None, '2021-04-06')
    """
    if not looks_like_scraped_page(text):
        return None
    found: dict[str, str | None] = {"author": None, "published": None, "updated": None}
    kept: list[str] = []
    name_next = False  # "Writer's picture" alone on its line: the name is on the next one
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            kept.append("")
            continue
        kind = classify_line(line)
        if kind is None and name_next and len(line.strip()) <= 60 and _NAME.match(line.strip()):
            kind = ("author", line.strip())
        name_next = kind == ("author", None)
        if kind is None:
            kept.append(line)
        elif kind[0] in found and found[kind[0]] is None:
            found[kind[0]] = kind[1]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    first = body.split("\n", 1)[0].strip()
    title = first if first and len(first) <= 150 and not first.endswith(".") else None
    return ExtractedPage(text=body, title=title, author=found["author"], date=found["published"],
                         updated=found["updated"])


_SHORT_ELEMENTS = {"a", "p", "span", "li", "button", "div", "small", "time", "em", "strong", "h6",
                   "h5", "h4", "label", "section", "aside"}


_SHORT_XPATH = ("//body//*[" + " or ".join(f"self::{tag}" for tag in sorted(_SHORT_ELEMENTS))
                + "][string-length(.) <= 400]")


def strip_furniture_elements(tree: Any) -> Furniture:
    """Remove short furniture elements from a parsed page before extraction; return what they said.

    A "Writer's picture" image takes its caption (the author's name) with it.
    """
    found: dict[str, str | None] = {"author": None, "published": None, "updated": None}
    removed: list[str] = []
    doomed = []
    for image in tree.iter("img"):
        alt = image.get("alt") or ""
        if _WRITER.match(alt):
            holder = image.getparent()
            name = " ".join(holder.text_content().split()) if holder is not None else ""
            if name and len(name) <= 80:
                found["author"] = found["author"] or name
                removed.append(f"{alt} {name}")
                doomed.append(holder)
    # Let libxml2 pick the short elements: text_content() of every large container is costly.
    for element in tree.xpath(_SHORT_XPATH):
        text = element.text_content()
        kind = classify_line(text)
        if kind is None:
            continue
        if kind[0] != "drop" and len(text.strip()) > 80:
            continue
        removed.append(" ".join(text.split()))
        if kind[0] in found and found[kind[0]] is None:
            found[kind[0]] = kind[1]
        doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return Furniture(author=found["author"], published=found["published"],
                     updated=found["updated"], removed=tuple(removed))


def has_main_text(text: str) -> bool:
    """Return whether extracted text looks like prose: 10 words or more, one line of 6 or more.

    >>> has_main_text("Home Blog Tags")
    False
    """
    return len(text.split()) >= 10 and any(len(line.split()) >= 6 for line in text.splitlines())


# ------------------------------------------------------------------------------------ pages

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def extract_html(html: str | bytes, *, url: str | None = None,
                 charset: str | None = None) -> ExtractedPage | None:
    """Return the main text and metadata of an HTML page, or ``None`` when it has no main text.

    Args:
        html: the page, as text or as the raw bytes of a response.
        url: where the page came from (resolves a relative canonical URL; a fallback ``url``).
        charset: the charset named by the HTTP ``Content-Type`` header, when ``html`` is bytes.

    Returns:
        An :class:`ExtractedPage` whose text keeps paragraphs (separated by blank lines) and
        leaves out navigation, comments and page furniture.

    Example:
        >>> page = extract_html("<html><body><article><p>" + "Words here. " * 30 + "</p></article></body></html>")
        >>> page.text.startswith("Words here.")
        True
    """
    used = None
    if isinstance(html, bytes):
        html, used = decode_html(html, declared=charset)
    html = _XML_DECLARATION.sub("", html, count=1)
    if not html.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    head = _read_head(tree, url)
    early = strip_furniture_elements(tree)
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        with_metadata=True,
        date_extraction_params={"original_date": True, "extensive_search": False},
    )
    if not result:
        return None
    result = result.as_dict() if hasattr(result, "as_dict") else result
    text, furniture = remove_furniture((result.get("text") or "").strip())
    if not has_main_text(text):
        return None
    updated = head["updated"] or early.updated or furniture.updated
    published = head["published"] or early.published or furniture.published
    if not published:
        # trafilatura's guess, unless it is only the "updated" date the page shows.
        guess = parse_date(result.get("date"))
        if guess and guess != updated:
            published = guess
    canonical = head["canonical"]
    return ExtractedPage(
        text=text,
        title=result.get("title") or None,
        author=result.get("author") or early.author or furniture.author or head["author"],
        date=published,
        sitename=result.get("sitename") or None,
        url=canonical or url or result.get("url") or None,
        description=result.get("description") or None,
        updated=updated,
        canonical_url=canonical,
        charset=used,
    )
