"""Load the person table from Popolo and ParlaMint files, and link documents to the people in it.

``policytext collect people FILE…`` reads:

- mySociety's Popolo files (``people.json``: persons with their names and seats for a party;
  ``ministers*.json``: posts with start and end dates), and
- ParlaMint's TEI ``listPerson`` (with ``listOrg`` beside it: party and government names), e.g.
  ``ParlaMint-GB-listPerson.xml``; ParlaMint ids are stored as ``ParlaMint-GB:DavidDavis``.

Bad rows are reported with counts and examples, and the rest is loaded: a membership of a person
id that no file (nor the store) names is left out; the same post held twice over the same days
and two parties on one date are loaded and reported.

:func:`link_documents` then gives stored documents their person: by the person id their source
gives (Hansard, ParlaMint) or, for other sources (GOV.UK), by the speaker's name when exactly one
person has that name (styles such as "The Rt Hon" and "MP" aside, and the short forms of given
names: "Matt" is "Matthew"). An ambiguous name is left unlinked and reported, never guessed. A
linked document gets the party, post(s), role and side of its person on its date where its source
gave none.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from policytext.collect.parliament_posts import (
    CLASHES,
    OVERLAPS,
    Problem,
    _date,
    _person_name,
    add_clashes,
    add_overlaps,
    classify_post,
)
from policytext.collect.parties import Sides
from policytext.errors import BadInput, ConfigError
from policytext.store.people import (
    PartyMembership,
    Person,
    PersonName,
    PostHeld,
    get_person,
    known_person_ids,
    match_name,
    person_for_member,
    write_people,
)

_BY_NAME = ("name", "given-name variant")
"""How a document is linked when it is linked by its speaker's name."""
_LINKED_HERE = (*_BY_NAME, "member id")
"""The ``person_linked_by`` values this module writes (and undoes when it links again)."""

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
@dataclass
class PeopleReport:
    """What a load did: people, names, parties and posts per file, and the problems met."""

    files: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)
    linked: "LinkReport | None" = None

    def problem(self, key: str, what: str) -> Problem:
        return self.problems.setdefault(key, Problem(what))

    def warnings(self) -> list[str]:
        return [str(p) for p in self.problems.values() if p.count]

    def summary(self) -> str:
        people = sum(f["people"] for f in self.files.values())
        posts = sum(f["posts"] for f in self.files.values())
        parties = sum(f["parties"] for f in self.files.values())
        return f"{people} people, {parties} party membership(s), {posts} post(s) loaded from {len(self.files)} file(s)"


@dataclass
class LinkReport:
    """What :func:`link_documents` did."""

    documents: int = 0
    by_id: int = 0
    by_name: int = 0
    labelled: int = 0
    problems: dict[str, Problem] = field(default_factory=dict)

    def problem(self, key: str, what: str) -> Problem:
        return self.problems.setdefault(key, Problem(what))

    def warnings(self) -> list[str]:
        return [str(p) for p in self.problems.values() if p.count]

    def summary(self) -> str:
        return (f"{self.by_id + self.by_name} of {self.documents} document(s) with a speaker linked to a person "
                f"({self.by_id} by the source's person id, {self.by_name} by name); {self.labelled} relabelled")


# ------------------------------------------------------------------------------- given names

@functools.lru_cache(maxsize=1)
def _given_name_table() -> dict[str, set[str]]:
    """Return ``{given name: its other forms}``, both ways, from the ``nicknames`` package.

    ``nicknames`` (Apache-2.0) is a curated table of English given names and their short forms
    ("matthew" has "matt", "edward" has "ed" and "ted"). A form two people share makes a name
    ambiguous, and it is then linked to no one; a link made through another form is recorded as
    such (``person_linked_by = "given-name variant"``), so it can be checked.
    """
    from nicknames import NickNamer

    namer = NickNamer()
    table: dict[str, set[str]] = {}
    for formal, shorts in namer.nickname_lookup.items():
        for short in shorts:
            table.setdefault(formal, set()).add(short)
            table.setdefault(short, set()).add(formal)
    return table


def given_name_variants(name: str, *, table: Mapping[str, set[str]] | None = None) -> list[str]:
    """Return ``name`` with its first given name swapped for each short or full form of it.

    >>> "Matthew Hancock" in given_name_variants("Matt Hancock")
    True
    >>> "Liz Truss" in given_name_variants("Elizabeth Truss")
    True
    >>> given_name_variants("Hancock")
    []
    """
    table = table if table is not None else _given_name_table()
    first, _, rest = name.strip().partition(" ")
    if not rest:
        return []
    return [f"{other.title()} {rest}" for other in sorted(table.get(first.casefold(), ()))]


# ------------------------------------------------------------------------------------ Popolo

@dataclass
class _File:
    """One file read: its people (by id, when it names them) and memberships by person id."""

    origin: str
    source: str
    persons: dict[str, tuple[str, list[PersonName]]] = field(default_factory=dict)
    parties: dict[str, list[PartyMembership]] = field(default_factory=dict)
    posts: dict[str, list[PostHeld]] = field(default_factory=dict)


def read_popolo(path: Path, *, given_names: Mapping[str, set[str]]) -> _File:
    """Read a Popolo file (``people.json``, ``ministers*.json``); raise :class:`ConfigError` when it is not one."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError as err:
        raise ConfigError(f"the people file {path} does not exist") from err
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot read {path} as JSON: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("memberships"), list):
        raise ConfigError(f"{path} is not a Popolo file: it has no 'memberships' list (expected mySociety's "
                          "people.json or ministers*.json)")
    read = _File(path.name, "popolo")
    organisations = {o.get("id"): o.get("name") for o in data.get("organizations") or [] if isinstance(o, dict)}
    for person in data.get("persons") or []:
        if not isinstance(person, dict) or not person.get("id"):
            continue
        if person.get("redirect"):
            continue  # an old id of someone listed under another id: no names or memberships of its own
        main = _person_name(person) or ""
        names: list[PersonName] = []
        for other in person.get("other_names") or []:
            if not isinstance(other, dict):
                continue
            where = f"{path}: person {person['id']}"
            start, end = _date(other.get("start_date"), where=where), _date(other.get("end_date"), where=where)
            for form in _popolo_name_forms(other):
                kind = "main" if other.get("note") == "Main" else "alternate"
                names.append(PersonName(form, kind, start, end))
                names.extend(PersonName(v, "diminutive", start, end)
                             for v in given_name_variants(form, table=given_names))
        if main:
            names.extend(PersonName(v, "diminutive") for v in given_name_variants(main, table=given_names))
        read.persons[person["id"]] = (main or person["id"], names)
    for position, membership in enumerate(data["memberships"]):
        if not isinstance(membership, dict) or not membership.get("person_id"):
            continue
        where = f"{path}: membership {position + 1}"
        start, end = _date(membership.get("start_date"), where=where), _date(membership.get("end_date"), where=where)
        person_id = membership["person_id"]
        role = (membership.get("role") or "").strip()
        if role:
            organisation = organisations.get(membership.get("organization_id")) or membership.get("organization_id")
            read.posts.setdefault(person_id, []).append(
                PostHeld(role, organisation, classify_post(role, organisation), start, end))
        elif membership.get("on_behalf_of_id"):
            party = organisations.get(membership["on_behalf_of_id"]) or membership["on_behalf_of_id"]
            read.parties.setdefault(person_id, []).append(
                PartyMembership(party, start, end, str(membership.get("id") or "") or None))
    return read


def _popolo_name_forms(other: Mapping[str, Any]) -> list[str]:
    forms = []
    given, family = other.get("given_name"), other.get("family_name")
    if given and family:
        forms.append(f"{given} {family}")
    if other.get("lordname"):
        prefix = other.get("honorific_prefix") or "Lord"
        forms.append(f"{prefix} {other['lordname']}")
        if other.get("lordofname"):
            forms.append(f"{prefix} {other['lordname']} of {other['lordofname']}")
    if other.get("name") and not forms:
        forms.append(str(other["name"]))
    return forms


# --------------------------------------------------------------------------------- ParlaMint

def read_parlamint_people(path: Path, *, given_names: Mapping[str, set[str]]) -> _File:
    """Read ParlaMint's ``listPerson`` (and the ``listOrg`` beside it); raise :class:`BadInput` when unreadable."""
    from policytext.collect.hansard import parse_xml_without_dtd

    try:
        root = parse_xml_without_dtd(path.read_bytes(), item=str(path))
    except OSError as err:
        raise BadInput(str(path), f"cannot read the file: {err.strerror or err}") from err
    if root.tag != f"{TEI}listPerson":
        raise BadInput(str(path), f"not a ParlaMint listPerson file: the root element is <{root.tag}>")
    corpus = (root.get(XML_ID) or path.stem).removesuffix("-listPerson")  # ParlaMint-GB
    org_path = path.with_name(path.name.replace("listPerson", "listOrg"))
    organisations: dict[str, tuple[str, str]] = {}  # id -> (role, name)
    org_ref_upper: dict[str, bool] = {}  # id -> whether it is an upper house
    if org_path.is_file() and org_path != path:
        org_root = parse_xml_without_dtd(org_path.read_bytes(), item=str(org_path))
        for org in org_root.iter(f"{TEI}org"):
            name = org.findtext(f"{TEI}orgName[@full='yes']") or org.findtext(f"{TEI}orgName") or ""
            organisations[org.get(XML_ID) or ""] = (org.get("role") or "", " ".join(name.split()))
            org_ref_upper[org.get(XML_ID) or ""] = "#parla.upper" in (org.get("ana") or "").split()
    read = _File(path.name, "parlamint")
    for person in root.iter(f"{TEI}person"):
        local = person.get(XML_ID)
        if not local:
            continue
        person_id = f"{corpus}:{local}"
        names: list[PersonName] = []
        for pers_name in person.findall(f"{TEI}persName"):
            forenames = [" ".join((f.text or "").split()) for f in pers_name.findall(f"{TEI}forename")]
            surnames = [" ".join((s.text or "").split()) for s in pers_name.findall(f"{TEI}surname")]
            forenames, surnames = [f for f in forenames if f], [s for s in surnames if s]
            if not surnames:
                continue
            start, end = _parlamint_day(pers_name.get("from")), _parlamint_day(pers_name.get("to"))
            family = " ".join(surnames)
            forms = [" ".join([*forenames, family])]
            if len(forenames) > 1:
                forms.append(f"{forenames[0]} {family}")  # the TSV gives "Cherry, Joanna Catherine"
            for form in dict.fromkeys(forms):
                names.append(PersonName(form, "main" if not names else "alternate", start, end))
                names.extend(PersonName(v, "diminutive", start, end)
                             for v in given_name_variants(form, table=given_names))
        if not names:
            continue
        main = next((n.name for n in names if n.kind == "alternate" and n.name.count(" ") == 1), names[0].name)
        read.persons[person_id] = (main, names)
        for affiliation in person.findall(f"{TEI}affiliation"):
            org_role, org_name = organisations.get((affiliation.get("ref") or "").lstrip("#"), ("", ""))
            ref = (affiliation.get("ref") or "").lstrip("#")
            role = affiliation.get("role") or ""
            start, end = _parlamint_day(affiliation.get("from")), _parlamint_day(affiliation.get("to"))
            title = " ".join((affiliation.findtext(f"{TEI}roleName") or "").split())
            if not org_role and ref.startswith("party."):
                org_role = "politicalParty"
            if org_role in ("politicalParty", "parliamentaryGroup") and role == "member":
                read.parties.setdefault(person_id, []).append(PartyMembership(org_name or ref, start, end))
            elif (org_role or ("parliament" if ref.startswith("parliament.") else "")) == "parliament" \
                    and role == "member":
                continue  # the seat itself, not a post
            else:
                if not org_role and ref.startswith("Go"):
                    org_role = "government"
                post_title, category = parlamint_post(org_role, role, upper=org_ref_upper.get(ref, False))
                read.posts.setdefault(person_id, []).append(PostHeld(
                    title or post_title, org_name or ref or None, category, start, end))
    return read


# The affiliation roles ParlaMint's schema allows (ParlaMint.rnc, affiliationRole.val).
_PARLAMINT_ROLES = {
    "member", "head", "deputyHead", "minister", "associateMember", "nonAttachedMember", "ministerDelegate",
    "secretaryOfState", "observer", "verifier", "vicePublicDefenderOfRights", "publicDefenderOfRights",
    "alternateOfDelegation", "replacement", "representative", "academician", "candidateChairman",
    "constitutionalJudge", "deputyMinister", "ombudsman", "prosecutorGeneral", "secretary", "secretaryGeneral"}
_MINISTER_ROLES = {"minister", "ministerDelegate", "secretaryOfState", "deputyMinister"}
# Names of the head and deputy head of each kind of organisation (org/@role), and their class.
_HEADS = {
    "government": ("Head of government", "Deputy head of government", "minister"),
    "ministry": ("Minister", "Deputy minister", "minister"),
    "parliament": ("Speaker", "Deputy Speaker", "chair"),
    "politicalParty": ("Leader", "Deputy leader", None),
    "parliamentaryGroup": ("Leader", "Deputy leader", None),
}
# Bodies of parliament whose seats and chairs are posts without a class (as in ParlParse's files).
_COMMITTEES = {"committee", "subcommittee", "commission", "delegation", "workingGroup", "boardOfParliament",
               "conferenceOfChairs", "supervisoryBoard", "interparliamentaryFriendshipGroup"}


def _words(role: str) -> str:
    """ "secretaryOfState" -> "Secretary of state"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", role).capitalize()


def parlamint_post(org_role: str, role: str, *, upper: bool = False) -> tuple[str, str | None]:
    """Return the title and class of a ParlaMint ``affiliation`` that is not a party membership.

    The class follows what the schema says the role and the organisation are: a government's
    member, head or deputy head, a ministry's head, and the schema's minister roles
    (``minister``, ``ministerDelegate``, ``secretaryOfState``, ``deputyMinister``) are
    ``minister``; a parliament's head and deputy head are the ``chair`` (not the upper house's
    deputies, who speak from the benches, as in ParlParse's files); a party's head and committee
    seats and chairs have no class (None). A role the schema does not list, or one held in an
    organisation of a kind not known, keeps its text with the class ``unknown``.

    >>> parlamint_post("politicalParty", "head")
    ('Leader', None)
    >>> parlamint_post("committee", "head")
    ('Chair', None)
    >>> parlamint_post("", "spokesperson")
    ('Spokesperson', 'unknown')
    """
    if role not in _PARLAMINT_ROLES:
        return _words(role) or "Unknown role", "unknown"
    if role in _MINISTER_ROLES:
        return _words(role), "minister"
    if org_role == "government" and role == "member":
        return "Member of the government", "minister"
    if org_role in _HEADS and role in ("head", "deputyHead"):
        head, deputy, category = _HEADS[org_role]
        if org_role == "parliament" and upper and role == "deputyHead":
            category = None
        return (head if role == "head" else deputy), category
    if org_role in _COMMITTEES:
        return {"head": "Chair", "deputyHead": "Deputy chair"}.get(role, _words(role)), None
    if org_role in _HEADS or org_role in ("country", "republic"):
        return _words(role), None
    return _words(role), "unknown"


def _parlamint_day(value: str | None) -> str | None:
    return value[:10] if value and re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}", value) else None


# -------------------------------------------------------------------------------------- load

def _read(path: Path, given_names: Mapping[str, set[str]]) -> _File:
    if path.suffix.lower() == ".json":
        return read_popolo(path, given_names=given_names)
    if path.suffix.lower() == ".xml":
        if "listOrg" in path.name:
            raise ConfigError(f"{path} is a ParlaMint listOrg: give its listPerson file (the listOrg beside it "
                              "is read with it)")
        return read_parlamint_people(path, given_names=given_names)
    raise ConfigError(f"{path}: give mySociety's Popolo .json files or ParlaMint's -listPerson.xml")


def load_people(corpus: Any, paths: Iterable[str | Path], *, link: bool = True) -> PeopleReport:
    """Load people, party memberships and posts into the corpus's person table, then link documents.

    Each file's rows replace those it gave before (files are known by name). A membership of a
    person id that no file of the run, nor the store, names is left out and reported; overlapping
    terms of one post and two parties on one date are loaded and reported.

    Example:
        >>> load_people(corpus, ["people.json", "ministers-2010.json"]).summary()  # doctest: +SKIP
        '13912 people, 16040 party membership(s), 5124 post(s) loaded from 2 file(s)'
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise ConfigError("give at least one people file (people.json, ministers*.json, ParlaMint's listPerson)")
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ConfigError(f"no such file: {', '.join(missing)}")
    given_names = _given_name_table()
    files = [_read(path, given_names) for path in paths]
    named = {pid for f in files for pid in f.persons}
    mentioned = {pid for f in files for pid in (*f.parties, *f.posts)}
    named |= known_person_ids(corpus.store, mentioned - named)
    report = PeopleReport()
    unknown = report.problem("unknown", "membership(s) of person ids no people file names, left out "
                                        "(load people.json, or ParlaMint's listPerson, with them)")
    overlaps = report.problem("overlap", OVERLAPS)
    clashes = report.problem("parties", CLASHES)
    unknown_people: set[str] = set()
    for read in files:
        people: list[Person] = []
        for person_id in sorted(set(read.persons) | set(read.parties) | set(read.posts)):
            parties, posts = read.parties.get(person_id, []), read.posts.get(person_id, [])
            if person_id not in named:
                for membership in (*parties, *posts):
                    unknown.add(f"{person_id} in {read.origin}")
                unknown_people.add(person_id)
                continue
            name, names = read.persons.get(person_id, ("", []))
            add_overlaps(overlaps, person_id, posts)
            add_clashes(clashes, person_id, parties)
            people.append(Person(person_id, name, read.source, tuple(names), tuple(parties), tuple(posts)))
        write_people(corpus.store, people, origin=read.origin)
        report.files[read.origin] = {"people": len(read.persons), "parties": sum(len(p.parties) for p in people),
                                     "posts": sum(len(p.posts) for p in people)}
    if unknown.count:
        unknown.what = (f"membership(s) of {len(unknown_people)} person id(s) no people file names, left out "
                        "(load people.json, or ParlaMint's listPerson, with them)")
    if link:
        report.linked = link_documents(corpus)
    return report


# -------------------------------------------------------------------------------------- link

_LINKED_FIELDS = ("party", "speaker_role", "role", "side")


def link_documents(corpus: Any, *, sides: Sides | None = None, updated_since: str | None = None) -> LinkReport:
    """Link stored documents to the person table and fill their party, post(s), role and side on the day.

    A document is linked by the person id its source gives (``meta.person_id``; an older Hansard
    file's member id through the party seats), else by its speaker's name when exactly one person
    has it. Only fields the source left empty are filled, and ``meta.people_filled`` lists them,
    so running this again (after loading more people) redoes its own work and nothing else.

    ``updated_since`` (an ISO time) links only the documents of other sources than Hansard and
    ParlaMint written since then: what a collecting run does when the store holds people (the
    parliamentary collectors link their own speeches as they parse them).
    """
    from policytext.store.db import utc_now

    sides = sides or Sides(corpus.timelines, corpus.labeller.party_aliases)
    store = corpus.store
    report = LinkReport()
    ambiguous = report.problem("ambiguous", "speaker name(s) more than one person has, left unlinked")
    unknown_ids = report.problem("unknown", "document(s) naming a person id the person table does not hold")
    two_parties = report.problem("parties", "document(s) whose person sat for two parties that day (no party given)")
    covered = _posts_span(store)
    people_cache: dict[str, Person | None] = {}
    updates = []
    sql = ("SELECT id, source, date, country, speaker, party, speaker_role, role, side, meta FROM documents "
           "WHERE (speaker IS NOT NULL OR meta LIKE '%person_id%' OR meta LIKE '%member_id%')")
    params: tuple[str, ...] = ()
    if updated_since is not None:
        sql += " AND updated_at >= ? AND source NOT IN ('hansard', 'parlamint')"
        params = (updated_since,)
    rows = store.conn.execute(sql, params)  # read to the end before writing: updates wait in ``updates``
    for doc_id, source, date, country, speaker, party, speaker_role, role, side, meta_json in rows:
        meta = json.loads(meta_json or "{}")
        current = {"party": party, "speaker_role": speaker_role, "role": role, "side": side}
        for name in meta.pop("people_filled", []):  # undo this function's earlier work
            current[name] = None
        meta.pop("person_unlinked", None)
        linked_by = meta.pop("person_linked_by", None)
        if linked_by in _LINKED_HERE:
            meta.pop("person_id", None)
        report.documents += 1
        person_id, how = _source_person(store, source, meta)
        if person_id is None and meta.get("person_id") is None and speaker and source not in ("hansard", "parlamint"):
            match = match_name(store, speaker, date=date)
            if match.person_id:
                person_id, how = match.person_id, ("given-name variant" if match.variant else "name")
            elif match.ambiguous:
                ambiguous.add(f"{speaker!r}: {', '.join(match.candidates[:4])}")
                meta["person_unlinked"] = f"{len(match.candidates)} people are named {speaker!r}: " \
                                          f"{', '.join(match.candidates[:10])}"
        elif person_id is None and meta.get("person_id") and source in ("hansard", "parlamint") and how == "unknown":
            unknown_ids.add(f"{meta['person_id']} ({doc_id})")
        filled: list[str] = []
        if person_id:
            report.by_name += how in _BY_NAME
            report.by_id += how not in _BY_NAME
            if how in _LINKED_HERE:
                meta["person_id"] = person_id
                meta["person_linked_by"] = how
            if person_id not in people_cache:
                people_cache[person_id] = get_person(store, person_id)
            person = people_cache[person_id]
            if person is not None and date:
                day = date[:10]
                parties = person.parties_on(day)
                if len(parties) > 1:
                    two_parties.add(f"{person_id} on {day}: {' and '.join(parties)}")
                on_party = corpus.labeller.party_aliases.canonical(parties[0], country=country, day=day) \
                    if len(parties) == 1 else None
                posts = [p for p in person.posts_on(day) if p.category in ("minister", "shadow", "pps", "chair")]
                categories = {p.category for p in posts}
                on_role = next((c for c in ("chair", "minister", "shadow") if c in categories), None)
                if on_role is None and parties and _covers(covered, person.source, day):
                    on_role = "backbencher"
                values = {"party": on_party, "speaker_role": "; ".join(p.title for p in posts) or None,
                          "role": on_role}
                for name, value in values.items():
                    if current[name] is None and value is not None:
                        current[name] = value
                        filled.append(name)
                if current["side"] is None:
                    new_side, why = sides.of_speaker(role=current["role"], party=current["party"],
                                                     country=country or "GB", day=day)
                    if new_side:
                        current["side"] = new_side
                        filled.append("side")
                        meta.pop("side_unknown", None)
                    elif filled:
                        meta["side_unknown"] = why
        if filled:
            meta["people_filled"] = filled
            report.labelled += 1
        new_meta = json.dumps(meta, ensure_ascii=False, sort_keys=True)
        if new_meta != (meta_json or "{}") or any(current[k] != v for k, v in
                                                   zip(_LINKED_FIELDS, (party, speaker_role, role, side))):
            updates.append((current["party"], current["speaker_role"], current["role"], current["side"],
                            new_meta, doc_id))
    now = utc_now()
    for start in range(0, len(updates), 5000):  # one transaction a batch, as collectors write
        with store.transaction() as conn:
            conn.executemany("UPDATE documents SET party = ?, speaker_role = ?, role = ?, side = ?, meta = ?, "
                             "updated_at = ? WHERE id = ?",
                             [(*row[:5], now, row[5]) for row in updates[start:start + 5000]])
    return report


def _source_person(store: Any, source: str, meta: Mapping[str, Any]) -> tuple[str | None, str]:
    """The person id the source gives (and how), if the table holds it."""
    given = meta.get("person_id")
    if given and meta.get("person_linked_by") not in _LINKED_HERE:
        candidate = given if source != "parlamint" or ":" in given else None
        if source == "parlamint" and candidate is None:
            # ParlaMint documents keep the sitting's bare id; the table's is ParlaMint-XX:id
            row = store.conn.execute("SELECT id FROM people WHERE id LIKE ? ESCAPE '\\'",
                                     ("ParlaMint-%:" + given.replace("_", "\\_").replace("%", "\\%"),)).fetchall()
            candidate = row[0][0] if len(row) == 1 else None
        if candidate and known_person_ids(store, [candidate]):
            return candidate, "id"
        return None, "unknown"
    if meta.get("member_id"):
        person = person_for_member(store, meta["member_id"])
        if person:
            return person, "member id"
        return None, "unknown"
    return None, "none"


def _posts_span(store: Any) -> dict[str, tuple[str, str]]:
    """The days the loaded posts cover, by source (popolo, parlamint): from the first start to the last end.

    Someone with a seat and no post on such a day is a backbencher; outside it, unknown.
    """
    rows = store.conn.execute("SELECT p.source, MIN(x.start_date), MAX(x.end_date) FROM person_posts AS x "
                              "JOIN people AS p ON p.id = x.person_id GROUP BY p.source").fetchall()
    return {source: (first, last) for source, first, last in rows if first and last}


def _covers(spans: Mapping[str, tuple[str, str]], source: str, day: str) -> bool:
    span = spans.get(source)
    return span is not None and span[0] <= day <= span[1]


def iter_person_days(person: Person) -> Iterator[dict[str, Any]]:
    """Yield a person's parties and posts as rows for a table, by start date."""
    for membership in person.parties:
        yield {"from": membership.start, "until": membership.end, "kind": "party", "what": membership.party,
               "class": None}
    for post in person.posts:
        yield {"from": post.start, "until": post.end, "kind": "post", "what": post.title, "class": post.category}


PEOPLE_COLUMNS = ["person_id", "name", "kind", "what", "class", "from", "until"]


def describe_people(corpus: Any, query: str, *, on: str | None = None, limit: int | None = 20) -> "pd.DataFrame":
    """Return the people found by id or name, with their names, parties and posts by date.

    One row per name, party membership and post (``kind``: name, party, post), oldest first. With
    ``on`` (an ISO day), only the parties and posts held that day, and two rows more per person:
    their ``role`` (minister, shadow, chair, backbencher) and ``side`` (government, opposition)
    that day, or why unknown in ``class``.

    Raises:
        ConfigError: ``on`` is not a day (YYYY-MM-DD).

    Example:
        >>> describe_people(corpus, "Healey", on="2009-10-27")  # doctest: +SKIP
    """
    import pandas as pd

    from policytext.store.people import find_people

    if on is not None and not re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", on):
        raise ConfigError(f"--on {on!r} is not a day: give YYYY-MM-DD")
    if limit is not None and limit < 1:
        raise ConfigError(f"--limit must be 1 or more, not {limit}")
    rows: list[dict[str, Any]] = []
    sides = Sides(corpus.timelines, corpus.labeller.party_aliases)
    covered = _posts_span(corpus.store)
    for person in find_people(corpus.store, query, limit=limit):
        base = {"person_id": person.id, "name": person.name}
        if on is None:
            for name in person.names:
                rows.append({**base, "kind": "name", "what": name.name, "class": name.kind,
                             "from": name.start, "until": name.end})
        events = [{**base, "kind": "party", "what": m.party, "class": None, "from": m.start, "until": m.end}
                  for m in person.parties if on is None or m.held_on(on)]
        events += [{**base, "kind": "post", "what": p.title, "class": p.category, "from": p.start, "until": p.end}
                   for p in person.posts if on is None or p.held_on(on)]
        rows.extend(sorted(events, key=lambda r: (r["from"] or "", r["until"] or "9999", r["kind"])))
        if on is not None:
            parties = person.parties_on(on)
            categories = {p.category for p in person.posts_on(on)}
            role = next((c for c in ("chair", "minister", "shadow") if c in categories), None)
            if role is None and parties and _covers(covered, person.source, on):
                role = "backbencher"
            party = parties[0] if len(parties) == 1 else None
            side, why = sides.of_speaker(role=role, party=party, country="GB", day=on)
            rows.append({**base, "kind": "role", "what": role, "from": on, "until": on,
                         "class": None if role else "no post, or the posts loaded do not cover the day"})
            rows.append({**base, "kind": "side", "what": side, "class": why, "from": on, "until": on})
    return pd.DataFrame(rows, columns=PEOPLE_COLUMNS)
