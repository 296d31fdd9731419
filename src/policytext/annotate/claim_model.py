"""The check-worthiness scorer: two scikit-learn logistic regressions, averaged.

Both read the sentence's words and characters, its Penn Treebank tags and the pooled token vectors
of the spaCy pipeline's ``tok2vec`` (see :mod:`policytext.annotate.claim_features`). One reads word,
character and tag n-gram tf-idf plus claim-type flags and the standardised vectors; the other
reads the same n-grams as presence flags weighted by their naive-Bayes log-count ratio (NB-LR,
Wang & Manning 2012) plus the vectors. The score is the mean of their probabilities: the two make
different mistakes, so the mean is more accurate than either (see ``models/claims.card.md``).

Saved as plain JSON (settings, vocabularies, metrics) plus NumPy arrays loaded with
``allow_pickle=False``, so loading a model never runs code.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from policytext.annotate.claim_features import (
    DEFAULT_PIPELINE,
    SentenceFeatures,
    describe_pipeline,
    load_feature_pipeline,
    parse_sentences,
)
from policytext.annotate.claim_types import CLAIM_TYPES, count_type_features
from policytext.errors import ConfigError

MODEL_DIR = Path(__file__).resolve().parents[3] / "models" / "claims"
PACKAGED_MODEL_DIR = Path(__file__).resolve().parent / "data" / "claims"
FORMAT_VERSION = 3
_ARRAYS = ("word_idf", "char_idf", "tag_idf", "vector_mean", "vector_scale", "coef", "nb_ratio", "nb_coef")

_DIGIT = re.compile(r"\d")


def normalise_for_features(text: str) -> str:
    """Lower-case ``text`` and write every digit as 0, so "2014" and "1998" share features."""
    return _DIGIT.sub("0", text.lower())


Sentences = Sequence[str] | SentenceFeatures


@dataclass
class ClaimScorer:
    """Score sentences for check-worthiness in 0–1.

    Follows scikit-learn conventions: :meth:`fit` returns ``self`` and learned state ends in ``_``.
    Sentences are plain texts (the scorer then runs the first layers of its spaCy ``pipeline``) or
    :class:`SentenceFeatures` read from Docs the pipeline already made.

    Example:
        >>> scorer = ClaimScorer(min_df=1).fit(["We cut taxes by 20%.", "Thank you."] * 5, [1, 0] * 5)
        >>> float(scorer.score(["Unemployment fell by 3%."])[0]) > 0.5
        True
    """

    C: float = 2.0
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    tag_ngrams: tuple[int, int] = (1, 3)
    max_char_features: int = 60_000
    min_df: int = 2
    nb_C: float = 0.01
    nb_alpha: float = 1.0
    tag_weight: float = 0.5  # scale of the tag tf-idf block in the tf-idf model
    vector_weight: float = 0.1  # scale of the standardised token vectors in the tf-idf model
    nb_vector_weight: float = 0.3  # … and in the naive-Bayes model
    pipeline: str = DEFAULT_PIPELINE
    pipeline_version: str = ""
    word_vocabulary_: dict[str, int] = field(default_factory=dict, repr=False)
    char_vocabulary_: dict[str, int] = field(default_factory=dict, repr=False)
    tag_vocabulary_: dict[str, int] = field(default_factory=dict, repr=False)
    word_idf_: np.ndarray | None = field(default=None, repr=False)
    char_idf_: np.ndarray | None = field(default=None, repr=False)
    tag_idf_: np.ndarray | None = field(default=None, repr=False)
    vector_mean_: np.ndarray | None = field(default=None, repr=False)
    vector_scale_: np.ndarray | None = field(default=None, repr=False)
    coef_: np.ndarray | None = field(default=None, repr=False)
    intercept_: float = 0.0
    nb_ratio_: np.ndarray | None = field(default=None, repr=False)
    nb_coef_: np.ndarray | None = field(default=None, repr=False)
    nb_intercept_: float = 0.0
    card: dict[str, Any] = field(default_factory=dict, repr=False)
    _word_cache: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ fit

    def fit(self, sentences: Sentences, labels: Sequence[int]) -> "ClaimScorer":
        """Learn the vocabularies, idf weights, vector scaling and both logistic regressions.

        Args:
            sentences: labelled sentences, as texts or :class:`SentenceFeatures`.
            labels: 1 for check-worthy, 0 for not, one per sentence.

        Returns:
            ``self``.
        """
        sentences = self.parse(sentences)
        self.fit_vocabulary(sentences)
        return self.fit_features(self.featurise(sentences), labels)

    def fit_vocabulary(self, sentences: Sentences) -> "ClaimScorer":
        """Learn only the n-gram vocabularies, idf weights and vector scaling (no labels are used)."""
        sentences = self.parse(sentences)
        texts = list(sentences.texts)
        word = TfidfVectorizer(ngram_range=self.word_ngrams, min_df=self.min_df, sublinear_tf=True,
                               preprocessor=normalise_for_features)
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=self.char_ngrams, min_df=self.min_df + 1,
                               sublinear_tf=True, preprocessor=normalise_for_features,
                               max_features=self.max_char_features)
        tag = TfidfVectorizer(analyzer=_tag_analyzer(self.tag_ngrams), min_df=self.min_df, sublinear_tf=True)
        word.fit(texts)
        char.fit(texts)
        tag.fit(list(sentences.tags))
        self.word_vocabulary_ = {k: int(v) for k, v in word.vocabulary_.items()}
        self.char_vocabulary_ = {k: int(v) for k, v in char.vocabulary_.items()}
        self.tag_vocabulary_ = {k: int(v) for k, v in tag.vocabulary_.items()}
        self._word_cache.clear()
        self.word_idf_ = np.asarray(word.idf_, dtype=np.float64)
        self.char_idf_ = np.asarray(char.idf_, dtype=np.float64)
        self.tag_idf_ = np.asarray(tag.idf_, dtype=np.float64)
        self.vector_mean_ = sentences.vectors.mean(axis=0)
        scale = sentences.vectors.std(axis=0)
        self.vector_scale_ = np.where(scale > 0, scale, 1.0)  # a constant column stays 0
        return self

    def fit_features(self, features: sparse.spmatrix, labels: Sequence[int], *,
                     start: "ClaimScorer | None" = None) -> "ClaimScorer":
        """Learn both logistic regressions on features from :meth:`featurise` (same vocabulary).

        The naive-Bayes ratios come from ``labels`` too, so call this on training rows only.
        ``start``: a scorer fitted on similar data whose weights start the solvers (faster, same optimum).
        """
        features = sparse.csr_matrix(features)
        labels = np.asarray(labels, dtype=int)
        tfidf, flags, vectors = self._blocks(features)
        model = _fit_logistic(tfidf, labels, C=self.C, start=None if start is None else (start.coef_, start.intercept_))
        self.coef_ = model.coef_[0].astype(np.float64)
        self.intercept_ = float(model.intercept_[0])
        self.nb_ratio_ = _log_count_ratio(flags, labels, alpha=self.nb_alpha)
        nb = _fit_logistic(self._nb_input(flags, vectors), labels, C=self.nb_C,
                           start=None if start is None else (start.nb_coef_, start.nb_intercept_))
        self.nb_coef_ = nb.coef_[0].astype(np.float64)
        self.nb_intercept_ = float(nb.intercept_[0])
        return self

    def tfidf_width(self) -> int:
        """Return the number of columns of :meth:`featurise` read by the tf-idf model alone (flags follow)."""
        return (len(self.word_vocabulary_) + len(self.char_vocabulary_) + len(CLAIM_TYPES) + 1
                + self.vector_width() + len(self.tag_vocabulary_))

    def flags_width(self) -> int:
        """Return the number of n-gram presence flags, the columns after :meth:`tfidf_width`."""
        return len(self.word_vocabulary_) + len(self.char_vocabulary_) + len(self.tag_vocabulary_)

    def vector_width(self) -> int:
        """Return the width of the pooled token vectors (0 before fitting)."""
        return 0 if self.vector_mean_ is None else int(self.vector_mean_.shape[0])

    # ------------------------------------------------------------------ use

    def parse(self, sentences: Sentences) -> SentenceFeatures:
        """Return ``sentences`` as :class:`SentenceFeatures`, running the scorer's pipeline on plain texts.

        Example:
            >>> ClaimScorer.load().parse(["Tax rose 5%."]).tags
            (('NN', 'VBD', 'CD', 'NN', '.'),)
        """
        if isinstance(sentences, SentenceFeatures):
            return sentences
        if isinstance(sentences, str):
            raise ConfigError("give the claim scorer a list of sentences, not one string")
        if not self.pipeline_version:  # a new scorer takes the version of the installed pipeline
            self.pipeline_version = describe_pipeline(load_feature_pipeline(self.pipeline))[1]
        return parse_sentences(list(sentences), pipeline=self.pipeline, version=self.pipeline_version)

    def featurise(self, sentences: Sentences, *, type_features: Sequence[Sequence[float]] | None = None
                  ) -> sparse.csr_matrix:
        """Return the feature matrix of ``sentences``.

        Columns: word, character and tag n-gram tf-idf, the claim-type features and the scaled token
        vectors (read by the tf-idf model); the same n-grams as 0/1 presence flags (read by the
        naive-Bayes model); then the standardised token vectors (read by the naive-Bayes model).

        Args:
            sentences: texts or :class:`SentenceFeatures`.
            type_features: the rows of :func:`count_type_features` when the caller has them already.

        Returns:
            A sparse matrix with one row per sentence.

        Example:
            >>> ClaimScorer.load().featurise(["Tax rose 5%."]).shape[0]
            1
        """
        if self.word_idf_ is None or self.char_idf_ is None or self.tag_idf_ is None or self.vector_mean_ is None:
            raise ConfigError("the claim scorer is not fitted: call fit() or load a saved model")
        sentences = self.parse(sentences)
        texts = list(sentences.texts)
        if sentences.vectors.shape[1] != self.vector_width():
            raise ConfigError(f"the sentences' token vectors are {sentences.vectors.shape[1]} wide, the claim scorer's "
                              f"{self.vector_width()}: make them with the pipeline {self.pipeline}")
        word = _count(texts, self.word_vocabulary_, analyzer="word", ngram_range=self.word_ngrams)
        char = _count(texts, self.char_vocabulary_, analyzer="char_wb", ngram_range=self.char_ngrams,
                      cache=self._word_cache)
        tag = _count_tags(sentences.tags, self.tag_vocabulary_, self.tag_ngrams)
        types = sparse.csr_matrix(np.asarray(type_features if type_features is not None
                                             else [count_type_features(t) for t in texts], dtype=np.float64)
                                  .reshape(len(texts), len(CLAIM_TYPES) + 1))
        vectors = sparse.csr_matrix((sentences.vectors - self.vector_mean_) / self.vector_scale_)
        return sparse.hstack([_tfidf(word, self.word_idf_), _tfidf(char, self.char_idf_), types,
                              vectors * self.vector_weight, _tfidf(tag, self.tag_idf_) * self.tag_weight,
                              _flags(word), _flags(char), _flags(tag), vectors], format="csr")

    def score(self, sentences: Sentences, *, type_features: Sequence[Sequence[float]] | None = None) -> np.ndarray:
        """Return the check-worthiness of each sentence, a probability in 0–1.

        Args:
            sentences: texts (parsed with the scorer's pipeline) or :class:`SentenceFeatures`.
            type_features: the rows of :func:`count_type_features` when the caller has them already.

        Returns:
            One score per sentence.
        """
        if not len(sentences):
            return np.zeros(0)
        if self.coef_ is None:
            raise ConfigError("the claim scorer is not fitted: call fit() or load a saved model")
        return self.score_features(self.featurise(sentences, type_features=type_features))

    def score_features(self, features: sparse.spmatrix) -> np.ndarray:
        """Return the check-worthiness of rows of a feature matrix from :meth:`featurise`.

        The mean of the tf-idf model's and the naive-Bayes model's probabilities.
        """
        if self.coef_ is None or self.nb_coef_ is None or self.nb_ratio_ is None:
            raise ConfigError("the claim scorer is not fitted: call fit() or load a saved model")
        tfidf, flags, vectors = self._blocks(sparse.csr_matrix(features))
        nb_flags, nb_vectors = self.nb_coef_[:self.flags_width()], self.nb_coef_[self.flags_width():]
        first = _sigmoid(tfidf @ self.coef_ + self.intercept_)
        second = _sigmoid(flags @ (self.nb_ratio_ * nb_flags) + vectors @ nb_vectors * self.nb_vector_weight
                          + self.nb_intercept_)
        return (first + second) / 2.0

    def _blocks(self, features: sparse.csr_matrix) -> tuple[sparse.csr_matrix, sparse.csr_matrix, sparse.csr_matrix]:
        """Split :meth:`featurise` columns into the tf-idf model's, the flags and the standardised vectors."""
        split, flags_end = self.tfidf_width(), self.tfidf_width() + self.flags_width()
        return features[:, :split], features[:, split:flags_end], features[:, flags_end:]

    def _nb_input(self, flags: sparse.csr_matrix, vectors: sparse.csr_matrix) -> sparse.csr_matrix:
        return sparse.hstack([flags @ sparse.diags(self.nb_ratio_), vectors * self.nb_vector_weight], format="csr")

    # ------------------------------------------------------------------ save / load

    def save(self, folder: str | Path) -> Path:
        """Write the model to ``folder`` as ``scorer.json`` and ``scorer.npz``; return the folder."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        settings = {
            "format": FORMAT_VERSION, "C": self.C, "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams), "tag_ngrams": list(self.tag_ngrams),
            "max_char_features": self.max_char_features, "min_df": self.min_df, "intercept": self.intercept_,
            "nb_C": self.nb_C, "nb_alpha": self.nb_alpha, "nb_intercept": self.nb_intercept_,
            "tag_weight": self.tag_weight, "vector_weight": self.vector_weight,
            "nb_vector_weight": self.nb_vector_weight, "pipeline": self.pipeline,
            "pipeline_version": self.pipeline_version,
            "word_vocabulary": self.word_vocabulary_, "char_vocabulary": self.char_vocabulary_,
            "tag_vocabulary": self.tag_vocabulary_, "card": self.card,
        }
        (folder / "scorer.json").write_text(json.dumps(settings, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        np.savez_compressed(folder / "scorer.npz", word_idf=self.word_idf_, char_idf=self.char_idf_,
                            tag_idf=self.tag_idf_, vector_mean=self.vector_mean_, vector_scale=self.vector_scale_,
                            coef=self.coef_, nb_ratio=self.nb_ratio_, nb_coef=self.nb_coef_)
        return folder

    @classmethod
    def load(cls, folder: str | Path | None = None) -> "ClaimScorer":
        """Load a saved scorer (default: the one shipped with policytext). Never unpickles.

        Example:
            >>> ClaimScorer.load().score(["Crime rose by 12% last year."]).shape
            (1,)
        """
        folder = Path(folder) if folder is not None else default_model_dir()
        try:
            settings = json.loads((folder / "scorer.json").read_text(encoding="utf-8"))
            if settings.get("format") != FORMAT_VERSION:
                raise ConfigError(f"the claim scorer in {folder} has format {settings.get('format')}, not "
                                  f"{FORMAT_VERSION}: rebuild it with 'python -m policytext.annotate.train_claims'")
            with np.load(folder / "scorer.npz", allow_pickle=False) as arrays:
                arrays = {name: arrays[name] for name in _ARRAYS}
        except (OSError, ValueError, KeyError) as err:
            raise ConfigError(
                f"cannot load the claim scorer from {folder}: {err}. Rebuild it with "
                f"'python -m policytext.annotate.train_claims'."
            ) from err
        return cls(C=settings["C"], word_ngrams=tuple(settings["word_ngrams"]),
                   char_ngrams=tuple(settings["char_ngrams"]), tag_ngrams=tuple(settings["tag_ngrams"]),
                   max_char_features=settings["max_char_features"], min_df=settings["min_df"],
                   nb_C=settings["nb_C"], nb_alpha=settings["nb_alpha"], tag_weight=settings["tag_weight"],
                   vector_weight=settings["vector_weight"], nb_vector_weight=settings["nb_vector_weight"],
                   pipeline=settings["pipeline"], pipeline_version=settings["pipeline_version"],
                   word_vocabulary_=settings["word_vocabulary"], char_vocabulary_=settings["char_vocabulary"],
                   tag_vocabulary_=settings["tag_vocabulary"], word_idf_=arrays["word_idf"],
                   char_idf_=arrays["char_idf"], tag_idf_=arrays["tag_idf"], vector_mean_=arrays["vector_mean"],
                   vector_scale_=arrays["vector_scale"], coef_=arrays["coef"],
                   intercept_=float(settings["intercept"]), nb_ratio_=arrays["nb_ratio"], nb_coef_=arrays["nb_coef"],
                   nb_intercept_=float(settings["nb_intercept"]), card=settings.get("card", {}))


def default_model_dir() -> Path:
    """Return the folder of the shipped claim scorer.

    ``models/claims`` in a source checkout; in an installed wheel, the copy that the build hook
    (``setup.py``) puts in ``policytext/annotate/data/claims``.

    Returns:
        The first of the two folders that holds ``scorer.json`` (``models/claims`` when neither does,
        so the load error names the canonical place).

    Example:
        >>> (default_model_dir() / "scorer.json").is_file()
        True
    """
    for folder in (MODEL_DIR, PACKAGED_MODEL_DIR):
        if (folder / "scorer.json").is_file():
            return folder
    return MODEL_DIR


def _count(texts: Sequence[str], vocabulary: dict[str, int], *, analyzer: str, ngram_range: tuple[int, int],
           cache: dict[str, list[int]] | None = None) -> sparse.csr_matrix:
    """Count the n-grams of ``vocabulary`` in each text, as scikit-learn's ``CountVectorizer`` would."""
    if analyzer == "char_wb" and cache is not None:
        return _count_char_wb(texts, vocabulary, tuple(ngram_range), cache)
    if analyzer == "word" and tuple(ngram_range) == (1, 2):
        return _count_words(texts, vocabulary)
    counter = CountVectorizer(vocabulary=vocabulary, analyzer=analyzer, ngram_range=tuple(ngram_range),
                              preprocessor=normalise_for_features)
    return counter.transform(texts).astype(np.float64).tocsr()


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    weighted = counts.copy()
    weighted.data = 1.0 + np.log(weighted.data)  # sublinear tf, as in training
    return normalize(weighted @ sparse.diags(idf), norm="l2", copy=False).tocsr()


def _flags(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    flags = counts.copy()
    flags.data = np.ones_like(flags.data)
    return flags


def _log_count_ratio(flags: sparse.csr_matrix, labels: np.ndarray, *, alpha: float) -> np.ndarray:
    """Return log((p/|p|) / (q/|q|)) per column: p, q are the smoothed flag counts of positives, negatives."""
    positive = np.asarray(flags[labels == 1].sum(axis=0)).ravel() + alpha
    negative = np.asarray(flags[labels == 0].sum(axis=0)).ravel() + alpha
    return np.log(positive / positive.sum()) - np.log(negative / negative.sum())


def _fit_logistic(features: sparse.spmatrix, labels: np.ndarray, *, C: float,
                  start: tuple[np.ndarray | None, float] | None) -> LogisticRegression:
    # newton-cg reaches the same optimum as the default lbfgs, several times faster on these sparse features
    model = LogisticRegression(C=C, solver="newton-cg", max_iter=1000, class_weight="balanced",
                               warm_start=start is not None and start[0] is not None)
    if start is not None and start[0] is not None and start[0].shape[0] == features.shape[1]:
        model.coef_ = start[0].reshape(1, -1).copy()
        model.intercept_ = np.array([start[1]])
    model.fit(features, labels)
    return model


def _sigmoid(logits) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64).ravel()))


_WHITE_SPACES = re.compile(r"\s\s+")
_CACHE_LIMIT = 200_000


def _word_char_ngrams(word: str, vocabulary: dict[str, int], ngram_range: tuple[int, int]) -> list[int]:
    """Return the vocabulary ids of the character n-grams of one word, as scikit-learn's char_wb makes them."""
    padded = f" {word} "
    length = len(padded)
    ids = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        offset = 0
        gram = vocabulary.get(padded[offset:offset + n])
        if gram is not None:
            ids.append(gram)
        while offset + n < length:
            offset += 1
            gram = vocabulary.get(padded[offset:offset + n])
            if gram is not None:
                ids.append(gram)
        if offset == 0:  # a word no longer than n is counted once, as scikit-learn does
            break
    return ids


def _count_char_wb(texts: Sequence[str], vocabulary: dict[str, int], ngram_range: tuple[int, int],
                   cache: dict[str, list[int]]) -> sparse.csr_matrix:
    """Count char_wb n-grams like ``CountVectorizer(analyzer="char_wb")``, caching each word's n-grams.

    Words repeat (Zipf), so the cache saves most of the work of scoring long documents.
    """
    indptr, indices = [0], []
    for text in texts:
        for word in _WHITE_SPACES.sub(" ", normalise_for_features(text)).split():
            ids = cache.get(word)
            if ids is None:
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                ids = cache[word] = _word_char_ngrams(word, vocabulary, ngram_range)
            indices.extend(ids)
        indptr.append(len(indices))
    return _csr_counts(indices, indptr, width=len(vocabulary))


def _csr_counts(indices: list[int], indptr: list[int], *, width: int) -> sparse.csr_matrix:
    """Return the count matrix whose row i holds one count per id in ``indices[indptr[i]:indptr[i + 1]]``."""
    counts = sparse.csr_matrix((np.ones(len(indices), dtype=np.float64), np.asarray(indices, dtype=np.int64),
                                np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, width))
    counts.sum_duplicates()
    return counts


_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def _count_words(texts: Sequence[str], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """Count word uni- and bigrams like ``CountVectorizer(ngram_range=(1, 2))``, without its per-call checks."""
    indptr, indices = [0], []
    for text in texts:
        tokens = _TOKEN.findall(normalise_for_features(text))
        for gram in tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]:
            index = vocabulary.get(gram)
            if index is not None:
                indices.append(index)
        indptr.append(len(indices))
    return _csr_counts(indices, indptr, width=len(vocabulary))


def _tag_ngrams(tags: Sequence[str], ngram_range: tuple[int, int]) -> list[str]:
    """Return the tag n-grams of one sentence, e.g. ``["NN", "VBD", "NN VBD"]`` for (1, 2)."""
    grams = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        grams.extend(" ".join(tags[i:i + n]) for i in range(len(tags) - n + 1))
    return grams


def _tag_analyzer(ngram_range: tuple[int, int]):
    return lambda tags: _tag_ngrams(tags, ngram_range)


def _count_tags(tag_rows: Sequence[Sequence[str]], vocabulary: dict[str, int],
                ngram_range: tuple[int, int]) -> sparse.csr_matrix:
    """Count the tag n-grams of ``vocabulary`` in each sentence's tags."""
    indptr, indices = [0], []
    for tags in tag_rows:
        indices.extend(i for i in (vocabulary.get(g) for g in _tag_ngrams(tags, tuple(ngram_range))) if i is not None)
        indptr.append(len(indices))
    return _csr_counts(indices, indptr, width=len(vocabulary))
