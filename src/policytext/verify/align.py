"""Word-level alignment of a quote with a passage: similarity, the difference, and meaning changes.

Typography never counts as a change: both sides are compared as lists of words, lowercased, with
curly and straight quotation marks, dashes, spacing and thousands separators made alike
(``“Ask not—”`` and ``"ask not -"`` give the same words). A quote is compared with the stretch of
the passage that lines up with it (a quote is usually part of a sentence), so a passage's extra
words outside that stretch cost nothing.
"""
from __future__ import annotations

import functools

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, NamedTuple

_TYPOGRAPHY = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ",
})
# words (with inner apostrophes), numbers (with inner separators), and an ellipsis (a cut marker)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:'\w+)*|\.\.\.|…")
ELLIPSIS = "…"

NEGATIONS = frozenset({"not", "no", "never", "nor", "neither", "nobody", "nothing", "none", "nowhere",
                       "cannot", "without"})
NUMBER_WORDS = frozenset({
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
    "thousand", "million", "billion", "trillion", "percent", "half", "third", "quarter", "double",
    "twice", "first", "second", "dozen"})
MAX_MARKED_CUT = 60  # words an ellipsis may stand for (a quote joining two sentences of a paragraph)
MEANING_CHANGES = ("negation", "number", "name")
"""The kinds of word change ``altered`` verdicts flag as possibly changing the meaning."""


class Token(NamedTuple):
    """One word: its comparable form, as written, and its character span in the text it came from.

    A named tuple rather than a frozen dataclass: a quote check makes some ten thousand of them.
    """

    norm: str
    word: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Return the words of ``text`` in comparable form, with their offsets into ``text``.

    Example:
        >>> [t.norm for t in tokenize("“Ask not” — 5,000 Jobs…")]
        ['ask', 'not', '5000', 'jobs', '…']
    """
    # NFKC may change lengths (ligatures); offsets must stay those of ``text``, so map per match
    tokens = []
    for match in _TOKEN.finditer(text.translate(_TYPOGRAPHY)):
        word = match.group()
        start, end = match.span()
        if word in ("...", ELLIPSIS):
            norm = ELLIPSIS
        elif word.isascii():
            norm = word.lower()
        else:
            norm = unicodedata.normalize("NFKC", word).casefold()
        if norm[0].isdigit():
            norm = norm.replace(",", "")
        tokens.append(Token(norm, text[start:end], start, end))
    return tokens


@dataclass(frozen=True)
class Alignment:
    """How a quote lines up with a passage.

    ``similarity`` is difflib's ratio of the quote's words and the passage's aligned stretch
    (1.0 when the quote's words occur there in order and nothing else); ``span`` is that stretch's
    character offsets in the passage; ``diff`` shows it as the passage has it, with ``[-cut-]`` for
    words the quote leaves out or replaces and ``{+added+}`` for the quote's own words; ``changes``
    names the meaning changes among them (:data:`MEANING_CHANGES`); ``elided`` is true when the
    quote's only differences are cuts it marks with an ellipsis.
    """

    similarity: float
    span: tuple[int, int]
    diff: str
    changes: tuple[str, ...]
    elided: bool = False

    @property
    def exact(self) -> bool:
        return self.similarity == 1.0 or self.elided


def align(quote: list[Token], passage_text: str, passage: list[Token] | None = None) -> Alignment | None:
    """Return how ``quote`` lines up with the passage, or ``None`` when no word is shared.

    Example:
        >>> a = align(tokenize("the era of big government has ended"),
        ...           "The era of big government is over.")
        >>> round(a.similarity, 2), a.diff
        (0.71, 'The era of big government [-is over-] {+has ended+}')
    """
    passage = tokenize(passage_text) if passage is None else passage
    words = [t.norm for t in quote if t.norm != ELLIPSIS]
    said = [t.norm for t in passage]
    if not words or not said:
        return None
    matcher = difflib.SequenceMatcher(None, words, said, autojunk=False)
    blocks = _compact(words, [b for b in matcher.get_matching_blocks() if b.size], _ellipsis_positions(quote))
    if not blocks:
        return None
    # the stretch of the passage lined up with the quote, widened by the quote's unmatched words
    # at either end (so a changed first or last word counts as a change, not as nothing)
    first = max(0, blocks[0].b - blocks[0].a)
    last = min(len(said), blocks[-1].b + blocks[-1].size + (len(words) - blocks[-1].a - blocks[-1].size))
    stretch = said[first:last]
    matcher = difflib.SequenceMatcher(None, words, stretch, autojunk=False)
    similarity = matcher.ratio()
    opcodes = matcher.get_opcodes()
    diff, changed_quote, changed_said = [], [], []
    for tag, i1, i2, j1, j2 in opcodes:
        said_words = " ".join(t.word for t in passage[first + j1:first + j2])
        quote_words = " ".join(t.word for t in _without_ellipses(quote)[i1:i2])
        if tag == "equal":
            diff.append(said_words)
            continue
        if j2 > j1:
            diff.append(f"[-{said_words}-]")
            changed_said.extend(passage[first + j1:first + j2])
        if i2 > i1:
            diff.append(f"{{+{quote_words}+}}")
            changed_quote.extend(_without_ellipses(quote)[i1:i2])
    span = (passage[first].start, passage[last - 1].end)
    return Alignment(similarity=similarity, span=span, diff=" ".join(diff),
                     changes=_meaning_changes(changed_quote, changed_said, quote, passage, passage_text),
                     elided=_cuts_are_marked(quote, opcodes))


def _compact(words: list[str], blocks: list[Any], cuts: set[int]) -> list[Any]:
    """Return the run of matching blocks round the longest one that lie close together in the passage.

    difflib matches the longest common run first and then any shared word left and right of it,
    however far away ("in" forty words earlier); such a stray match would stretch the aligned
    passage over words the quote never had. A block joins the run only when the passage's gap to
    it is at most the quote's gap plus a few words (cuts and insertions stay inside the run), or
    any gap up to :data:`MAX_MARKED_CUT` words where the quote marks a cut with an ellipsis.
    """
    if not blocks:
        return blocks
    slack = max(3, len(words) // 3)
    anchor = max(range(len(blocks)), key=lambda i: blocks[i].size)
    first = last = anchor
    while first > 0:
        left, right = blocks[first - 1], blocks[first]
        if not _close(left, right, slack, cuts):
            break
        first -= 1
    while last < len(blocks) - 1:
        left, right = blocks[last], blocks[last + 1]
        if not _close(left, right, slack, cuts):
            break
        last += 1
    return blocks[first:last + 1]


def _close(left: Any, right: Any, slack: int, cuts: set[int]) -> bool:
    gap_said, gap_quoted = right.b - (left.b + left.size), right.a - (left.a + left.size)
    if gap_quoted == 0 and right.a in cuts:
        return gap_said <= MAX_MARKED_CUT
    return gap_said <= gap_quoted + slack


def _ellipsis_positions(quote: list[Token]) -> set[int]:
    """Return the positions, in the quote's words, that an ellipsis stands before."""
    marks, kept = set(), 0
    for token in quote:
        if token.norm == ELLIPSIS:
            marks.add(kept)
        else:
            kept += 1
    return marks


def _without_ellipses(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.norm != ELLIPSIS]


def _cuts_are_marked(quote: list[Token], opcodes: list[tuple[str, int, int, int, int]]) -> bool:
    """Return whether every difference is a cut of the passage's words where the quote has an ellipsis."""
    marks = _ellipsis_positions(quote)
    if not marks:
        return False
    differences = [op for op in opcodes if op[0] != "equal"]
    return bool(differences) and all(tag == "insert" and i1 in marks for tag, i1, _, _, _ in differences)


def _meaning_changes(quoted: list[Token], said: list[Token], quote: list[Token], passage: list[Token],
                     passage_text: str) -> tuple[str, ...]:
    """Return which kinds of meaning change the changed words show: negation, number, name."""
    found = []
    if _negations(quoted) != _negations(said):
        found.append("negation")
    if sorted(t.norm for t in quoted if _is_number(t)) != sorted(t.norm for t in said if _is_number(t)):
        found.append("number")
    # a capital away from the start of a sentence marks a name (or a title: "Congress")
    quote_first = quote[0].start if quote else -1
    names_quoted = {t.norm for t in quoted if _is_name(t) and t.start != quote_first}
    names_said = {t.norm for t in said if _is_name(t) and not _starts_sentence(passage_text, t.start)}
    if names_quoted != names_said:
        found.append("name")
    return tuple(found)


def _starts_sentence(text: str, start: int) -> bool:
    """Return whether the word at ``start`` opens the text or follows the end of a sentence (or a colon)."""
    before = text[:start].rstrip().rstrip("\"'“‘([")
    return not before or before[-1] in ".!?:"


def _negations(tokens: list[Token]) -> int:
    return sum(1 for t in tokens if t.norm in NEGATIONS or t.norm.endswith("n't"))


def _is_number(token: Token) -> bool:
    return token.norm[0].isdigit() or token.norm in NUMBER_WORDS


def _is_name(token: Token) -> bool:
    return token.word[:1].isupper() and token.word != "I"


AGREEMENTS = ("negation", "number", "name")
"""What a sentence close in meaning may be checked to agree with the quote on (:func:`disagreements`)."""


@functools.lru_cache(maxsize=4096)  # a pure function of two texts: an evaluation asks it thousands of times
def disagreements(quote: str, sentence: str) -> tuple[str, ...]:
    """Return where ``sentence`` and ``quote`` disagree in the ways embeddings overlook.

    - ``negation``: one of them has a negation word (*not*, *never*, *no*, *n't* …) and the other none;
    - ``number``: a figure or number word of the quote is not in the sentence;
    - ``name``: a capitalised word of the quote away from its start (a name) is not in the sentence.

    Sentence embeddings put "nuclear war cannot be won" close to "we can win a nuclear war"; the
    words tell them apart.

    Example:
        >>> disagreements("we can win a nuclear war", "A nuclear war cannot be won and must never be fought.")
        ('negation',)
        >>> disagreements("ten thousand more warheads", "We will build more warheads.")
        ('number',)
    """
    said, quoted = tokenize(sentence), tokenize(quote)
    found = []
    if bool(_negations(quoted)) != bool(_negations(said)):
        found.append("negation")
    if {t.norm for t in quoted if _is_number(t)} - {t.norm for t in said if _is_number(t)}:
        found.append("number")
    first = quoted[0].start if quoted else -1
    if {t.norm for t in quoted if _is_name(t) and t.start != first} - {t.norm for t in said}:
        found.append("name")
    return tuple(found)
