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

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW")
"""Labels stored by annotation; numbers, dates and the like are left to the claim types."""

_HONORIFICS = {
    "the", "rt", "rt.", "right", "hon", "hon.", "honourable", "honorable", "mr", "mr.", "mrs", "mrs.",
    "ms", "ms.", "miss", "dr", "dr.", "sir", "dame", "lord", "lady", "baroness", "baron", "prof",
    "prof.", "professor", "president", "vice", "prime", "minister", "secretary", "chancellor",
    "senator", "sen", "sen.", "rep", "rep.", "representative", "gov", "gov.", "governor", "mayor",
    "cllr", "councillor", "general", "gen.", "sgt", "rev", "rev.", "reverend", "judge", "justice",
    "chief", "executive", "speaker", "leader", "state", "former", "candidate", "nominee", "first",
    "congressman", "congresswoman", "ambassador", "attorney", "deputy", "shadow", "cabinet", "office",
}
_SUFFIXES = {"mp", "mep", "msp", "ms", "qc", "kc", "obe", "mbe", "cbe", "frs", "phd", "esq", "esq.",
             "jr", "jr.", "sr", "sr."}
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_SPACES = re.compile(r"\s+")


def strip_person_name(text: str) -> str:
    """Return the core of a person mention: no honorifics, post-nominals or possessive.

    Example:
        >>> strip_person_name("The Rt Hon Matthew Hancock MP")
        'Matthew Hancock'
    """
    words = _SPACES.sub(" ", _POSSESSIVE.sub("", text.strip())).strip(" ,.;:").split(" ")
    while len(words) > 1 and not words[0][:1].isalpha():
        words.pop(0)  # "5 Eric Slover", "– Jane Doe": stray numbers or dashes before a name
    while len(words) > 1 and words[0].lower().strip(",") in _HONORIFICS:
        words.pop(0)
    while len(words) > 1 and words[-1].lower().strip(",.") in _SUFFIXES:
        words.pop()
    if len(words) == 1 and (words[0].lower() in _HONORIFICS or words[0].lower() in _SUFFIXES):
        return ""  # a title on its own ("Hon", "MP") names nobody
    return " ".join(w.strip(",") for w in words if w.strip(","))


def strip_body_name(text: str) -> str:
    """Return an organisation or place mention without a leading "the" or a possessive.

    Example:
        >>> strip_body_name("the NHS’s")
        'NHS'
    """
    text = _SPACES.sub(" ", _POSSESSIVE.sub("", text.strip())).strip(" ,.;:")
    return re.sub(r"^(?:the|The|THE)\s+", "", text)


def normalise_names(mentions: Sequence[tuple[str, str]], *, known_people: Iterable[str] = ()) -> list[str]:
    """Return the document-level name of each ``(label, text)`` mention, in order.

    A person mention is mapped to the longest person name in the document (or in
    ``known_people``, e.g. the document's speaker) whose words include all of its words and that
    ends with the same surname; ties go to the most mentioned name. Other entities lose a leading
    "the" and a possessive.

    Example:
        >>> normalise_names([("PERSON", "Matthew Hancock"), ("PERSON", "Mr Hancock")])
        ['Matthew Hancock', 'Matthew Hancock']
    """
    cores = [strip_person_name(text) if label == "PERSON" else strip_body_name(text) for label, text in mentions]
    people = Counter(core for (label, _), core in zip(mentions, cores) if label == "PERSON" and core)
    for name in known_people:
        if name:
            people[strip_person_name(name)] += 0
    names = []
    for (label, _), core in zip(mentions, cores):
        names.append(resolve_person(core, people) if label == "PERSON" else core)
    return names


def resolve_person(core: str, people: Counter | dict[str, int]) -> str:
    """Return the fullest name among ``people`` that this person mention can stand for."""
    words = core.lower().split()
    if not words:
        return core
    best, best_key = core, (len(words), people.get(core, 0))
    for name, count in people.items():
        candidate = name.lower().split()
        if len(candidate) <= len(words) or candidate[-1] != words[-1]:
            continue
        if not set(words) <= set(candidate):
            continue
        # "J. Smith" may stand for "John Smith": initials must agree with a first name.
        key = (len(candidate), count)
        if key > best_key:
            best, best_key = name, key
    return best


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
        ents = [ent for ent in doc.ents if ent.label_ in self.labels and ent.text.strip()]
        known = [doc.user_data.get("pt_speaker") or ""]
        names = normalise_names([(ent.label_, ent.text) for ent in ents], known_people=known)
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
