"""What kind of claim a sentence makes: quantity, comparison, causal, prediction, trend, …

The types are found by transparent patterns over the sentence text, so each type comes with the
span that triggered it, and the same function serves the spaCy component, the plain-text
extractor and the claim scorer's features (which are trained without running a pipeline).
"""
from __future__ import annotations

import re
from typing import Iterable, NamedTuple, Sequence

try:  # Python 3.11 on
    from re import _constants as _sre, _parser as _sre_parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre  # noqa: F401
    import sre_parse as _sre_parser

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
_EXACT_LIMIT = 64  # most strings a sub-pattern's exact set may hold before it is given up


class _Reach(NamedTuple):
    """What a piece of a pattern can match: ``exact``, every string (lower-cased) when there are few;
    ``needs``, strings of which every match holds one (``_DIGIT`` for any digit); None when unknown."""

    exact: frozenset[str] | None
    needs: frozenset[str] | None


_ANYTHING = _Reach(None, None)
_EMPTY = _Reach(frozenset({""}), None)


def required_pieces(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Return lower-cased pieces of which every match of ``pattern`` holds at least one, or None.

    Read from the pattern itself (its parse tree), so the pieces cannot drift from the patterns:
    a literal run (``"than"``), the alternatives of a group (``"because"``, ``"due to"``), the
    characters of a class, and ``_DIGIT`` for ``\\d``. Of several choices in a sequence the one
    with the longest shortest piece is kept (the rarer test). None when no piece is certain
    (a pattern that can match anything, or an empty string): such a pattern is always run.

    Example:
        >>> required_pieces(re.compile(r"\\b\\w+er than\\b", re.IGNORECASE))
        ('er than',)
        >>> required_pieces(re.compile(r"\\b(?:because(?: of)?|due to)\\b", re.IGNORECASE))
        ('because', 'due to')
    """
    needs = _reach_of_sequence(_sre_parser.parse(pattern.pattern, pattern.flags)).needs
    if needs is None:
        return None
    # a piece that holds another piece adds nothing: whenever it is there, so is the other
    kept = [piece for piece in needs if piece is _DIGIT
            or not any(other is not _DIGIT and other != piece and other in piece for other in needs)]
    return tuple(sorted(kept, key=lambda piece: (piece is not _DIGIT, piece)))


def _reach_of_sequence(items) -> _Reach:
    """Return the reach of a sequence of parsed items: exact strings multiplied, the best needs of its parts."""
    run: frozenset[str] | None = frozenset({""})  # the exact strings of the current run of exact items
    whole_exact = True
    choices: list[frozenset[str]] = []
    for op, av in items:
        reach = _reach_of_item(op, av)
        if reach.needs is not None:
            choices.append(reach.needs)
        if reach.exact is None:
            whole_exact = False
            _close(run, choices)
            run = frozenset({""})
            continue
        if len(run) * len(reach.exact) <= _EXACT_LIMIT:
            run = frozenset(a + b for a in run for b in reach.exact)
        else:  # too many strings: the run so far is one choice, a new run starts here
            whole_exact = False
            _close(run, choices)
            run = reach.exact
    _close(run, choices)
    exact = run if whole_exact else None
    return _Reach(exact, max(choices, key=_selectivity) if choices else None)


def _close(run: frozenset[str], choices: list[frozenset[str]]) -> None:
    if "" not in run:  # an exact run that never matches the empty string: one of its strings is in every match
        choices.append(run)


def _selectivity(needs: frozenset[str]) -> tuple[int, int]:
    return min(1 if piece is _DIGIT else len(piece) for piece in needs), -len(needs)


def _reach_of_item(op, av) -> _Reach:
    if op is _sre.LITERAL:
        return _exact({chr(av).lower()})
    if op is _sre.IN:
        return _reach_of_class(av)
    if op is _sre.BRANCH:
        reaches = [_reach_of_sequence(alternative) for alternative in av[1]]
        exact = None
        if all(r.exact is not None for r in reaches):
            exact = frozenset().union(*(r.exact for r in reaches))
            exact = exact if len(exact) <= _EXACT_LIMIT else None
        needs = frozenset().union(*(r.needs for r in reaches)) if all(r.needs is not None for r in reaches) else None
        return _Reach(exact, needs)
    if op is _sre.SUBPATTERN:
        return _reach_of_sequence(av[3])
    if op in _REPEATS:
        least, most, item = av
        reach = _reach_of_sequence(item)
        if least == 0:
            if most == 1 and reach.exact is not None:
                return _Reach(reach.exact | {""}, None)
            return _ANYTHING if most else _EMPTY
        return reach if least == most == 1 else _Reach(None, reach.needs)
    if op in _ZERO_WIDTH:
        return _EMPTY
    return _ANYTHING


def _reach_of_class(items) -> _Reach:
    """Return the reach of a character class: its characters, and ``_DIGIT`` for ``\\d`` in it."""
    characters, digit = set(), False
    for op, av in items:
        if op is _sre.LITERAL:
            characters.add(chr(av).lower())
        elif op is _sre.RANGE and av[1] - av[0] < _EXACT_LIMIT:
            characters.update(chr(c).lower() for c in range(av[0], av[1] + 1))
        elif op is _sre.CATEGORY and av is _sre.CATEGORY_DIGIT:
            digit = True
        else:  # a negated class, a wide range, \s, \w: no piece is certain
            return _ANYTHING
    if digit:
        return _Reach(None, frozenset(characters | {_DIGIT}))
    return _exact(characters)


def _exact(strings) -> _Reach:
    strings = frozenset(strings)
    return _Reach(strings, None if "" in strings else strings)


_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT} | ({_sre.POSSESSIVE_REPEAT} if hasattr(_sre, "POSSESSIVE_REPEAT") else set())
_ZERO_WIDTH = {_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT}

# For each pattern of _PATTERNS, in the same order: the pieces of which every match holds at least
# one, read from the pattern (required_pieces). Python's ``re`` tries a pattern that opens with
# ``\b`` at every position of the text, so testing these with ``in`` first skips most patterns of
# most sentences: the same types and triggers in a fraction of the time. A pattern whose pieces are
# missing cannot match; one whose pieces are present (or that has none) is run as before.
_NEEDED = {name: [(pattern, required_pieces(pattern)) for pattern in patterns] for name, patterns in _COMPILED.items()}
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
            if needs is not None and lower is not None and not any(has_digit if need is _DIGIT else need in lower for need in needs):
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
