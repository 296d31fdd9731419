"""People's titles and honorifics, and names with them taken off: plain Python, no spaCy.

Listings (``policytext entities``) read titles of stored mentions; importing them from here rather
than from :mod:`policytext.annotate.entities` spares those commands spaCy's import (1.4-1.9 s).
"""
from __future__ import annotations

import re

HONORIFICS = {
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
    while len(words) > 1 and words[0].lower().strip(",") in HONORIFICS:
        words.pop(0)
    while len(words) > 1 and words[-1].lower().strip(",.") in _SUFFIXES:
        words.pop()
    if len(words) == 1 and (words[0].lower() in HONORIFICS or words[0].lower() in _SUFFIXES):
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


_COURTESY = {"the", "rt", "rt.", "right", "hon", "hon.", "honourable", "honorable", "former"}
"""Leading words that say nothing about which person a name is."""
_GENDER_TITLES = {"mr": "m", "sir": "m", "lord": "m", "baron": "m", "mrs": "f", "ms": "f", "miss": "f",
                  "dame": "f", "lady": "f", "baroness": "f", "madam": "f"}
"""Honorifics that give a gender, not an office: "Mr Hancock" may be "Matthew Hancock"."""

PERSON_TITLES = frozenset(word.rstrip(".") for word in HONORIFICS | set(_GENDER_TITLES)) - {
    "the", "rt", "right", "hon", "honourable", "honorable", "vice", "prime", "chief", "executive", "state",
    "former", "candidate", "nominee", "first", "attorney", "deputy", "shadow", "cabinet", "office", "leader",
    "general", "justice", "gen"}
"""The honorifics and offices that, written just before a capitalised word, make it a person's
name ("Prime Minister Begin", "Ms. Waters", "Dr. King"): the words of :data:`HONORIFICS` that do
not also stand before other nouns ("the", "State", "Cabinet", "Office", "General Revenue Sharing",
"Civil Justice Reform", "Gen Z") or only qualify the next title ("Vice", "Prime", "Chief"). Those
of :data:`ABBREVIATED_TITLES` count written with their full stop too ("Mr.", and "Gen." alone).""" 
ABBREVIATED_TITLES = frozenset(word.rstrip(".") for word in HONORIFICS if word.endswith("."))
"""Titles written with a full stop ("Dr.", "Gen."); after any other word a full stop ends a sentence."""
TITLE_WORDS = frozenset(word.rstrip(".") for word in HONORIFICS | set(_GENDER_TITLES))
"""Every word of a title; a name made of these alone ("Madam", "Speaker") is a form of address, not a name."""


def person_title(text: str) -> tuple[str | None, str | None]:
    """Return the office title ("vice president", "dr") and the gender ("m"/"f") a person mention carries.

    Example:
        >>> person_title("Vice President Biden"), person_title("Mr. Hancock"), person_title("Jill Biden")
        (('vice president', None), (None, 'm'), (None, None))
    """
    words = _SPACES.sub(" ", _POSSESSIVE.sub("", text.strip())).strip(" ,.;:").split(" ")
    office, gender = [], None
    while len(words) > 1 and words[0].lower().strip(",") in HONORIFICS:
        word = words.pop(0).lower().strip(",").rstrip(".")
        if word in _GENDER_TITLES:
            gender = _GENDER_TITLES[word]
        elif word not in _COURTESY:
            office.append(word)
    return (" ".join(office) or None), gender
