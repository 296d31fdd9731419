"""The person table: who a speaker is, their names, and their parties and posts by date.

One row a person (``people``), with every name they are known by (``person_names``: the main
name, alternates, the forms a source prints), their party memberships (``person_parties``) and
posts (``person_posts``), each between two dates. The rows are loaded from mySociety's Popolo
files and ParlaMint's ``listPerson``/``listOrg`` (:mod:`policytext.collect.people`); every row
keeps the file it came from (``origin``), so loading a file again replaces its rows only.

Names are matched by :func:`name_key` (case, accents, dots and styles such as "The Rt Hon", "MP"
folded away). :func:`match_name` links a name to a person only when exactly one person has it;
two or more is ambiguous and nothing is linked.
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

from policytext.store.db import Store, utc_now

# Styles and post-nominals that are not part of anyone's name.
_STYLES = re.compile(
    r"^(?:the\s+)?(?:(?:rt\.?|right)\s+hon\.?(?:ourable)?|hon\.?(?:ourable)?|mr|mrs|ms|miss|mx|dr|sir|dame|"
    r"prof(?:essor)?|rev(?:erend)?|the)\b\.?\s*", re.IGNORECASE)
_POST_NOMINALS = re.compile(
    r"(?:,?\s+(?:mp|msp|ms|mla|qc|kc|obe|cbe|mbe|kcb|kbe|dbe|pc|frs|cb|cmg|kcmg|gcb|jp|dl|bt|bart)\b\.?)+$",
    re.IGNORECASE)


def name_key(name: str | None) -> str:
    """Return a name folded for matching: no styles, post-nominals, accents, dots or case.

    >>> name_key("The Rt Hon Matt Hancock MP"), name_key("Sir Keir Starmer KCB KC MP")
    ('matt hancock', 'keir starmer')
    >>> name_key("Diana R. Johnson"), name_key("Seán  Ó Fearghaíl")
    ('diana r johnson', 'sean o fearghail')
    >>> name_key("The Rt Hon Lord McNally")
    'lord mcnally'
    """
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = " ".join(text.replace("’", "'").split())
    previous = None
    while previous != text:
        previous = text
        text = _STYLES.sub("", text).strip()
        text = _POST_NOMINALS.sub("", text).strip()
    text = re.sub(r"[.,]", " ", text)
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class PersonName:
    """A name a person is known by, between two dates (None: open)."""

    name: str
    kind: str  # main, alternate, diminutive, source (a form a source prints)
    start: str | None = None
    end: str | None = None


class Dated:
    """Held between ``start`` and ``end`` (ISO days, inclusive; None is an open bound)."""

    start: str | None
    end: str | None

    def held_on(self, date: str) -> bool:
        return (self.start is None or self.start <= date) and (self.end is None or date <= self.end)


class Titled(Dated):
    """A dated post with a ``role`` in an ``organisation``: its title as a researcher reads it."""

    role: str
    organisation: str | None

    @property
    def title(self) -> str:
        """The post as a researcher reads it: "Minister of State, Cabinet Office"."""
        role = self.role.strip().lstrip("- ").strip()
        if self.organisation and self.organisation.lower() not in role.lower():
            return f"{role}, {self.organisation}"
        return role


@dataclass(frozen=True)
class PartyMembership(Dated):
    """A person's membership of (or seat for) a party between two dates."""

    party: str
    start: str | None = None
    end: str | None = None
    member_id: str | None = None  # ParlParse's member id (older Hansard files name speakers by it)


@dataclass(frozen=True)
class PostHeld(Titled):
    """A post held between two dates: "Minister of State" in "Cabinet Office"."""

    role: str
    organisation: str | None = None
    # minister, shadow, pps, chair, None (a committee seat, a party office) or unknown (a role the
    # source does not define, kept with its text)
    category: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class Person:
    """One person with their names, parties and posts (from one file, or as stored)."""

    id: str
    name: str
    source: str  # popolo, parlamint
    names: tuple[PersonName, ...] = ()
    parties: tuple[PartyMembership, ...] = ()
    posts: tuple[PostHeld, ...] = ()

    def parties_on(self, date: str) -> list[str]:
        return sorted({m.party for m in self.parties if m.held_on(date)})

    def posts_on(self, date: str) -> list[PostHeld]:
        return [p for p in self.posts if p.held_on(date)]


@dataclass(frozen=True)
class NameMatch:
    """The outcome of looking a name up: one person, none, or several (ambiguous: none linked)."""

    name: str
    person_id: str | None
    candidates: tuple[str, ...] = ()
    variant: bool = False
    """True when the one person answers to the name only through a given name's other form."""

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def has_people(store: Store) -> bool:
    """Return whether the store holds a person table with anyone in it."""
    try:
        return store.conn.execute("SELECT 1 FROM people LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # a read-only store made before migration 14
        return False


def write_people(store: Store, people: Iterable[Person], *, origin: str) -> int:
    """Store ``people`` as read from the file ``origin``, replacing that file's earlier rows.

    A person already in the store (from another file) keeps their other rows; their names,
    parties and posts from ``origin`` are replaced. Returns how many people were written.
    """
    people = list(people)
    now = utc_now()
    with store.transaction() as conn:
        for table in ("person_names", "person_parties", "person_posts"):
            conn.execute(f"DELETE FROM {table} WHERE origin = ?", (origin,))
        for person in people:
            conn.execute(
                "INSERT INTO people (id, name, source, loaded_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = CASE WHEN excluded.name != '' THEN excluded.name "
                "ELSE people.name END, loaded_at = excluded.loaded_at",
                (person.id, person.name, person.source, now))
            conn.executemany(
                "INSERT INTO person_names (person_id, name, key, kind, start_date, end_date, origin) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(person.id, n.name, name_key(n.name), n.kind, n.start, n.end, origin)
                 for n in _unique_names(person) if name_key(n.name)])
            conn.executemany(
                "INSERT INTO person_parties (person_id, party, start_date, end_date, member_id, origin) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(person.id, m.party, m.start, m.end, m.member_id, origin) for m in person.parties])
            conn.executemany(
                "INSERT INTO person_posts (person_id, role, organisation, category, start_date, end_date, origin) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(person.id, p.role, p.organisation, p.category, p.start, p.end, origin) for p in person.posts])
        # People left with no row from any file (a file loaded again without them) go.
        conn.execute("DELETE FROM people WHERE id NOT IN (SELECT person_id FROM person_names) "
                     "AND id NOT IN (SELECT person_id FROM person_parties) "
                     "AND id NOT IN (SELECT person_id FROM person_posts)")
    return len(people)


def _unique_names(person: Person) -> list[PersonName]:
    seen: set[tuple[str, str | None, str | None]] = set()
    names = []
    # The names a file gives, with their dates; the bare name only when it gives none.
    for name in person.names or ((PersonName(person.name, "main"),) if person.name else ()):
        key = (name_key(name.name), name.start, name.end)
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names


def known_person_ids(store: Store, ids: Iterable[str]) -> set[str]:
    """Return those of ``ids`` that the person table holds."""
    ids = list(dict.fromkeys(ids))
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(r[0] for r in store.conn.execute(f"SELECT id FROM people WHERE id IN ({marks})", chunk))
    return found


def get_person(store: Store, person_id: str) -> Person | None:
    """Return a stored person with all their names, parties and posts, or None."""
    row = store.conn.execute("SELECT id, name, source FROM people WHERE id = ?", (person_id,)).fetchone()
    if row is None:
        return None
    names = tuple(PersonName(n, k, s, e) for n, k, s, e in store.conn.execute(
        "SELECT name, kind, start_date, end_date FROM person_names WHERE person_id = ? "
        "ORDER BY kind != 'main', start_date, name", (person_id,)))
    parties = tuple(PartyMembership(p, s, e, m) for p, s, e, m in store.conn.execute(
        "SELECT party, start_date, end_date, member_id FROM person_parties WHERE person_id = ? "
        "ORDER BY start_date, end_date", (person_id,)))
    posts = tuple(PostHeld(r, o, c, s, e) for r, o, c, s, e in store.conn.execute(
        "SELECT role, organisation, category, start_date, end_date FROM person_posts WHERE person_id = ? "
        "ORDER BY start_date, end_date, role", (person_id,)))
    return Person(row[0], row[1], row[2], names, parties, posts)


def find_people(store: Store, query: str, *, limit: int | None = None) -> list[Person]:
    """Return the people whose id is ``query``, or who are known by a name containing it.

    >>> find_people(store, "Hancock")  # doctest: +SKIP
    [Person(id='uk.org.publicwhip/person/25015', name='Matt Hancock', ...)]
    """
    exact = get_person(store, query)
    if exact is not None:
        return [exact]
    key = name_key(query)
    if not key:
        return []
    pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    sql = ("SELECT DISTINCT p.id FROM people AS p JOIN person_names AS n ON n.person_id = p.id "
           "WHERE n.key LIKE ? ESCAPE '\\' ORDER BY p.name, p.id")
    params: list[object] = [pattern]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [p for (pid,) in store.conn.execute(sql, params) if (p := get_person(store, pid)) is not None]


def match_name(store: Store, name: str | None, *, date: str | None = None) -> NameMatch:
    """Return the one person known by ``name`` (on ``date``, when the name's dates say), or why not.

    Every kind of name counts alike (main, alternate, the short form of a given name): when two
    people answer to the name, the match is ambiguous and no one is linked.

    >>> match_name(store, "The Rt Hon Matt Hancock MP", date="2016-05-12").person_id  # doctest: +SKIP
    'uk.org.publicwhip/person/25015'
    """
    key = name_key(name)
    if not key:
        return NameMatch(name or "", None)
    rows = store.conn.execute("SELECT person_id, kind, start_date, end_date FROM person_names WHERE key = ?", (key,))
    kinds: dict[str, set[str]] = {}
    for pid, kind, start, end in rows:
        if date is None or ((start is None or start <= date) and (end is None or date <= end)):
            kinds.setdefault(pid, set()).add(kind)
    candidates = sorted(kinds)
    if len(candidates) != 1:
        return NameMatch(name or "", None, tuple(candidates))
    return NameMatch(name or "", candidates[0], tuple(candidates), variant=kinds[candidates[0]] == {"diminutive"})


def person_for_member(store: Store, member_id: str) -> str | None:
    """Return the person id of a ParlParse member id (``uk.org.publicwhip/member/N``), or None."""
    row = store.conn.execute("SELECT DISTINCT person_id FROM person_parties WHERE member_id = ? LIMIT 2",
                             (member_id,)).fetchall()
    return row[0][0] if len(row) == 1 else None


def iter_people(store: Store) -> Iterable[Person]:
    """Yield every stored person (ordered by id)."""
    for (person_id,) in store.conn.execute("SELECT id FROM people ORDER BY id").fetchall():
        person = get_person(store, person_id)
        if person is not None:
            yield person


def count_people(store: Store) -> dict[str, int]:
    """Return how many people, names, party memberships and posts the store holds."""
    return {table: store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("people", "person_names", "person_parties", "person_posts")}


def overlapping_posts(posts: Sequence[PostHeld]) -> list[tuple[PostHeld, PostHeld]]:
    """Return pairs of the same post (role and organisation) whose dates overlap.

    Holding two different posts at once is normal (a minister and a whip); the same post twice at
    once is a fault in the file.
    """
    found = []
    by_post: dict[tuple[str, str | None], list[PostHeld]] = {}
    for post in posts:
        by_post.setdefault((post.role.strip().casefold(), (post.organisation or "").casefold() or None),
                           []).append(post)
    for same in by_post.values():
        ordered = sorted(same, key=lambda p: (p.start or "", p.end or "9999"))
        for first, second in zip(ordered, ordered[1:]):
            # A post ending on the day the next term of it starts (a reshuffle) is not an overlap.
            if second.start is None or first.end is None or second.start < first.end:
                found.append((first, second))
    return found


def party_clashes(parties: Sequence[PartyMembership]) -> list[tuple[PartyMembership, PartyMembership]]:
    """Return pairs of memberships of two different parties whose dates overlap."""
    found = []
    ordered = sorted(parties, key=lambda m: (m.start or "", m.end or "9999"))
    for i, first in enumerate(ordered):
        for second in ordered[i + 1:]:
            if second.party == first.party:
                continue
            if first.end is not None and second.start is not None and second.start >= first.end:
                break  # sorted by start: no later membership overlaps ``first`` either
            # A seat ending on the day another starts (a change of party that day) is no clash.
            if (first.start is None or second.end is None or first.start < second.end) and \
                    (first.end is None or second.start is None or second.start < first.end):
                found.append((first, second))
    return found
