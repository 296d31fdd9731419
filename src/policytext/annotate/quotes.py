"""Quotes with speaker attribution: direct, indirect (reported) and mixed speech.

The component works on a parsed doc:

1. quotation marks are paired (straight, curly, single, double and PTB ````…''``), across
   sentences and across paragraphs when each new paragraph reopens the quote;
2. every reporting verb ("say", "argue", "warn", …), every cue of the lexicon learned from
   PolNeAR train (``data/quote_cues.tsv``: "praised", "endorsed", "called", "refused", nouns such
   as "claim" or "criticism") and "according to" is found in the parse, with its subject (the
   speaker; a passive's agent; for a participle or a subjectless cue, the subject of the verb above
   it) and its content: its clause, else its infinitive, object (with what follows it) or
   prepositional object;
3. each marked quote takes the cue of its own sentence(s) (a clause around the whole quote first,
   then the nearest speech verb; a quote that closes its sentence with a full stop does not take
   the cue of the next one), a ``Name:`` or ``… said:`` lead-in, or continues the quote just
   before it (“A,” she said. “B.” is one quote); a reported clause that contains quoted words is
   *mixed*;
4. the other reports become candidates ("according to" first, then speech verbs, then learned
   cues), a report nested in another's content included; a body acting rather than speaking
   ("the Administration will propose legislation": an institution, no clause of its own) is not
   a quote; reported content leaves out date adjuncts of an object and a trailing aside after a
   comma (", including …", ", which …");
5. every candidate is scored by a logistic regression fitted on PolNeAR train
   (:mod:`policytext.annotate.quote_filter`, ``data/quote_filter.json``, rebuilt by ``python -m
   policytext.annotate.train_quote_filter``) over features read from the same parse (rule, cue
   lemma and rate, speaker type, what the cue governs, content length and shape, nesting); its
   probability is the confidence, and candidates below the threshold chosen by cross-validation
   on train are dropped.

Results are plain lists in ``doc._.pt_quotes`` so they cross process boundaries.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from policytext.annotate.quote_filter import (  # noqa: F401  (public names kept here too)
    QUOTE_FILTER_FILE,
    QuoteFilter,
    describe_candidate,
    load_quote_filter,
    mark_nesting,
)
from policytext.annotate.quote_lexicon import (  # noqa: F401
    CLAUSE_CUE_RATE_THRESHOLD,
    CUE_LEMMAS,
    CUE_LEXICON_FILE,
    CUE_RATE_THRESHOLD,
    FIRST_PERSON,
    INSTITUTIONS,
    PERSON_PRONOUNS,
    SPEAKER_NOUNS,
    SUBJECT_DEPS as _SUBJECT_DEPS,
    WEAK_CUES,
    load_cue_lexicon,
)

_OPENERS = {"“": "”", "‘": "’", "``": "''", "''": "''", "\"": "\"", "'": "'", "«": "»"}
_MARK = re.compile(r"``|''|[“”‘’\"'«»]")
_CONTENT_DEPS = {"ccomp", "xcomp", "parataxis", "advcl"}
_MIN_UNATTRIBUTED_WORDS = 8
_MIN_QUOTE_WORDS = 2
MIN_REPORT_WORDS = 1


@dataclass(frozen=True)
class QuoteMarks:
    """A pair of matching quotation marks: the content lies between ``start`` and ``end``."""

    open_start: int
    start: int
    end: int
    close_end: int


def find_quote_marks(text: str) -> list[QuoteMarks]:
    """Pair the quotation marks of ``text``; double marks first, single marks outside them.

    A quote left open at the end of a paragraph continues when the next paragraph opens with the
    same mark (the usual way to quote several paragraphs).

    Example:
        >>> [text[m.start:m.end] for text in ['He said “we will win” and left.'] for m in find_quote_marks(text)]
        ['we will win']
    """
    doubles = _pair_marks(text, ("“", "``", "''", "\"", "«"))
    covered = Spans((m.open_start, m.close_end) for m in doubles)
    singles = [m for m in _pair_marks(text, ("‘", "'")) if not covered.holds(m.open_start)]
    return sorted(doubles + singles, key=lambda m: m.open_start)


class Spans:
    """Character spans ``[start, end)``, merged and sorted, asked in O(log n) whether they hold a point.

    Pairing quotation marks and choosing chunk breaks ask this for every mark or paragraph break;
    a scan of every span each time made both quadratic in the length of the text.

    Example:
        >>> spans = Spans([(10, 20), (0, 5), (15, 30)])
        >>> spans.holds(17), spans.holds(30), spans.holds(17, strict=True)
        (True, False, True)
    """

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(spans):
            if self.ends and start < self.ends[-1]:  # overlapping; spans that only touch stay apart
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def holds(self, point: int, *, strict: bool = False) -> bool:
        """Return whether ``start <= point < end`` (``start < point < end`` when ``strict``) for a span."""
        index = bisect_right(self.starts, point) - 1
        if index < 0:
            return False
        if strict and self.starts[index] == point:
            # a span starting exactly here does not hold the point; an earlier merged one cannot
            return False
        return point < self.ends[index]


def _mark_role(text: str, start: int, end: int, mark: str) -> str | None:
    """Return "open", "close" or None (an apostrophe) for the mark at ``text[start:end]``."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if mark in ("“", "``", "«", "‘"):
        if mark == "‘" and before.isalnum():
            return None
        return "open"
    if mark in ("”", "»"):
        return "close"
    if mark == "''":
        # PTB text closes with '' and sometimes opens with it too (''We won,'' she said)
        opens = (before.isspace() or before in "([{—–-/") and not after.isspace() and after not in ".,;:!?"
        return "open" if opens else "close"
    if mark == "’":
        return None if after.isalnum() or (before.isalnum() and after in "s") else "close"
    # straight marks: open before a word, close after one
    if before.isalnum() and after.isalnum():
        return None  # don't, it's
    if (before.isspace() or before in "([{—–-/") and not after.isspace():
        return "open"
    if not before.isspace():
        return "close"
    return None


def _pair_marks(text: str, openers: tuple[str, ...]) -> list[QuoteMarks]:
    pairs: list[QuoteMarks] = []
    style_closers = {_OPENERS[o] for o in openers}
    current: tuple[str, int, int] | None = None  # (closer, open_start, content start)
    first_break: int | None = None  # where the current quote's first line break is, once looked up
    for match in _MARK.finditer(text):
        mark = match.group(0)
        if mark not in openers and mark not in style_closers:
            continue
        role = _mark_role(text, match.start(), match.end(), mark)
        if role is None:
            continue
        if role == "open" and mark in openers:
            if current is not None:
                # the first line break after the quote opened, found once per quote: searching the
                # whole stretch again at each reopening paragraph was quadratic in the quote's length
                if first_break is None:
                    first_break = text.find("\n", current[2], match.start())
                if first_break >= 0 and _at_paragraph_start(text, match.start()):
                    continue  # the quote goes on in a new paragraph
            current = (_OPENERS[mark], match.start(), match.end())
            first_break = None
        elif role == "close" and current is not None and mark == current[0]:
            start, end = current[2], match.start()
            if text[start:end].strip():
                pairs.append(QuoteMarks(current[1], start, end, match.end()))
            current = None
    return pairs


def _at_paragraph_start(text: str, index: int) -> bool:
    line_start = text.rfind("\n", 0, index) + 1
    return not text[line_start:index].strip()


@dataclass
class _Report:
    """A reporting construction: cue, speaker mention and content span (chars in the doc)."""

    cue: Token | None
    cue_text: str | None
    subject: Span | None
    start: int
    end: int
    kind: str = "indirect"


if not Doc.has_extension("pt_quotes"):
    Doc.set_extension("pt_quotes", default=None)


@Language.factory("policytext_quotes", default_config={"min_unattributed_words": _MIN_UNATTRIBUTED_WORDS})
def create_quotes(nlp: Language, name: str, min_unattributed_words: int) -> "QuoteFinder":
    """spaCy factory: find quotes and their speakers (``doc._.pt_quotes``)."""
    return QuoteFinder(min_unattributed_words=min_unattributed_words)


class QuoteFinder:
    """Pipeline component: set ``doc._.pt_quotes`` to a list of quote rows.

    Each row: ``[start, end, speaker, speaker_start, speaker_end, cue, kind, confidence]`` with
    character offsets into the doc's text; ``speaker`` is the fullest name the doc gives the
    speaker (pronouns resolved to the nearest person named before them), or None.
    """

    def __init__(self, *, min_unattributed_words: int = _MIN_UNATTRIBUTED_WORDS):
        self.min_unattributed_words = min_unattributed_words

    def __call__(self, doc: Doc) -> Doc:
        doc._.pt_quotes = extract_quote_rows(doc, min_unattributed_words=self.min_unattributed_words)
        return doc


def extract_quote_rows(doc: Doc, *, min_unattributed_words: int = _MIN_UNATTRIBUTED_WORDS,
                       quote_filter: "QuoteFilter | None | str" = "shipped") -> list[list]:
    """Return the quote rows of a parsed ``doc`` (see :class:`QuoteFinder`) that the filter keeps.

    Every candidate of :func:`extract_quote_candidates` is scored by the learned quote filter
    (``data/quote_filter.json``); its probability becomes the row's confidence, and candidates
    below the filter's threshold are dropped. Without a filter (no file, or ``quote_filter=None``)
    every candidate is kept with the rule-based confidence.

    Args:
        doc: a doc parsed by a trained pipeline (parser and NER).
        min_unattributed_words: a marked quote without any cue needs this many words.
        quote_filter: the filter to apply; by default the one shipped in the package.

    Returns:
        Quote rows ``[start, end, speaker, speaker_start, speaker_end, cue, kind, confidence]``.

    Example:
        >>> rows = extract_quote_rows(nlp("“We will win,” said Jo Bloggs."))  # doctest: +SKIP
        >>> rows[0][2], rows[0][6]  # doctest: +SKIP
        ('Jo Bloggs', 'direct')
    """
    if quote_filter == "shipped":
        quote_filter = load_quote_filter()
    rows = []
    for row, features in extract_quote_candidates(doc, min_unattributed_words=min_unattributed_words):
        if quote_filter is not None:
            probability = quote_filter.score(features)
            if probability < quote_filter.threshold:
                continue
            row[7] = round(probability, 3)
        rows.append(row)
    return rows


def extract_quote_candidates(doc: Doc, *, min_unattributed_words: int = _MIN_UNATTRIBUTED_WORDS
                             ) -> list[tuple[list, dict[str, float]]]:
    """Return every candidate quote row of a parsed ``doc`` with the features the filter scores.

    Args:
        doc: a doc parsed by a trained pipeline (parser and NER).
        min_unattributed_words: a marked quote without any cue needs this many words.

    Returns:
        ``(row, features)`` pairs in text order; ``row`` as in :class:`QuoteFinder` with the
        rule-based confidence, ``features`` a ``{name: value}`` dict (see :func:`describe_candidate`).

    Example:
        >>> [(row[6], f["origin=marked"]) for row, f in extract_quote_candidates(nlp("“We won,” said Jo."))]  # doctest: +SKIP
        [('direct', 1.0)]
    """
    _CACHED[:] = [doc, tuple(doc.ents), doc.text]  # read afresh: the doc may have changed since
    text = _text(doc)
    marks = [m for m in find_quote_marks(text) if len(text[m.start:m.end].split()) >= _MIN_QUOTE_WORDS]
    in_quote = _char_mask(len(text), [(m.open_start, m.close_end) for m in marks])
    reports = list(_find_reports(doc, in_quote))
    people = _person_mentions(doc)
    rows: list[list] = []
    origins: list[tuple[_Report | None, str]] = []
    used_reports: set[int] = set()
    previous: list | None = None
    previous_report: int | None = None
    for mark in marks:
        report_index = _report_for_quote(doc, mark, reports, in_quote)
        kind, confidence, origin = "direct", 0.9, "marked"
        report = reports[report_index] if report_index is not None else None
        if report is not None:
            used_reports.add(report_index)
            start, end = mark.start, mark.end
            if report.kind == "direct_colon" and report.start < mark.open_start - 1:
                start, end = min(report.start, mark.start), max(report.end, mark.end)
                origin = "marked_colon"
            elif report.start < mark.open_start - 3 and report.end >= mark.start and not (
                    report.start <= report.cue.idx < mark.open_start):
                # the reported clause has words of its own before the quoted ones: a mixed quote
                lead = text[report.start:mark.open_start].strip(" ,:;—–-")
                if len(lead.split()) >= 1 and "\n" not in lead:
                    start, end = report.start, max(report.end, mark.end)
                    kind, confidence, origin = "mixed", 0.8, "mixed_lead"
            elif mark.open_start - 3 <= report.start <= mark.start and report.end > mark.close_end and not (
                    mark.close_end <= report.cue.idx < report.end):
                # the quoted words open the reported clause, which goes on after them
                tail = text[mark.close_end:report.end].strip(" ,:;—–-")
                if len(tail.split()) >= 2 and "\n" not in tail:
                    end = report.end
                    kind, confidence, origin = "mixed", 0.8, "mixed_tail"
            if kind == "mixed" and _institution_acting(report):
                continue  # the Administration will propose measures and the "Eight Hour Laws"
            if previous is not None and report_index == previous_report and previous[1] <= start \
                    and _same_paragraph(text, previous[1], start) and len(text[previous[1]:start].split()) <= 8:
                previous[1] = max(previous[1], end)  # “A,” she said, “B.”: one quote of one cue
                continue
            row = _row(doc, start, end, report, kind, confidence, people)
            if rows and _overlap(rows[-1][0], rows[-1][1], row[0], row[1]) > 0.5:
                rows[-1][0], rows[-1][1] = min(rows[-1][0], row[0]), max(rows[-1][1], row[1])
                continue
            previous_report = report_index
        elif previous is not None and _continues(text, previous, mark):
            if previous[1] < mark.end and _same_paragraph(text, previous[1], mark.start):
                previous[1] = mark.end  # “A,” said X. “B” is one quote in two pieces
                continue
            row = [mark.start, mark.end] + previous[2:6] + ["direct", 0.6]
            report, origin = origins[-1][0], "continued"
        else:
            if len(text[mark.start:mark.end].split()) < min_unattributed_words:
                continue
            row = [mark.start, mark.end, None, None, None, None, "direct", 0.3]
            origin = "unattributed"
        rows.append(row)
        origins.append((report, origin))
        previous = row
    # "…, according to X" speaks for its whole sentence: it goes before the clauses inside it;
    # then speech verbs before the learned cues that may sit in their clauses
    order = sorted(range(len(reports)), key=lambda i: (reports[i].cue_text != "according to", _is_learned_cue(reports[i])))
    for index in order:
        report = reports[index]
        if index in used_reports:
            continue
        # a report nested in another's content stays a candidate of its own (PolNeAR counts both);
        # one that covers most of a candidate already found is the same attribution again
        if any(_overlap(report.start, report.end, r[0], r[1], of=max) > 0.5 for r in rows):
            continue
        if len(text[report.start:report.end].split()) < MIN_REPORT_WORDS:
            continue
        if _institution_acting(report):
            continue
        confidence = 0.7 if report.subject is not None else 0.4
        kind = "direct" if report.kind == "direct_colon" else report.kind
        end = _without_trailing_aside(doc, report.start, report.end) if kind == "indirect" else report.end
        rows.append(_row(doc, report.start, end, report, kind, confidence, people))
        origins.append((report, "report"))
    candidates = [(row, describe_candidate(doc, row, report, origin, in_quote, text=text))
                  for row, (report, origin) in zip(rows, origins)]
    mark_nesting(candidates)
    candidates.sort(key=lambda c: (c[0][0], c[0][1]))
    return candidates


def _row(doc: Doc, start: int, end: int, report: _Report | None, kind: str, confidence: float,
         people: list[Span]) -> list:
    text = _text(doc)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    speaker, sp_start, sp_end = None, None, None
    cue = report.cue_text if report is not None else None
    if report is not None and report.subject is not None:
        subject = report.subject
        sp_start, sp_end = subject.start_char, subject.end_char
        speaker = _resolve_speaker(subject, people)
        if speaker is None:
            confidence = min(confidence, 0.4)
        elif subject.root.lower_ in PERSON_PRONOUNS:
            confidence = round(confidence - 0.1, 2)
    return [start, end, speaker, sp_start, sp_end, cue, kind, confidence]


def _resolve_speaker(subject: Span, people: list[Span]) -> str | None:
    """Return the name behind a subject: its person entity, the person a pronoun refers to, or its text."""
    doc = subject.doc
    root = subject.root
    if root.lower_ in FIRST_PERSON:
        return doc.user_data.get("pt_speaker") or None
    if root.lower_ in PERSON_PRONOUNS or root.lower_ in {"they", "it"}:
        if root.lower_ in {"they", "it"}:
            return None
        before = [p for p in people if p.end_char <= subject.start_char]
        return before[-1].text if before else None
    for label in ("PERSON", "ORG", "NORP", "GPE"):
        for ent in _entities(doc):
            if ent.label_ == label and ent.start >= subject.start and ent.end <= subject.end:
                return ent.text
    # a noun phrase such as "the spokesman": keep the head and its compounds
    words = [t for t in subject if t.dep_ in ("compound", "amod") and t.head == root] + [root]
    return " ".join(t.text for t in sorted(words, key=lambda t: t.i)) if root.pos_ in ("NOUN", "PROPN") else None


_CACHED: list = [None, (), ""]  # the doc being read, its entities and its text


def _entities(doc: Doc) -> tuple[Span, ...]:
    """Return ``doc.ents``, built once per doc (spaCy builds new spans on every access)."""
    if _CACHED[0] is not doc:
        _CACHED[:] = [doc, tuple(doc.ents), doc.text]
    return _CACHED[1]


def _text(doc: Doc) -> str:
    """Return ``doc.text``, joined once per doc (spaCy joins the tokens on every access)."""
    if _CACHED[0] is not doc:
        _CACHED[:] = [doc, tuple(doc.ents), doc.text]
    return _CACHED[2]


def _person_mentions(doc: Doc) -> list[Span]:
    return [ent for ent in _entities(doc) if ent.label_ == "PERSON"]


def _char_mask(length: int, ranges: list[tuple[int, int]]) -> bytearray:
    mask = bytearray(length)
    for start, end in ranges:
        mask[start:end] = b"\x01" * (end - start)
    return mask


def _find_reports(doc: Doc, in_quote: bytearray) -> Iterator[_Report]:
    """Yield every reporting construction outside quotation marks, sentence by sentence."""
    lexicon = load_cue_lexicon(threshold=CLAUSE_CUE_RATE_THRESHOLD)
    for sent in doc.sents:
        colon = _colon_lead(sent, in_quote)
        if colon is not None:
            yield colon
        for token in sent:
            if in_quote[token.idx] if token.idx < len(in_quote) else False:
                continue
            if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
                report = _according_to(sent, token, in_quote)
                if report is not None:
                    yield report
                continue
            if token.pos_ == "NOUN":
                if (token.lemma_.lower(), "NOUN") in lexicon:
                    report = _nominal_report(token)
                    if report is not None:
                        yield report
                continue
            if token.pos_ not in ("VERB", "AUX"):
                continue
            lemma = token.lemma_.lower()
            known = lemma in CUE_LEMMAS
            rate = lexicon.get((lemma, "VERB"))
            if not known and (rate is None or rate < CUE_RATE_THRESHOLD
                              and not any(c.dep_ == "ccomp" for c in token.children)):
                continue  # a rarer cue counts only with a clause of its own ("knows that …")
            subject = _subject_of(token)
            if subject is not None and not _can_speak(subject, token):
                continue
            if subject is None:
                # "Asked about …", "… was widely reported": an attribution without a named source
                content = _content_of(token, sent, None, in_quote)
                if content is not None and (known or (rate or 0) >= CUE_RATE_THRESHOLD):
                    yield _Report(token, _cue_text(token), _governing_subject(token), content[0], content[1])
                continue
            content = _content_of(token, sent, subject, in_quote)
            if content is None:
                if not known:
                    continue
                content = (token.idx, token.idx)  # "“…,” he said.": the cue of a marked quote only
            start, end = content
            yield _Report(token, _cue_text(token), subject, start, end)


def _can_speak(subject: Span, cue: Token) -> bool:
    """True when a subject can report speech with this cue.

    Speech verbs ("say", "tell", "argue") accept any noun phrase; verbs of thought and evidence
    ("believe", "show") need a named entity, a personal pronoun or a speaker-like noun.
    """
    root = subject.root
    if root.lower_ in {"there", "what"}:
        return False
    if root.lower_ in {"it", "that", "this", "which"} and cue.lemma_.lower() not in CUE_LEMMAS:
        return False  # "it said" can be a body speaking; "it approved the budget" is not a report
    if root.pos_ == "PRON" or root.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or root.pos_ == "PROPN":
        return True
    if cue.lemma_.lower() not in WEAK_CUES and root.pos_ in ("NOUN", "NUM"):
        return True
    return root.lemma_.lower() in SPEAKER_NOUNS


def _governing_subject(cue: Token) -> Span | None:
    """Return the subject of the nearest verb above a cue that has none ("Asked about it, she replied")."""
    for ancestor in cue.ancestors:
        for child in ancestor.children:
            if child.dep_ in _SUBJECT_DEPS and child.i != cue.i and not cue.is_ancestor(child):
                return _trim_subject(child)
    return None


def _subject_of(cue: Token) -> Span | None:
    for child in cue.children:
        if child.dep_ == "agent":  # "was reported by MSNBC"
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return _trim_subject(objects[0])
    for child in cue.children:
        if child.dep_ in _SUBJECT_DEPS:
            if child.lower_ in ("who", "that", "which") and cue.dep_ == "relcl":
                return _trim_subject(cue.head)  # "Smith, who said …"
            return _trim_subject(child)
    if (cue.dep_ in ("conj", "xcomp") or cue.dep_ == "advcl" and cue.tag_ in ("VBG", "VBN")) and cue.head.pos_ in ("VERB", "AUX"):
        # "… and warned", "… vowed to say", "…, saying that": the subject of the verb it hangs on
        for child in cue.head.children:
            if child.dep_ in _SUBJECT_DEPS:
                return _trim_subject(child)
    return None


def _trim_subject(head: Token) -> Span:
    """Return the subject's span without relative clauses or appositions that run on."""
    doc = head.doc
    left = head.left_edge.i
    right = head.i
    for child in head.rights:
        if child.dep_ in ("compound", "flat") and child.i == right + 1:
            right = child.i
        elif child.dep_ == "appos" and child.right_edge.i < head.head.i:
            right = child.right_edge.i  # "The minister, Tom Harris, said"
    for ent in _entities(doc):
        if ent.start <= head.i < ent.end:
            right = max(right, ent.end - 1)
            left = min(left, ent.start)
    while left < right and doc[left].is_punct:
        left += 1
    while right > left and doc[right].dep_ == "case":
        right -= 1  # "Jane Smith's claim": the speaker is Jane Smith
    return doc[left:right + 1]


def _content_of(cue: Token, sent: Span, subject: Span, in_quote: bytearray) -> tuple[int, int] | None:
    """Return the char span of what the cue reports: its clause, or the sentence around a parenthetical."""
    doc = cue.doc
    lemma = cue.lemma_.lower()
    clauses = [c for c in cue.children if c.dep_ == "ccomp" or (c.dep_ == "xcomp" and lemma in _DIRECTIVE_CUES)]
    if not clauses and lemma in _PREPOSITION_CUES:
        # "called for more flexibility", "warned against cuts": the object of the preposition
        clauses = [obj for prep in cue.children if prep.dep_ == "prep" and prep.lower_ in _PREPOSITION_CUES[lemma]
                   for obj in prep.children if obj.dep_ in ("pobj", "pcomp")][:1]
        if clauses:
            clauses += [c for c in cue.children if c.i > clauses[0].i and c.dep_ in ("prep", "xcomp", "advcl")
                        and not any(g.dep_ in _SUBJECT_DEPS for g in c.children)]
    if not clauses:
        clauses = _object_of(cue, subject)
    if clauses:
        left = min(c.left_edge.i for c in clauses)
        right = max(c.right_edge.i for c in clauses)
        if doc[left].lower_ == "that" and left < right:
            left += 1
        while right > left and doc[right].is_punct and doc[right].text not in "’”'\"":
            right -= 1
        return doc[left].idx, doc[right].idx + len(doc[right])
    if cue.dep_ in ("parataxis", "ccomp") and cue.head.i != cue.i and cue.head.pos_ in ("VERB", "AUX"):
        # "The public sector, he says, must …" and "…, said X.": the content is the head's clause
        head = cue.head
        tokens = [t for t in head.subtree if not (cue.left_edge.i <= t.i <= cue.right_edge.i)]
        tokens = [t for t in tokens if not t.is_punct or t.text in "’”'\""]
        if not tokens:
            return None
        return tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    return None


def _object_of(cue: Token, subject: Span) -> list[Token]:
    """Return the tokens heading what a cue without a clause reports: its infinitive, object or preposition.

    "refused to comment", "endorsed Cruz", "described the field as very good", "spoke about the
    economy"; and for a passive cue ("was reported by MSNBC") its passive subject.
    """
    children = list(cue.children)
    lemma = cue.lemma_.lower()
    xcomps = [c for c in children if c.dep_ == "xcomp" and c.i > cue.i and lemma != "continue"]
    if xcomps:
        # "declined to comment" reports no words: an infinitive needs more than itself
        return xcomps[:1] if xcomps[0].right_edge.i - xcomps[0].left_edge.i >= 2 else []
    objects = [c for c in children if c.dep_ in ("dobj", "dative") and c.i > cue.i]
    if objects:
        head = objects[0]
        predicates = [c for c in children if c.dep_ in ("oprd", "ccomp") and c.i > head.i]
        if predicates:  # "called him a political opportunist", "called Trump “unhinged”"
            return [head] + predicates[:1]
        if head.pos_ != "PRON" and not (lemma in _ADDRESSEE_CUES and (head.pos_ == "PROPN" or head.ent_type_)):
            # "praised the efforts of Kerry to find a solution", "showed Trump with 31 percent"
            tail = [c for c in children if c.i > head.i and c.dep_ in ("prep", "xcomp", "oprd")
                    and not any(g.dep_ in _SUBJECT_DEPS for g in c.children) and not _is_time_adjunct(c)]
            return [head] + tail
    preps = [c for c in children if c.dep_ == "prep" and c.i > cue.i and c.lower_ in _ABOUT_PREPOSITIONS]
    for prep in preps:
        objects = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
        if objects:
            tail = [c for c in children if c.i > prep.i and c.dep_ in ("prep", "xcomp", "advcl")
                    and not any(g.dep_ in _SUBJECT_DEPS for g in c.children)]
            return objects[:1] + tail
    passive = [c for c in children if c.dep_ == "nsubjpass"]
    if passive and any(c.dep_ == "agent" for c in children):
        return passive
    return []


def _without_trailing_aside(doc: Doc, start: int, end: int) -> int:
    """Return where reported content ends before a trailing aside the reporter adds after a comma.

    ", including …", ", according to …" and ", which …"/", who …" clauses at the end of a report
    are most often the writer's own words (PolNeAR train leaves them out of the content).
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return end
    for token in span[3:]:
        left = token.left_edge.i
        if not (span.start + 3 <= left and doc[left - 1].text in (",", "—", "–") and token.head.i < token.i):
            continue
        if not (token.dep_ == "prep" and token.tag_ == "VBG" or token.dep_ == "relcl"):
            continue
        if token.right_edge.i >= span.end - 2 and span.start <= token.head.i:
            before = doc[left - 2]
            return before.idx + len(before)
    return end


def _is_time_adjunct(token: Token) -> bool:
    """True for "on Tuesday", "in recent years": a preposition whose object is a date or time."""
    return token.dep_ == "prep" and any(c.dep_ == "pobj" and c.ent_type_ in ("DATE", "TIME") for c in token.children)


def _nominal_report(cue: Token) -> _Report | None:
    """A noun cue: "his claim that …", "Trump's criticism of Clinton", "a statement saying …".

    The speaker is the noun's possessor, or the subject of the verb it is the object of
    ("Trump made the claim that …"); the content is its clause or its "of/about" object.
    """
    doc = cue.doc
    content = [c for c in cue.children if c.dep_ in ("acl", "ccomp", "relcl") and c.i > cue.i
               and (c.dep_ != "relcl" or any(g.lower_ == "that" and g.dep_ == "mark" for g in c.children))]
    if not content:
        content = [o for prep in cue.children if prep.dep_ == "prep" and prep.i > cue.i
                   and prep.lower_ in ("of", "about", "on", "against", "for", "to")
                   for o in prep.children if o.dep_ in ("pobj", "pcomp")][:1]
    if not content:
        return None
    subject = None
    owners = [c for c in cue.children if c.dep_ == "poss"]
    if owners:
        subject = _trim_subject(owners[0])
    elif cue.dep_ == "dobj" and cue.head.pos_ == "VERB":
        subject = _subject_of(cue.head)
    if subject is None or subject.root.lower_ in ("its", "their", "it", "they"):
        return None
    left = min(c.left_edge.i for c in content)
    right = max(c.right_edge.i for c in content)
    if doc[left].lower_ == "that" and left < right:
        left += 1
    while right > left and doc[right].is_punct:
        right -= 1
    return _Report(cue, cue.text, subject, doc[left].idx, doc[right].idx + len(doc[right]))


_ADDRESSEE_CUES = frozenset("tell ask inform remind assure answer email text write call".split())
"""Cues whose named object is the person addressed ("told The Huffington Post"), not what was said."""
_ABOUT_PREPOSITIONS = frozenset("about on to for against of over with".split())
_DIRECTIVE_CUES = frozenset("urge promise vow pledge threaten ask tell warn call encourage order demand".split())
"""Cues whose infinitive is what was said: "vowed to take the fight to 35 states"."""
_PREPOSITION_CUES = {"call": {"for", "on"}, "warn": {"against", "of", "about"}, "argue": {"for", "against"},
                     "appeal": {"for", "to"}, "press": {"for"}, "push": {"for"}, "ask": {"for", "about"}}


def _according_to(sent: Span, token: Token, in_quote: bytearray) -> _Report | None:
    doc = token.doc
    to = doc[token.i + 1]
    objects = [c for c in to.children if c.dep_ == "pobj"]
    if not objects:
        return None
    source = objects[0]
    subject = doc[source.left_edge.i:source.right_edge.i + 1]
    phrase_start, phrase_end = token.i, max(source.right_edge.i, to.right_edge.i, token.right_edge.i)
    rest = [t for t in sent if not (phrase_start <= t.i <= phrase_end) and not t.is_punct]
    if len(rest) < 3:
        return None
    return _Report(token, "according to", subject, rest[0].idx, rest[-1].idx + len(rest[-1]))


def _colon_lead(sent: Span, in_quote: bytearray) -> _Report | None:
    """``Hancock: Local leaders must …`` — a name and a colon at the start of a paragraph."""
    doc = sent.doc
    tokens = [t for t in sent if not t.is_space]
    if len(tokens) < 2:
        return None
    colon = next((t for t in tokens[:6] if t.text == ":"), None)
    if colon is None or in_quote[colon.idx] or colon.i == tokens[0].i:
        return None
    lead = doc[tokens[0].i:colon.i]
    if any(t.pos_ in ("VERB", "AUX") for t in lead):
        return None  # "Smith said:" is a cue of its own
    if not any(ent.label_ in ("PERSON", "ORG") and ent.start >= lead.start and ent.end <= lead.end for ent in _entities(doc)):
        return None  # "Editor’s Note:", "UPDATE:" and headings are not speakers
    if not _at_paragraph_start(_text(doc), tokens[0].idx):
        return None
    after = [t for t in sent if t.i > colon.i and not t.is_space]
    if not after:
        # "FALLIN:" on its own, as in a transcript: the words are the rest of the paragraph
        first = next((t for t in doc[colon.i + 1:] if not t.is_space), None)
        if first is None:
            return None
        paragraph_end = _text(doc).find("\n", first.idx)
        paragraph_end = len(_text(doc)) if paragraph_end < 0 else paragraph_end
        after = [t for t in doc[colon.i + 1:] if not t.is_space and t.idx < paragraph_end]
        if len(after) < 3 or "\n\n" in _text(doc)[colon.idx:after[0].idx]:
            return None
    elif len(tokens) < 4:
        return None
    end_token = after[-1]
    return _Report(colon, ":", lead, after[0].idx, end_token.idx + len(end_token), kind="direct_colon")


def _cue_text(cue: Token) -> str:
    particles = [c.text for c in cue.children if c.dep_ == "prt"]
    return " ".join([cue.text] + particles)


def _report_for_quote(doc: Doc, mark: QuoteMarks, reports: list[_Report], in_quote: bytearray) -> int | None:
    """Return the index of the report that introduces a marked quote, or None."""
    text = _text(doc)
    best, best_distance = None, None
    for index, report in enumerate(reports):
        if report.cue is None:
            continue
        cue_start = report.cue.idx
        if mark.start <= cue_start < mark.end:
            continue
        # the report's content covers the quote, or the cue sits in the quote's sentence(s)
        covers = report.start <= mark.end and report.end >= mark.start
        if cue_start < mark.open_start:
            gap = text[cue_start:mark.open_start + 1]
            near = "\n\n" not in gap and (len(gap) < 200 and _no_sentence_end(gap) or gap[:-1].rstrip().endswith(":"))
        else:
            gap = text[mark.close_end:cue_start]
            # “… the state.” She noted …: a full stop inside the marks ends the sentence
            near = "\n" not in gap and len(gap) < 60 and _no_sentence_end(gap) and not _ends_sentence(text, mark)
        if not (covers or near):
            continue
        distance = abs(cue_start - (mark.open_start if cue_start < mark.open_start else mark.close_end))
        if report.cue.lemma_.lower() not in CUE_LEMMAS and report.cue.text != ":":
            distance += 150  # a speech verb a little further off beats a learned cue ("pointing out")
        if covers and report.start <= mark.open_start and report.end >= mark.end:
            # a clause around the whole quote: the outermost one says whose words they are
            distance = -(report.end - report.start)
        if best_distance is None or distance < best_distance:
            best, best_distance = index, distance
    return best


_SENTENCE_END = re.compile(r"[.!?](?:''|[”’\"'])?\s+(?:``|''|[A-Z“‘\"'])")


def _no_sentence_end(gap: str) -> bool:
    return not _SENTENCE_END.search(gap)


def _institution_acting(report: _Report) -> bool:
    """True when a body acts rather than speaks: "Congress renewed the Act", "the Administration will propose …".

    The speaker is one of :data:`INSTITUTIONS` and the cue reports no clause of its own: "the
    Treasury said borrowing rose" is speech, "the Administration will propose legislation" an act.
    On PolNeAR train dropping these costs less than 0.001 F1 (news reports bodies' acts as
    attributions too); in State of the Union addresses they were the most quoted "speakers".
    """
    subject, cue = report.subject, report.cue
    if subject is None or cue is None or report.cue_text in (":", "according to") or report.kind != "indirect":
        return False
    if subject.root.lemma_.lower() not in INSTITUTIONS:
        return False
    if any(c.dep_ in ("ccomp", "parataxis") for c in cue.children) or cue.dep_ in ("parataxis", "ccomp"):
        return False
    return True


def _is_learned_cue(report: _Report) -> bool:
    """True when a report's cue is only in the learned lexicon, not a verb of speech ("promoting", "sought")."""
    return report.cue is not None and report.cue_text not in (":", "according to") and report.cue.lemma_.lower() not in CUE_LEMMAS


def _ends_sentence(text: str, mark: QuoteMarks) -> bool:
    """True when a quote closes its sentence: a full stop before the closing mark, a capital after it."""
    after = text[mark.close_end:mark.close_end + 3].lstrip()
    return text[mark.start:mark.end].rstrip().endswith(".") and after[:1].isupper()


def _continues(text: str, previous: list, mark: QuoteMarks) -> bool:
    """True when a quote without a cue follows an attributed one closely (same speaker goes on)."""
    if previous[2] is None:
        return False
    gap = text[previous[1]:mark.open_start]
    return len(gap) < 250 and gap.count("\n\n") <= 1


def _same_paragraph(text: str, start: int, end: int) -> bool:
    return "\n" not in text[start:end]


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int, *, of=min) -> float:
    """Return the shared characters of two spans over the shorter one (``of=max``: the longer one)."""
    inter = max(0, min(a_end, b_end) - max(a_start, b_start))
    return inter / max(1, of(a_end - a_start, b_end - b_start))
