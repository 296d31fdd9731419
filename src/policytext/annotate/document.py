"""One document through the pipeline: paragraph chunks in, typed records with document offsets out.

Long documents are cut into chunks of whole paragraphs (never inside a quotation that runs over
several paragraphs), each chunk is parsed on its own, and :func:`assemble_annotation` shifts every
offset by the chunk's start so that it points into the document's text again, then resolves names
across the whole document: speakers whose antecedent lies in another chunk ("she said" three
paragraphs after the woman was named) are looked up again in the whole document's mention table
(:class:`~policytext.annotate.speaker_mentions.MentionTable`).
"""
from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import IO, Any, Iterator

from policytext.annotate.entities import PeopleNames, resolve_person, strip_person_name, with_title_before
from policytext.annotate.quote_marks import Spans, find_quote_marks
from policytext.annotate.quote_rows import quote_text
from policytext.annotate.quotes import QuoteRow
from policytext.annotate.speaker_mentions import THING_NOUNS, MentionTable
from policytext.annotate.speakers import DOCUMENT_NOUNS, carry_speaker, resolve_first_name, resolve_in_document
from policytext.annotate.transcript import PartSpans, transcript_parts
from policytext.lemma_stream import lemma_stream
from policytext.records import SIDED_KINDS, Claim, Entity, Quote, Sentence

DEFAULT_CHUNK_CHARS = 3000
"""Chunks hold whole paragraphs up to about this many characters (a long paragraph is its own chunk,
cut at sentence ends only when it passes ``4 ×`` this)."""

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n(?=\s*[“\"‘'`A-Z•\-*])")
_SENTENCE_END = re.compile(r"[.!?][”’\"')\]]*\s+")
_FIRST_PERSON = {"i", "we", "me", "us", "my", "our"}
_FIRST_PERSON_SINGULAR = {"i", "me", "my"}


def split_chunks(text: str, *, max_chars: int = DEFAULT_CHUNK_CHARS) -> list[tuple[int, int]]:
    """Return ``(start, end)`` chunks of ``text``: whole paragraphs, about ``max_chars`` each.

    The chunks cover the text without gaps or overlaps, so ``text[start:end]`` of each, joined,
    gives the text back. A break is never made inside a quotation that spans paragraphs.

    Example:
        >>> split_chunks("One.\\n\\nTwo.\\n\\nThree.", max_chars=8)
        [(0, 6), (6, 12), (12, 18)]
    """
    if len(text) <= max_chars:
        return [(0, len(text))] if text else []
    protected = Spans((m.open_start, m.close_end) for m in find_quote_marks(text)
                      if text.find("\n", m.start, m.end) >= 0)
    breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(text) if not protected.holds(m.end(), strict=True)]
    chunks, start, last_break = [], 0, 0
    for point in breaks + [len(text)]:
        if point - start > max_chars and last_break > start:
            chunks.append((start, last_break))
            start = last_break
        last_break = point
    chunks.append((start, len(text)))
    result = []
    for start, end in chunks:
        result.extend(_split_long(text, start, end, max_chars * 4))
    return [(s, e) for s, e in result if e > s]


def _split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut a chunk longer than ``limit`` at sentence ends (or spaces), keeping memory bounded."""
    pieces = []
    while end - start > limit:
        window = text[start:start + limit]
        cuts = [m.end() for m in _SENTENCE_END.finditer(window)]
        cut = cuts[-1] if cuts and cuts[-1] > limit // 2 else (window.rfind(" ") + 1 or limit)
        pieces.append((start, start + cut))
        start += cut
    pieces.append((start, end))
    return pieces


@dataclass
class ChunkResult:
    """What the pipeline found in one chunk, offsets already shifted into the document."""

    sentences: list[tuple[int, int]]
    entities: list[list[Any]]
    quotes: list[QuoteRow]
    claims: list[list[Any]]
    lemmas: list[str]
    mentions: dict[str, Any] | None = None  # the speaker mention table (MentionTable.as_data), shifted


def read_chunk(doc: Any, offset: int) -> ChunkResult:
    """Return the annotations of a processed chunk ``doc`` with offsets shifted by ``offset``.

    A sentence that is wholly a transcript's part (:mod:`policytext.annotate.transcript`: a stage
    direction, a speaker's label, another speaker's turn) is no sentence of the document: a search
    of sentences cited "Four more years!" and "Boo!" as the president's words. The document's text
    keeps them; none of their words is in the lemma stream.
    """
    parts = transcript_parts(doc)
    # doc.text joins every token's text again: read only where there are parts (few documents)
    text = doc.text if parts else ""
    spans = PartSpans(parts, text) if parts else None
    sentences = [(s.start_char + offset, s.end_char + offset) for s in _non_blank_sentences(doc)
                 if not (spans and spans.covers(s.start_char, s.end_char))]
    entities = [[a + offset, b + offset, label, text, name] for a, b, label, text, name in (doc._.pt_entities or [])
                if "\n" not in text]
    # rows from spaCy's worker processes come back as plain lists (msgpack keeps no tuple types)
    quotes = [QuoteRow(*row).shifted(offset) for row in doc._.pt_quotes or []]
    claims = [[a + offset, b + offset, score, types, [[t, s + offset, e + offset] for t, s, e in triggers]]
              for a, b, score, types, triggers in (doc._.pt_claims or [])]
    mentions = doc._.pt_mentions
    if mentions is not None and offset:
        mentions = MentionTable.from_data(mentions, offset).as_data()
    lemmas = lemma_stream(doc, leave_out=spans)
    return ChunkResult(sentences, entities, quotes, claims, lemmas, mentions)


def _non_blank_sentences(doc: Any) -> Iterator[Any]:
    """Yield the sentences of ``doc`` that hold more than white space.

    A sentence's text is blank exactly when each of its tokens is white space (``is_space``), which
    one attribute array says without building the text of every sentence.
    """
    from spacy.attrs import IS_SPACE

    words = doc.to_array(IS_SPACE) == 0
    for sentence in doc.sents:
        if words[sentence.start:sentence.end].any():
            yield sentence


@dataclass
class DocumentAnnotation:
    """Every record annotation produced for one document."""

    doc_id: str
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    lemmas: list[str] = field(default_factory=list)


SPILL_AFTER_CHUNKS = 64
"""A document keeps this many chunk results (about 190,000 characters) in memory; past it they go to
a temporary file until the document is written, so memory does not grow with document length."""


class DocumentChunks:
    """The chunk results of one document as they arrive, and its records once every chunk is in.

    Names are counted as each chunk arrives (resolving a person's name needs the whole document);
    the results themselves stay in memory for a short document and are spilled to a temporary JSON
    Lines file, written and read only by this process, for a long one. :meth:`records` then yields
    each chunk's records in order. Use as a context manager, or call :meth:`close`.

    ``other_language`` is the document's stored language when it is not the pipeline's (see
    :func:`policytext.spacy_model.other_language`): an English parse of Arabic finds an "ORG" in
    each Arabic comma and quotes in nothing, so such a document keeps its sentences (and lemmas),
    which search needs, and no entities, quotes or claims.

    Example:
        >>> with DocumentChunks("d", "Hi.") as parts:
        ...     parts.add(ChunkResult([(0, 3)], [], [], [], ["hi"]))
        ...     [r.sentences[0].text for r in parts.records()]
        ['Hi.']
    """

    def __init__(self, doc_id: str, text: str, *, speaker: str | None = None, kind: str | None = None,
                 keep_in_memory: int | None = None, other_language: str | None = None):
        self.doc_id = doc_id
        self.other_language = other_language
        self.text = text
        self.speaker = speaker
        self.kind = kind
        self.keep_in_memory = SPILL_AFTER_CHUNKS if keep_in_memory is None else keep_in_memory
        self.chunks = 0
        self._people: Counter = Counter()
        self._person_texts: set[str] = set()
        self._names = PeopleNames()  # every person mention's surface, with its titles
        self._bodies: set[str] = set()
        self._held: list[ChunkResult] = []
        self._mentions = MentionTable()
        self._spill: IO[str] | None = None

    def __enter__(self) -> "DocumentChunks":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Drop the held results and delete the spill file, if any."""
        self._held = []
        if self._spill is not None:
            self._spill.close()  # a TemporaryFile has no name to remove: closing deletes it
            self._spill = None

    def add(self, chunk: ChunkResult) -> None:
        """Take the next chunk's results (chunks arrive in document order)."""
        if self.other_language:
            chunk = replace(chunk, entities=[], quotes=[], claims=[], mentions=None)
        for start, _, label, surface, name in chunk.entities:
            if label == "PERSON":
                self._people[strip_person_name(name)] += 1
                self._person_texts.update((surface, name))
                self._names.add(with_title_before(self.text, start, surface), at=start)
            elif label == "ORG":
                self._bodies.add(name)
        if chunk.mentions:
            self._mentions.join(MentionTable.from_data(chunk.mentions))
        self.chunks += 1
        self._held.append(chunk)
        if self._spill is not None or len(self._held) > self.keep_in_memory:
            self._spill_held()

    def _spill_held(self) -> None:
        if self._spill is None:
            self._spill = tempfile.TemporaryFile("w+", encoding="utf-8", prefix="policytext-chunks-")
        for held in self._held:
            # the mention table is already joined into the document's: it need not be kept
            self._spill.write(json.dumps([held.sentences, held.entities, held.quotes, held.claims, held.lemmas],
                                         separators=(",", ":")))
            self._spill.write("\n")
        self._held = []

    def _results(self) -> Iterator[ChunkResult]:
        if self._spill is not None:
            self._spill.flush()
            self._spill.seek(0)
            for line in self._spill:
                sentences, entities, quotes, claims, lemmas = json.loads(line)
                yield ChunkResult([tuple(s) for s in sentences], entities, [QuoteRow(*q) for q in quotes], claims, lemmas)
        yield from self._held

    def records(self) -> Iterator[DocumentAnnotation]:
        """Yield the records of each chunk in order (sentence indexes run on across chunks).

        Person names are normalised over the whole document (and the document's ``speaker``). In a
        speech (``kind == "speech"``), the speaker's own words are not quotes: quotes whose speaker
        is "I"/"we", the speaker, or unknown are dropped; the people the speaker quotes are kept.
        """
        people = Counter(self._people)
        if self.speaker:
            people[strip_person_name(self.speaker)] += 0
        speaker_core = strip_person_name(self.speaker) if self.speaker else None
        names = self._names
        if self.speaker:
            names.add(self.speaker, count=0)
        sentence_index = 0
        previous: QuoteRow | None = None
        mentions = self._mentions
        if self.chunks > 1:
            mentions.finish_document()
        for chunk in self._results():
            if chunk.quotes:
                # a speaker whose antecedent may be in another chunk is looked up in the whole
                # document's table; a quote at the start of a chunk may continue the last one before
                quotes = []
                for row in chunk.quotes:
                    if self.chunks > 1:
                        row = resolve_in_document(row, mentions)
                    previous = carry_speaker(row, previous, self.text)
                    quotes.append(previous)
                chunk = replace(chunk, quotes=quotes)
            part = _chunk_records(self.doc_id, self.text, chunk, people=people, names=names, person_texts=self._person_texts,
                                  bodies=self._bodies, speaker=self.speaker, speaker_core=speaker_core,
                                  kind=self.kind, first_sentence=sentence_index)
            sentence_index += len(part.sentences)
            yield part


def assemble_annotation(doc_id: str, text: str, chunks: list[ChunkResult], *, speaker: str | None = None,
                        kind: str | None = None, other_language: str | None = None) -> DocumentAnnotation:
    """Join chunk results into one document's records, resolving names across the document.

    The whole document's records in one object: fine for texts held in memory (``extract``);
    annotating a corpus writes :meth:`DocumentChunks.records` chunk by chunk instead.
    """
    result = DocumentAnnotation(doc_id)
    with DocumentChunks(doc_id, text, speaker=speaker, kind=kind, keep_in_memory=len(chunks),
                        other_language=other_language) as parts:
        for chunk in chunks:
            parts.add(chunk)
        for part in parts.records():
            result.sentences.extend(part.sentences)
            result.entities.extend(part.entities)
            result.quotes.extend(part.quotes)
            result.claims.extend(part.claims)
            result.lemmas.extend(part.lemmas)
    return result


def _chunk_records(doc_id: str, text: str, chunk: ChunkResult, *, people: Counter, names: PeopleNames, person_texts: set[str],
                   bodies: set[str], speaker: str | None, speaker_core: str | None, kind: str | None,
                   first_sentence: int) -> DocumentAnnotation:
    """Return one chunk's records, its names resolved against the whole document's."""
    result = DocumentAnnotation(doc_id, lemmas=list(chunk.lemmas))
    for start, end in chunk.sentences:
        result.sentences.append(Sentence(doc_id, first_sentence + len(result.sentences), start, end, text[start:end]))
    for start, end, label, surface, name in chunk.entities:
        full = resolve_person(strip_person_name(name), names, with_title_before(text, start, surface),
                              at=start) if label == "PERSON" else name
        result.entities.append(Entity(doc_id, start, end, label, surface, full))
    for row in chunk.quotes:
        if row.speaker is not None:
            row = _described_thing(row, text)
        start, end, name, sp_start, sp_end = row.start, row.end, row.speaker, row.speaker_start, row.speaker_end
        if name is not None and (name in person_texts or _looks_like_person_name(name)):
            mention = with_title_before(text, sp_start, text[sp_start:sp_end]) if sp_start is not None else ""
            name = resolve_person(strip_person_name(name), names, mention, at=sp_start) or None
            if name is not None:
                name = resolve_first_name(name, people)  # "Michael" for "Michael Greenspan"
        resolved_by = row.resolved_by
        if name is None and speaker and kind in SIDED_KINDS and sp_start is not None \
                and text[sp_start:sp_end].lower() in _FIRST_PERSON_SINGULAR:
            # a debate speech's "I said to the Minister, '…'": the member who speaks ("we" may be a party)
            name, resolved_by = speaker, "pronoun"
        if kind == "speech":
            # the speaker's own words are not quotes; nor are "Americans believe…" asides:
            # keep what named people and bodies said
            mention = text[sp_start:sp_end].lower() if sp_start is not None else ""
            if name is None or mention in _FIRST_PERSON or _same_person(name, speaker_core):
                continue
            if name not in people and name not in bodies:
                continue
        result.quotes.append(Quote(doc_id, start, end, quote_text(text, start, end, row.left_out), name, sp_start, sp_end, row.cue,
                                   row.kind, float(row.confidence), resolved_by=resolved_by,
                                   speaker_mention=None if sp_start is None else text[sp_start:sp_end],
                                   scheme=row.scheme, speaker_role=row.speaker_role))
    # A quote is found within one chunk, so the quote around a claim's sentence is one of this chunk's.
    for start, end, score, types, triggers in chunk.claims:
        said_by = next((q.speaker for q in result.quotes if q.start <= start and end <= q.end + 2), None)
        if said_by is None and kind == "speech":
            said_by = speaker
        result.claims.append(Claim(doc_id, start, end, text[start:end], float(score), tuple(types),
                                   tuple((t, s, e) for t, s, e in triggers), said_by))
    return result


_MENTION_WORD = re.compile(r"[\w%]+")
AUTHORED_NOUNS = DOCUMENT_NOUNS | frozenset("report study survey poll research analysis review".split())
"""Things someone writes or makes public: the owner the text names speaks through them ("HMIC’s study")."""
_OWNER = re.compile(r"^(?:the\s+)?(?P<owner>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,4})['’]s?\s+(?:[\w-]+\s+){0,3}[\w-]+$",
                    re.IGNORECASE)


def _described_thing(row: QuoteRow, text: str) -> QuoteRow:
    """Return the row with a described speaker that is a number or a thing checked (``speech`` scheme).

    Only descriptions (resolved by ``role``) under the ``speech`` scheme; the mention ends at its
    head noun. A number is no speaker ("only 38% agreed" gave "% of people"): the quote gets none.
    A thing described ("Hancock’s record suggests", "Official figures show", "the study found") is
    no speaker a journalist cites: the quote keeps the words as its ``speaker_mention`` and gets no
    speaker, so it is never counted or cited as a person's. A document whose owner the text names
    is the owner's ("HMIC’s study revealed" is HMIC's); a thing named as such ("the Bill says",
    "Amendment 293") keeps its name. Under ``attribution`` (PolNeAR's reading, where evidence is a
    source) rows are left as they are.

    >>> row = QuoteRow(0, 5, "study into the use of stop", 10, 22, "revealed", "indirect", 0.8, "role", "speech")
    >>> _described_thing(row, "0123456789HMIC’s study revealed").speaker
    'HMIC'
    >>> _described_thing(row._replace(speaker="record"), "0123456789Lee’s record revealed").speaker is None
    True
    """
    if row.scheme != "speech" or row.resolved_by != "role" or row.speaker_start is None or row.speaker_end is None:
        return row
    mention = text[row.speaker_start:row.speaker_end].strip()
    words = _MENTION_WORD.findall(mention)
    if not words:
        return row
    head = words[-1].lower()
    if any(c.isdigit() for c in head):
        return row._replace(speaker=None, resolved_by="none", speaker_role=None)
    if not (head in THING_NOUNS or head.rstrip("s") in THING_NOUNS):
        return row
    if words[-1][:1].isupper():  # "the Bill says": a document named, as the text names it
        if row.speaker.casefold() != mention.casefold() and not row.speaker.casefold().startswith(mention.casefold() + " "):
            return row._replace(speaker=mention)
        return row
    owner = _OWNER.match(mention)
    if owner is not None and (head in AUTHORED_NOUNS or head.rstrip("s") in AUTHORED_NOUNS) \
            and all(w[:1].isupper() for w in owner.group("owner").split()):
        return row._replace(speaker=owner.group("owner"), resolved_by="name", speaker_role=None)
    return row._replace(speaker=None, resolved_by="none", speaker_role=None)


def _looks_like_person_name(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() for w in words)


def _same_person(name: str | None, speaker_core: str | None) -> bool:
    if not name or not speaker_core:
        return False
    return name.split()[-1].lower() == speaker_core.split()[-1].lower()
