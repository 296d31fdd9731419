"""What kind of claim a sentence makes: quantity, comparison, causal, prediction, trend, …

The types are found by transparent patterns over the sentence text, so each type comes with the
span that triggered it, and the same function serves the spaCy component, the plain-text
extractor and the claim scorer's features (which are trained without running a pipeline).
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from policytext.records import CLAIM_TYPES  # the types find_claim_types gives, in order

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|million|millions|"
    r"billion|billions|trillion|trillions|dozen|dozens"
)
_FRACTIONS = r"half|third|thirds|quarter|quarters|fifth|fifths|tenth|tenths"

# Each type: a list of compiled patterns; the first group-less match is the trigger span.
_PATTERNS: dict[str, list[str]] = {
    "quantity": [
        r"[$£€]\s?\d[\d,.]*(?:\s?(?:bn|m|k|billion|million|trillion))?",
        r"\b\d{4}/\d{2,4}\b",
        r"\b\d[\d,.]*\s?(?:%|per ?cent|percent|percentage points?)",
        r"\b\d[\d,.]*(?:\s(?:" + _NUMBER_WORDS + r"))?\b",
        r"\b(?:a|one|two|three)\s(?:" + _FRACTIONS + r")\b",
        r"\b(?:twice|double|triple|treble|halved|doubled|tripled)\b",
        r"\b(?:" + _NUMBER_WORDS + r")\b(?:\s(?:" + _NUMBER_WORDS + r"))*",
        r"\b(?:majority|minority|most|all) of\b",
    ],
    "comparison": [
        r"\b(?:more|less|fewer|greater|higher|lower|bigger|smaller|larger|better|worse|faster|slower)\s+than\b",
        r"\b(?:twice|three times|four times|half) (?:the|as)\b",
        r"\b\w+er than\b",
        r"\bcompared (?:with|to)\b",
        r"\b(?:highest|lowest|biggest|largest|smallest|fastest|slowest|best|worst|most|least|first|only)\b",
        r"\b(?:as \w+ as)\b",
        r"\b(?:outpac\w*|exceed\w*|overtak\w*|rank\w*)\b",
    ],
    "causal": [
        r"\b(?:because(?: of)?|due to|owing to|thanks to|as a result(?: of)?|in order to|so that)\b",
        r"\b(?:caus\w*|led to|lead to|leads to|result(?:s|ed)? in|driv(?:e|es|en|ing) by|responsible for)\b",
        r"\b(?:therefore|consequently|hence|which means|that means|means that)\b",
    ],
    "prediction": [
        r"\b(?:will|shall|won't|going to|is set to|are set to|would be)\b",
        r"\b(?:pledg\w*|promis\w*|commit\w* to|vow\w*|intend\w*|plan(?:s|ned)? to)\b",
        r"\b(?:forecast\w*|predict\w*|project(?:s|ed|ion)\b|expect\w*|by 20\d\d|next year|in the years to come|in the coming)\b",
    ],
    "trend": [
        r"\b(?:ris(?:e|es|en|ing)|rose|increas\w*|grow(?:s|n|ing)?|grew|growth|climb\w*|soar\w*|surg\w*|doubl\w*|tripl\w*)\b",
        r"\b(?:fall(?:s|en|ing)?|fell|declin\w*|decreas\w*|drop(?:s|ped|ping)?|shrank|shrunk|shrink\w*|plummet\w*|slash\w*|cut|cuts|halv\w*|reduc\w*|lost|los(?:e|es|ing))\b",
        r"\b(?:since (?:19|20)\d\d|over the (?:last|past) \w+|up from|down from|from \S+ to \S+|compared with last)\b",
        r"\b(?:record|ever|for the first time|no longer|still)\b",
    ],
    "attribution_of_fact": [  # "figures show", "according to the ONS": a sourced factual statement
        r"\b(?:according to|figures show|data show\w*|statistics show|studies show|research shows|survey\w*|poll\w*|report(?:s|ed)? that)\b",
    ],
}


_COMPILED = {name: [re.compile(p, re.IGNORECASE) for p in patterns] for name, patterns in _PATTERNS.items()}

_DIGIT = "<digit>"
# For each pattern of _PATTERNS, in the same order: pieces of which every match holds at least one
# (lower-cased; _DIGIT for any digit). Python's ``re`` tries a pattern that opens with ``\b`` at
# every position of the text, so testing these with ``in`` first skips most patterns of most
# sentences: the same types and triggers in a fraction of the time. A pattern whose pieces are
# missing cannot match; one whose pieces are present is run as before.
_NEEDS: dict[str, list[tuple[str, ...]]] = {
    "quantity": [
        ("$", "£", "€"),
        ("/",),
        ("%", "per"),
        (_DIGIT,),
        ("half", "third", "quarter", "fifth", "tenth"),
        ("twice", "double", "triple", "treble", "halved"),
        tuple(_NUMBER_WORDS.split("|")),
        ("majority of", "minority of", "most of", "all of"),
    ],
    "comparison": [
        ("than",),
        ("twice", "times", "half"),
        ("er than",),
        ("compared ",),
        ("est", "least", "worst", "most", "first", "only"),
        ("as ",),
        ("outpac", "exceed", "overtak", "rank"),
    ],
    "causal": [
        ("because", "due to", "owing to", "thanks to", "as a result", "in order to", "so that"),
        ("caus", "led to", "lead to", "leads to", "result", "driv", "responsible for"),
        ("therefore", "consequently", "hence", "which means", "that means", "means that"),
    ],
    "prediction": [
        ("will", "shall", "won't", "going to", "set to", "would be"),
        ("pledg", "promis", "commit", "vow", "intend", "plan"),
        ("forecast", "predict", "project", "expect", "by 20", "next year", "in the years to come", "in the coming"),
    ],
    "trend": [
        ("ris", "rose", "increas", "grow", "grew", "climb", "soar", "surg", "doubl", "tripl"),
        ("fall", "fell", "declin", "decreas", "drop", "shrank", "shrunk", "shrink", "plummet", "slash", "cut",
         "halv", "reduc", "los"),
        ("since ", "over the ", "from", "compared with last"),
        ("record", "ever", "first time", "no longer", "still"),
    ],
    "attribution_of_fact": [
        ("according to", "figures show", "data show", "statistics show", "studies show", "research shows", "survey",
         "poll", "report"),
    ],
}
_NEEDED = {name: [(pattern, needs) for pattern, needs in zip(_COMPILED[name], _NEEDS[name])] for name in _COMPILED}
# Case-insensitive ``re`` also matches these to ASCII letters (ı and İ to i, ſ to s, K to k), and
# lower-casing does not turn them into those letters: a text holding one is matched without pieces.
_OTHER_CASES = re.compile("[\u0130\u0131\u017f\u212a]")
_ANY_DIGIT = re.compile(r"\d")
# Words that look like numbers or comparisons but are not claims about quantities.
_WEAK_QUANTITY = {"one", "all", "most", "first"}
_WEAK_COMPARISON = {"first", "only", "most", "best"}


def find_claim_types(text: str) -> list[tuple[str, int, int]]:
    """Return ``(type, start, end)`` for each claim type found in ``text``, with its first trigger.

    A type is given at most once, with the span of its strongest trigger (patterns are tried in
    order of strength). Offsets are relative to ``text``.

    Example:
        >>> find_claim_types("Spending was slashed by a fifth, more than twice the rate.")
        [('quantity', 24, 31), ('comparison', 33, 42), ('trend', 13, 20)]
    """
    found: list[tuple[str, int, int]] = []
    lower = None if _OTHER_CASES.search(text) else text.lower()
    has_digit = _ANY_DIGIT.search(text) is not None
    for name in CLAIM_TYPES:
        for pattern, needs in _NEEDED[name]:
            if lower is not None and not any(has_digit if need is _DIGIT else need in lower for need in needs):
                continue
            match = _first_strong(pattern.finditer(text), name)
            if match is not None:
                found.append((name, match.start(), match.end()))
                break
    return found


def _first_strong(matches: Iterable[re.Match[str]], name: str) -> re.Match[str] | None:
    weak = _WEAK_QUANTITY if name == "quantity" else _WEAK_COMPARISON if name == "comparison" else set()
    for match in matches:
        if match.group(0).strip().lower() in weak:
            continue
        return match
    return None


def count_type_features(text: str) -> list[float]:
    """Return one 0/1 indicator per :data:`CLAIM_TYPES` entry, plus the share of digit tokens.

    These are the hand-made features the claim scorer adds to its n-grams.
    """
    return type_features_of(text, find_claim_types(text))


def type_features_of(text: str, found: Sequence[tuple[str, int, int]]) -> list[float]:
    """Return :func:`count_type_features` from types already found by :func:`find_claim_types`."""
    types = {name for name, _, _ in found}
    tokens = text.split()
    digits = sum(any(ch.isdigit() for ch in token) for token in tokens)
    return [1.0 if name in types else 0.0 for name in CLAIM_TYPES] + [digits / max(len(tokens), 1)]
