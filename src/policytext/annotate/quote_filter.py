"""The learned quote candidate filter: the features of a candidate and the logistic regression that scores them.

The weights live in ``data/quote_filter.json`` (rebuilt by ``python -m
policytext.annotate.train_quote_filter`` from PolNeAR train) and are read as JSON: nothing runs
on load. :func:`describe_candidate` reads a candidate's features from the parse the quote finder
already has, so the filter costs no second pass.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy
from spacy.attrs import DEP, POS
from spacy.symbols import AUX, PROPN, VERB
from spacy.tokens import Doc, Span

from policytext.annotate.quote_lexicon import (
    CLAUSE_CUE_RATE_THRESHOLD,
    CUE_LEMMAS,
    FIRST_PERSON,
    PERSON_PRONOUNS,
    SPEAKER_NOUNS,
    SUBJECT_DEPS,
    load_cue_lexicon,
)
from policytext.errors import PackageDataMissing

if TYPE_CHECKING:  # the finder's record types, named for the signatures only
    from policytext.annotate.quote_reports import Report
    from policytext.annotate.quote_rows import QuoteRow

QUOTE_FILTER_FILE = Path(__file__).parent / "data" / "quote_filter.json"
"""The learned candidate filter of the ``attribution`` scheme, fitted on PolNeAR train (rebuilt by
``python -m policytext.annotate.train_quote_filter``)."""
QUOTE_FILTER_FILES = {"attribution": QUOTE_FILTER_FILE,
                      "speech": Path(__file__).parent / "data" / "quote_filter_speech.json"}
"""Each scheme's filter; the ``speech`` one is fitted on ggt-dev (``train_quote_filter --scheme speech``)."""


@dataclass(frozen=True)
class QuoteFilter:
    """A logistic regression over candidate features, read from JSON (no code runs on load).

    A feature ``name=value`` the model never saw counts as ``name=other`` when the model has one
    (a cue lemma too rare in training to get a weight of its own).
    """

    weights: dict[str, float]
    intercept: float
    threshold: float

    def score(self, features: dict[str, float]) -> float:
        """Return the probability that a candidate with ``features`` is a quote.

        Example:
            >>> QuoteFilter({"marked": 2.0}, -1.0, 0.5).score({"marked": 1.0}) > 0.7
            True
        """
        total = self.intercept
        for name, value in features.items():
            weight = self.weights.get(name)
            if weight is None and "=" in name:
                weight = self.weights.get(name.split("=", 1)[0] + "=other")
            if weight is not None:
                total += weight * value
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))


@lru_cache(maxsize=4)
def load_quote_filter(path: str | Path = QUOTE_FILTER_FILE) -> QuoteFilter:
    """Return the quote filter saved at ``path`` as JSON.

    Raises:
        PackageDataMissing: when there is no such file (the shipped one missing is a broken
            install, which would otherwise quietly lower quote quality).

    Example:
        >>> 0 < load_quote_filter().threshold < 1
        True
    """
    path = Path(path)
    if not path.is_file():
        raise PackageDataMissing(
            f"the quote filter {path} is missing. Reinstall policytext, or rebuild the file with "
            f"'python -m policytext.annotate.train_quote_filter'.")
    data = json.loads(path.read_text(encoding="utf-8"))
    return QuoteFilter({str(k): float(v) for k, v in data["weights"].items()}, float(data["intercept"]),
                       float(data["threshold"]))


def describe_candidate(doc: Doc, row: "QuoteRow", report: "Report | None", origin: str, in_quote: bytearray, *,
                       text: str | None = None, parse: "numpy.ndarray | None" = None) -> dict[str, float]:
    """Return the features of one candidate quote, read from the parse the finder already has.

    Features: the rule that produced it (``origin=…``), its kind, whether its content holds quoted
    words, its length, what kind of speaker it has, the cue's lemma (``cue=…``), learned rate, part
    of speech, tense and dependency, what the cue governs (clause, infinitive, object), where the
    speaker stands, whether the cue is negated or modal, and whether the sentence looks like a
    headline.

    ``text`` and ``parse`` (:func:`parse_columns` of the doc) save reading them again for each candidate.

    Example:
        >>> describe_candidate(doc, row, None, "unattributed", mask)["origin=unattributed"]  # doctest: +SKIP
        1.0
    """
    text = doc.text if text is None else text
    parse = parse_columns(doc) if parse is None else parse
    start, end = row.start, row.end
    words = len(text[start:end].split())
    features = {"origin=" + origin: 1.0, "kind=" + row.kind: 1.0, "log_words": math.log1p(words),
                "words<=3": float(words <= 3), "words>=40": float(words >= 40),
                "marked": float(in_quote.find(1, start, end) >= 0),
                "first_line": float("\n" not in text[:start]), "resolved": float(row.speaker is not None)}
    content = doc.char_span(start, end, alignment_mode="expand")
    if content is not None and len(content):
        root = content.root
        features["content_root_pos=" + root.pos_] = 1.0
        features["content_first_pos=" + content[0].pos_] = 1.0
        pos, dep = parse[content.start:content.end, 0].tolist(), parse[content.start:content.end, 1].tolist()
        features["content_has_verb"] = float(VERB in pos or AUX in pos)
        features["content_has_subject"] = float(any(doc.vocab.strings[label] in dep for label in SUBJECT_DEPS))
        features["content_propn_share"] = pos.count(PROPN) / len(content)
    subject = report.subject if report is not None else None
    features["speaker=" + describe_speaker(subject)] = 1.0
    if subject is not None:
        features["speaker_words"] = math.log1p(len(subject))
    cue = report.cue if report is not None else None
    if cue is None or report.cue_text == ":":
        features["cue=" + ("colon" if cue is not None else "none")] = 1.0
        return features
    if report.cue_text == "according to":
        features["cue=according_to"] = 1.0
    else:
        lexicon = load_cue_lexicon(threshold=CLAUSE_CUE_RATE_THRESHOLD)
        lemma = cue.lemma_.lower()
        if lemma.endswith("ise") and (lemma[:-3] + "ize", "VERB") in lexicon:
            lemma = lemma[:-3] + "ize"  # the lexicon was learned from US news: "criticised" is "criticize"
        features["cue=" + lemma] = 1.0
        features["cue_rate"] = lexicon.get((lemma, cue.pos_ if cue.pos_ in ("NOUN", "ADJ") else "VERB"), 0.0)
        features["cue_speech_verb"] = float(lemma in CUE_LEMMAS)
        features["cue_pos=" + cue.pos_] = 1.0
        features["cue_tag=" + cue.tag_] = 1.0
        features["cue_dep=" + cue.dep_] = 1.0
        deps = {c.dep_ for c in cue.children}
        for dep in ("ccomp", "xcomp", "dobj", "prep", "neg", "agent", "dative", "oprd"):
            if dep in deps:
                features["governs=" + dep] = 1.0
        if any(c.dep_ == "aux" and c.tag_ == "MD" for c in cue.children):
            features["modal"] = 1.0
        if start <= cue.idx < end:
            features["cue_inside"] = 1.0
        if subject is not None:
            features["speaker_after_cue" if subject.start > cue.i else "speaker_before_cue"] = 1.0
    sent = cue.sent
    last = sent[-1].text if not sent[-1].is_space else (sent[-2].text if len(sent) > 1 else "")
    features["headline"] = float(last[-1:] not in ".!?”’\"':")
    features["share_of_sentence"] = min(1.0, (end - start) / max(1, sent.end_char - sent.start_char))
    features["content_starts_to"] = float(text[start:start + 3].lower() == "to ")
    return features


def parse_columns(doc: Doc) -> "numpy.ndarray":
    """Return each token's part of speech and dependency label (two columns) for :func:`describe_candidate`.

    Read once per doc: counting over the array is much cheaper than a token object per word.
    """
    return doc.to_array([POS, DEP])


def describe_speaker(subject: Span | None) -> str:
    """Return the kind of a speaker mention (person, pronoun, body, speaker_noun, none, …) for the filter.

    Example:
        >>> describe_speaker(None)
        'none'
    """
    if subject is None:
        return "none"
    root = subject.root
    lower = root.lower_
    if lower in FIRST_PERSON:
        return "first_person"
    if lower in PERSON_PRONOUNS:
        return "pronoun"
    if lower in ("it", "they", "that", "this", "which", "who"):
        return "it_they"
    if root.ent_type_ == "PERSON":
        return "person"
    if root.ent_type_ in ("ORG", "NORP", "GPE"):
        return "body"
    if root.pos_ == "PROPN":
        return "propn"
    if root.lemma_.lower() in SPEAKER_NOUNS:
        return "speaker_noun"
    return "noun" if root.pos_ == "NOUN" else "other"


def mark_nesting(candidates: "list[tuple[QuoteRow, dict[str, float]]]") -> None:
    """Add ``nested`` and ``holds_nested`` to each candidate's features, in place.

    A report can sit inside another's content ("officials said the party is too focused on
    promoting the chair"): PolNeAR counts both, and the filter learns how often each is right.

    Example:
        >>> pairs = [([0, 20], {}), ([5, 10], {})]
        >>> mark_nesting(pairs); [f["nested"] for _, f in pairs]
        [0.0, 1.0]
    """
    spans = [(row[0], row[1]) for row, _ in candidates]
    for index, (row, features) in enumerate(candidates):
        start, end = spans[index]
        others = [span for other, span in enumerate(spans) if other != index and span != (start, end)]
        features["nested"] = float(any(a <= start and end <= b for a, b in others))
        features["holds_nested"] = float(any(start <= a and b <= end for a, b in others))
