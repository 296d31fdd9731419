"""Collect Hansard debates in mySociety's ParlParse / TheyWorkForYou XML, one document per speech.

Both forms of the format are read: modern files (``person_id``, UTF-8) and older ones
(``speakerid`` = a member id, ``speakeroffice``, ISO-8859-1 with an internal DTD of HTML
entities). The XML is parsed without loading or expanding any DTD: the internal subset is cut
out and each named HTML entity is replaced by its character reference first (see
:func:`read_day_xml`), so a file can neither fetch anything nor blow up in memory.

The unit is the contribution (``<speech>``): each becomes one document whose ``speaker``,
``date``, ``url`` (its TheyWorkForYou address) and ``title`` (the debate's headings) are its
own, so search cites the speech and trends count by speaker. The debate it belongs to is kept in
``meta`` (``debate_id``, ``headings``, ``column``, ``time``) for regrouping. Procedural text
(``rose—``, "Question put and agreed to.", division lists, speeches without a speaker) is kept
out of speakers' words: procedural paragraphs go to ``meta["procedural"]``, and contributions
that are only procedure and divisions are counted in a note per file, not stored.

ParlParse publishes a day again when Hansard corrects it (``debates2009-10-27a.xml``, ``b``…;
the newest has ``latest="yes"``). Within one run only the newest version of each day is read;
collecting a newer version replaces the speeches of the older one (``gidredirect`` elements map
each old speech id to its new one, kept in ``meta["replaces"]``), and an older version of a day
already collected in a newer one is skipped.
"""
from __future__ import annotations

import functools
import html.entities
import itertools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from lxml import etree

from policytext.collect.base import Notice, Outcome, ProgressHook, Skipped, open_fetcher
from policytext.collect.parliament_posts import PostBook, load_posts, stored_posts
from policytext.collect.parties import Sides
from policytext.errors import BadInput, ConfigError
from policytext.records import Document, make_document_id
from policytext.store import WriteReport
from policytext.store.documents import NoticedItem

SOURCE = "hansard"
STAGE = "collect-hansard"
TWFY = "https://www.theyworkforyou.com"

# gid prefixes of the ParlParse series: (house, TheyWorkForYou section)
_SERIES = {
    "debate": ("House of Commons", "debates"),
    "lords": ("House of Lords", "lords"),
    "westminhall": ("Westminster Hall", "whall"),
    "spor": ("Scottish Parliament", "sp"),
    "ni": ("Northern Ireland Assembly", "ni"),
    "senedd": ("Senedd", "senedd"),
}
_FILE_SERIES = {"debates": "debate", "daylord": "lords", "westminster": "westminhall"}
"""ParlParse file-name prefix -> the series in its speech ids."""
_FILE_NAME = re.compile(r"^(?P<series>[a-z]+?)(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?P<version>[a-z]?)\.xml$")
_GID = re.compile(r"^uk\.org\.publicwhip/(?P<series>[a-z]+)/(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?P<version>[a-z]?)\.")
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+[A-Za-z_:][\w:.-]*\s*(?:\[(?P<subset>.*?)\]\s*)?>", re.DOTALL)
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY\s+(?P<name>[A-Za-z][\w.-]*)\s+\"(?P<value>[^\"]*)\"\s*>")
_NAMED_REFERENCE = re.compile(rb"&(?P<name>[A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_SPACE = re.compile(r"\s+")
_TIME = re.compile(r"^0*(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?$")

# Paragraphs that record what the House did rather than what a member said.
_PROCEDURAL = re.compile(
    r"^(?:"
    r"rose\s*[—–-]*|"
    r"(?:hon\. members|several hon\. members|an hon\. member)\s*(?:rose|:)?\s*[—–-]*|"
    r"(?:the )?(?:main )?(?:question|amendment|motion|clause|new clause|schedule|new schedule|lords amendments?|"
    r"amendments?|bill|resolution|motion and clause)\b[^.]{0,120}\b(?:agreed to|negatived|put|withdrawn|"
    r"disagreed to|not moved|reported|read (?:a|the) (?:first|second|third) time|committed|ordered)"
    r"[^.]{0,80}\.?|"
    r"(?:the )?house divided:?.*|division no\. ?[0-9]+.*|ayes,? [0-9]+[;,.]?.*|noes,? [0-9]+[;,.]?.*|"
    r"(?:resolved|ordered),?|"
    r"(?:bill|lords amendments?) (?:accordingly )?(?:read|to be read|presented|considered).*|"
    r"\[?(?:interruption|laughter|hon\. members: hear, hear|hear, hear)\.?\]?"
    r")$",
    re.IGNORECASE)
_CHAIR_PARTY = re.compile(r"^(?:deputy )?speaker$|^(?:(?:first |second )?deputy )?chairman of ways and means$",
                          re.IGNORECASE)
# The chair as printed: "Mr. Deputy Speaker", "Madam Deputy Speaker (Dame Rosie Winterton)",
# "The Chairman of Ways and Means", "The First Deputy Chairman", "The Temporary Chairman".
_CHAIR = re.compile(r"^(?:(?:mr\.? |madam |the )?(?:deputy |lord )?speaker|(?:the )?(?:temporary )?chair(?:man)?|"
                    r"(?:mr\.? |madam )?(?:deputy )?chair(?:man)?|"
                    r"(?:the )?(?:(?:first |second )?deputy )?chairman(?: of ways and means)?)"
                    r"(?: \([^()]+\))?$", re.IGNORECASE)
# Words only the chair says: "Order.", "I call the Minister."
_CHAIR_WORDS = re.compile(r"^(?:order[.!,]|order, order\b)|\bI call\b(?! (?:on|upon|for|it)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Speech:
    """One contribution of a sitting day, as the file gives it."""

    gid: str
    speaker: str | None
    person_id: str | None  # uk.org.publicwhip/person/N (modern files)
    member_id: str | None  # uk.org.publicwhip/member/N (older files)
    office: str | None  # speakeroffice: "The Minister of State, Cabinet Office"
    type: str | None  # "Start Answer", "Continuation Speech"…
    column: str | None
    time: str | None  # HH:MM:SS
    hansard_url: str | None
    headings: tuple[str, ...]  # major, minor (those the debate has)
    debate_id: str | None  # the gid of the heading the speech falls under
    paragraphs: tuple[str, ...]  # the speaker's words
    procedural: tuple[str, ...]  # what the House did, kept out of the words
    line: int | None = None


@dataclass(frozen=True)
class HansardDay:
    """A parsed sitting-day file."""

    item: str
    series: str  # debate, lords, westminhall…
    date: str
    version: str  # a, b, c… ('' when the ids carry none)
    latest: bool | None
    speeches: tuple[Speech, ...]
    redirects: tuple[tuple[str, str], ...]  # (old gid, new gid)
    procedural_only: int  # contributions with no speaker or only procedure
    divisions: int

    @property
    def house(self) -> str | None:
        return _SERIES.get(self.series, (None, None))[0]

    @property
    def day_key(self) -> str:
        return f"uk.org.publicwhip/{self.series}/{self.date}"


# ------------------------------------------------------------------------------------------ XML


def read_day_xml(data: bytes, *, item: str) -> etree._Element:
    """Parse a ParlParse file safely and return its root element; raise :class:`BadInput` when it is not one.

    See :func:`parse_xml_without_dtd`.
    """
    root = parse_xml_without_dtd(data, item=item)
    if root.tag != "publicwhip":
        raise BadInput(item, f"not a ParlParse file: the root element is <{root.tag}>, not <publicwhip>")
    return root


def parse_xml_without_dtd(data: bytes, *, item: str) -> etree._Element:
    """Parse XML safely and return its root element; raise :class:`BadInput` when it is not well-formed.

    The DTD is never loaded: its internal subset is removed and every named entity is replaced
    by a numeric character reference — taken from the subset when it declares one as a single
    character reference (as ParlParse's does), else from the HTML entity table. An entity known
    to neither is an error, not a guess. No network, no entity expansion, no huge trees.
    """
    declared: dict[bytes, bytes] = {}
    doctype = _DOCTYPE.search(data[:200_000])
    if doctype is not None:
        for found in _ENTITY_DECLARATION.finditer(doctype.group("subset") or b""):
            value = found.group("value").strip()
            if re.fullmatch(rb"&#(?:[0-9]+|x[0-9A-Fa-f]+);", value):
                declared[found.group("name")] = value
        # Keep the line count: later line numbers still point into the file as it is.
        data = data[:doctype.start()] + b"\n" * doctype.group(0).count(b"\n") + data[doctype.end():]
    unknown: list[str] = []

    def reference(match: re.Match[bytes]) -> bytes:
        name = match.group("name")
        if name in _XML_ENTITIES:
            return match.group(0)
        if name in declared:
            return declared[name]
        codepoint = html.entities.name2codepoint.get(name.decode("ascii"))
        if codepoint is None:
            unknown.append(name.decode("ascii"))
            return match.group(0)
        return b"&#%d;" % codepoint

    data = _NAMED_REFERENCE.sub(reference, data)
    if unknown:
        raise BadInput(item, f"unknown entity &{unknown[0]}; (not an HTML entity, nor declared as a "
                             "character in the file's DTD)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        line = err.lineno if isinstance(err.lineno, int) and err.lineno > 0 else None
        raise BadInput(item, f"not well-formed XML ({err.msg}); the file may be truncated or damaged: "
                             "download it again", line) from err
    return root


def _text(element: etree._Element) -> str:
    # lxml's text serialisation is all its text in one C call, a third of the time of joining
    # itertext()'s pieces in Python; str.split: faster than a regex here
    return " ".join(etree.tostring(element, method="text", encoding=str, with_tail=False).split())


_BUSINESS_WITHOUT_DEBATE = re.compile(r"(business without debate)\s*—\s*(.+)", re.IGNORECASE)


def _time(value: str | None) -> str | None:
    match = _TIME.match((value or "").strip())
    if not match or int(match["hour"]) > 23:
        return None
    return f"{int(match['hour']):02d}:{match['minute']}:{match['second'] or '00'}"


def is_procedural(paragraph: str) -> bool:
    """Return whether a paragraph records procedure rather than a member's words.

    >>> is_procedural("Question put and agreed to."), is_procedural("rose—")
    (True, True)
    >>> is_procedural("The question is whether we trust local government.")
    False
    """
    return bool(_PROCEDURAL.match(paragraph.strip()))


def parse_day(data: bytes, *, item: str) -> HansardDay:
    """Read one ParlParse sitting-day file (either form) into a :class:`HansardDay`.

    Raises:
        BadInput: the file is not well-formed, not ParlParse, or names no sitting day.

    Example:
        >>> day = parse_day(open("debates2023-03-28d.xml", "rb").read(), item="debates2023-03-28d.xml")  # doctest: +SKIP
        >>> day.speeches[2].speaker, day.speeches[2].person_id  # doctest: +SKIP
        ('Dominic Raab', 'uk.org.publicwhip/person/24815')
    """
    root = read_day_xml(data, item=item)
    speeches: list[Speech] = []
    redirects: list[tuple[str, str]] = []
    major = minor = None
    debate_id = None
    spoken_under_major = False  # a speech came under the major heading before any minor one
    procedural_only = divisions = 0
    series = date = version = None
    for element in root:
        tag = element.tag
        if not isinstance(tag, str):
            continue
        gid = element.get("id") or ""
        if gid and series is None:
            match = _GID.match(gid)
            if match:
                series, date, version = match["series"], match["date"], match["version"]
        if tag == "gidredirect":
            old, new = element.get("oldgid"), element.get("newgid")
            if old and new:
                redirects.append((old, new))
        elif tag in ("major-heading", "oral-heading"):
            major, minor, debate_id = _text(element) or None, None, gid or None
            spoken_under_major = False
        elif tag == "minor-heading" and spoken_under_major and minor is None:
            # Older days print the next debate as a minor heading after a debate that had none
            # (a bill's report stage after a ten-minute-rule motion): it heads a debate of its
            # own, not a part of the one before.
            major, minor, debate_id = _text(element) or None, None, gid or debate_id
            spoken_under_major = False
        elif tag == "minor-heading" and _BUSINESS_WITHOUT_DEBATE.match(_text(element)):
            # ... and print "Business without Debate — <item>" as a minor heading of the debate
            # before; modern days make it the major heading of the items that follow.
            major, minor = _BUSINESS_WITHOUT_DEBATE.match(_text(element)).groups()
            debate_id = gid or debate_id
            spoken_under_major = False
        elif tag == "minor-heading":
            minor, debate_id = _text(element) or None, gid or debate_id
        elif tag == "division":
            divisions += 1
        elif tag == "speech":
            speech = _speech(element, gid, (major, minor), debate_id)
            if speech is None:
                procedural_only += 1
            else:
                speeches.append(speech)
                spoken_under_major = spoken_under_major or minor is None
    if series is None or date is None:
        raise BadInput(item, "no element with a ParlParse id (uk.org.publicwhip/...): not a sitting-day file")
    latest = root.get("latest")
    return HansardDay(item, series, date, version or "", None if latest is None else latest == "yes",
                      tuple(speeches), tuple(redirects), procedural_only, divisions)


def _speech(element: etree._Element, gid: str, headings: tuple[str | None, str | None],
            debate_id: str | None) -> Speech | None:
    """Return the speech, or None when it has no speaker or holds only procedure."""
    speaker = _SPACE.sub(" ", element.get("speakername") or "").strip() or None
    person = element.get("person_id") or None
    speakerid = element.get("speakerid") or None
    member = speakerid if speakerid and "/member/" in speakerid else None
    if speakerid and "/person/" in speakerid:
        person = person or speakerid
    if element.get("nospeaker") == "true" and not (person or member):
        return None  # stage directions, "Several hon. Members rose—"
    words: list[str] = []
    procedure: list[str] = []
    children = [child for child in element if isinstance(child.tag, str)]
    for child in children or [element]:
        text = _text(child)
        if not text:
            continue
        (procedure if _PROCEDURAL.match(text) else words).append(text)  # is_procedural; text is stripped
    if not words or not (speaker or person or member):
        return None
    return Speech(
        gid=gid, speaker=speaker, person_id=person, member_id=member,
        office=_SPACE.sub(" ", element.get("speakeroffice") or "").strip() or None,
        type=element.get("type") or None, column=element.get("colnum") or None,
        time=_time(element.get("time")), hansard_url=element.get("url") or None,
        headings=tuple(h for h in headings if h), debate_id=debate_id,
        paragraphs=tuple(words), procedural=tuple(procedure), line=element.sourceline,
    )


# ------------------------------------------------------------------------------------ documents


def speech_url(gid: str) -> str | None:
    """Return the TheyWorkForYou address of a speech id, or None for a series it does not publish.

    >>> speech_url("uk.org.publicwhip/debate/2023-03-28d.809.8")
    'https://www.theyworkforyou.com/debates/?id=2023-03-28d.809.8'
    """
    match = _GID.match(gid)
    if not match or match["series"] not in _SERIES:
        return None
    return f"{TWFY}/{_SERIES[match['series']][1]}/?id={gid.rsplit('/', 1)[1]}"


def _office_role(office: str | None, speaker: str | None) -> str | None:
    """The role the printed office says: the chair, or a minister answering for a department."""
    for value in (office, speaker):
        if value and _CHAIR.match(value.strip().rstrip(".")):
            return "chair"
    if office and re.match(r"^(?:the )?(?:secretary of state|minister|parliamentary under-secretary|"
                           r"parliamentary secretary|prime minister|deputy prime minister|chancellor|"
                           r"attorney[- ]general|solicitor[- ]general|advocate[- ]general|leader of the house|"
                           r"chief secretary|financial secretary|economic secretary|exchequer secretary|"
                           r"paymaster general|lord privy seal|president of the council)", office, re.IGNORECASE):
        return "minister"
    return None


def speech_document(day: HansardDay, speech: Speech, *, posts: PostBook | None = None,
                    path: str | None = None, sides: Sides | None = None,
                    in_chair: str | None = None) -> tuple[Document, tuple[str, ...]]:
    """Return the document of one speech and any problems met labelling it (e.g. two parties).

    The speaker's post, party and role on the day come from ``posts`` when it knows the person,
    else from the office the file prints (older files). ``speaker_role`` holds the post(s),
    ``role`` the class: minister, shadow, backbencher or chair. ``side`` (government or
    opposition) follows from the role or the party on the day (``sides``, by default the
    packaged timeline); when unknown, ``meta["side_unknown"]`` says why. ``in_chair`` (why the
    day shows the speaker in the chair) makes the speech the chair's, noted in ``meta["chair"]``.
    """
    person = speech.person_id
    if person is None and speech.member_id and posts is not None:
        person = posts.person_for_member(speech.member_id, day.date)
    on_day = posts.on(person, day.date) if posts is not None and person else None
    role = _office_role(speech.office, speech.speaker)
    post_titles: list[str] = []
    organisations: list[str] = []
    party = None
    problems: tuple[str, ...] = ()
    if on_day is not None:
        problems = on_day.problems
        party = on_day.party
        for post in on_day.posts:
            if post.category in ("minister", "shadow", "pps"):
                post_titles.append(post.title)
                if post.organisation and post.organisation not in organisations:
                    organisations.append(post.organisation)
        if role != "chair" and on_day.role is not None:
            role = on_day.role if not (role == "minister" and on_day.role != "minister") else role
        if party and _CHAIR_PARTY.match(party):
            role = "chair"  # people.json seats the Speaker for the party "Speaker": modern files print only the name
        if on_day.role == "chair":
            in_chair = in_chair or "; ".join(p.title for p in on_day.posts if p.category == "chair")
    if in_chair and role in ("minister", "shadow"):
        problems = (*problems, f"{speech.speaker or person} is shown in the chair ({in_chair}) but held a "
                               f"{role}'s post on {day.date}: role left as {role}")
        in_chair = None
    elif in_chair:
        role = "chair"
    if not post_titles and speech.office and role != "chair":
        post_titles.append(re.sub(r"^the ", "", speech.office, flags=re.IGNORECASE))
    house = day.house
    side, side_unknown = (sides or Sides.packaged()).of_speaker(role=role, party=party, country="GB", day=day.date)
    meta: dict[str, Any] = {
        "gid": speech.gid,
        "house": house,
        "person_id": person,
        "member_id": speech.member_id,
        "speaker_office": speech.office,
        "chair": in_chair if role == "chair" else None,
        "side_unknown": side_unknown,
        "posts": post_titles,
        "type": speech.type,
        "column": speech.column,
        "time": speech.time,
        "hansard_url": speech.hansard_url,
        "headings": list(speech.headings),
        "debate_id": speech.debate_id,
        "version": day.version,
        "procedural": list(speech.procedural),
        "path": path or day.item,
        "line": speech.line,
    }
    replaced = [old for old, new in day.redirects if new == speech.gid]
    if replaced:
        meta["replaces"] = replaced
    document = Document(
        source=SOURCE,
        source_id=speech.gid,
        text="\n\n".join(speech.paragraphs),
        title=" — ".join(speech.headings) or None,
        url=speech_url(speech.gid) or speech.hansard_url,
        date=day.date,
        date_precision="day",
        speaker=speech.speaker,
        speaker_role="; ".join(post_titles) or None,
        role=role,
        side=side,
        party=party,
        source_party=party,
        organisations=tuple(organisations),
        publisher=f"Hansard, {house}" if house else "Hansard",
        kind="debate",
        country="GB",
        meta={k: v for k, v in meta.items() if v not in (None, "", [], {})},
    )
    return document, problems


def _chairs_by_contributions(day: HansardDay) -> dict[str, str]:
    """Return the people a modern file shows in the chair that day (person id -> why).

    Modern files type every member's contribution ("Start Speech", "Start Question"…) but not
    the chair's, and print the Deputy Speakers by their own names ("Nigel Evans"). A person is
    taken to be in the chair when none of their contributions that day is typed, while others'
    are, and they say what only the chair says ("Order.", "I call …"). Older files print the
    chair's office instead, and type nothing: there the rule does not apply.
    """
    if not any(speech.type for speech in day.speeches):
        return {}
    typed: set[str] = set()
    chair_words: set[str] = set()
    for speech in day.speeches:
        if not speech.person_id:
            continue
        if speech.type:
            typed.add(speech.person_id)
        elif any(_CHAIR_WORDS.search(paragraph) for paragraph in speech.paragraphs):
            chair_words.add(speech.person_id)
    return {person: "untyped contributions that call members or order, as only the chair's are in modern files"
            for person in chair_words - typed}


def day_outcomes(day: HansardDay, *, posts: PostBook | None = None, path: str | None = None,
                 sides: Sides | None = None) -> Iterator[Outcome]:
    """Yield each speech's document and one note per day of what was left out or unknown."""
    where = path or day.item
    sides = sides or Sides.packaged()
    unknown: set[str] = set()
    no_role = 0
    member_only = 0  # speeches named by a member id that no people file mapped to a person
    no_side: dict[str, int] = {}
    # Hansard prints a minister's office once ("The Secretary of State for … (John Denham):"),
    # then the name alone: the office is the member's for the whole day.
    offices: dict[str, str] = {}
    for speech in day.speeches:
        who = speech.person_id or speech.member_id
        if who and speech.office and _office_role(speech.office, None) == "minister":
            offices.setdefault(who, speech.office)
    chairs = _chairs_by_contributions(day)
    unknown_people: dict[str, str] = {}  # person ids the people files do not name
    for speech in day.speeches:
        who = speech.person_id or speech.member_id
        if who and not speech.office and who in offices:
            speech = replace(speech, office=offices[who])
        document, problems = speech_document(day, speech, posts=posts, path=where, sides=sides,
                                             in_chair=chairs.get(speech.person_id or ""))
        if posts is not None and speech.person_id and posts.persons and document.role != "chair" \
                and posts.on(speech.person_id, day.date).unknown:
            unknown_people.setdefault(speech.person_id, speech.speaker or speech.person_id)
        for problem in problems:
            yield Notice(where, problem, speech.line)
        if speech.person_id is None and speech.member_id and not document.meta.get("person_id"):
            member_only += 1
        if document.side is None:
            why = document.meta.get("side_unknown") or "unknown"
            no_side[why] = no_side.get(why, 0) + 1
        if posts is not None and document.role is None:
            no_role += 1
            if speech.person_id is None and speech.member_id and not document.meta.get("person_id"):
                unknown.add(speech.member_id)
        yield document
    left_out = []
    if day.procedural_only:
        left_out.append(f"{day.procedural_only} contribution(s) without a speaker or only procedure")
    if day.divisions:
        left_out.append(f"{day.divisions} division list(s)")
    if left_out:
        yield Notice(where, f"{len(day.speeches)} speeches read; left out {' and '.join(left_out)}")
    if member_only:
        yield Notice(where, f"{member_only} speech(es) name only a member id (the older form), not a person: "
                            "give mySociety's people.json (--people) to resolve them to person ids, the same "
                            "person across years")
    if no_side:
        reasons = "; ".join(f"{count} {why}" for why, count in sorted(no_side.items(), key=lambda i: -i[1]))
        yield Notice(where, f"{sum(no_side.values())} speech(es) have no side (government/opposition): {reasons}")
    if unknown_people:
        examples = "; ".join(f"{name} ({pid})" for pid, name in list(unknown_people.items())[:3])
        yield Notice(where, f"{len(unknown_people)} person id(s) the people files do not name (e.g. {examples}): "
                            "their speeches have no role")
    if posts is not None and len(posts) and no_role:
        why = []
        if unknown:
            why.append(f"{len(unknown)} member id(s) the posts files do not map to a person "
                       f"(give people.json with --people)")
        if not posts.covers_date(day.date):
            span = f"{posts.covers[0]} to {posts.covers[1]}" if posts.covers else "no dates"
            why.append(f"the posts files cover {span}, not {day.date}")
        yield Notice(where, f"{no_role} speech(es) have no role" + (f": {'; '.join(why)}" if why else ""))


# ----------------------------------------------------------------------------------- local files


def _file_key(path: Path) -> tuple[str, str] | None:
    """(series+date, version) from a ParlParse file name such as ``debates2009-10-27d.xml``."""
    match = _FILE_NAME.match(path.name)
    if not match:
        return None
    return f"{match['series']}{match['date']}", match["version"]


def find_day_files(paths: Iterable[str | Path], *, since: str | None = None,
                   until: str | None = None) -> tuple[list[Path], list[Skipped], list[BadInput]]:
    """Return the files to read (folders walked for ``*.xml``), older versions of a day left out.

    ``since``/``until`` (ISO dates) leave out files whose name dates them outside the range.

    Returns:
        (files, skipped older versions, missing paths)
    """
    files: list[Path] = []
    missing: list[BadInput] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.xml") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(BadInput(str(given), "no such file or folder"))
    if since or until:
        files = [p for p in files if (m := _FILE_NAME.match(p.name)) is None or _in_range(m["date"], since, until)]
    newest: dict[str, tuple[str, Path]] = {}
    for path in files:
        key = _file_key(path)
        if key is None:
            continue
        day, version = key
        if day not in newest or version > newest[day][0]:
            newest[day] = (version, path)
    chosen: list[Path] = []
    skipped: list[Skipped] = []
    for path in dict.fromkeys(files):
        key = _file_key(path)
        if key is not None and newest[key[0]][1] != path:
            skipped.append(Skipped(str(path), f"superseded by {newest[key[0]][1].name}, a later version of the same day"))
            continue
        chosen.append(path)
    return chosen, skipped, missing


@dataclass
class _Days:
    """The days a run read, by day key: the version read (to retire older ones afterwards)."""

    versions: dict[str, str] = field(default_factory=dict)
    redirects: dict[str, list[str]] = field(default_factory=dict)


def _stored_versions(store: Any, day_key: str) -> dict[str, int]:
    """Versions of a day already in the store, with their speech counts."""
    versions: dict[str, int] = {}
    # date first: it is indexed, so a store of many days is not scanned for each file
    for (source_id,) in store.conn.execute(
            "SELECT source_id FROM documents WHERE date = ? AND source = ? AND source_id >= ? AND source_id < ?",
            (day_key.rsplit("/", 1)[1], SOURCE, day_key, day_key + "\uffff")):
        match = _GID.match(source_id)
        if match:
            versions[match["version"]] = versions.get(match["version"], 0) + 1
    return versions


def _read_days(store: Any, items: Iterable[tuple[str, bytes]], posts: PostBook | None,
               days: _Days, sides: Sides | None = None) -> Iterator[Outcome]:
    sides = sides or Sides.packaged()
    for item, data in items:
        try:
            day = parse_day(data, item=item)
        except BadInput as err:
            yield err
            continue
        stored = _stored_versions(store, day.day_key)
        newer = sorted(v for v in stored if v > day.version)
        if newer:
            yield Skipped(item, f"version {day.version or '(none)'} of {day.date} is older than version "
                                f"{newer[-1]} already collected")
            continue
        if day.day_key in days.versions and days.versions[day.day_key] >= day.version:
            yield Skipped(item, f"{day.date} was already read in this run from version {days.versions[day.day_key]}")
            continue
        days.versions[day.day_key] = day.version
        yield from day_outcomes(day, posts=posts, path=item, sides=sides)


def _retire_older_versions(corpus: Any, days: _Days, report: WriteReport) -> None:
    """Delete the speeches of older versions of the days just collected; note how many."""
    from policytext.store.edits import Selection, delete_documents

    for day_key, version in days.versions.items():
        ids = []
        for (source_id,) in corpus.store.conn.execute(
                "SELECT source_id FROM documents WHERE date = ? AND source = ? AND source_id >= ? AND source_id < ?",
                (day_key.rsplit("/", 1)[1], SOURCE, day_key, day_key + "\uffff")):
            match = _GID.match(source_id)
            if match and match["version"] < version:
                ids.append(make_document_id(SOURCE, source_id))
        if ids:
            deleted = delete_documents(corpus.store, Selection(tuple(ids)))
            report.notices.append(NoticedItem(day_key, f"removed {deleted.documents} speech(es) of an older "
                                                       f"version of the day, superseded by version {version}", None))


@functools.lru_cache(maxsize=4096)  # asked once per speech: resolving the path each time cost ~15%
def _absolute_path(item: str) -> str:
    """Name a file by its absolute path in the failures table, however it was given."""
    return str(Path(item).resolve()) if "://" not in item else item


def _read_files(paths: Sequence[Path]) -> Iterator[tuple[str, bytes] | BadInput]:
    for path in paths:
        try:
            yield str(path), path.read_bytes()
        except OSError as err:
            yield BadInput(str(path), f"cannot read the file: {err.strerror or err}")


def iter_hansard_files(store: Any, paths: Iterable[str | Path], *, posts: PostBook | None = None,
                       since: str | None = None, until: str | None = None,
                       days: _Days | None = None, sides: Sides | None = None) -> Iterator[Outcome]:
    """Yield the documents (and failures, skips, notes) of local ParlParse files and folders."""
    files, skipped, missing = find_day_files(paths, since=since, until=until)
    yield from missing
    yield from skipped
    days = days if days is not None else _Days()

    def readable() -> Iterator[tuple[str, bytes]]:
        for read in _read_files(files):
            if isinstance(read, BadInput):
                failures.append(read)
            else:
                yield read

    failures: list[BadInput] = []
    for outcome in _read_days(store, readable(), posts, days, sides):
        while failures:
            yield failures.pop(0)
        yield outcome
    yield from failures


def _date_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    from policytext.store.filters import normalise_date_bound

    since = normalise_date_bound(since, end=False, name="since") if since else None
    until = normalise_date_bound(until, end=True, name="until") if until else None
    if since and until and since > until:
        raise ConfigError(f"--since {since} is after --until {until}")
    return since, until


def _in_range(date: str, since: str | None, until: str | None) -> bool:
    return (since is None or date >= since) and (until is None or date <= until)


def _posts(posts_files: Sequence[str | Path] | None, people: Sequence[str | Path] | None = None,
           store: Any = None) -> PostBook | None:
    """Read the posts and people files into one book (else the store's person table; None when neither)."""
    if not posts_files and not people:
        return stored_posts(store) if store is not None else None
    book = load_posts([*(posts_files or ()), *(people or ())])
    if book is not None and people and not book.seats_by_member:
        raise ConfigError(f"the people file(s) {', '.join(map(str, people))} map no member id to a person: give "
                          "mySociety's people.json (Popolo memberships with member ids, person ids and parties)")
    return book


def _posts_notices(book: PostBook | None) -> Iterator[Outcome]:
    """Yield the posts and people files' faults (overlapping posts, two parties) as ``collect people`` reports them."""
    if book is not None:
        for problem in book.problems:
            yield Notice(", ".join(book.files), str(problem))


def _sides(corpus: Any) -> Sides:
    """The corpus's own timelines and party aliases (policytext.toml's too) decide the side."""
    return Sides(corpus.timelines, corpus.labeller.party_aliases)


def collect_hansard(corpus: Any, paths: Iterable[str | Path], *, posts: Sequence[str | Path] | None = None,
                    people: Sequence[str | Path] | None = None, since: str | None = None,
                    until: str | None = None, progress: ProgressHook | None = None) -> WriteReport:
    """Collect ParlParse sitting-day files and folders into ``corpus``, one document per speech.

    Args:
        corpus: an open :class:`~policytext.corpus.Corpus`.
        paths: files or folders (walked for ``*.xml``).
        posts: ParlParse Popolo files (``ministers*.json``, ``people.json``) that give each
            speaker's post, role and party on the day. Read from disk only, never downloaded.
        people: mySociety's ``people.json`` (Popolo persons and memberships): maps the member ids
            of older files to person ids, and gives each member's party on the day. (A ``posts``
            file with such memberships does the same.)
        since, until: only days in this range (YYYY, YYYY-MM or YYYY-MM-DD), by file name.

    Example:
        >>> collect_hansard(corpus, ["debates2023-03-28d.xml"]).summary()  # doctest: +SKIP
        '419 collected, 0 updated, 0 unchanged, 0 skipped, 0 duplicate, 0 failed'
    """
    since, until = _date_range(since, until)
    book = _posts(posts, people, corpus.store)
    days = _Days()
    report = corpus.write(itertools.chain(_posts_notices(book), iter_hansard_files(
                              corpus.store, list(paths), posts=book, since=since, until=until, days=days,
                              sides=_sides(corpus))),
                          stage=STAGE, progress=progress, item_key=_absolute_path)
    _retire_older_versions(corpus, days, report)
    return report


# ------------------------------------------------------------------------------ published folder

DEFAULT_DIRECTORY = f"{TWFY}/pwdata/scrapedxml/debates/"
_HREF = re.compile(r"""href\s*=\s*["']?([^"' >]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class ListedDay:
    """A sitting-day file named in the published folder's index."""

    url: str
    day: str  # series name + date, e.g. debates2009-10-27
    date: str
    version: str


def parse_directory_listing(body: bytes, *, url: str) -> list[ListedDay]:
    """Return the newest version of each sitting day linked from a folder's index page.

    Raises:
        BadInput: the page links to no ParlParse day file.
    """
    from urllib.parse import unquote, urljoin, urlsplit

    newest: dict[str, ListedDay] = {}
    for href in _HREF.findall(body.decode("utf-8", "replace")):
        target = urljoin(url, href)
        name = unquote(urlsplit(target).path.rsplit("/", 1)[-1])
        match = _FILE_NAME.match(name)
        if not match:
            continue
        listed = ListedDay(target, f"{match['series']}{match['date']}", match["date"], match["version"])
        if listed.day not in newest or listed.version > newest[listed.day].version:
            newest[listed.day] = listed
    if not newest:
        raise BadInput(url, "the page links to no ParlParse sitting-day file (debatesYYYY-MM-DDx.xml); "
                            "give the address of the folder that lists them")
    return sorted(newest.values(), key=lambda d: (d.date, d.day))


def iter_hansard_web(store: Any, fetcher: Any, directory: str, *, since: str | None = None,
                     until: str | None = None, limit: int | None = None, posts: PostBook | None = None,
                     days: _Days | None = None, sides: Sides | None = None) -> Iterator[Outcome]:
    """Yield the documents of the days in ``since``..``until`` listed by a published folder.

    Days already collected at the version the folder lists are not fetched again (they are read
    from the raw cache, so new ``posts`` apply); a day whose version is newer is fetched and
    replaces the older one.
    """
    from policytext.errors import FetchError

    days = days if days is not None else _Days()
    try:
        listing = fetcher.fetch(directory)
        listed = parse_directory_listing(listing.body, url=listing.final_url)
    except FetchError as err:
        yield BadInput(directory, str(err))
        return
    except BadInput as err:
        yield err
        return
    wanted = [d for d in listed if _in_range(d.date, since, until)]
    if limit is not None:
        wanted = wanted[:limit]
    current = 0
    for listed_day in wanted:
        series_file = listed_day.day[: -len(listed_day.date)]
        series = _FILE_SERIES.get(series_file, series_file)
        stored = _stored_versions(store, f"uk.org.publicwhip/{series}/{listed_day.date}")
        if stored and max(stored) >= listed_day.version:
            # Not fetched again; read from the raw cache instead, so that a re-run with other
            # --posts files relabels the speeches (unchanged ones are counted as unchanged).
            current += 1
            response = fetcher.load_cached(listed_day.url)
            if response is None:
                continue
        else:
            try:
                response = fetcher.fetch(listed_day.url)
            except FetchError as err:
                yield BadInput(listed_day.url, str(err))
                continue
        from policytext.collect.fetch import gunzip_if_needed

        body = gunzip_if_needed(response.body, max_bytes=fetcher.config.max_response_bytes)
        yield from _read_days(store, [(listed_day.url, body)], posts, days, sides)
    if current:
        yield Notice(directory, f"{current} day(s) already collected at the version listed: not fetched "
                                "again (read from the raw cache)")
    if not wanted:
        yield Notice(directory, f"no sitting day listed between {since or 'the first'} and {until or 'the last'}")


def collect_hansard_web(corpus: Any, directories: str | Sequence[str] = DEFAULT_DIRECTORY, *, since: str | None = None,
                        until: str | None = None, limit: int | None = None,
                        posts: Sequence[str | Path] | None = None, people: Sequence[str | Path] | None = None,
                        progress: ProgressHook | None = None) -> WriteReport:
    """Collect the sitting days ``since``..``until`` from ParlParse's published folder of daily files.

    Fetching is polite (robots.txt, the rate limit, retries) and every file is kept in the raw
    cache; a re-run fetches only days that are new or have a newer version.

    Args:
        directories: the folder's address, or several (default: TheyWorkForYou's Commons debates).
            ``limit`` applies to each.
        since, until: ISO dates (YYYY, YYYY-MM or YYYY-MM-DD), inclusive.
        limit: at most this many days.
        posts, people: as for :func:`collect_hansard`.

    Example:
        >>> collect_hansard_web(corpus, since="2023-03-27", until="2023-03-31").summary()  # doctest: +SKIP
    """
    since, until = _date_range(since, until)
    if limit is not None and limit < 0:
        raise ConfigError(f"--limit must be 0 or more, not {limit}")
    book = _posts(posts, people, corpus.store)
    days = _Days()
    sides = _sides(corpus)
    fetcher = open_fetcher(corpus)
    folders = [directories] if isinstance(directories, str) else list(directories)

    def outcomes() -> Iterator[Outcome]:
        yield from _posts_notices(book)
        for directory in folders:
            yield from iter_hansard_web(corpus.store, fetcher, directory, since=since, until=until,
                                        limit=limit, posts=book, days=days, sides=sides)

    report = corpus.write(outcomes(), stage=STAGE, progress=progress, item_key=_absolute_path)
    _retire_older_versions(corpus, days, report)
    return report
