"""Check-worthy claims: every sentence gets a score in 0–1 and its claim types with their triggers.

Results are plain lists in ``doc._.pt_claims`` (one per sentence) so they cross process boundaries:
``[start, end, score, types, triggers]`` where ``triggers`` holds ``[type, start, end]`` lists.
"""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from policytext.annotate.claim_model import ClaimScorer
from policytext.annotate.claim_types import find_claim_types, type_features_of

if not Doc.has_extension("pt_claims"):
    Doc.set_extension("pt_claims", default=None)


@Language.factory("policytext_claims", default_config={"model_dir": None})
def create_claims(nlp: Language, name: str, model_dir: str | None) -> "ClaimFinder":
    """spaCy factory: score every sentence and give its claim types (``doc._.pt_claims``).

    ``model_dir`` is a folder saved by :meth:`ClaimScorer.save`; default: the shipped scorer.
    """
    return ClaimFinder(ClaimScorer.load(Path(model_dir) if model_dir else None))


class ClaimFinder:
    """Pipeline component: one ``[start, end, score, types, triggers]`` row per sentence."""

    def __init__(self, scorer: ClaimScorer):
        self.scorer = scorer

    def __call__(self, doc: Doc) -> Doc:
        doc._.pt_claims = score_sentences(doc.text, [(s.start_char, s.end_char) for s in doc.sents
                                                     if s.text.strip()], self.scorer)
        return doc


def score_sentences(text: str, spans: list[tuple[int, int]], scorer: ClaimScorer) -> list[list]:
    """Return claim rows for the sentence ``spans`` of ``text`` (offsets into ``text``).

    Example:
        >>> text = "Crime rose by 12% last year."
        >>> score_sentences(text, [(0, len(text))], ClaimScorer.load())[0][3]
        ['quantity', 'trend']
    """
    spans = [_trim(text, start, end) for start, end in spans]
    spans = [(s, e) for s, e in spans if e > s]
    sentences = [text[s:e] for s, e in spans]
    found_types = [find_claim_types(sentence) for sentence in sentences]
    features = [type_features_of(sentence, found) for sentence, found in zip(sentences, found_types)]
    scores = scorer.score(sentences, type_features=features) if spans else []
    rows = []
    for (start, end), score, found in zip(spans, scores, found_types):
        rows.append([start, end, round(float(score), 4), [name for name, _, _ in found],
                     [[name, start + a, start + b] for name, a, b in found]])
    return rows


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
