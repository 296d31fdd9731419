"""The topic model: NMF on TF-IDF or LDA on counts, following scikit-learn conventions.

Parameters are stored by ``__init__`` as given; ``fit`` validates them, learns the state whose
names end in ``_`` and returns ``self``; using a model before ``fit`` raises :class:`NotFitted`.
Terms are lemmas and bigrams of lemmas (stop words removed: English plus the model's
``stop_words``). A model is saved as a JSON card (parameters, vocabulary, coherence, date) beside a
NumPy ``.npz`` of its arrays (:mod:`policytext.model_files`): loading a model never runs code.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import psi

from policytext.analyse.themes import Theme, english_stop_words
from policytext.errors import BadQuery, ConfigError, NotFitted
from policytext.model_files import read_model_files, save_model_files

TOPIC_TERM_COLUMNS = ["topic", "label", "rank", "term", "weight"]
"""Columns of :meth:`TopicModel.terms_frame`: ``topic`` (0-based), ``label``, ``rank`` (1 first),
``term`` and ``weight`` (the term's share of the topic's weight)."""
MODEL_FORMAT = "policytext-topic-model/1"
_PARAMS = ("k", "method", "seed", "stop_words", "min_df", "max_df", "max_features", "ngram_max", "guided",
           "max_iter")


def analyse_terms(text: str, stop: frozenset[str], ngram_max: int = 2) -> list[str]:
    """Return the terms of a lemma stream: content lemmas, and bigrams of neighbouring ones.

    >>> analyse_terms("the small business grow", frozenset({"the"}))
    ['small', 'business', 'grow', 'small business', 'business grow']
    """
    keep = [w if (w not in stop and len(w) > 1 and any(c.isalpha() for c in w)) else None for w in text.split()]
    terms = [w for w in keep if w]
    if ngram_max >= 2:
        terms.extend(f"{a} {b}" for a, b in zip(keep, keep[1:]) if a and b)
    return terms


def segment_stream(text: str, size: int) -> list[str]:
    """Cut a lemma stream into passages of ``size`` lemmas (0: the whole stream)."""
    lemmas = text.split()
    if size <= 0 or len(lemmas) <= size:
        return [text]
    return [" ".join(lemmas[i:i + size]) for i in range(0, len(lemmas), size)]


def npmi_coherence(top_indices: Sequence[Sequence[int]], binary: sparse.spmatrix) -> np.ndarray:
    """Return each topic's mean NPMI over pairs of its top terms, from document co-occurrence.

    NPMI(a, b) = log(P(a, b) / (P(a) P(b))) / -log P(a, b), with probabilities the share of
    documents (rows of ``binary``) containing the terms; a pair never seen together scores -1.

    >>> m = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1]]))
    >>> npmi_coherence([[0, 1]], m).round(3).tolist()
    [1.0]
    """
    binary = sparse.csc_matrix(binary, dtype=np.float64)
    binary.data[:] = 1.0
    n = binary.shape[0]
    scores = []
    for indices in top_indices:
        indices = list(indices)
        sub = binary[:, indices]
        together = (sub.T @ sub).toarray() / n
        single = np.diag(together).copy()
        values = []
        for i in range(len(indices)):
            for j in range(i + 1, len(indices)):
                p_ij = together[i, j]
                if p_ij <= 0:
                    values.append(-1.0)
                elif p_ij >= 1:
                    values.append(1.0)
                else:
                    values.append(float(np.log(p_ij / (single[i] * single[j])) / -np.log(p_ij)))
        scores.append(float(np.mean(values)) if values else 0.0)
    return np.array(scores)


class TopicModel:
    """A topic model over lemma streams.

    Args:
        k: the number of topics.
        method: ``"nmf"`` (NMF with the KL loss on TF-IDF, the default) or ``"lda"`` (LDA on counts).
        seed: the random seed: the same seed, data and parameters give the same model.
        stop_words: domain stop words added to the English ones ("government", "mr"...).
        min_df: the fewest documents a term must occur in (a count, or a share below 1).
        max_df: the largest share of documents a term may occur in.
        max_features: keep only the most frequent terms.
        ngram_max: 1 for lemmas only, 2 to add bigrams.
        guided: theme name -> its entries (lemmas, phrases or wildcards as in a theme file; a list,
            or ``{"terms": [...], "exclude": [...]}``); each theme becomes one topic steered
            towards the vocabulary terms its entries cover (NMF only). Saved with the model, so
            its parameters alone fit it again.
        max_iter: iterations of the solver.

    Example:
        >>> model = TopicModel(k=5, seed=1).fit(lemma_texts)   # doctest: +SKIP
        >>> model.top_terms(5)[0]                              # doctest: +SKIP
    """

    def __init__(self, k: int = 10, *, method: str = "nmf", seed: int = 0, stop_words: Iterable[str] = (),
                 min_df: float = 2, max_df: float = 0.5, max_features: int | None = 20_000,
                 ngram_max: int = 2, guided: Mapping[str, Any] | None = None, max_iter: int = 400):
        self.k = k
        self.method = method
        self.seed = seed
        self.stop_words = stop_words
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.ngram_max = ngram_max
        self.guided = guided
        self.max_iter = max_iter

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the parameters, as plain data (what :meth:`save` writes and ``__init__`` takes)."""
        return {"k": int(self.k), "method": self.method, "seed": int(self.seed),
                "stop_words": sorted({str(w).lower() for w in self.stop_words}), "min_df": self.min_df,
                "max_df": self.max_df, "max_features": self.max_features, "ngram_max": self.ngram_max,
                "guided": {str(name): _guided_entry(entry) for name, entry in (self.guided or {}).items()},
                "max_iter": self.max_iter}

    def set_params(self, **params: Any) -> "TopicModel":
        """Set parameters by name (as scikit-learn estimators do); return ``self``."""
        for name, value in params.items():
            if name not in _PARAMS:
                raise ConfigError(f"TopicModel has no parameter {name!r}; it has {', '.join(_PARAMS)}")
            setattr(self, name, value)
        return self

    def _validate_params(self) -> None:
        if self.method not in ("nmf", "lda"):
            raise ConfigError(f"--method must be nmf or lda, not {self.method!r}")
        if isinstance(self.k, bool) or not isinstance(self.k, (int, np.integer)) or self.k < 2:
            raise ConfigError(f"--k must be 2 or more, not {self.k}")
        if isinstance(self.stop_words, str):
            raise ConfigError(f"stop_words must be a list of words, not the string {self.stop_words!r}")
        if self.guided and self.method != "nmf":
            raise ConfigError("guided topics need --method nmf (LDA here cannot be seeded with terms)")
        if self.guided and len(self.guided) > self.k:
            raise ConfigError(f"{len(self.guided)} guided themes need --k of at least {len(self.guided)}")

    # ------------------------------------------------------------------ vectors

    def stop_word_set(self) -> frozenset[str]:
        """Return every stop word the model leaves out: English ones and its ``stop_words``."""
        return english_stop_words() | frozenset(str(w).lower() for w in self.stop_words)

    def _counts(self, texts: Sequence[str], vocabulary: dict[str, int] | None = None):
        from sklearn.feature_extraction.text import CountVectorizer

        stop = self.stop_word_set()
        options: dict[str, Any] = {"analyzer": lambda text: analyse_terms(text, stop, self.ngram_max)}
        if vocabulary is None:
            options.update(min_df=self.min_df, max_df=self.max_df, max_features=self.max_features)
        else:
            options["vocabulary"] = vocabulary
        vectorizer = CountVectorizer(**options)
        try:
            matrix = vectorizer.fit_transform(texts) if vocabulary is None else vectorizer.transform(texts)
        except ValueError as err:  # empty vocabulary after pruning
            raise BadQuery(f"too few distinct terms to fit topics ({err}); select more documents "
                           "or lower min_df") from err
        return matrix.astype(np.float64), vectorizer.get_feature_names_out()

    def _weights(self, counts: sparse.spmatrix) -> sparse.spmatrix:
        if self.method == "lda":
            return counts
        # TF-IDF weights without length normalisation: with the KL loss below, NMF then behaves like
        # a probabilistic model of term counts that down-weights ubiquitous terms (measured best on
        # hand-coded topics: docs/evaluation.md).
        return sparse.csr_matrix(counts.multiply(self.idf_[None, :]))

    # ------------------------------------------------------------------ fit

    def fit(self, texts: Sequence[str], y: Any = None) -> "TopicModel":
        """Learn the topics of ``texts`` (lemma streams); return ``self``.

        Learned state: ``vocabulary_`` (terms), ``idf_`` (NMF), ``components_`` (topics × terms),
        ``labels_`` (per topic), ``coherence_`` (NPMI per topic on ``texts``), ``n_documents_``.
        ``y`` is ignored (scikit-learn's signature).

        Raises:
            ConfigError: for invalid parameters.
            BadQuery: when the texts are too few, or share too few terms, for the parameters.
        """
        self._validate_params()
        texts = list(texts)
        if len(texts) < self.k:
            raise BadQuery(f"{len(texts)} passages are too few for {self.k} topics; select more "
                           "documents or lower --k")
        counts, vocabulary = self._counts(texts)
        self.vocabulary_ = np.asarray(vocabulary, dtype=str)
        n = counts.shape[0]
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        self.idf_ = np.log((1 + n) / (1 + df)) + 1.0
        matrix = self._weights(counts)
        seeds = self._seed_terms()
        if self.method == "nmf":
            self.components_ = self._fit_nmf(matrix, seeds)
        else:
            from sklearn.decomposition import LatentDirichletAllocation

            lda = LatentDirichletAllocation(n_components=self.k, learning_method="batch",
                                            max_iter=min(self.max_iter, 50), random_state=self.seed)
            lda.fit(matrix)
            self.components_ = lda.components_.astype(np.float64)
            self.doc_topic_prior_ = float(lda.doc_topic_prior_)
        labels = [f"theme:{name}" for name in seeds]
        self.labels_ = labels + [", ".join(terms[:3]) for terms in self.top_terms(3)[len(labels):]]
        self.coherence_ = npmi_coherence(self.top_indices(10), counts)
        self.n_documents_ = n
        return self

    def _seed_terms(self) -> dict[str, list[int]]:
        """Return each guided theme's term indices: the vocabulary terms its entries cover."""
        seeds: dict[str, list[int]] = {}
        for name, entry in (self.guided or {}).items():
            entry = _guided_entry(entry)
            theme = Theme.build(str(name), entry, "guided topics")
            found = [i for i, term in enumerate(self.vocabulary_) if theme.covers(str(term))]
            if not found:
                raise BadQuery(f"no term of theme {name!r} is in the vocabulary of these documents; "
                               "drop it from --guided or select other documents")
            seeds[str(name)] = found
        return seeds

    def _fit_nmf(self, matrix: sparse.spmatrix, seeds: dict[str, list[int]]) -> np.ndarray:
        from sklearn.decomposition import NMF

        if not seeds:
            nmf = NMF(n_components=self.k, init="nndsvda", beta_loss="kullback-leibler", solver="mu",
                      random_state=self.seed, max_iter=self.max_iter)
            nmf.fit(matrix)
            return nmf.components_.astype(np.float64)
        return self._fit_guided_nmf(sparse.csr_matrix(matrix), seeds)

    def _fit_guided_nmf(self, matrix: sparse.csr_matrix, seeds: dict[str, list[int]]) -> np.ndarray:
        """NMF (KL loss) by multiplicative updates where topic ``j`` of ``seeds`` starts on its theme's terms.

        For the first half of the iterations a guided topic may weigh only its seed terms, so it
        gathers the passages that use the theme; then it is released and takes in the words those
        passages share. Unguided topics are free throughout.
        """
        rng = np.random.default_rng(self.seed)
        n, v = matrix.shape
        scale = np.sqrt(matrix.mean() / self.k)
        h = scale * np.abs(rng.standard_normal((self.k, v))) + 1e-9
        w = scale * np.abs(rng.standard_normal((n, self.k))) + 1e-9
        mask = np.ones((self.k, v))
        for topic, indices in enumerate(seeds.values()):
            mask[topic] = 0.0
            mask[topic, indices] = 1.0
            h[:, indices] *= 0.1
            h[topic, indices] = scale * 10.0
        h *= mask
        # Multiplicative updates for the generalised KL divergence (as the unguided fit uses),
        # computed on the non-zero cells of the sparse matrix only.
        matrix = sparse.csr_matrix(matrix)
        matrix.sort_indices()
        cols = matrix.indices
        rows = np.repeat(np.arange(n), np.diff(matrix.indptr))
        values = matrix.data
        eps = 1e-10

        def ratio() -> sparse.csr_matrix:
            approx = np.einsum("ij,ij->i", w[rows], h.T[cols]) + eps
            return sparse.csr_matrix((values / approx, cols, matrix.indptr), shape=(n, v))

        iterations = min(self.max_iter, 200)
        for iteration in range(iterations):
            released = iteration >= iterations // 2
            h *= np.asarray((ratio().T @ w).T) / (w.sum(axis=0)[:, None] + eps)
            if not released:
                h *= mask
            elif iteration == iterations // 2:
                h = np.where(h > 0, h, scale * 1e-3)  # let released topics take in new terms
            w *= np.asarray(ratio() @ h.T) / (h.sum(axis=1)[None, :] + eps)
        return h

    # ------------------------------------------------------------------ use

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Return the topic shares of ``texts`` (lemma streams): rows sum to 1 (0 without terms)."""
        self._check_fitted()
        counts, _ = self._counts(list(texts), vocabulary={t: i for i, t in enumerate(self.vocabulary_)})
        if self.method == "nmf":
            from sklearn.decomposition import non_negative_factorization

            weights, _, _ = non_negative_factorization(
                self._weights(counts), H=self.components_, n_components=self.k, update_H=False,
                init="custom", beta_loss="kullback-leibler", solver="mu", max_iter=self.max_iter,
                random_state=self.seed)
        else:
            weights = self._lda_e_step(sparse.csr_matrix(counts))
        totals = weights.sum(axis=1, keepdims=True)
        return np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)

    def _lda_e_step(self, counts: sparse.csr_matrix, iterations: int = 100) -> np.ndarray:
        """Variational inference of each document's topic proportions, topics held fixed."""
        beta = self.components_
        exp_log_beta = np.exp(psi(beta) - psi(beta.sum(axis=1))[:, None])
        alpha = self.doc_topic_prior_
        result = np.zeros((counts.shape[0], self.k))
        for row in range(counts.shape[0]):
            ids = counts.indices[counts.indptr[row]:counts.indptr[row + 1]]
            if len(ids) == 0:
                continue
            cnts = counts.data[counts.indptr[row]:counts.indptr[row + 1]]
            gamma = np.ones(self.k)
            beta_d = exp_log_beta[:, ids]
            for _ in range(iterations):
                exp_log_theta = np.exp(psi(gamma) - psi(gamma.sum()))
                norm = exp_log_theta @ beta_d + 1e-100
                new = alpha + exp_log_theta * (beta_d @ (cnts / norm))
                done = np.abs(new - gamma).mean() < 1e-3
                gamma = new
                if done:
                    break
            result[row] = gamma - alpha
        return np.maximum(result, 0.0)

    def term_matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Return the weighted term matrix of ``texts`` (passages × ``vocabulary_``) the model factorises."""
        self._check_fitted()
        counts, _ = self._counts(list(texts), vocabulary={t: i for i, t in enumerate(self.vocabulary_)})
        return sparse.csr_matrix(self._weights(counts))

    def similarity(self, texts: Sequence[str]) -> np.ndarray:
        """Return the cosine of each text's weighted term vector with each topic's term weights
        (texts × topics, 0 to 1): how typical of the topic the text's words are, whatever its share."""
        matrix = self.term_matrix(texts)
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)))
        topics = self.components_ / np.maximum(np.linalg.norm(self.components_, axis=1, keepdims=True), 1e-300)
        return np.asarray(matrix @ topics.T) / np.maximum(norms, 1e-300)

    def topic_term_weights(self) -> np.ndarray:
        """Return each topic's weight for each term (topics × terms), rows summing to 1."""
        self._check_fitted()
        totals = self.components_.sum(axis=1, keepdims=True)
        return np.divide(self.components_, totals, out=np.zeros_like(self.components_), where=totals > 0)

    def top_indices(self, n: int = 10) -> list[list[int]]:
        self._check_fitted()
        return [list(np.argsort(-row, kind="stable")[:n]) for row in self.components_]

    def top_terms(self, n: int = 10) -> list[list[str]]:
        """Return the ``n`` heaviest terms of each topic."""
        return [[str(self.vocabulary_[i]) for i in row] for row in self.top_indices(n)]

    def terms_frame(self, n: int = 10) -> pd.DataFrame:
        """Return the top terms of every topic with :data:`TOPIC_TERM_COLUMNS`."""
        rows = []
        for topic, indices in enumerate(self.top_indices(n)):
            total = self.components_[topic].sum() or 1.0
            for rank, index in enumerate(indices, start=1):
                rows.append({"topic": topic, "label": self.labels_[topic], "rank": rank,
                             "term": str(self.vocabulary_[index]),
                             "weight": float(self.components_[topic, index] / total)})
        return pd.DataFrame(rows, columns=TOPIC_TERM_COLUMNS)

    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise NotFitted("this topic model is not fitted yet: call fit() first, or load a saved model")

    # ------------------------------------------------------------------ save / load

    def save(self, path: str | Path, *, card: Mapping[str, Any] | None = None) -> Path:
        """Write ``PATH.json`` (card, parameters, vocabulary) and ``PATH.npz`` (arrays); return the JSON path."""
        self._check_fitted()
        document = {
            "format": MODEL_FORMAT, "params": self.get_params(), "vocabulary": self.vocabulary_.tolist(),
            "labels": list(self.labels_), "coherence": [float(c) for c in self.coherence_],
            "n_documents": int(self.n_documents_), "doc_topic_prior": getattr(self, "doc_topic_prior_", None),
            "card": dict(card or {}),
        }
        return save_model_files(path, document, {"components": self.components_, "idf": self.idf_})

    @classmethod
    def load(cls, path: str | Path) -> "TopicModel":
        """Read a model written by :meth:`save`; never runs code (JSON, and NumPy without pickles)."""
        document, arrays = read_model_files(path, format=MODEL_FORMAT, names=("components", "idf"),
                                            refit="policytext topics fit")
        model = cls(**document["params"])
        model.components_ = arrays["components"]
        model.idf_ = arrays["idf"]
        model.vocabulary_ = np.asarray(document["vocabulary"], dtype=str)
        model.labels_ = list(document["labels"])
        model.coherence_ = np.asarray(document["coherence"])
        model.n_documents_ = int(document["n_documents"])
        if document.get("doc_topic_prior") is not None:
            model.doc_topic_prior_ = float(document["doc_topic_prior"])
        model.card_ = document.get("card", {})
        return model


def _guided_entry(entry: Any) -> dict[str, list[str]]:
    """Return a guided theme's entries as ``{"terms": [...], "exclude": [...]}`` (a list: its terms)."""
    if isinstance(entry, Mapping):
        return {"terms": [str(t) for t in entry.get("terms", [])],
                "exclude": [str(t) for t in entry.get("exclude", [])]}
    if isinstance(entry, str):
        return {"terms": [entry], "exclude": []}
    return {"terms": [str(t) for t in entry], "exclude": []}
