"""Who held which post, and which party, on a given day: Popolo files from mySociety's ParlParse.

ParlParse publishes ``ministers*.json`` (ministerial, shadow and PPS posts as Popolo
memberships with ``role``, ``organization_id``, ``start_date`` and ``end_date``) and
``people.json`` (each member's seats, with the member id and the party as ``on_behalf_of_id``).
:func:`load_posts` reads either or both into one :class:`PostBook`, the table a collector asks
"what was this person on this day?".

Each post gets a class (:func:`classify_post`): ``minister`` (a government post: secretaries and
ministers of state, under-secretaries, law officers, government whips), ``shadow`` (opposition
frontbench: shadow ministers and spokespeople), ``pps`` (parliamentary private secretaries, who
are not ministers), or ``None`` (a committee seat, a party office). A speaker's ``role`` on a
day is ``minister`` when any post that day is ministerial, else ``shadow``, else
``backbencher`` — but only on a day the file covers: outside it the role is unknown (``None``),
never guessed.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from policytext.errors import ConfigError
from policytext.store.people import Dated, Titled, overlapping_posts, party_clashes

EXAMPLES = 3
"""How many examples each reported problem gives."""
OVERLAPS = "overlapping terms of the same post (loaded)"
CLASHES = "pairs of party memberships on the same dates (loaded; on those days the person has no party)"


@dataclass
class Problem:
    """One kind of problem met reading people and posts, with how often and a few examples."""

    what: str
    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, example: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES and example not in self.examples:
            self.examples.append(example)

    def __str__(self) -> str:
        return f"{self.count} {self.what} (e.g. {'; '.join(self.examples)})"


def add_overlaps(problem: Problem, person_id: str, posts: Any) -> None:
    """Count (with examples) the terms of one post held twice over the same days by ``person_id``."""
    for first, second in overlapping_posts(posts):
        problem.add(f"{person_id}: {first.title} {first.start}–{first.end or '…'} and "
                    f"{second.start}–{second.end or '…'}")


def add_clashes(problem: Problem, person_id: str, parties: Any) -> None:
    """Count (with examples) the memberships of two parties on the same dates of ``person_id``."""
    for first, second in party_clashes(parties):
        problem.add(f"{person_id}: {first.party} {first.start}–{first.end or '…'} and "
                    f"{second.party} {second.start}–{second.end or '…'}")

_MINISTERIAL_TITLE = re.compile(
    r"^(?:secretary of state|minister|parliamentary under-secretary|parliamentary secretary|"
    r"under-secretary|attorney general|solicitor general|advocate general|lord advocate|"
    r"chief secretary|financial secretary|economic secretary|exchequer secretary|paymaster general|"
    r"lord privy seal|president of the council|lord president|chancellor|prime minister|"
    r"deputy prime minister|first secretary|leader of the house|lords? commissioner|lords? in waiting|"
    r"baroness(?:es)? in waiting|assistant whip|government whip|vice[- ]chamberlain|comptroller|"
    r"treasurer of|captain of|chief whip \(house of lords\)|deputy chief whip \(house of lords\)|"
    r"lord chancellor|deputy leader)", re.IGNORECASE)
_GOVERNMENT_ORGANISATION = re.compile(
    r"^(?:department|ministry|hm |her majesty|his majesty|office of|cabinet office|scotland office|"
    r"scottish office|wales office|welsh office|northern ireland office|home office|"
    r"foreign (?:&|and) commonwealth office|law officers|lord chancellor's department|"
    r"privy council office|leader of the house|government equalities office|treasury)", re.IGNORECASE)
_SHADOW = re.compile(r"shadow|spokes(?:person|man|woman|people|persons)|leader of the opposition|"
                     r"opposition", re.IGNORECASE)
_PPS = re.compile(r"\bPPS\b|parliamentary private secretar", re.IGNORECASE)
_PPS_FIRST = re.compile(r"^\(?(?:also )?(?:PPS\b|parliamentary private secretar)", re.IGNORECASE)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# The Commons chair: the Speaker and the Deputy Speakers, who are the Chairman of Ways and Means
# and the First and Second Deputy Chairmen. (Lords deputy speakers also speak from the benches.)
CHAIR_POST = re.compile(
    r"^(?:the )?(?:speaker(?: of the house of commons)?|(?:(?:principal )?deputy speaker)"
    r"(?: and (?:first |second )?(?:deputy )?chairman of ways and means)?(?: \((?:first |second )?deputy "
    r"chairman of ways and means\))?|(?:(?:first |second )?deputy )?chair(?:man|woman)? of ways and means)$",
    re.IGNORECASE)


def classify_post(role: str | None, organisation: str | None) -> str | None:
    """Return ``minister``, ``shadow``, ``pps``, ``chair`` or ``None`` for a post's role and organisation name.

    >>> classify_post("Minister of State", "Cabinet Office")
    'minister'
    >>> classify_post("Shadow Minister", "Home Affairs")
    'shadow'
    >>> classify_post("PPS (Rt Hon Dawn Primarolo, Paymaster General)", "HM Treasury")
    'pps'
    >>> classify_post(None, "Public Accounts Committee") is None
    True
    >>> classify_post("First Deputy Chairman of Ways and Means", "House of Commons")
    'chair'
    """
    role = (role or "").strip().lstrip("- ").strip()
    organisation = (organisation or "").strip()
    if not role:
        return None  # a committee seat
    if _PPS_FIRST.match(role):
        return "pps"  # "PPS (Rt Hon David Cameron, Leader of the Opposition)" is a PPS, not a shadow
    if _SHADOW.search(role) or organisation.lower().startswith("shadow"):
        return "shadow"  # "Shadow Transport Minister; Parliamentary Private Secretary to the Leader"
    if _PPS.search(role):
        return "pps"
    if CHAIR_POST.match(role) and "lords" not in (organisation or "").lower():
        return "chair"
    if re.match(r"^(?:the )?(?:deputy )?chair(?:man|woman)?\b", role, re.IGNORECASE):
        return None  # a committee or party chair
    if _MINISTERIAL_TITLE.match(role) or _GOVERNMENT_ORGANISATION.match(organisation):
        # A title such as "Whip" or "Chief Whip" counts only inside a government office
        # (HM Treasury, HM Household): opposition whips sit under "Whips".
        if re.search(r"\bwhip\b", role, re.IGNORECASE) and not _GOVERNMENT_ORGANISATION.match(organisation) \
                and not _MINISTERIAL_TITLE.match(role):
            return None
        return "minister"
    return None


@dataclass(frozen=True)
class Post(Titled):
    """One post held between two dates (inclusive; ``end`` None: still held when the file was made)."""

    person_id: str
    role: str
    organisation: str | None
    start: str | None
    end: str | None
    category: str | None  # minister, shadow, pps, chair or None (see classify_post)


@dataclass(frozen=True)
class PartySeat(Dated):
    """A member's seat for a party between two dates (a ``people.json`` membership)."""

    member_id: str
    person_id: str
    party: str | None
    start: str | None
    end: str | None


@dataclass(frozen=True)
class SpeakerOnDay:
    """What a posts file says about one person on one day."""

    person_id: str | None
    role: str | None  # see policytext.records.ROLES; None: the files do not cover that day
    posts: tuple[Post, ...] = ()
    party: str | None = None
    problems: tuple[str, ...] = ()  # e.g. two parties on one day
    unknown: bool = False  # the people files name everyone, but not this person id: no role given


class PostBook:
    """Posts and party seats by person, read from one or more Popolo files.

    Example:
        >>> book = load_posts(["ministers-1997-2010.json"])          # doctest: +SKIP
        >>> book.on("uk.org.publicwhip/person/10161", "2009-10-27").role  # doctest: +SKIP
        'minister'
    """

    def __init__(self, posts: Iterable[Post] = (), seats: Iterable[PartySeat] = (),
                 persons: Mapping[str, str] | None = None, files: Iterable[str] = ()):
        self.posts: dict[str, list[Post]] = {}
        for post in posts:
            self.posts.setdefault(post.person_id, []).append(post)
        self.seats_by_member: dict[str, list[PartySeat]] = {}
        self.seats_by_person: dict[str, list[PartySeat]] = {}
        for seat in seats:
            self.seats_by_member.setdefault(seat.member_id, []).append(seat)
            self.seats_by_person.setdefault(seat.person_id, []).append(seat)
        self.persons = dict(persons or {})  # person id -> name
        self.files = tuple(files)
        starts = [p.start for ps in self.posts.values() for p in ps if p.start]
        ends = [p.end for ps in self.posts.values() for p in ps if p.end]
        # Days the posts cover: from the first start to the last end. Beyond it, a person with
        # no post may simply be missing from the file, so no role is given.
        self.covers = (min(starts), max(ends)) if starts and ends else None
        self.problems: list[Problem] = []  # the files' faults, as ``collect people`` reports them

    def find_problems(self) -> list[Problem]:
        """Return the posts held twice over the same days and the two-party seats, counted with examples."""
        overlaps, clashes = Problem(OVERLAPS), Problem(CLASHES)
        for person_id in sorted(self.posts):
            add_overlaps(overlaps, person_id, self.posts[person_id])
        for person_id in sorted(self.seats_by_person):
            add_clashes(clashes, person_id, [s for s in self.seats_by_person[person_id] if s.party])
        return [p for p in (overlaps, clashes) if p.count]

    def __len__(self) -> int:
        return sum(len(p) for p in self.posts.values())

    def person_for_member(self, member_id: str, date: str | None = None) -> str | None:
        """Return the person id of an older file's member id (``uk.org.publicwhip/member/N``)."""
        seats = self.seats_by_member.get(member_id) or []
        return seats[0].person_id if seats else None

    def covers_date(self, date: str) -> bool:
        return self.covers is not None and self.covers[0] <= date <= self.covers[1]

    def on(self, person_id: str | None, date: str) -> SpeakerOnDay:
        """Return the person's posts, role and party on ``date`` (ISO)."""
        if not person_id:
            return SpeakerOnDay(None, None)
        if self.persons and person_id not in self.persons and person_id not in self.posts \
                and person_id not in self.seats_by_person:
            # A people file lists every member: an id it lacks is not "someone with no post".
            return SpeakerOnDay(person_id, None, unknown=True)
        held = tuple(sorted((p for p in self.posts.get(person_id, ()) if p.held_on(date)),
                            key=lambda p: (p.category != "chair", p.category != "minister", p.category != "shadow",
                                           p.start or "")))
        categories = {p.category for p in held}
        if "chair" in categories:
            role = "chair"  # a Deputy Speaker does not take part in debate
        elif "minister" in categories:
            role = "minister"
        elif "shadow" in categories:
            role = "shadow"
        elif self.covers_date(date):
            role = "backbencher"
        else:
            role = None
        parties = sorted({s.party for s in self.seats_by_person.get(person_id, ()) if s.held_on(date) and s.party})
        problems = ()
        if len(parties) > 1:
            problems = (f"{person_id} sat for {' and '.join(parties)} on {date}; no party given",)
        party = parties[0] if len(parties) == 1 else None
        return SpeakerOnDay(person_id, role, held, party, problems)


def stored_posts(store: Any) -> PostBook | None:
    """Return the store's person table as a :class:`PostBook`, or None when it holds no one.

    ``collect hansard`` uses it when no ``--posts``/``--people`` file is given, so speeches get the
    posts and parties loaded once with ``policytext collect people``.
    """
    from policytext.store.people import has_people

    if not has_people(store):
        return None
    # Only mySociety's people: Hansard names speakers by their ids. (ParlaMint's posts would
    # otherwise widen the days the posts "cover", and make everyone else a backbencher.)
    popolo = "(SELECT id FROM people WHERE source = 'popolo')"
    posts = [Post(pid, role, organisation, start, end, category) for pid, role, organisation, category, start, end
             in store.conn.execute("SELECT person_id, role, organisation, category, start_date, end_date "
                                   f"FROM person_posts WHERE person_id IN {popolo}")]
    seats = [PartySeat(member or "", pid, party, start, end) for pid, party, start, end, member
             in store.conn.execute("SELECT person_id, party, start_date, end_date, member_id FROM person_parties "
                                   f"WHERE person_id IN {popolo}")]
    persons = dict(store.conn.execute("SELECT id, name FROM people WHERE source = 'popolo'").fetchall())
    if not (posts or seats):
        return None
    book = PostBook(posts, seats, persons, ["the store's person table"])
    book.seats_by_member.pop("", None)
    return book


def _date(value: Any, *, where: str) -> str | None:
    if value in (None, ""):
        return None
    text = str(value)
    if not _DATE.match(text):
        if re.match(r"^[0-9]{4}$", text) or re.match(r"^[0-9]{4}-[0-9]{2}$", text):
            return None  # a year or month only: the bound is unknown to the day, so left open
        raise ConfigError(f"{where}: {text!r} is not a date (YYYY-MM-DD)")
    return text


def load_posts(paths: Iterable[str | Path]) -> PostBook:
    """Read ParlParse Popolo files (``ministers*.json``, ``people.json``) into a :class:`PostBook`.

    Memberships with a ``role`` are posts; memberships with ``on_behalf_of_id`` (a party) are
    seats, which also map an older file's member id to its person id.

    Raises:
        ConfigError: a file is missing, not JSON, or not Popolo (no ``memberships`` list).
    """
    posts: list[Post] = []
    seats: list[PartySeat] = []
    persons: dict[str, str] = {}
    names: list[str] = []
    for path in paths:
        path = Path(path)
        names.append(str(path))
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError as err:
            raise ConfigError(f"the posts file {path} does not exist; give the path of a ParlParse "
                              "ministers*.json or people.json file") from err
        except (OSError, ValueError) as err:
            raise ConfigError(f"cannot read the posts file {path} as JSON: {err}") from err
        if not isinstance(data, dict) or not isinstance(data.get("memberships"), list):
            raise ConfigError(f"{path} is not a Popolo file: it has no 'memberships' list (expected "
                              "ParlParse's ministers*.json or people.json)")
        organisations = {o.get("id"): o.get("name") for o in data.get("organizations") or [] if isinstance(o, dict)}
        for person in data.get("persons") or []:
            if isinstance(person, dict) and person.get("id"):
                name = _person_name(person)
                if name:
                    persons[person["id"]] = name
        for position, membership in enumerate(data["memberships"]):
            if not isinstance(membership, dict) or not membership.get("person_id"):
                continue
            where = f"{path}: membership {position + 1}"
            start = _date(membership.get("start_date"), where=where)
            end = _date(membership.get("end_date"), where=where)
            if membership.get("role") or (membership.get("organization_id") and not membership.get("on_behalf_of_id")):
                organisation = organisations.get(membership.get("organization_id")) or membership.get("organization_id")
                role = (membership.get("role") or "").strip()
                if not role:
                    continue  # a committee seat: not a post that changes a speaker's role
                posts.append(Post(membership["person_id"], role, organisation, start, end,
                                  classify_post(role, organisation)))
            elif membership.get("on_behalf_of_id"):
                party = organisations.get(membership["on_behalf_of_id"]) or membership["on_behalf_of_id"]
                seats.append(PartySeat(str(membership.get("id") or ""), membership["person_id"],
                                       party, start, end))
    book = PostBook(posts, seats, persons, names)
    book.problems = book.find_problems()
    return book


def _person_name(person: Mapping[str, Any]) -> str | None:
    for name in person.get("other_names") or []:
        if isinstance(name, dict) and name.get("note") == "Main":
            given, family = name.get("given_name"), name.get("family_name")
            if given and family:
                return f"{given} {family}"
            if name.get("lordname"):
                return f"{name.get('honorific_prefix', 'Lord')} {name['lordname']}".strip()
    return person.get("name")
