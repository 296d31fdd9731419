"""What a transcript holds besides its speaker's words: stage directions, speaker labels, others' turns.

Recent State of the Union texts (the American Presidency Project's), debate transcripts and some
GOV.UK speeches are transcripts. Beside the speech they hold:

- **stage directions** in brackets or parentheses: ``[Laughter]``, ``(Applause.)``,
  ``[ cheering and applause ]``, anywhere in the text, and whole paragraphs in square brackets
  (``[Members of the audience spoke over the President.]``, ``[Delivered in person before a joint
  session]``: the editor's words);
- **speaker labels** at the start of a paragraph: ``The President.`` for the document's own
  speaker, ``Audience members.``, ``Rep. Omar.``, ``Representative Marjorie Taylor Greene.`` for
  the others;
- **turns of other speakers**: a paragraph that begins with another speaker's label ("Audience
  members. Boo!").

:func:`find_transcript_parts` finds them in plain text; the ``policytext_transcript`` component
puts them in ``doc._.pt_transcript`` and starts a sentence at each, so that no sentence mixes them
with the speaker's words. Annotation stores no sentence that is wholly a part (a search would cite
a heckle as the speaker's words; the document's text keeps them), scores no claim in any part, and
leaves the parts' words out of the lemma stream that topics, keyness and trends count
(docs/annotation.md).

Which label is the document's own speaker is read from the label alone, never guessed from who
speaks most: an office (``The President.``, ``The Prime Minister.``, ``The First Minister.``) is
the principal of the transcript, as the offices that publish transcripts label their principal;
a label by name or honorific (``Rep. Greene.``, ``Mr. Nikoui.``) or the audience is someone else.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterable, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

if not Doc.has_extension("pt_transcript"):
    Doc.set_extension("pt_transcript", default=None)

KINDS = ("direction", "label", "turn")
"""What a part is: a stage direction, the label of the document's own speaker, another speaker's turn
(its label and what was said)."""

STAGE_WORDS = frozenset("""
applause applauding laughter laughs laughing inaudible unintelligible crosstalk cheering cheers booing boos
boo jeering heckling interruption interruptions silence pause music chanting chants off-mike
""".split())
"""Words of a bracketed stage direction (``[Laughter]``, ``(APPLAUSE)``, ``[ audience booing ]``);
with :data:`_STAGE_FILLERS` and nothing else, the brackets hold a direction wherever they stand."""

_STAGE_FILLERS = frozenset("and audience crowd members of the a moment some sustained prolonged loud continued".split())

OWN_OFFICES = ("President", "Prime Minister", "First Minister")
"""Offices whose label (``The President.``) is the transcript's principal: the document's speaker."""

_OTHER_OFFICES = ("Vice President", "Speaker", "Moderator", "Chairman", "Chairwoman", "Chair")
_HONORIFICS = r"(?:(?:Rep|Sen|Gov|Mr|Mrs|Ms|Dr)\.|Representative|Senator|Governor|Congressman|Congresswoman)"
_NAME_WORD = r"(?:[A-Z]\.|[A-Z][\w'’-]+)"
_LABEL = re.compile(
    r"(?P<label>"
    rf"The (?P<office>{'|'.join(sorted(OWN_OFFICES + _OTHER_OFFICES, key=len, reverse=True))})"
    r"|Audience members?|Members of the audience"
    rf"|{_HONORIFICS} {_NAME_WORD}(?: {_NAME_WORD}){{0,4}}"
    r")\.(?=[ \t]+\S)"
)
_LINE_START = re.compile(r"^[ \t]*", re.MULTILINE)
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*\S)|$")
_BRACKETED = re.compile(r"\[(?P<square>[^\[\]\n]{1,300})\]|\((?P<round>[^()\n]{1,80})\)")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_SENTENCE_END_BEFORE = re.compile(r"(?:[.!?…][”’\"')\]]*|——|[\])])[ \t]*$")


class TranscriptPart(NamedTuple):
    """One part of a transcript that is not its speaker's words: ``text[start:end]``.

    ``label_end`` ends the speaker label of a ``label`` or ``turn`` part (``start`` for a direction).
    """

    start: int
    end: int
    kind: str
    label_end: int


def is_stage_direction(inner: str) -> bool:
    """Return whether the words inside a pair of brackets are a stage direction.

    Example:
        >>> is_stage_direction(" cheering and applause "), is_stage_direction("Laughter."), is_stage_direction("In millions")
        (True, True, False)
    """
    words = _WORD.findall(inner.casefold())
    content = [w for w in words if w not in _STAGE_FILLERS]
    return bool(content) and all(w in STAGE_WORDS for w in content) and len(words) <= 8 \
        and not re.search(r"[0-9;:]", inner)


def find_transcript_parts(text: str) -> list[TranscriptPart]:
    """Return the stage directions, own-speaker labels and others' turns of ``text``, in order.

    A turn of another speaker is the paragraph its label begins (in the transcripts collected, the
    document's speaker comes back with a label, or after a stage direction, never unannounced). A
    direction inside a turn is part of the turn. Parts never overlap.

    Example:
        >>> text = "It is not fair. [Laughter]\\n\\nAudience members. Boo!\\n\\nThe President. Not anymore."
        >>> [(text[p.start:p.end], p.kind) for p in find_transcript_parts(text)]
        [('[Laughter]', 'direction'), ('Audience members. Boo!', 'turn'), ('The President.', 'label')]
    """
    parts: list[TranscriptPart] = []
    for line in _LINE_START.finditer(text):
        start = line.end()
        label = _LABEL.match(text, start)
        if label is None:
            continue
        office = label.group("office")
        if office in OWN_OFFICES:
            parts.append(TranscriptPart(start, label.end(), "label", label.end()))
            continue
        end = _PARAGRAPH_END.search(text, label.end()).start()
        parts.append(TranscriptPart(start, end, "turn", label.end()))
    turns = [(p.start, p.end) for p in parts if p.kind == "turn"]
    for match in _BRACKETED.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in turns):
            continue
        if match.group("round") is not None:
            direction = is_stage_direction(match.group("round"))
        else:
            direction = is_stage_direction(match.group("square")) or _fills_paragraph(text, start, end)
        if direction:
            parts.append(TranscriptPart(start, end, "direction", start))
    return sorted(parts)


def _fills_paragraph(text: str, start: int, end: int) -> bool:
    """Return whether ``text[start:end]`` is a paragraph of its own (white space alone around it on its lines)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:start].strip() and not text[end:line_end].strip()


def stands_alone(text: str, part: TranscriptPart) -> bool:
    """Return whether a direction stands between sentences ("fair. [Laughter] We"), not inside one ("Folks—[applause]—so")."""
    if part.kind != "direction" or not text[text.rfind("\n", 0, part.start) + 1:part.start].strip():
        return True
    return bool(_SENTENCE_END_BEFORE.search(text, max(0, part.start - 12), part.start))


class PartSpans:
    """The parts of one text, asked in O(log n) whether a character span lies wholly inside them.

    Example:
        >>> spans = PartSpans([TranscriptPart(5, 15, "direction", 5)], "It is [Laughter] now.")
        >>> spans.covers(5, 15), spans.covers(0, 15), spans.holds(7), spans.overlaps(0, 6), spans.overlaps(15, 20)
        (True, False, True, True, False)
    """

    def __init__(self, parts: Iterable[TranscriptPart | tuple], text: str):
        self.text = text
        merged: list[list[int]] = []
        for start, end, *_ in sorted(parts):
            # parts apart only by white space are one stretch ("[Applause] [Laughter]")
            if merged and not text[merged[-1][1]:start].strip():
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def __bool__(self) -> bool:
        return bool(self.starts)

    def holds(self, point: int) -> bool:
        """Return whether a part holds the character at ``point``."""
        index = bisect_right(self.starts, point) - 1
        return index >= 0 and point < self.ends[index]

    def overlaps(self, start: int, end: int) -> bool:
        """Return whether a part holds any character of ``text[start:end]``."""
        index = bisect_right(self.starts, end - 1) - 1
        return index >= 0 and self.ends[index] > start

    def covers(self, start: int, end: int) -> bool:
        """Return whether every character of ``text[start:end]`` but white space lies in a part."""
        first = len(self.text[start:end]) - len(self.text[start:end].lstrip())
        start += first
        if start >= end:
            return False
        index = bisect_right(self.starts, start) - 1
        return index >= 0 and not self.text[self.ends[index]:end].strip()


def transcript_parts(doc: Doc) -> list[TranscriptPart]:
    """Return the parts the ``policytext_transcript`` component found in ``doc`` (none without it)."""
    return [TranscriptPart(*row) for row in doc._.pt_transcript or []]


def speaks(span: Span, spans: PartSpans) -> bool:
    """Return whether a sentence ``span`` holds words of the document's speaker (not a part alone)."""
    return not spans.covers(span.start_char, span.end_char)


@Language.component("policytext_transcript")
def mark_transcript_parts(doc: Doc) -> Doc:
    """Find a chunk's transcript parts (``doc._.pt_transcript``) and start a sentence at each and after it.

    Runs before the parser (or after the sentencizer), which keeps these sentence starts: a label
    is its own sentence, so is a direction that stands between sentences; one inside a sentence
    ("Folks—[applause]—so") stays in it.
    """
    text = doc.text  # spaCy joins the tokens' text again on each read: once here, not once a part
    parts = find_transcript_parts(text)
    doc._.pt_transcript = [list(part) for part in parts]
    starts = _token_starts(doc) if parts else []
    for part in parts:
        if not stands_alone(text, part):
            continue
        after = part.label_end if part.kind == "turn" else part.end
        for point in (part.start, after):
            _start_sentence_at(doc, starts, point)
    return doc


def _start_sentence_at(doc: Doc, starts: list[int], point: int) -> None:
    """Start a sentence at the first word token at or after character ``point`` (not the doc's first).

    ``starts`` holds each token's character offset (:func:`_token_starts`).
    """
    index = bisect_right(starts, point - 1)
    while index < len(doc) and doc[index].is_space:
        index += 1
    if 0 < index < len(doc) and doc[index].idx >= point:
        doc[index].is_sent_start = True


def _token_starts(doc: Doc) -> list[int]:
    from spacy.attrs import IDX

    return doc.to_array([IDX]).ravel().tolist() if len(doc) else []
