"""Check-worthy claims: every sentence gets a score in 0–1 and its claim types with their triggers.

Results are plain lists in ``doc._.pt_claims`` (one per sentence) so they cross process boundaries:
``[start, end, score, types, triggers]`` where ``triggers`` holds ``[type, start, end]`` lists.
"""
from __future__ import annotations

from pathlib import Path
from itertools import islice
from typing import Any, Iterable, Iterator, Sequence

from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc, Span

from policytext.annotate.claim_model import ClaimScorer
from policytext.annotate.claim_types import find_claim_types, type_features_of
from policytext.annotate.transcript import PartSpans, speaks, transcript_parts

if not Doc.has_extension("pt_claims"):
    Doc.set_extension("pt_claims", default=None)


@Language.factory("policytext_claims", default_config={"model_dir": None, "model": "text"})
def create_claims(nlp: Language, name: str, model_dir: str | None, model: str) -> "ClaimFinder":
    """spaCy factory: score every sentence and give its claim types (``doc._.pt_claims``).

    ``model_dir`` is a folder saved by :meth:`ClaimScorer.save`; default: the shipped scorers.
    ``model`` names which of them (:data:`~policytext.annotate.claim_model.CLAIM_MODELS`): ``"text"``
    (default; reads only the sentence texts, so it works in any pipeline that sets sentence
    boundaries: a parser, a senter or a sentencizer) or ``"embeddings"`` (opt-in; also reads each
    sentence's all-MiniLM-L6-v2 embedding and needs the ``embeddings`` extra) or ``"finetuned"``
    (opt-in; the default scorer beside a fine-tuned encoder, built files only:
    :mod:`policytext.annotate.claim_finetuned`).
    """
    folder = Path(model_dir) if model_dir else None
    if model == "finetuned":
        from policytext.annotate.claim_finetuned import FineTunedClaimScorer

        return ClaimFinder(FineTunedClaimScorer.load(folder))
    return ClaimFinder(ClaimScorer.load(folder, model=model))


class ClaimFinder:
    """Pipeline component: one ``[start, end, score, types, triggers]`` row per sentence."""

    def __init__(self, scorer: ClaimScorer):
        self.scorer = scorer

    def __call__(self, doc: Doc) -> Doc:
        doc._.pt_claims = _score_spans(_trimmed_sentences(doc), self.scorer)
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        """Score the sentences of ``batch_size`` Docs at a time (what ``nlp.pipe`` calls): one scorer call per batch."""
        for batch in _batches(docs, batch_size):
            spans = [_trimmed_sentences(doc) for doc in batch]
            rows = iter(_score_spans([span for doc_spans in spans for span in doc_spans], self.scorer))
            for doc, doc_spans in zip(batch, spans):
                doc._.pt_claims = [next(rows) for _ in doc_spans]
                yield doc


def score_sentences(sentences: Sequence[Span], scorer: ClaimScorer) -> list[list]:
    """Return claim rows for sentence spans of one Doc, with character offsets into ``doc.text``.

    The score is the scorer's text model (:meth:`ClaimScorer.score`): a document is not a
    transcript with speakers, so the context model does not apply. Blank sentences are skipped;
    the others are trimmed of surrounding white space.

    Example:
        >>> import spacy
        >>> nlp = spacy.blank("en")
        >>> _ = nlp.add_pipe("sentencizer")
        >>> score_sentences(list(nlp("Crime rose by 12% last year.").sents), ClaimScorer.load())[0][3]
        ['quantity', 'trend']
    """
    spans, flags = [], {}
    for sentence in sentences:
        doc = sentence.doc
        if id(doc) not in flags:
            flags[id(doc)] = _space_flags(doc)
        span = _trim(sentence, flags[id(doc)])
        if span is not None:
            spans.append(span)
    return _score_spans(spans, scorer)


def _score_spans(spans: Sequence[Span], scorer: ClaimScorer) -> list[list]:
    """Return one claim row per (trimmed, non-blank) sentence span, in order."""
    if not spans:
        return []
    texts = [span.text for span in spans]
    found_types = [find_claim_types(text) for text in texts]
    features = [type_features_of(text, found) for text, found in zip(texts, found_types)]
    scores = scorer.score(texts, type_features=features)
    rows = []
    for span, score, found in zip(spans, scores, found_types):
        start, end = span.start_char, span.end_char
        rows.append([start, end, round(float(score), 4), [name for name, _, _ in found],
                     [[name, start + a, start + b] for name, a, b in found]])
    return rows


def _trimmed_sentences(doc: Doc) -> list[Span]:
    """Return the sentences of ``doc`` without white-space tokens at either end, blank ones left out.

    So are the sentences that are only a transcript's stage direction, label or another speaker's
    turn (``policytext_transcript``): they are no claims of the document's speaker.
    """
    space = _space_flags(doc)
    found = transcript_parts(doc)
    parts = PartSpans(found, doc.text if found else "")  # doc.text joins every token again: only if needed
    return [span for span in (_trim(sentence, space) for sentence in doc.sents)
            if span is not None and (not parts or speaks(span, parts))]


def _space_flags(doc: Doc) -> Any:
    """Return whether each token of ``doc`` is white space, as one array (no ``Token`` object a token)."""
    return doc.to_array(IS_SPACE).astype(bool)


def _trim(sentence: Span, space: Any) -> Span | None:
    """Return the sentence without white-space tokens at either end (None when nothing is left).

    ``space`` flags the white-space tokens of the sentence's doc (:func:`_space_flags`).
    """
    start, end = sentence.start, sentence.end
    while start < end and space[start]:
        start += 1
    while end > start and space[end - 1]:
        end -= 1
    return sentence.doc[start:end] if end > start else None


def _batches(docs: Iterable[Doc], size: int) -> Iterator[list[Doc]]:
    docs = iter(docs)
    while batch := list(islice(docs, size)):
        yield batch
