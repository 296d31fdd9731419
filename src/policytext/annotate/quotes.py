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
   then the nearest speech verb; a quote that closes its sentence with a full stop, or under
   ``speech`` a question or exclamation mark, does not take the cue of the next one), a ``Name:``
   or ``… said:`` lead-in, or continues the quote just
   before it (“A,” she said. “B.” is one quote under ``attribution``; under ``speech`` only one
   sentence its tag interrupts, “A,” she said, “b.”, is); a reported clause that contains quoted
   words is *mixed*;
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

The stages live in their own modules: quotation marks (:mod:`~policytext.annotate.quote_marks`),
reporting constructions (:mod:`~policytext.annotate.quote_reports`), speaker resolution
(:mod:`~policytext.annotate.speakers`) and the learned filter
(:mod:`~policytext.annotate.quote_filter`); this module joins them into rows and is the spaCy
component. Results are :class:`QuoteRow` named tuples in ``doc._.pt_quotes``: typed, and still
compact when pickled across worker processes.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from policytext.annotate.quote_rows import DEFAULT_SCHEME, SCHEMES, QuoteRow, check_scheme  # noqa: F401
from policytext.annotate.quote_filter import (  # noqa: F401  (public names kept here too)
    QUOTE_FILTER_FILE,
    QUOTE_FILTER_FILES,
    QuoteFilter,
    describe_candidate,
    load_quote_filter,
    mark_nesting,
    parse_columns,
)
from policytext.annotate.quote_lexicon import (  # noqa: F401
    CLAUSE_CUE_RATE_THRESHOLD,
    CUE_LEMMAS,
    CUE_LEXICON_FILE,
    CUE_RATE_THRESHOLD,
    PERSON_PRONOUNS,
    load_cue_lexicon,
)
from policytext.annotate.quote_marks import QuoteMarks, Spans, find_quote_marks  # noqa: F401
from policytext.annotate.quote_reports import (
    DEFAULT_REPORT_RULES,
    DocView,
    ReportRules,
    Report,
    Trace,
    char_mask,
    find_reports,
    institution_acting,
    is_learned_cue,
    report_for_quote,
    without_trailing_aside,
)
from policytext.annotate.speakers import DEFAULT_SPEAKER_SETTINGS, Speaker, SpeakerResolver, SpeakerSettings, carry_speaker

_MIN_UNATTRIBUTED_WORDS = 8
_MIN_QUOTE_WORDS = 2
MIN_REPORT_WORDS = 1


if not Doc.has_extension("pt_quotes"):
    Doc.set_extension("pt_quotes", default=None)
if not Doc.has_extension("pt_mentions"):
    # the doc's people, roles, bodies and pending speaker mentions (MentionTable.as_data), which the
    # document's resolution joins across chunks
    Doc.set_extension("pt_mentions", default=None)


@Language.factory("policytext_quotes",
                  default_config={"min_unattributed_words": _MIN_UNATTRIBUTED_WORDS, "scheme": DEFAULT_SCHEME})
def create_quotes(nlp: Language, name: str, min_unattributed_words: int, scheme: str) -> "QuoteFinder":
    """spaCy factory: find quotes and their speakers (``doc._.pt_quotes``) under a scheme (:data:`SCHEMES`)."""
    return QuoteFinder(min_unattributed_words=min_unattributed_words, scheme=scheme)


class QuoteFinder:
    """Pipeline component: set ``doc._.pt_quotes`` to a list of :class:`QuoteRow`."""

    def __init__(self, *, min_unattributed_words: int = _MIN_UNATTRIBUTED_WORDS, scheme: str = DEFAULT_SCHEME):
        self.min_unattributed_words = min_unattributed_words
        self.scheme = check_scheme(scheme)

    def __call__(self, doc: Doc) -> Doc:
        doc._.pt_quotes = extract_quote_rows(doc, min_unattributed_words=self.min_unattributed_words,
                                             scheme=self.scheme)
        return doc


def extract_quote_rows(doc: Doc, *, min_unattributed_words: int = _MIN_UNATTRIBUTED_WORDS,
                       scheme: str = DEFAULT_SCHEME, quote_filter: "QuoteFilter | None | str" = "shipped",
                       speakers: SpeakerSettings = DEFAULT_SPEAKER_SETTINGS,
                       report_rules: ReportRules = DEFAULT_REPORT_RULES) -> list[QuoteRow]:
    """Return the quote rows of a parsed ``doc`` (see :class:`QuoteFinder`) that the scheme's filter keeps.

    Every candidate of :func:`extract_quote_candidates` is scored by the learned quote filter of
    the scheme (:data:`QUOTE_FILTER_FILES`); its probability becomes the row's confidence, and
    candidates below the filter's threshold are dropped. With ``quote_filter=None`` every candidate
    is kept with the rule-based confidence; a missing shipped filter raises
    :class:`~policytext.errors.PackageDataMissing`.

    Args:
        doc: a doc parsed by a trained pipeline (parser and NER).
        min_unattributed_words: a marked quote without any cue needs this many words.
        scheme: what counts as a quote (:data:`SCHEMES`); each row records it.
        quote_filter: the filter to apply; by default the scheme's, shipped in the package.
        speakers: how speaker resolution reads first names (:class:`SpeakerSettings`).
        report_rules: which reporting constructions the finder reads (:class:`ReportRules`).

    Returns:
        :class:`QuoteRow` s in text order.

    Example:
        >>> rows = extract_quote_rows(nlp("“We will win,” said Jo Bloggs."))  # doctest: +SKIP
        >>> rows[0].speaker, rows[0].kind  # doctest: +SKIP
        ('Jo Bloggs', 'direct')
    """
    if quote_filter == "shipped":
        quote_filter = load_quote_filter(QUOTE_FILTER_FILES[check_scheme(scheme)])
    rows: list[QuoteRow] = []
    text = ""
    for row, features in extract_quote_candidates(doc, min_unattributed_words=min_unattributed_words, scheme=scheme,
                                                  speakers=speakers, report_rules=report_rules):
        row = row._replace(scheme=scheme)
        if quote_filter is not None:
            probability = quote_filter.score(features)
            if probability < quote_filter.threshold:
                continue
            row = row._replace(confidence=round(probability, 3))
        if row.speaker is None and rows:
            text = text or doc.text
            row = carry_speaker(row, rows[-1], text)
        rows.append(row)
    return rows


def extract_quote_candidates(doc: Doc, *, min_unattributed_words: int = _MIN_UNATTRIBUTED_WORDS,
                             scheme: str = "attribution", speakers: SpeakerSettings = DEFAULT_SPEAKER_SETTINGS,
                             report_rules: ReportRules = DEFAULT_REPORT_RULES,
                             trace: Trace | None = None) -> list[tuple[QuoteRow, dict[str, float]]]:
    """Return every candidate quote row of a parsed ``doc`` with the features the filter scores.

    Args:
        doc: a doc parsed by a trained pipeline (parser and NER).
        min_unattributed_words: a marked quote without any cue needs this many words.
        scheme: ``attribution`` joins the pieces of one quote around its cue (“A,” she said,
            “B.” is one quote, as PolNeAR counts); ``speech`` keeps each marked piece a quote of
            its own with the same speaker, as journalists (and ggt) count them, except one sentence
            its tag interrupts (“A,” she said, “b.”): one quote, the tag in ``left_out``.
        trace: told where the finder stopped with each cue (:data:`~policytext.annotate.quote_reports.Trace`;
            off by default, for :mod:`policytext.evaluation.quote_errors`).

    Returns:
        ``(row, features)`` pairs in text order; ``row`` as in :class:`QuoteFinder` with the
        rule-based confidence, ``features`` a ``{name: value}`` dict (see :func:`describe_candidate`).

    Example:
        >>> [(row.kind, f["origin=marked"]) for row, f in extract_quote_candidates(nlp("“We won,” said Jo."))]  # doctest: +SKIP
        [('direct', 1.0)]
    """
    view = DocView.of(doc)
    text = view.text
    marks = [m for m in find_quote_marks(text) if len(text[m.start:m.end].split()) >= _MIN_QUOTE_WORDS]
    in_quote = char_mask(len(text), [(m.open_start, m.close_end) for m in marks])
    reports = list(find_reports(view, in_quote, report_rules, trace, scheme=check_scheme(scheme)))
    resolver = SpeakerResolver(view, reports, settings=speakers)
    join_pieces = check_scheme(scheme) == "attribution"
    # under speech a question or exclamation closing its sentence is not the next sentence's cue's
    # (“What's the secret?” He said, …); PolNeAR's attribution reads more widely
    sentence_stops = (".",) if join_pieces else (".", "?", "!")
    rows: list[QuoteRow] = []
    origins: list[tuple[Report | None, str]] = []
    used_reports: set[int] = set()
    previous: QuoteRow | None = None
    previous_report: int | None = None
    for mark in marks:
        report_index = report_for_quote(text, mark, reports, sentence_stops=sentence_stops)
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
            if kind == "mixed" and institution_acting(report):
                continue  # the Administration will propose measures and the "Eight Hour Laws"
            if previous is not None and report_index == previous_report and previous.end <= start \
                    and _same_paragraph(text, previous.end, start) and len(text[previous.end:start].split()) <= 8 \
                    and (join_pieces or (kind == previous.kind == "direct" and _interrupted(text, previous.end, start))):
                # “A,” she said, “B.”: one quote of one cue (previous is always the last row here); under
                # ``speech`` only a sentence its tag interrupts (“A,” she said, “b.”), as a journalist
                # counts it, with the tag left out of its text
                resumes = start + len(text[start:end]) - len(text[start:end].lstrip())
                left_out = previous.left_out if join_pieces else previous.left_out + ((previous.end, resumes),)
                rows[-1] = previous = previous._replace(end=max(previous.end, end), left_out=left_out)
                continue
            row = _row(text, start, end, report, kind, confidence, resolver)
            if rows and _overlap(rows[-1].start, rows[-1].end, row.start, row.end) > 0.5:
                rows[-1] = rows[-1]._replace(start=min(rows[-1].start, row.start), end=max(rows[-1].end, row.end))
                if previous is not None:
                    previous = rows[-1]
                continue
            previous_report = report_index
        elif previous is not None and _continues(text, previous, mark):
            if join_pieces and previous.end < mark.end and _same_paragraph(text, previous.end, mark.start):
                rows[-1] = previous = previous._replace(end=mark.end)  # “A,” said X. “B” is one quote in two pieces
                continue
            row = previous._replace(start=mark.start, end=mark.end, kind="direct", confidence=0.6, resolved_by="chain")
            report, origin = origins[-1][0], "continued"
        else:
            if len(text[mark.start:mark.end].split()) < min_unattributed_words:
                continue
            row = QuoteRow(mark.start, mark.end, None, None, None, None, "direct", 0.3)
            origin = "unattributed"
        rows.append(row)
        origins.append((report, origin))
        previous = row
    # "…, according to X" speaks for its whole sentence: it goes before the clauses inside it;
    # then speech verbs before the learned cues that may sit in their clauses
    order = sorted(range(len(reports)), key=lambda i: (reports[i].cue_text != "according to", is_learned_cue(reports[i])))
    for index in order:
        report = reports[index]
        if index in used_reports:
            continue
        # a report nested in another's content stays a candidate of its own (PolNeAR counts both);
        # one that covers most of a candidate already found is the same attribution again
        if any(_overlap(report.start, report.end, r.start, r.end, of=max) > 0.5 for r in rows) and not (
                report_rules.keep_distinct_reports and _distinct(report, rows, origins)):
            if trace is not None and report.cue is not None:
                trace(report.cue, "dropped as overlapping")
            continue
        if len(text[report.start:report.end].split()) < MIN_REPORT_WORDS:
            if trace is not None and report.cue is not None:
                trace(report.cue, "dropped as too short")
            continue
        if institution_acting(report):
            if trace is not None and report.cue is not None:
                trace(report.cue, "dropped as a body acting")
            continue
        confidence = 0.7 if report.subject is not None else 0.4
        kind = "direct" if report.kind == "direct_colon" else report.kind
        end = without_trailing_aside(doc, report.start, report.end) if kind == "indirect" else report.end
        rows.append(_row(text, report.start, end, report, kind, confidence, resolver))
        origins.append((report, "report"))
    doc._.pt_mentions = resolver.table.as_data()  # with the lookups the rows' speakers made (pending)
    parse = parse_columns(doc)
    candidates = [(row, describe_candidate(doc, row, report, origin, in_quote, text=text, parse=parse))
                  for row, (report, origin) in zip(rows, origins)]
    mark_nesting(candidates)
    candidates.sort(key=lambda c: (c[0].start, c[0].end))
    return candidates



def _row(text: str, start: int, end: int, report: Report | None, kind: str, confidence: float,
         speakers: SpeakerResolver) -> QuoteRow:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    cue = report.cue_text if report is not None else None
    speaker: Speaker = speakers.resolve(report.subject, cue=report.cue) if report is not None else speakers.resolve(None)
    if report is not None and report.subject is not None:
        if speaker.name is None:
            confidence = min(confidence, 0.4)
        elif report.subject.root.lower_ in PERSON_PRONOUNS:
            confidence = round(confidence - 0.1, 2)
    return QuoteRow(start, end, speaker.name, speaker.start, speaker.end, cue, kind, confidence, speaker.resolved_by,
                    speaker_role=speaker.role)


def _distinct(report: Report, rows: list[QuoteRow], origins: list[tuple[Report | None, str]]) -> bool:
    """True when every candidate ``report`` covers most of holds ``report``'s cue inside it: a nested attribution.

    ``keep_distinct_reports`` (:class:`~policytext.annotate.quote_reports.ReportRules`): "Carson said
    the critics were wrong and rejected the notion that …" — the report of "rejected" covers most of
    what "said" reported, but its cue is another word inside that content, so it is a second
    attribution (PolNeAR counts both), not the same one read again. "…, he argued" after a clause
    "said" reported has its cue outside that content, and stays dropped.
    """
    if report.cue is None:
        return False
    cue_at = report.cue.idx
    for row, (other, _) in zip(rows, origins):
        if _overlap(report.start, report.end, row.start, row.end, of=max) <= 0.5:
            continue
        if other is None or other.cue is None or other.cue.i == report.cue.i:
            return False
        if not (row.start <= cue_at < row.end) or report.start <= other.cue.idx < report.end:
            return False
    return True


def _continues(text: str, previous: QuoteRow, mark: QuoteMarks) -> bool:
    """True when a quote without a cue follows an attributed one closely (same speaker goes on)."""
    if previous.speaker is None:
        return False
    gap = text[previous.end:mark.open_start]
    return len(gap) < 250 and gap.count("\n\n") <= 1


def _interrupted(text: str, end: int, start: int) -> bool:
    """True when the words between two quoted pieces are a speech tag set in one sentence by commas.

    “If only we had known,” Rebekah wrote, “what was about to happen.”: the first piece ends with a
    comma (inside its marks or just after them) and the tag ends with one, so the quoted sentence
    goes on after it. “A,” she said. “B.” ends the sentence with the tag: two quotes.
    """
    gap = text[end:start]
    tag = gap.strip(_MARKS_AND_SPACE)
    if not tag or any(stop in _TITLE_STOP.sub("", tag) for stop in ".!?;:\n"):
        return False
    first = text[max(0, end - 4):end].rstrip(_MARKS_AND_SPACE)
    return (first.endswith(",") or gap.lstrip(_MARKS_AND_SPACE).startswith(",")) and tag.endswith(",")


_MARKS_AND_SPACE = " \t\"'“”‘’`"
_TITLE_STOP = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Gov|Lt|Sgt|Col|Capt|St|Jr|Sr)\.")  # “A,” Dr. Lee said, “b.”


def _same_paragraph(text: str, start: int, end: int) -> bool:
    return "\n" not in text[start:end]


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int, *, of=min) -> float:
    """Return the shared characters of two spans over the shorter one (``of=max``: the longer one)."""
    inter = max(0, min(a_end, b_end) - max(a_start, b_start))
    return inter / max(1, of(a_end - a_start, b_end - b_start))
