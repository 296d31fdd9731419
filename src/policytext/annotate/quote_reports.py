"""Reporting constructions: a cue ("said", "according to", a learned cue, ``Name:``), its speaker mention and its content.

The second stage of the quote finder (:mod:`policytext.annotate.quotes`): every reporting verb,
every cue of the lexicon learned from PolNeAR train (``data/quote_cues.tsv``) and "according to"
is found in the parse, with its subject (the speaker mention; a passive's agent; for a participle
or a subjectless cue, the subject of the verb above it) and its content: its clause, else its
infinitive, object (with what follows it) or prepositional object. Who the mention is, is the
speaker-resolution stage's question (:mod:`policytext.annotate.speakers`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from spacy.attrs import DEP, IDX, LEMMA, LOWER, ORTH, POS
from spacy.symbols import ADJ as ADJ_POS, AUX as AUX_POS, NOUN as NOUN_POS, VERB as VERB_POS, acomp as ACOMP_DEP
from spacy.tokens import Doc, Span, Token

from policytext.annotate.quote_lexicon import (
    CLAUSE_CUE_RATE_THRESHOLD,
    CUE_LEMMAS,
    CUE_RATE_THRESHOLD,
    INSTITUTIONS,
    SPEAKER_NOUNS,
    SUBJECT_DEPS as _SUBJECT_DEPS,
    WEAK_CUES,
    load_cue_lexicon,
)
from policytext.annotate.quote_marks import QuoteMarks, at_paragraph_start, ends_sentence, no_sentence_end


@dataclass(frozen=True)
class DocView:
    """One parsed doc with its text and entities read once (spaCy rebuilds both on every access).

    Built per doc by the quote finder and passed to every helper that needs them, so no module
    state remembers the last doc.
    """

    doc: Doc
    text: str
    ents: tuple[Span, ...]

    @classmethod
    def of(cls, doc: Doc) -> "DocView":
        """Return the view of ``doc`` as it is now."""
        return cls(doc, doc.text, tuple(doc.ents))


@dataclass(frozen=True)
class Report:
    """A reporting construction: cue, speaker mention and content span (chars in the doc).

    ``kind`` is "indirect" for a reporting verb or noun and "direct_colon" for a ``Name:`` lead-in.
    """

    cue: Token | None
    cue_text: str | None
    subject: Span | None
    start: int
    end: int
    kind: str = "indirect"


@dataclass(frozen=True)
class ReportRules:
    """Switches of which reports the finder reads, chosen by cross-validation (:mod:`policytext.evaluation.quote_folds`).

    Args:
        passive_content: a cue in the passive with no agent ("The House is expected to pass the
            bill", "the island was known as the Poorhouse of the Caribbean") reports its passive
            subject: the subject is part of what is attributed, not the speaker, who is unnamed.
            Off: the passive subject is taken for the speaker and only the complement is content.
        stop_at_next_report: reported content ends before a clause inside it that is headed by
            a speech verb of its own, joined by a conjunction or as an adverbial ("said the former
            president had made a good case, while other voters said they had not …", "said A and
            said that B"): that clause is another attribution, not this one's words.
        evidence_subjects: a verb of thought or evidence (:data:`WEAK_CUES`: "suggest", "show",
            "find", "fear" …) whose subject is a common noun that is not a speaker ("Two past
            elections suggest that …", "early ratings data suggests …") reports its clause, with
            that noun phrase as the source (a description, never a person's name). Off: the
            subject is refused as no speaker and nothing is read.
        keep_distinct_reports: a report whose content covers most of a candidate already found
            is kept when that candidate came from another cue and the two cues' own contents
            share no character (:func:`policytext.annotate.quotes._distinct`). Off: it is dropped
            as the same attribution read again.
        attitudes: the schemes (:data:`~policytext.annotate.quote_rows.SCHEMES`) under which an
            adjective of the cue lexicon after a copula ("are opposed to electing Trump", "is
            confident that the bill will pass", "were eager to move on") reports its clause,
            infinitive or prepositional object, with the copula's subject as the source
            (:func:`_attitude_report`): an attitude is an attribution in PolNeAR's wide reading,
            not speech. Empty: adjectives are never cues.
    """

    passive_content: bool = False
    stop_at_next_report: bool = False
    evidence_subjects: bool = False
    keep_distinct_reports: bool = False
    attitudes: tuple[str, ...] = ()


DEFAULT_REPORT_RULES = ReportRules(attitudes=("attribution",))
"""The shipped rules: attitudes under the `attribution` scheme, chosen by every fold and on all articles of
ggt-dev and PolNeAR train (docs/evaluation.md, ninth round); the other switches off."""

Trace = Callable[[Token, str], None]
"""Told where the finder stopped with each cue it looked at: ``trace(cue, event)`` (:data:`TRACE_EVENTS`)."""
TRACE_EVENTS = ("read", "rare cue without a clause", "subject refused", "no content read", "noun, no report read",
                "adjective, no report read", "according to, no report read", "dropped as overlapping", "dropped as too short",
                "dropped as a body acting")
"""What a trace is told: a report read, or why a cue gave none (:func:`find_reports`) or its report was
dropped (:func:`policytext.annotate.quotes.extract_quote_candidates`)."""


def char_mask(length: int, ranges: list[tuple[int, int]]) -> bytearray:
    """Return one byte per character of the text: 1 inside any of ``ranges``, else 0."""
    mask = bytearray(length)
    for start, end in ranges:
        mask[start:end] = b"\x01" * (end - start)
    return mask



def find_reports(view: DocView, in_quote: bytearray, rules: ReportRules = DEFAULT_REPORT_RULES,
                 trace: Trace | None = None, *, scheme: str = "attribution") -> Iterator[Report]:
    """Yield every reporting construction outside quotation marks, sentence by sentence (``rules``: :class:`ReportRules`).

    ``scheme`` is what counts as a quote (:data:`~policytext.annotate.quote_rows.SCHEMES`): some
    rules read reports under one scheme only (:attr:`ReportRules.attitudes`).

    ``trace`` (off by default; for the error reading of :mod:`policytext.evaluation.quote_errors`)
    is told, for each cue looked at, the report read or where the finder stopped (:data:`Trace`).
    """
    doc, ents = view.doc, view.ents
    lexicon = load_cue_lexicon(threshold=CLAUSE_CUE_RATE_THRESHOLD)
    cues, colons = _cue_positions(doc, in_quote, lexicon, adjectives=scheme in rules.attitudes)
    at, colon_at = 0, 0
    for sent in doc.sents:
        while colon_at < len(colons) and colons[colon_at] < sent.start:
            colon_at += 1
        if colon_at < len(colons) and colons[colon_at] < sent.end:  # both lead-ins need a colon in the sentence
            colon = _colon_lead(sent, in_quote, view) or _colon_before_quote(sent, in_quote, ents)
            if colon is not None:
                yield colon
        while at < len(cues) and cues[at] < sent.start:
            at += 1
        while at < len(cues) and cues[at] < sent.end:
            token = doc[cues[at]]
            at += 1
            single: tuple[Report | None, str] | None = None  # a cue read by a rule of its own, and why it gave none
            if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
                single = _according_to(sent, token, in_quote), "according to, no report read"
            elif token.pos_ == "ADJ":
                rate = lexicon.get((token.lemma_.lower(), "ADJ"), 0.0)
                if rate < CUE_RATE_THRESHOLD and not any(c.dep_ == "ccomp" for c in token.children):
                    if trace is not None:
                        trace(token, "rare cue without a clause")
                    continue  # as for verbs: "is likely to win" only with a clause of its own
                single = _attitude_report(token, ents, in_quote), "adjective, no report read"
            elif token.pos_ == "NOUN":
                single = _nominal_report(token, ents), "noun, no report read"
            if single is not None:
                report, missing = single
                if trace is not None:
                    trace(token, "read" if report is not None else missing)
                if report is not None:
                    yield report
                continue
            lemma = token.lemma_.lower()
            known = lemma in CUE_LEMMAS
            rate = lexicon.get((lemma, "VERB"))
            if not known and (rate is None or rate < CUE_RATE_THRESHOLD
                              and not any(c.dep_ == "ccomp" for c in token.children)):
                if trace is not None:
                    trace(token, "rare cue without a clause")
                continue  # a rarer cue counts only with a clause of its own ("knows that …")
            if rules.passive_content:
                passive = _passive_report(token)
                if passive is not None:
                    if trace is not None:
                        trace(token, "read")
                    yield passive
                    continue
            subject = _subject_of(token, ents)
            if subject is not None and not _can_speak(subject, token):
                evidence = _evidence_report(token, subject, sent, in_quote, rules) if rules.evidence_subjects else None
                if trace is not None:
                    trace(token, "read" if evidence is not None else "subject refused")
                if evidence is not None:
                    yield evidence
                continue
            if subject is None:
                # "Asked about …", "… was widely reported": an attribution without a named source
                content = _content_of(token, sent, None, in_quote, rules)
                found = content is not None and (known or (rate or 0) >= CUE_RATE_THRESHOLD)
                if trace is not None:
                    trace(token, "read" if found else "no content read")
                if found:
                    yield Report(token, _cue_text(token), _governing_subject(token, ents), content[0], content[1])
                continue
            content = _content_of(token, sent, subject, in_quote, rules)
            if content is None:
                if not known:
                    if trace is not None:
                        trace(token, "no content read")
                    continue
                content = (token.idx, token.idx)  # "“…,” he said.": the cue of a marked quote only
            start, end = content
            if trace is not None:
                trace(token, "read")
            yield Report(token, _cue_text(token), subject, start, end)


def _cue_positions(doc: Doc, in_quote: bytearray, lexicon: dict[tuple[str, str], float], *,
                   adjectives: bool = False) -> tuple[list[int], list[int]]:
    """Return the token indices :func:`find_reports` looks at closer, and those of the colons.

    Outside quotation marks: "according" before "to", a noun of the cue lexicon, a verb or
    auxiliary that is a speech verb or in the lexicon; with ``adjectives``, an adjective of the
    lexicon after a copula (``acomp``). Read from attribute arrays, each distinct
    lemma looked up once, so no token object is made for the many words that cannot be a cue
    (building them was most of the finder's time).
    """
    strings = doc.vocab.strings
    idx, pos, lemma, lower, orth, dep = (column.tolist() for column in doc.to_array([IDX, POS, LEMMA, LOWER, ORTH, DEP]).T)
    according, to, colon = strings["according"], strings["to"], strings[":"]
    kinds: dict[tuple[int, int], bool] = {}  # (part of speech, lemma) -> a cue of the lexicon, each looked up once
    length, masked = len(idx), len(in_quote)
    cues = []
    for i in range(length):
        if idx[i] < masked and in_quote[idx[i]]:
            continue
        if lower[i] == according and i + 1 < length and lower[i + 1] == to:
            cues.append(i)
            continue
        part = pos[i]
        if part != NOUN_POS and part != VERB_POS and part != AUX_POS and not (
                adjectives and part == ADJ_POS and dep[i] == ACOMP_DEP):
            continue
        key = (part if part == NOUN_POS or part == ADJ_POS else VERB_POS, lemma[i])
        known = kinds.get(key)
        if known is None:
            word = strings[lemma[i]].lower()
            known = kinds[key] = ((word, "NOUN") in lexicon if part == NOUN_POS
                                  else (word, "ADJ") in lexicon if part == ADJ_POS
                                  else word in CUE_LEMMAS or (word, "VERB") in lexicon)
        if known:
            cues.append(i)
    return cues, [i for i in range(length) if orth[i] == colon]


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


def _evidence_report(cue: Token, subject: Span, sent: Span, in_quote: bytearray, rules: ReportRules) -> Report | None:
    """A verb of thought or evidence whose subject is a thing, with a clause: "Two past elections suggest that …".

    :func:`_can_speak` refuses such a subject as no speaker; PolNeAR counts the evidence as the
    source. Read only with a clausal complement (not "the data show Trump with 31 percent"), and
    only for a common noun that is not a person's name or a pronoun.
    """
    root = subject.root
    if cue.lemma_.lower() not in WEAK_CUES or root.pos_ != "NOUN" or root.ent_type_ == "PERSON":
        return None
    if not any(c.dep_ == "ccomp" for c in cue.children):
        return None
    content = _content_of(cue, sent, subject, in_quote, rules)
    if content is None:
        return None
    return Report(cue, _cue_text(cue), subject, content[0], content[1])


def _governing_subject(cue: Token, ents: tuple[Span, ...]) -> Span | None:
    """Return the subject of the nearest verb above a cue that has none ("Asked about it, she replied")."""
    for ancestor in cue.ancestors:
        for child in ancestor.children:
            if child.dep_ in _SUBJECT_DEPS and child.i != cue.i and not cue.is_ancestor(child):
                return _trim_subject(child, ents)
    return None


def _subject_of(cue: Token, ents: tuple[Span, ...]) -> Span | None:
    for child in cue.children:
        if child.dep_ == "agent":  # "was reported by MSNBC"
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return _trim_subject(objects[0], ents)
    for child in cue.children:
        if child.dep_ in _SUBJECT_DEPS and not _is_addressed(child, cue):
            if child.lower_ in ("who", "that", "which") and cue.dep_ == "relcl":
                return _trim_subject(cue.head, ents)  # "Smith, who said …"
            return _trim_subject(child, ents)
    if (cue.dep_ in ("conj", "xcomp") or cue.dep_ == "advcl" and cue.tag_ in ("VBG", "VBN")) and cue.head.pos_ in ("VERB", "AUX"):
        # "… and warned", "… vowed to say", "…, saying that": the subject of the verb it hangs on
        for child in cue.head.children:
            if child.dep_ in _SUBJECT_DEPS:
                return _trim_subject(child, ents)
    return None


def _is_addressed(subject: Token, cue: Token) -> bool:
    """Return True for a subject that ends in a colon before the cue: those addressed, not the speaker.

    "Madam Speaker, Vice President Biden, Members of Congress …: Our Constitution declares …":
    the parser may take the opening vocatives for the subject of the verb after the colon.
    """
    return subject.i < cue.i and any(
        child.text == ":" and child.dep_ == "punct" and child.i < cue.i for child in subject.rights)


def _trim_subject(head: Token, ents: tuple[Span, ...]) -> Span:
    """Return the subject's span without relative clauses or appositions that run on."""
    doc = head.doc
    left = head.left_edge.i
    right = head.i
    for child in head.rights:
        if child.dep_ in ("compound", "flat") and child.i == right + 1:
            right = child.i
        elif child.dep_ == "appos" and child.right_edge.i < head.head.i:
            right = child.right_edge.i  # "The minister, Tom Harris, said"
    for ent in ents:
        if ent.start <= head.i < ent.end:
            right = max(right, ent.end - 1)
            left = min(left, ent.start)
    while left < right and doc[left].is_punct:
        left += 1
    while right > left and doc[right].dep_ == "case":
        right -= 1  # "Jane Smith's claim": the speaker is Jane Smith
    return doc[left:right + 1]


def _passive_report(cue: Token) -> Report | None:
    """A passive cue without an agent: its passive subject and complement are the content, the speaker unnamed.

    "The House is expected to pass a bill", "Sanders was declared the winner", "the island was
    known as ''the Poorhouse of the Caribbean''"; None when the cue is not such a passive or has no
    complement after it ("He was charged." reports nothing).
    """
    children = list(cue.children)
    subjects = [c for c in children if c.dep_ == "nsubjpass" and c.i < cue.i]
    if not subjects or any(c.dep_ == "agent" for c in children) or not any(c.dep_ == "auxpass" for c in children):
        return None
    if subjects[0].lower_ in ("who", "which", "that"):
        return None  # "the bill, which is expected to pass": the relative pronoun's antecedent is outside
    complements = [c for c in children if c.i > cue.i and c.dep_ in ("xcomp", "oprd", "ccomp", "prep", "advcl")]
    if not complements:
        return None
    doc = cue.doc
    left = subjects[0].left_edge.i
    right = max(c.right_edge.i for c in complements)
    while right > left and doc[right].is_punct and doc[right].text not in "’”'\"":
        right -= 1
    if right - left < 3:
        return None
    return Report(cue, _cue_text(cue), None, doc[left].idx, doc[right].idx + len(doc[right]))


def _before_next_report(doc: Doc, left: int, right: int) -> int:
    """Return where content [left, right] ends before a conjoined or adverbial clause headed by a speech verb of its own."""
    for token in doc[left + 3:right + 1]:
        if token.dep_ not in ("conj", "advcl") or token.pos_ not in ("VERB", "AUX") \
                or token.lemma_.lower() not in CUE_LEMMAS:
            continue
        cut = token.left_edge.i - 1
        while cut > left and (doc[cut].is_punct or doc[cut].dep_ in ("cc", "mark")):
            cut -= 1
        if cut - left >= 2:
            return cut
    return right


def _content_of(cue: Token, sent: Span, subject: Span, in_quote: bytearray,
                rules: ReportRules = DEFAULT_REPORT_RULES) -> tuple[int, int] | None:
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
        if rules.stop_at_next_report:
            right = _before_next_report(doc, left, right)
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


def without_trailing_aside(doc: Doc, start: int, end: int) -> int:
    """Return where reported content ends before a trailing aside the reporter adds after a comma.

    ", including …", ", according to …" and ", which …"/", who …" clauses at the end of a report
    are most often the writer's own words (PolNeAR train leaves them out of the content).
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return end
    for token in span[3:]:
        if not (token.dep_ == "prep" and token.tag_ == "VBG" or token.dep_ == "relcl"):
            continue  # tested first: it is cheaper than the left edge
        left = token.left_edge.i
        if not (span.start + 3 <= left and doc[left - 1].text in (",", "—", "–") and token.head.i < token.i):
            continue
        if token.right_edge.i >= span.end - 2 and span.start <= token.head.i:
            before = doc[left - 2]
            return before.idx + len(before)
    return end


def _is_time_adjunct(token: Token) -> bool:
    """True for "on Tuesday", "in recent years": a preposition whose object is a date or time."""
    return token.dep_ == "prep" and any(c.dep_ == "pobj" and c.ent_type_ in ("DATE", "TIME") for c in token.children)


def _attitude_report(cue: Token, ents: tuple[Span, ...], in_quote: bytearray) -> Report | None:
    """An adjective of the lexicon after a copula: "are so vehemently opposed to electing Trump", "is confident that …".

    The source is the copula's subject (a person, body or speaker-like noun, as for a verb of
    thought: not "it" in "it is unclear whether", not "the plan" in "the plan is likely to pass");
    a rarer adjective (under :data:`CUE_RATE_THRESHOLD`) needs a clause of its own; the content is the adjective's clause, else its
    infinitive, else the object of its first preposition, with two words at least ("opposed to
    it" reports nothing a reader could check).
    """
    copula = cue.head
    if cue.dep_ != "acomp" or copula.pos_ not in ("AUX", "VERB") or copula.i == cue.i:
        return None
    subject = _subject_of(copula, ents)
    if subject is None or not _can_speak(subject, cue):
        return None
    if subject.root.pos_ in ("NOUN", "NUM") and subject.root.lemma_.lower() not in SPEAKER_NOUNS:
        return None  # "The plan is likely to …", "Trade is critical to …": a thing holds no attitude
    children = list(cue.children)
    heads = [c for c in children if c.dep_ == "ccomp" and c.i > cue.i][:1] \
        or [c for c in children if c.dep_ == "xcomp" and c.i > cue.i][:1] \
        or [o for prep in children if prep.dep_ == "prep" and prep.i > cue.i
            for o in prep.children if o.dep_ in ("pobj", "pcomp")][:1]
    if not heads:
        return None
    doc = cue.doc
    left, right = heads[0].left_edge.i, heads[0].right_edge.i
    if doc[left].lower_ == "that" and left < right:
        left += 1
    while right > left and doc[right].is_punct and doc[right].text not in "’”'\"":
        right -= 1
    if right - left < 1 or in_quote[doc[left].idx]:
        return None
    return Report(cue, f"{copula.text} {cue.text}", subject, doc[left].idx, doc[right].idx + len(doc[right]))


def _nominal_report(cue: Token, ents: tuple[Span, ...]) -> Report | None:
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
        subject = _trim_subject(owners[0], ents)
    elif cue.dep_ == "dobj" and cue.head.pos_ == "VERB":
        subject = _subject_of(cue.head, ents)
    if subject is None or subject.root.lower_ in ("its", "their", "it", "they"):
        return None
    left = min(c.left_edge.i for c in content)
    right = max(c.right_edge.i for c in content)
    if doc[left].lower_ == "that" and left < right:
        left += 1
    while right > left and doc[right].is_punct:
        right -= 1
    return Report(cue, cue.text, subject, doc[left].idx, doc[right].idx + len(doc[right]))


_ADDRESSEE_CUES = frozenset("tell ask inform remind assure answer email text write call".split())
"""Cues whose named object is the person addressed ("told The Huffington Post"), not what was said."""
_ABOUT_PREPOSITIONS = frozenset("about on to for against of over with".split())
_DIRECTIVE_CUES = frozenset("urge promise vow pledge threaten ask tell warn call encourage order demand".split())
"""Cues whose infinitive is what was said: "vowed to take the fight to 35 states"."""
_PREPOSITION_CUES = {"call": {"for", "on"}, "warn": {"against", "of", "about"}, "argue": {"for", "against"},
                     "appeal": {"for", "to"}, "press": {"for"}, "push": {"for"}, "ask": {"for", "about"}}


def _according_to(sent: Span, token: Token, in_quote: bytearray) -> Report | None:
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
    return Report(token, "according to", subject, rest[0].idx, rest[-1].idx + len(rest[-1]))


def _colon_lead(sent: Span, in_quote: bytearray, view: DocView) -> Report | None:
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
    if not any(ent.label_ in ("PERSON", "ORG") and ent.start >= lead.start and ent.end <= lead.end for ent in view.ents):
        return None  # "Editor’s Note:", "UPDATE:" and headings are not speakers
    if not at_paragraph_start(view.text, tokens[0].idx):
        return None
    after = [t for t in sent if t.i > colon.i and not t.is_space]
    if not after:
        # "FALLIN:" on its own, as in a transcript: the words are the rest of the paragraph
        first = next((t for t in doc[colon.i + 1:] if not t.is_space), None)
        if first is None:
            return None
        paragraph_end = view.text.find("\n", first.idx)
        paragraph_end = len(view.text) if paragraph_end < 0 else paragraph_end
        after = [t for t in doc[colon.i + 1:] if not t.is_space and t.idx < paragraph_end]
        if len(after) < 3 or "\n\n" in view.text[colon.idx:after[0].idx]:
            return None
    elif len(tokens) < 4:
        return None
    end_token = after[-1]
    return Report(colon, ":", lead, after[0].idx, end_token.idx + len(end_token), kind="direct_colon")


def _colon_before_quote(sent: Span, in_quote: bytearray, ents: tuple[Span, ...]) -> Report | None:
    """``The Chancellor, Ann Lee, was clear: “…”`` — a clause about a named speaker, a colon, then a quote.

    No verb of speech, so no other rule sees it; the speaker is the subject of the clause before
    the colon, and must be a person or a body (not "The result was clear: …").
    """
    doc = sent.doc
    for colon in sent:
        if colon.text != ":" or in_quote[colon.idx] or colon.i + 1 >= len(doc):
            continue
        after = doc[colon.i + 1]
        if not (after.idx < len(in_quote) and in_quote[after.idx]):
            continue
        # the clause before the colon (the parser may hang it under the quote's verb)
        verbs = [t for t in doc[sent.start:colon.i] if t.pos_ in ("VERB", "AUX")
                 and any(c.dep_ in _SUBJECT_DEPS for c in t.children)]
        if not verbs or any(t.lemma_.lower() in CUE_LEMMAS for t in doc[sent.start:colon.i] if t.pos_ == "VERB"):
            return None  # "Jane Smith said: …" is the speech verb's
        subject = _subject_of(verbs[0], ents)
        if subject is None or not any(ent.label_ in ("PERSON", "ORG") and ent.start >= subject.start and
                                      ent.end <= subject.end for ent in ents):
            return None
        return Report(colon, ":", subject, after.idx, after.idx, kind="direct_colon")
    return None


def _cue_text(cue: Token) -> str:
    particles = [c.text for c in cue.children if c.dep_ == "prt"]
    return " ".join([cue.text] + particles)

def report_for_quote(text: str, mark: QuoteMarks, reports: list[Report], *,
                     sentence_stops: tuple[str, ...] = (".",)) -> int | None:
    """Return the index of the report that introduces a marked quote, or None.

    A cue after the quote introduces it only when the quote does not close its sentence: with one
    of ``sentence_stops`` inside its marks and a capital after them (:func:`ends_sentence`).
    """
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
            near = "\n\n" not in gap and (len(gap) < 200 and no_sentence_end(gap) or gap[:-1].rstrip().endswith(":"))
            if not near and gap[:-1].rstrip().endswith(":") and len(gap) < 200:
                # "Skills Minister Jane Smith said:" and the quote as the next paragraph (UK press
                # releases): only blank lines between the colon and the opening mark
                lead = gap[:-1].rstrip()
                near = "\n" not in lead and no_sentence_end(lead)
        else:
            gap = text[mark.close_end:cue_start]
            # “… the state.” She noted …: a full stop inside the marks ends the sentence
            near = "\n" not in gap and len(gap) < 60 and no_sentence_end(gap) and not ends_sentence(text, mark, sentence_stops)
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



def institution_acting(report: Report) -> bool:
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


def is_learned_cue(report: Report) -> bool:
    """True when a report's cue is only in the learned lexicon, not a verb of speech ("promoting", "sought")."""
    return report.cue is not None and report.cue_text not in (":", "according to") and report.cue.lemma_.lower() not in CUE_LEMMAS

