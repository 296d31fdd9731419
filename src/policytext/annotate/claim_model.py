"""The check-worthiness scorer: two scikit-learn logistic regressions over n-grams, averaged.

One reads word and character n-gram tf-idf plus claim-type flags; the other reads the same n-grams
as presence flags weighted by their naive-Bayes log-count ratio (NB-LR, Wang & Manning 2012). The
score is the mean of their probabilities: the two make different mistakes, so the mean is more
accurate than either (see ``models/claims.card.md``).

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

from policytext.annotate.claim_types import CLAIM_TYPES, count_type_features
from policytext.errors import ConfigError

MODEL_DIR = Path(__file__).resolve().parents[3] / "models" / "claims"
PACKAGED_MODEL_DIR = Path(__file__).resolve().parent / "data" / "claims"
FORMAT_VERSION = 2

_DIGIT = re.compile(r"\d")


def normalise_for_features(text: str) -> str:
    """Lower-case ``text`` and write every digit as 0, so "2014" and "1998" share features."""
    return _DIGIT.sub("0", text.lower())


@dataclass
class ClaimScorer:
    """Score sentences for check-worthiness in 0–1.

    Follows scikit-learn conventions: :meth:`fit` returns ``self`` and learned state ends in ``_``.

    Example:
        >>> scorer = ClaimScorer().fit(["We cut taxes by 20%.", "Thank you."] * 5, [1, 0] * 5)
        >>> float(scorer.score(["Unemployment fell by 3%."])[0]) > 0.5
        True
    """

    C: float = 2.0
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    max_char_features: int = 60_000
    min_df: int = 2
    nb_C: float = 0.01
    nb_alpha: float = 1.0
    word_vocabulary_: dict[str, int] = field(default_factory=dict, repr=False)
    char_vocabulary_: dict[str, int] = field(default_factory=dict, repr=False)
    word_idf_: np.ndarray | None = field(default=None, repr=False)
    char_idf_: np.ndarray | None = field(default=None, repr=False)
    coef_: np.ndarray | None = field(default=None, repr=False)
    intercept_: float = 0.0
    nb_ratio_: np.ndarray | None = field(default=None, repr=False)
    nb_coef_: np.ndarray | None = field(default=None, repr=False)
    nb_intercept_: float = 0.0
    card: dict[str, Any] = field(default_factory=dict, repr=False)
    _word_cache: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)

    # ------------------------------------------------------------------ fit

    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> "ClaimScorer":
        """Learn the vocabularies, idf weights and both logistic regressions from labelled sentences."""
        texts = [str(t) for t in texts]
        self.fit_vocabulary(texts)
        return self.fit_features(self.featurise(texts), labels)

    def fit_vocabulary(self, texts: Sequence[str]) -> "ClaimScorer":
        """Learn only the n-gram vocabularies and idf weights (no labels are used)."""
        texts = [str(t) for t in texts]
        word = TfidfVectorizer(ngram_range=self.word_ngrams, min_df=self.min_df, sublinear_tf=True,
                               preprocessor=normalise_for_features)
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=self.char_ngrams, min_df=self.min_df + 1,
                               sublinear_tf=True, preprocessor=normalise_for_features,
                               max_features=self.max_char_features)
        word.fit(texts)
        char.fit(texts)
        self.word_vocabulary_ = {k: int(v) for k, v in word.vocabulary_.items()}
        self.char_vocabulary_ = {k: int(v) for k, v in char.vocabulary_.items()}
        self._word_cache.clear()
        self.word_idf_ = np.asarray(word.idf_, dtype=np.float64)
        self.char_idf_ = np.asarray(char.idf_, dtype=np.float64)
        return self

    def fit_features(self, features: sparse.spmatrix, labels: Sequence[int], *,
                     start: "ClaimScorer | None" = None) -> "ClaimScorer":
        """Learn both logistic regressions on features from :meth:`featurise` (same vocabulary).

        The naive-Bayes ratios come from ``labels`` too, so call this on training rows only.
        ``start``: a scorer fitted on similar data whose weights start the solvers (faster, same optimum).
        """
        features = sparse.csr_matrix(features)
        labels = np.asarray(labels, dtype=int)
        split = self.tfidf_width()
        tfidf, flags = features[:, :split], features[:, split:]
        model = _fit_logistic(tfidf, labels, C=self.C, start=None if start is None else (start.coef_, start.intercept_))
        self.coef_ = model.coef_[0].astype(np.float64)
        self.intercept_ = float(model.intercept_[0])
        self.nb_ratio_ = _log_count_ratio(flags, labels, alpha=self.nb_alpha)
        nb = _fit_logistic(flags @ sparse.diags(self.nb_ratio_), labels, C=self.nb_C,
                           start=None if start is None else (start.nb_coef_, start.nb_intercept_))
        self.nb_coef_ = nb.coef_[0].astype(np.float64)
        self.nb_intercept_ = float(nb.intercept_[0])
        return self

    def tfidf_width(self) -> int:
        """Return the number of columns of :meth:`featurise` read by the tf-idf model (the rest are flags)."""
        return len(self.word_vocabulary_) + len(self.char_vocabulary_) + len(CLAIM_TYPES) + 1

    # ------------------------------------------------------------------ use

    def featurise(self, texts: Sequence[str], *, type_features: Sequence[Sequence[float]] | None = None
                  ) -> sparse.csr_matrix:
        """Return the feature matrix of ``texts``.

        Columns: word and character tf-idf, the claim-type features, then the same word and
        character n-grams as 0/1 presence flags (read by the naive-Bayes model).

        Args:
            texts: the sentences.
            type_features: the rows of :func:`count_type_features` when the caller has them already.

        Returns:
            A sparse matrix with one row per text and :meth:`tfidf_width` + the n-gram count columns.

        Example:
            >>> ClaimScorer.load().featurise(["Tax rose 5%."]).shape[0]
            1
        """
        if self.word_idf_ is None or self.char_idf_ is None:
            raise ConfigError("the claim scorer is not fitted: call fit() or load a saved model")
        texts = [str(t) for t in texts]
        word = _count(texts, self.word_vocabulary_, analyzer="word", ngram_range=self.word_ngrams)
        char = _count(texts, self.char_vocabulary_, analyzer="char_wb", ngram_range=self.char_ngrams,
                      cache=self._word_cache)
        types = sparse.csr_matrix(np.asarray(type_features if type_features is not None
                                             else [count_type_features(t) for t in texts], dtype=np.float64)
                                  .reshape(len(texts), len(CLAIM_TYPES) + 1))
        return sparse.hstack([_tfidf(word, self.word_idf_), _tfidf(char, self.char_idf_), types,
                              _flags(word), _flags(char)], format="csr")

    def score(self, texts: Sequence[str], *, type_features: Sequence[Sequence[float]] | None = None) -> np.ndarray:
        """Return the check-worthiness of each text, a probability in 0–1."""
        if not texts:
            return np.zeros(0)
        if self.coef_ is None:
            raise ConfigError("the claim scorer is not fitted: call fit() or load a saved model")
        return self.score_features(self.featurise(list(texts), type_features=type_features))

    def score_features(self, features: sparse.spmatrix) -> np.ndarray:
        """Return the check-worthiness of rows of a feature matrix from :meth:`featurise`.

        The mean of the tf-idf model's and the naive-Bayes model's probabilities.
        """
        if self.coef_ is None or self.nb_coef_ is None or self.nb_ratio_ is None:
            raise ConfigError("the claim scorer is not fitted: call fit() or load a saved model")
        features = sparse.csr_matrix(features)
        split = self.tfidf_width()
        tfidf = _sigmoid(features[:, :split] @ self.coef_ + self.intercept_)
        nb = _sigmoid(features[:, split:] @ (self.nb_ratio_ * self.nb_coef_) + self.nb_intercept_)
        return (tfidf + nb) / 2.0

    # ------------------------------------------------------------------ save / load

    def save(self, folder: str | Path) -> Path:
        """Write the model to ``folder`` as ``scorer.json`` and ``scorer.npz``; return the folder."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        settings = {
            "format": FORMAT_VERSION, "C": self.C, "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams), "max_char_features": self.max_char_features,
            "min_df": self.min_df, "intercept": self.intercept_, "nb_C": self.nb_C, "nb_alpha": self.nb_alpha,
            "nb_intercept": self.nb_intercept_,
            "word_vocabulary": self.word_vocabulary_, "char_vocabulary": self.char_vocabulary_,
            "card": self.card,
        }
        (folder / "scorer.json").write_text(json.dumps(settings, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        np.savez_compressed(folder / "scorer.npz", word_idf=self.word_idf_, char_idf=self.char_idf_, coef=self.coef_,
                            nb_ratio=self.nb_ratio_, nb_coef=self.nb_coef_)
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
                arrays = {name: arrays[name] for name in ("word_idf", "char_idf", "coef", "nb_ratio", "nb_coef")}
        except (OSError, ValueError, KeyError) as err:
            raise ConfigError(
                f"cannot load the claim scorer from {folder}: {err}. Rebuild it with "
                f"'python -m policytext.annotate.train_claims'."
            ) from err
        return cls(C=settings["C"], word_ngrams=tuple(settings["word_ngrams"]),
                   char_ngrams=tuple(settings["char_ngrams"]), max_char_features=settings["max_char_features"],
                   min_df=settings["min_df"], nb_C=settings["nb_C"], nb_alpha=settings["nb_alpha"],
                   word_vocabulary_=settings["word_vocabulary"], char_vocabulary_=settings["char_vocabulary"],
                   word_idf_=arrays["word_idf"], char_idf_=arrays["char_idf"], coef_=arrays["coef"],
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
