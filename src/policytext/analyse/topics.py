"""Topic models following scikit-learn conventions: NMF on TF-IDF or LDA on counts.

``TopicModel.fit`` returns ``self``; learned state ends in ``_``. Terms are lemmas and bigrams of
lemmas (stop words removed: English plus the user's domain stop words). A model is saved as a JSON
card (parameters, vocabulary, corpus state, coherence, date) beside a NumPy ``.npz`` of its arrays,
read back with ``allow_pickle=False``: loading a model never runs code.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import psi

from policytext.analyse.groups import check_grouping, group_labels, group_periods, leave_out_unlabelled
from policytext.analyse.lemmas import lemma_frame
from policytext.analyse.themes import Lexicon, _stop_words, load_lexicon
from policytext.analyse.trends import stable_seed
from policytext.errors import BadQuery, ConfigError
from policytext.provenance import attach_provenance
from policytext.store.filters import strict_options

MODELS_FOLDER = "models"
TOPIC_TREND_COLUMNS = ["topic", "label", "group", "start", "end", "documents", "share", "share_low",
                       "share_high"]
"""Columns of :func:`topic_trends`, one row per topic and group, groups in time order:
``topic`` (0-based), ``label`` (guided theme or top three terms), ``group``, ``start``/``end``
(the group's period), ``documents``, ``share`` (mean topic share of the group's documents) and
``share_low``/``share_high`` (95% bootstrap interval over documents)."""
TOPIC_TERM_COLUMNS = ["topic", "label", "rank", "term", "weight"]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")
_FORMAT = "policytext-topic-model/1"


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
        guided: theme label -> seed terms; each becomes one topic steered towards its terms
            (NMF only).
        max_iter: iterations of the solver.

    Example:
        >>> model = TopicModel(k=5, seed=1).fit(lemma_texts)   # doctest: +SKIP
        >>> model.top_terms(5)[0]                              # doctest: +SKIP
    """

    def __init__(self, k: int = 10, *, method: str = "nmf", seed: int = 0, stop_words: Iterable[str] = (),
                 min_df: float = 2, max_df: float = 0.5, max_features: int | None = 20_000,
                 ngram_max: int = 2, guided: Mapping[str, Sequence[str]] | None = None, max_iter: int = 400):
        if method not in ("nmf", "lda"):
            raise ConfigError(f"--method must be nmf or lda, not {method!r}")
        if int(k) < 2:
            raise ConfigError(f"--k must be 2 or more, not {k}")
        if guided and method != "nmf":
            raise ConfigError("guided topics need --method nmf (LDA here cannot be seeded with terms)")
        self.k = int(k)
        self.method = method
        self.seed = int(seed)
        self.stop_words = tuple(sorted({w.lower() for w in stop_words}))
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.ngram_max = ngram_max
        self.guided = {str(k_): list(v) for k_, v in (guided or {}).items()}
        self.max_iter = max_iter

    def get_params(self) -> dict[str, Any]:
        return {"k": self.k, "method": self.method, "seed": self.seed, "stop_words": list(self.stop_words),
                "min_df": self.min_df, "max_df": self.max_df, "max_features": self.max_features,
                "ngram_max": self.ngram_max, "guided": self.guided, "max_iter": self.max_iter}

    # ------------------------------------------------------------------ vectors

    def _stop(self) -> frozenset[str]:
        return _stop_words() | frozenset(self.stop_words)

    def _counts(self, texts: Sequence[str], vocabulary: dict[str, int] | None = None):
        from sklearn.feature_extraction.text import CountVectorizer

        stop = self._stop()
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

    def fit(self, texts: Sequence[str], *, lexicon: Lexicon | None = None) -> "TopicModel":
        """Learn the topics of ``texts`` (lemma streams); return ``self``.

        Learned state: ``vocabulary_`` (terms), ``idf_`` (NMF), ``components_`` (topics × terms),
        ``labels_`` (per topic), ``coherence_`` (NPMI per topic on ``texts``), ``n_documents_``.
        """
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
        seeds = self._seed_terms(lexicon)
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

    def _seed_terms(self, lexicon: Lexicon | None) -> dict[str, list[int]]:
        if not self.guided:
            return {}
        if len(self.guided) > self.k:
            raise ConfigError(f"{len(self.guided)} guided themes need --k of at least {len(self.guided)}")
        index = {term: i for i, term in enumerate(self.vocabulary_)}
        seeds: dict[str, list[int]] = {}
        for name, entries in self.guided.items():
            found: set[int] = set()
            theme = lexicon.get(name) if lexicon is not None and name in lexicon else None
            for entry in entries:
                if entry in index:
                    found.add(index[entry])
            if theme is not None:
                found.update(i for term, i in index.items() if theme.covers(term))
            if not found:
                raise BadQuery(f"no term of theme {name!r} is in the vocabulary of these documents; "
                               "drop it from --guided or select other documents")
            seeds[name] = sorted(found)
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
            raise BadQuery("this topic model is not fitted yet: call fit() first")

    # ------------------------------------------------------------------ save / load

    def save(self, path: str | Path, *, card: Mapping[str, Any] | None = None) -> Path:
        """Write ``PATH.json`` (card, parameters, vocabulary) and ``PATH.npz`` (arrays); return the JSON path."""
        self._check_fitted()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        json_path, npz_path = path.with_suffix(".json"), path.with_suffix(".npz")
        arrays = {"components": self.components_, "idf": self.idf_}
        np.savez_compressed(npz_path, **arrays)
        document = {
            "format": _FORMAT, "params": self.get_params(), "vocabulary": self.vocabulary_.tolist(),
            "labels": list(self.labels_), "coherence": [float(c) for c in self.coherence_],
            "n_documents": int(self.n_documents_), "doc_topic_prior": getattr(self, "doc_topic_prior_", None),
            "arrays_sha256": hashlib.sha256(npz_path.read_bytes()).hexdigest(),
            "card": dict(card or {}),
        }
        json_path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        return json_path

    @classmethod
    def load(cls, path: str | Path) -> "TopicModel":
        """Read a model written by :meth:`save`; never runs code (JSON, and NumPy without pickles)."""
        json_path = Path(path).with_suffix(".json")
        npz_path = json_path.with_suffix(".npz")
        try:
            document = json.loads(json_path.read_text(encoding="utf-8"))
            blob = npz_path.read_bytes()
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ConfigError(f"cannot read the topic model {json_path}: {err}. Fit it again with "
                              "'policytext topics fit'.") from err
        if document.get("format") != _FORMAT:
            raise ConfigError(f"{json_path} is not a policytext topic model ({_FORMAT})")
        if hashlib.sha256(blob).hexdigest() != document.get("arrays_sha256"):
            raise ConfigError(f"{npz_path} does not match its card {json_path.name} (changed or "
                              "replaced); fit the model again")
        with np.load(npz_path, allow_pickle=False) as arrays:
            components, idf = arrays["components"], arrays["idf"]
        params = document["params"]
        model = cls(**params)
        model.components_ = components
        model.idf_ = idf
        model.vocabulary_ = np.asarray(document["vocabulary"], dtype=str)
        model.labels_ = list(document["labels"])
        model.coherence_ = np.asarray(document["coherence"])
        model.n_documents_ = int(document["n_documents"])
        if document.get("doc_topic_prior") is not None:
            model.doc_topic_prior_ = float(document["doc_topic_prior"])
        model.card_ = document.get("card", {})
        return model


# ---------------------------------------------------------------------- corpus-level functions

def models_folder(corpus) -> Path:
    return Path(corpus.path) / MODELS_FOLDER / "topics"


def model_path(corpus, name: str) -> Path:
    """Return where topic model ``name`` of this corpus lives (without suffix)."""
    if not _NAME.match(name):
        raise BadQuery(f"{name!r} is not a usable model name: use letters, digits, '.', '_' or '-'")
    return models_folder(corpus) / name


def corpus_state(frame: pd.DataFrame) -> dict[str, Any]:
    """Describe the documents a model was fitted on: count, tokens, date range and a digest."""
    digest = hashlib.sha256("\n".join(sorted(frame["id"])).encode("utf-8")).hexdigest()
    dates = frame["date"].dropna()
    return {"documents": int(len(frame)), "tokens": int(frame["tokens"].sum()),
            "first": dates.min() if len(dates) else None, "last": dates.max() if len(dates) else None,
            "documents_sha256": digest}


def _passages(frame: pd.DataFrame, segment: int) -> tuple[list[str], np.ndarray]:
    texts, owners = [], []
    for row, text in enumerate(frame["lemmas"]):
        for passage in segment_stream(text, segment):
            texts.append(passage)
            owners.append(row)
    return texts, np.asarray(owners)


@strict_options
def fit_topics(corpus, *, k: int | str = 10, method: str = "nmf", seed: int = 0, name: str | None = None,
               segment: int = 200, guided: Sequence[str] = (), stop_words: Iterable[str] = (),
               k_range: Sequence[int] = (5, 10, 15, 20, 25), lexicon: Lexicon | None = None,
               progress: Callable[..., None] | None = None, **filters: Any) -> tuple[TopicModel, Path, pd.DataFrame]:
    """Fit a topic model on the selected documents and save it in the corpus's ``models/topics``.

    Args:
        corpus: an open corpus.
        k: the number of topics, or ``"auto"`` to pick a k in ``k_range`` by mean NPMI
            (:func:`choose_k`: the smallest within one standard error of the best).
        method: ``"nmf"`` or ``"lda"``.
        seed: the random seed.
        name: the model's name (default ``<method>-k<k>``).
        segment: passages of this many lemmas are the units topics are fitted on (0: documents).
        guided: theme names; each seeds one topic with its terms.
        stop_words: domain stop words, added to the English ones and to ``stop_words`` in
            ``policytext.toml``.
        k_range: the k values ``"auto"`` tries.
        lexicon: the themes for ``guided``.
        progress: called once per document lemmatised.
        filters: the shared document filters.

    Returns:
        The model, the path of its card, and the coherence of each k tried (``k, coherence, se,
        chosen``).

    Example:
        >>> model, path, tried = fit_topics(corpus, k="auto", since="1946")   # doctest: +SKIP
    """
    configured = corpus.config.extra.get("stop_words") or []
    words = list(stop_words) + ([configured] if isinstance(configured, str) else list(configured))
    frame = lemma_frame(corpus, progress=progress, **filters)
    if frame.empty:
        raise BadQuery("no documents match the filters; widen them or collect documents first")
    texts, _ = _passages(frame, segment)
    lexicon = lexicon or (load_lexicon(config=corpus.config) if guided else None)
    guided_terms = {lexicon.get(g).name: [] for g in guided} if guided else {}

    def build(n_topics: int) -> TopicModel:
        return TopicModel(n_topics, method=method, seed=seed, stop_words=words, guided=guided_terms,
                          min_df=2 if len(texts) >= 20 else 1, max_df=0.5 if len(texts) >= 20 else 1.0)

    tried = []
    if str(k) == "auto":
        candidates = [value for value in k_range if value >= max(2, len(guided_terms)) and value <= len(texts)]
        if not candidates:
            raise BadQuery(f"no k in {list(k_range)} fits {len(texts)} passages; select more documents")
        fitted = {}
        for value in candidates:
            fitted[value] = build(value).fit(texts, lexicon=lexicon)
            coherence = fitted[value].coherence_
            tried.append({"k": value, "coherence": float(np.mean(coherence)),
                          "se": float(np.std(coherence, ddof=1) / np.sqrt(len(coherence)))
                          if len(coherence) > 1 else 0.0})
        chosen = choose_k(tried)
        for row in tried:
            row["chosen"] = row["k"] == chosen
        model = fitted[chosen]
    else:
        try:
            k_value = int(k)
        except ValueError as err:
            raise BadQuery(f"--k must be a number or 'auto', not {k!r}") from err
        model = build(k_value).fit(texts, lexicon=lexicon)
        tried.append({"k": k_value, "coherence": float(np.mean(model.coherence_)), "se": None, "chosen": True})
    name = name or f"{method}-k{model.k}"
    card = {
        "name": name, "fitted_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "corpus": corpus_state(frame), "filters": {k_: v for k_, v in filters.items() if v is not None},
        "segment": segment, "coherence_mean": float(np.mean(model.coherence_)), "k_tried": tried,
        "policytext_version": _version(),
    }
    path = model.save(model_path(corpus, name), card=card)
    return model, path, attach_provenance(pd.DataFrame(tried, columns=["k", "coherence", "se", "chosen"]), corpus,
                                          "fit_topics", filters, topic_model=name, method=method, seed=seed, segment=segment)


def choose_k(tried: Sequence[dict[str, Any]]) -> int:
    """Return the smallest k whose mean coherence is within one standard error of the best.

    Mean NPMI alone tends to creep up with k (more, narrower topics), so the best mean is read
    with its standard error over topics, and the most parsimonious k that is as good within that
    error is kept (the one-standard-error rule).

    Args:
        tried: rows with ``k``, ``coherence`` (mean NPMI of its topics) and ``se``.

    Returns:
        The chosen k.

    Example:
        >>> choose_k([{"k": 5, "coherence": 0.10, "se": 0.02}, {"k": 10, "coherence": 0.11, "se": 0.02}])
        5
    """
    best = max(tried, key=lambda row: row["coherence"])
    floor = best["coherence"] - (best["se"] or 0.0)
    return min(row["k"] for row in tried if row["coherence"] >= floor)


def _version() -> str:
    from policytext import __version__

    return __version__


def load_topic_model(corpus, name: str) -> TopicModel:
    """Load topic model ``name`` of this corpus (see ``policytext topics fit``)."""
    path = model_path(corpus, name).with_suffix(".json")
    if not path.exists():
        known = sorted(p.stem for p in models_folder(corpus).glob("*.json")) if models_folder(corpus).exists() else []
        raise BadQuery(f"no topic model named {name!r} in {models_folder(corpus)}. "
                       + (f"Known: {', '.join(known)}." if known else "Fit one with 'policytext topics fit'."))
    return TopicModel.load(path)


def document_topics(model: TopicModel, frame: pd.DataFrame, segment: int) -> np.ndarray:
    """Return each document's topic shares: the token-weighted mean over its passages."""
    texts, owners = _passages(frame, segment)
    shares = model.transform(texts)
    lengths = np.array([len(t.split()) for t in texts], dtype=np.float64)
    result = np.zeros((len(frame), model.k))
    np.add.at(result, owners, shares * lengths[:, None])
    weight = np.zeros(len(frame))
    np.add.at(weight, owners, lengths)
    return np.divide(result, weight[:, None], out=np.zeros_like(result), where=weight[:, None] > 0)


@strict_options
def topic_trends(corpus, name: str, *, by: str = "government", draws: int = 1000, seed: int = 0,
                 progress: Callable[..., None] | None = None, include_unlabelled: bool = False,
                 **filters: Any) -> pd.DataFrame:
    """Return the mean share of each topic of model ``name`` in each group, with 95% intervals.

    Args:
        corpus: an open corpus.
        name: a fitted model of this corpus.
        by: government, year, quarter, speaker, party or kind.
        draws, seed: bootstrap resamples over documents, and their seed.
        progress: called once per document lemmatised.
        include_unlabelled: keep documents with no group (e.g. no government) as ``(none)``;
            by default they are left out with a warning saying how many.
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`TOPIC_TREND_COLUMNS`; ``attrs["left_out"]`` counts the documents
        left out for having no group.

    Example:
        >>> topic_trends(corpus, "nmf-k10", by="government")   # doctest: +SKIP
    """
    check_grouping(by)
    model = load_topic_model(corpus, name)
    made = dict(topic_model=name, fitted_at=model.card_.get("fitted_at"), by=by, seed=seed, draws=draws,
                include_unlabelled=include_unlabelled)
    frame = lemma_frame(corpus, progress=progress, **filters)
    labels = group_labels(frame, by)
    frame, labels, left_out = leave_out_unlabelled(frame, labels, by, include_unlabelled=include_unlabelled)
    if frame.empty:
        empty = pd.DataFrame(columns=TOPIC_TREND_COLUMNS)
        empty.attrs["left_out"] = left_out
        return attach_provenance(empty, corpus, "topic_trends", filters, **made)
    shares = document_topics(model, frame, int(model.card_.get("segment", 200)))
    periods = group_periods(frame, labels, by, corpus.timelines)
    rows = []
    for topic in range(model.k):
        for period in periods.itertuples(index=False):
            mask = (labels == period.group).to_numpy()
            values = shares[mask, topic]
            rng = np.random.default_rng(stable_seed(seed, str(topic), str(period.group)))
            draws_ = values[rng.integers(0, len(values), size=(draws, len(values)))].mean(axis=1)
            low, high = np.percentile(draws_, [2.5, 97.5])
            rows.append({"topic": topic, "label": model.labels_[topic], "group": period.group,
                         "start": period.start, "end": period.end, "documents": int(mask.sum()),
                         "share": float(values.mean()), "share_low": float(low), "share_high": float(high)})
    result = pd.DataFrame(rows, columns=TOPIC_TREND_COLUMNS)
    result.attrs["left_out"] = left_out
    return attach_provenance(result, corpus, "topic_trends", filters, **made)


@strict_options
def apply_topics(corpus, name: str, texts: Mapping[str, str] | None = None, *,
                 progress: Callable[..., None] | None = None, **filters: Any) -> pd.DataFrame:
    """Return the topic shares of new texts (``label -> text``) or of the selected documents.

    Returns:
        A DataFrame with ``item``, ``top_topic``, ``top_label``, ``top_share`` and one
        ``topic_<i>`` column of shares per topic.

    Example:
        >>> apply_topics(corpus, "nmf-k10", {"note.txt": "We will cut taxes for small firms."})   # doctest: +SKIP
    """
    from policytext.analyse.lemmas import lemmatise_text, load_lemmatizer

    model = load_topic_model(corpus, name)
    segment = int(model.card_.get("segment", 200))
    if texts is not None:
        nlp = load_lemmatizer(corpus.config.model)
        items = list(texts)
        streams = []
        for item in items:
            streams.append(" ".join(lemmatise_text(nlp, texts[item])))
            if progress:
                progress()
        frame = pd.DataFrame({"id": items, "lemmas": streams})
    else:
        frame = lemma_frame(corpus, progress=progress, **filters)
    shares = document_topics(model, frame, segment) if len(frame) else np.zeros((0, model.k))
    top = shares.argmax(axis=1) if len(frame) else np.zeros(0, dtype=int)
    result = pd.DataFrame({"item": frame["id"].tolist(), "top_topic": top.astype(int),
                           "top_label": [model.labels_[t] for t in top],
                           "top_share": shares.max(axis=1) if len(frame) else []})
    for topic in range(model.k):
        result[f"topic_{topic}"] = shares[:, topic]
    return attach_provenance(result, corpus, "apply_topics", None if texts is not None else filters, topic_model=name,
                             fitted_at=model.card_.get("fitted_at"), texts=list(texts) if texts is not None else None)


@strict_options
def representative_passages(corpus, name: str, *, per_topic: int = 2, **filters: Any) -> pd.DataFrame:
    """Return, for each topic, the passages (original text) where the topic weighs most.

    Returns:
        A DataFrame with ``topic, label, doc_id, date, speaker, share, start, end, passage``.
    """
    from policytext.analyse.lemmas import load_tokenizer, word_spans

    model = load_topic_model(corpus, name)
    segment = int(model.card_.get("segment", 200)) or 200
    frame = lemma_frame(corpus, **filters)
    texts, owners = _passages(frame, segment)
    made = dict(topic_model=name, fitted_at=model.card_.get("fitted_at"), per_topic=per_topic)
    if not texts:
        return attach_provenance(pd.DataFrame(columns=["topic", "label", "doc_id", "date", "speaker", "share", "start",
                                                       "end", "passage"]), corpus, "representative_passages", filters, **made)
    shares = model.transform(texts)
    position = np.zeros(len(texts), dtype=int)  # index of each passage within its document
    for i in range(1, len(texts)):
        position[i] = position[i - 1] + 1 if owners[i] == owners[i - 1] else 0
    tokenizer = load_tokenizer(corpus.config.model)
    spans_cache: dict[int, list[tuple[int, int]]] = {}
    rows = []
    conn = corpus.store.conn
    for topic in range(model.k):
        for passage in np.argsort(-shares[:, topic], kind="stable")[:per_topic]:
            owner = int(owners[passage])
            doc_id = frame["id"].iloc[owner]
            text = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
            if owner not in spans_cache:
                spans_cache[owner] = word_spans(tokenizer, text)
            spans = spans_cache[owner]
            first = position[passage] * segment
            last = min(first + segment, len(spans)) - 1
            if spans and first < len(spans):
                start, end = spans[first][0], spans[last][1]
            else:
                start, end = 0, len(text)
            rows.append({"topic": topic, "label": model.labels_[topic], "doc_id": doc_id,
                         "date": frame["date"].iloc[owner], "speaker": frame["speaker"].iloc[owner],
                         "share": float(shares[passage, topic]), "start": start, "end": end,
                         "passage": " ".join(text[start:end].split())})
    return attach_provenance(pd.DataFrame(rows), corpus, "representative_passages", filters, **made)
