"""Named entities: one name per person or body within a document, and a ruler from corpus metadata.

"Hancock", "Mr Hancock", "Matthew Hancock" and "The Rt Hon Matthew Hancock MP" in one document are
the same person: :func:`normalise_names` maps every mention to the fullest name the document uses.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from policytext.annotate.titles import (  # noqa: F401  (importable from here as before)
    ABBREVIATED_TITLES,
    HONORIFICS,
    PERSON_TITLES,
    TITLE_WORDS,
    person_title,
    strip_body_name,
    strip_person_name,
)

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW")
"""Labels stored by annotation; numbers, dates and the like are left to the claim types."""

_TITLE_WORDS_BEFORE = re.compile(r"(?:(?<=\s)|^)((?:[A-Z][A-Za-z]*\.?[ \t]+)+)$")


def with_title_before(text: str, start: int, surface: str) -> str:
    """Return ``surface`` with the capitalised title words written just before it in ``text``.

    The NER often leaves the office out of the entity ("Vice President [Biden]"); what a person
    is called there tells who they are.

    Example:
        >>> with_title_before("Thank you, Vice President Biden.", 26, "Biden")
        'Vice President Biden'
    """
    match = _TITLE_WORDS_BEFORE.search(text[max(0, start - 60):start])
    if not match:
        return surface
    words = match.group(1).split()
    kept: list[str] = []
    while words and words[-1].lower().strip(",") in HONORIFICS and words[-1].lower() != "the":
        kept.insert(0, words.pop())
    return " ".join(kept + [surface]) if kept else surface


def is_person_entity(text: str) -> bool:
    """Return False for a PERSON entity that cannot be a name: all lower case, or one word in capitals.

    A name is written with capitals ("boo" from a transcript's interjection is not a person), and a
    lone word wholly in capitals is an acronym ("COVID", "NATO"), not a person's name.

    Example:
        >>> is_person_entity("Jill Biden"), is_person_entity("boo"), is_person_entity("COVID")
        (True, False, False)
    """
    core = strip_person_name(text)
    if not core or not any(ch.isupper() for ch in core):
        return False
    words = core.split()
    return not (len(words) == 1 and sum(ch.isalpha() for ch in core) >= 2 and core.isupper())


def is_exclamation(ent: Span) -> bool:
    """Return True for a one-word entity that is an exclamation on its own: "Boo!" heckled in a transcript.

    A name alone as a sentence that ends in "!" is a cry from the floor, not a mention of a person.
    """
    if len(ent) != 1:
        return False
    rest = [token for token in ent.sent if token.i != ent.start and not token.is_space]
    return bool(rest) and all(token.is_punct for token in rest) and any(token.text == "!" for token in rest)


class PeopleNames:
    """The person names of one document with the titles each was given, to resolve short forms.

    A short form ("Biden", "Jill", "Mr Hancock") becomes the full name only when exactly one full
    name of the document can be it (two full names whose middle names differ, "George W. Bush" and
    "George H. W. Bush", are two people, so "Bush" then stays "Bush"), and nothing says the two are
    different people: an office title
    on the short form that the full name is never given ("Vice President Biden" beside "Jill
    Biden"), a surname whose bare mentions carry an office the full name lacks, or honorifics of the
    other gender. Otherwise the short form stays its own person, rather than a guess.

    Where the mentions' positions are given, an office is no bar once the full name was written
    *before* it: news introduces a person in full and then calls them by office ("Barack Obama …
    President Obama"), whereas an office given to a surname before any full name ("Vice President
    Biden" opening a speech that later greets "Jill Biden") has not been shown to be that person.
    """

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.offices: dict[str, set[str]] = {}
        self.genders: dict[str, set[str]] = {}
        self.first_at: dict[str, int] = {}  # where each core name is first written, when positions are given
        self.titled_at: dict[str, list[tuple[int | None, str]]] = {}  # (position or None, office) of titled mentions

    def add(self, text: str, *, count: int = 1, at: int | None = None) -> str:
        """Record one person mention (its surface text, at char position ``at`` if known); return its core name."""
        core = strip_person_name(text)
        if not core:
            return core
        self.counts[core] += count
        if at is not None:
            self.first_at[core] = min(self.first_at.get(core, at), at)
        office, gender = person_title(text)
        if office:
            self.offices.setdefault(core, set()).add(office)
            self.titled_at.setdefault(core, []).append((at, office))
        if gender:
            self.genders.setdefault(core, set()).add(gender)
        return core

    def _introduced_before(self, full: str, at: int | None) -> bool:
        """True when the full name ``full`` is first written before char position ``at`` (both known)."""
        first = self.first_at.get(full)
        return at is not None and first is not None and first < at

    def _first_titled(self, core: str, office: str, at: int | None) -> int | None:
        """Return where ``core`` is first given ``office`` (None when a position is unknown): one titled form, one person."""
        places = [where for where, title in self.titled_at.get(core, []) if title == office] + [at]
        return None if None in places else min(p for p in places if p is not None)

    def resolve(self, core: str, surface: str = "", *, at: int | None = None) -> str:
        """Return the full name the mention ``core`` (written ``surface``, at ``at`` if known) stands for, or ``core``."""
        words = core.lower().split()
        if not words:
            return core
        office, gender = person_title(surface) if surface else (None, None)
        full = [name for name in self.counts if len(name.split()) > len(words)]
        candidates = [name for name in full if name.lower().split()[-1] == words[-1]
                      and set(words) <= set(name.lower().split()) and not _middle_names_differ(core, name)]
        by_first = False
        if not candidates and len(words) == 1 and not office:
            # a given name alone ("Jill"): the one full name that starts with it, if no one has it as surname
            candidates = [name for name in full if name.lower().split()[0] == words[0]]
            by_first = True
        if not candidates:
            return core
        longest = max(candidates, key=lambda name: (len(name.split()), self.counts[name]))
        widest = set(longest.lower().split())
        if any(not set(name.lower().split()) <= widest for name in candidates):
            return core  # two different full names ("Jill Biden", "Joe Biden"): not a guess
        named = [name for name in self.counts if name.lower().split()[-1] == words[-1] and len(name.split()) > 2]
        if any(_middle_names_differ(name, other) for name in named for other in named if other != name
               and (name in candidates or other in candidates)):
            return core  # "Bush" beside "George W. Bush" and "George H. W. Bush": two people, not a guess
        if len(words) > 1 or by_first:
            return longest
        offices = self.offices.get(longest, set())
        if office and office not in offices and not self._introduced_before(longest, self._first_titled(core, office, at)):
            return core  # "Vice President Biden" is not shown to be "Jill Biden"
        if not office and any(title not in offices and not self._introduced_before(longest, where)
                              for where, title in self.titled_at.get(core, [])):
            return core  # the surname has a titled bearer the full name is not shown to be
        genders = self.genders.get(longest, set()) | ({gender} if gender else self.genders.get(core, set()))
        if len(genders) > 1:
            return core  # "Mr Smith" and "Mrs Jane Smith"
        return longest


def _middle_names_differ(first: str, second: str) -> bool:
    """True when two names of the same person pattern (given name, middle names, surname) have
    middle names that cannot be one person's: "George W. Bush" and "George H. W. Bush".

    Both must have a middle part; an initial matches a name with that letter ("John F. Kennedy",
    "John Fitzgerald Kennedy"), and parts are compared in order, so a different number of middle
    names (W. against H. W.) is two people. A name without a middle part ("George Bush") differs
    from neither: it is a short form, for :meth:`PeopleNames.resolve` to resolve or leave.

    >>> _middle_names_differ("George W. Bush", "George H. W. Bush")
    True
    >>> _middle_names_differ("John F. Kennedy", "John Fitzgerald Kennedy")
    False
    """
    a, b = first.lower().split()[1:-1], second.lower().split()[1:-1]
    if not a or not b:
        return False
    if len(a) != len(b):
        return True

    def same(x: str, y: str) -> bool:
        x, y = x.strip("."), y.strip(".")
        return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))

    return not all(same(x, y) for x, y in zip(a, b))


def normalise_names(mentions: Sequence[tuple[str, str]], *, known_people: Iterable[str] = ()) -> list[str]:
    """Return the document-level name of each ``(label, text)`` mention, in order.

    A person mention is mapped to the one full name in the document (or in ``known_people``, e.g.
    the document's speaker) that it can stand for (:class:`PeopleNames`); a person mention that
    cannot be a name (:func:`is_person_entity`) gets "" (dropped). Other entities lose a leading
    "the" and a possessive. ``mentions`` are in text order (an office after the full name is no bar).

    Example:
        >>> normalise_names([("PERSON", "Matthew Hancock"), ("PERSON", "Mr Hancock")])
        ['Matthew Hancock', 'Matthew Hancock']
    """
    people = PeopleNames()
    cores = []
    for label, text in mentions:
        if label != "PERSON":
            cores.append(strip_body_name(text))
        elif not is_person_entity(text):
            cores.append("")
        else:
            cores.append(people.add(text, at=len(cores)))
    for name in known_people:
        if name:
            people.add(name, count=0)
    return [people.resolve(core, text, at=i) if label == "PERSON" and core else core
            for i, ((label, text), core) in enumerate(zip(mentions, cores))]


def resolve_person(core: str, people: Counter | dict[str, int] | PeopleNames, surface: str = "", *,
                   at: int | None = None) -> str:
    """Return the one full name among ``people`` that this person mention can stand for (else ``core``).

    Example:
        >>> resolve_person("Clinton", {"Hillary Clinton": 5, "Bill Clinton": 1})
        'Clinton'
    """
    if not isinstance(people, PeopleNames):
        book = PeopleNames()
        for name, count in people.items():
            book.counts[name] += count
        people = book
    return people.resolve(core, surface, at=at)


def build_ruler_patterns(*, people: Iterable[str] = (), bodies: Iterable[str] = ()) -> list[dict]:
    """Return entity-ruler patterns for the corpus's own speakers (PERSON) and organisations (ORG).

    Example:
        >>> build_ruler_patterns(people=["Matthew Hancock"], bodies=["Cabinet Office"])[1]
        {'label': 'ORG', 'pattern': 'Cabinet Office', 'id': 'Cabinet Office'}
    """
    patterns, seen = [], set()
    for label, names in (("PERSON", people), ("ORG", bodies)):
        for name in names:
            name = (name or "").strip()
            if len(name) < 3 or (label, name) in seen:
                continue
            seen.add((label, name))
            core = strip_person_name(name) if label == "PERSON" else strip_body_name(name)
            patterns.append({"label": label, "pattern": name, "id": core})
            if core != name and len(core) >= 3 and (label, core) not in seen:
                seen.add((label, core))
                patterns.append({"label": label, "pattern": core, "id": core})
    return patterns


if not Span.has_extension("pt_name"):
    Span.set_extension("pt_name", default=None)
if not Doc.has_extension("pt_entities"):
    Doc.set_extension("pt_entities", default=None)


@Language.factory("policytext_entity_names", default_config={"labels": list(ENTITY_LABELS)})
def create_entity_names(nlp: Language, name: str, labels: list[str]) -> "EntityNames":
    """spaCy factory: normalise entity names within each doc (``doc._.pt_entities``)."""
    return EntityNames(labels=labels)


class EntityNames:
    """Pipeline component: set ``doc._.pt_entities`` to ``[start_char, end_char, label, text, name]`` lists.

    Plain lists (not spans) so the result crosses process boundaries with ``nlp.pipe(n_process=…)``.
    """

    def __init__(self, *, labels: Sequence[str] = ENTITY_LABELS):
        self.labels = set(labels)

    def __call__(self, doc: Doc) -> Doc:
        add_surname_mentions(doc)
        ents = [ent for ent in doc.ents if ent.label_ in self.labels and ent.text.strip()
                and not (ent.label_ == "PERSON" and is_exclamation(ent))]
        known = [doc.user_data.get("pt_speaker") or ""]
        names = normalise_names([(ent.label_, with_title_before(doc.text, ent.start_char, ent.text)
                                  if ent.label_ == "PERSON" else ent.text) for ent in ents], known_people=known)
        doc._.pt_entities = [[ent.start_char, ent.end_char, ent.label_, ent.text, name]
                             for ent, name in zip(ents, names) if name]
        return doc


def add_surname_mentions(doc: Doc) -> None:
    """Label bare surnames of people the doc names in full ("Hancock" after "Matthew Hancock") as PERSON.

    The statistical NER often misses a lone surname at the start of a line or before a possessive.
    """
    surnames = {ent[-1].text for ent in doc.ents if ent.label_ == "PERSON" and len(ent) >= 2
                and ent[-1].text[:1].isupper()}
    if not surnames:
        return
    taken = set()
    for ent in doc.ents:
        taken.update(range(ent.start, ent.end))
    extra = [Span(doc, token.i, token.i + 1, label="PERSON") for token in doc
             if token.text in surnames and token.i not in taken and token.pos_ == "PROPN"]
    if extra:
        doc.ents = sorted(list(doc.ents) + extra, key=lambda span: span.start)
