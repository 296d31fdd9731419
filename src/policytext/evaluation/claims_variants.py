"""Compare claim scorer variants by cross-validation inside the training data, then on CLEF 2020 once.

The variants (:data:`VARIANTS`) are four text models, each read alone or with the transcript
context model: the shipped text model's blocks (word and character tf-idf, claim types), a plain
tf-idf + logistic regression (words and characters only), all-MiniLM-L6-v2 sentence embeddings
alone, and embeddings beside the shipped blocks.

The protocol, fixed before anything was scored on CLEF 2020:

1. **Folds inside the training data**: 3 rounds, each holding out a stratified third of
   ClaimBuster and a third of the CLEF 2019 transcripts (whole transcripts), as
   :func:`~policytext.evaluation.claims.choose_params` makes them. Vocabularies and idf use no
   labels and are learnt once from all training texts.
2. **Nested C**: in each round, the text model's ``C`` is chosen among :data:`VARIANT_C_GRID` on
   that round's training part alone (its two thirds, each held out in turn), by the criterion
   below; the round's held-out part is then scored by a model with that ``C``.
3. **Context**: the context model (the shipped model's context features and ``context_C``, chosen
   before, inside CLEF 2019) reads the held-out text scores of the CLEF 2019 lines, leave one
   transcript out.
4. **Criterion**: ClaimBuster F1 at 0.5 (mean of the held-out thirds, the text model) plus CLEF
   2019 MAP (held-out transcripts; with the context model for the context variants). The variant
   with the highest criterion is the choice; the default model must also keep annotate's speed
   floor (≥ 0.85 of a bare ``nlp.pipe``), which only the variants without embeddings do
   (:data:`FAST_VARIANTS`).
5. **CLEF 2020 task 5**: every variant is trained on all the training data with the ``C`` its
   3-round grid prefers (its context model on that grid's held-out scores) and scored once.

Run it: ``python -m policytext.evaluation.claims --variants --cache DIR [DATA_DIR]``; the
cross-validation of each variant is kept in ``DIR`` (it takes many CPU minutes), and the choice is
written there (``variants-choice.json``) before CLEF 2020 is read.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
from scipy import sparse
from sklearn.metrics import f1_score

from policytext.annotate.claim_features import context_features
from policytext.annotate.claim_model import ClaimScorer, LabelledTranscript
from policytext.errors import ConfigError
from policytext.evaluation.claims_data import (
    RankingFigures,
    feature_blocks,
    leave_one_out_context,
    rank_figures,
    stack_blocks,
    training_folds,
)

VARIANTS: dict[str, tuple[str, ...]] = {
    "text model": ("words", "chars", "types"),
    "plain tf-idf": ("words", "chars"),
    "embeddings": ("embeddings",),
    "embeddings + text": ("words", "chars", "types", "embeddings"),
}
"""The text models compared, by name: their feature blocks. Each is read alone and with the context model."""

FAST_VARIANTS = ("text model", "plain tf-idf")
"""The variants that keep annotate's speed floor (no neural network runs): the default is one of them."""

SHIPPED_VARIANT = "text model + context"
"""The shipped default among the variants: it stays the default when the CV choice reads embeddings."""

VARIANT_C_GRID = (0.5, 2.0, 8.0)
"""The text model's ``C`` values each variant chooses among (nested in each round)."""


@dataclass(frozen=True)
class VariantFigures:
    """One variant's figures in the cross-validation inside the training data (nested ``C``)."""

    variant: str
    context: bool
    features: tuple[str, ...]
    claimbuster_f1: float
    clef2019: RankingFigures
    criterion: float
    round_C: tuple[float, ...]
    final_C: float


@dataclass(frozen=True)
class VariantChoice:
    """Every variant's cross-validated figures, the overall choice, and the default under the rule.

    ``chosen_default`` is ``chosen`` when it keeps annotate's speed floor (:data:`FAST_VARIANTS`),
    else :data:`SHIPPED_VARIANT`: a variant that reads embeddings never becomes the default.
    """

    rows: tuple[VariantFigures, ...]
    chosen: str
    chosen_default: str

    def as_dict(self) -> dict[str, Any]:
        """Return the choice as plain JSON-ready values."""
        return {"chosen": self.chosen, "chosen_default": self.chosen_default,
                "rows": [asdict(row) for row in self.rows]}


def variant_name(variant: str, context: bool) -> str:
    """Return a variant's full name: ``"text model + context"`` or ``"text model alone"``."""
    return f"{variant} + context" if context else f"{variant} alone"


@dataclass
class _CrossValidated:
    """The held-out logits of one feature set: nested (``C`` per round) and for every ``C`` of the grid."""

    nested: np.ndarray
    grid: np.ndarray  # one row per C of the grid
    round_C: np.ndarray


class VariantData:
    """The training data laid out once for every variant: texts, labels, folds and feature blocks.

    Args:
        cb_texts, cb_labels: ClaimBuster sentences and labels.
        transcripts: CLEF 2019 train transcripts.
        vectors: the embeddings of ``cb_texts`` then of every transcript line (embedding variants only).
        folds, seed: the rounds of the cross-validation and the seed of ClaimBuster's split.
    """

    def __init__(self, cb_texts: Sequence[str], cb_labels: Sequence[int], transcripts: Sequence[LabelledTranscript],
                 *, vectors: np.ndarray | None = None, folds: int = 3, seed: int = 1):
        self.transcripts = list(transcripts)
        self.texts = list(cb_texts) + [line.text for t in self.transcripts for line in t.lines]
        self.labels = np.concatenate([np.asarray(cb_labels, dtype=int),
                                      [y for t in self.transcripts for y in t.labels]]).astype(int)
        self.cb_count = len(cb_texts)
        self.folds = folds
        self.fold_of = training_folds(cb_labels, self.transcripts, folds=folds, seed=seed)
        self.bounds = np.cumsum([self.cb_count] + [len(t.lines) for t in self.transcripts])
        self.vectors = vectors
        self.digest = _digest(self.texts, self.labels, folds, seed)
        self._vocabulary: ClaimScorer | None = None
        self._blocks: dict[str, sparse.csr_matrix] = {}

    @property
    def vocabulary(self) -> ClaimScorer:
        """A scorer holding the word and character vocabularies learnt from every training text (no labels)."""
        if self._vocabulary is None:
            self._vocabulary = ClaimScorer(features=("words", "chars", "types")).fit_vocabulary(self.texts)
        return self._vocabulary

    def matrix(self, features: Sequence[str]) -> sparse.csr_matrix:
        """Return the feature matrix of every training text for the blocks ``features``."""
        missing = [b for b in features if b not in self._blocks]
        if "embeddings" in missing and self.vectors is None:
            raise ConfigError("the embedding variants need the training sentences' vectors: embed them first "
                              "(python -m policytext.evaluation.claims --embed-only --cache DIR)")
        if missing:
            self._blocks.update(feature_blocks(_scorer_for(self, missing), self.texts, self.vectors))
        return stack_blocks(self._blocks, features)

    def line_logits(self, logits: np.ndarray) -> list[np.ndarray]:
        """Return the CLEF 2019 transcripts' parts of ``logits`` (one value per training text)."""
        return [logits[a:b] for a, b in zip(self.bounds, self.bounds[1:])]

    def criterion_parts(self, logits: np.ndarray, rows: np.ndarray, rounds: Sequence[int]) -> tuple[float, RankingFigures]:
        """Return ClaimBuster F1 (mean over ``rounds``' held-out thirds) and CLEF 2019 ranking of ``rounds``' transcripts.

        ``rows`` are the indices of the texts scored in ``logits`` (held out in one of ``rounds``).
        """
        scored = np.zeros(len(self.texts), dtype=bool)
        scored[rows] = True
        f1s = []
        for k in rounds:
            cb = np.flatnonzero((self.fold_of == k) & (np.arange(len(self.texts)) < self.cb_count))
            f1s.append(float(f1_score(self.labels[cb], logits[cb] >= 0)))
        held = [i for i, (a, _) in enumerate(zip(self.bounds, self.bounds[1:])) if scored[a]]
        ranking = rank_figures([self.transcripts[i] for i in held],
                               [logits[self.bounds[i]:self.bounds[i + 1]] for i in held])
        return float(np.mean(f1s)), ranking


def cross_validate_feature_set(data: VariantData, features: Sequence[str], *, Cs: Sequence[float] = VARIANT_C_GRID,
                               log: Callable[[str], Any] | None = None) -> _CrossValidated:
    """Return the held-out logits of one feature set: nested (``C`` chosen per round inside its training part) and per ``C``."""
    matrix = data.matrix(features)
    rounds = range(data.folds)
    grid = np.zeros((len(Cs), len(data.texts)))
    inner = {}  # (training rounds, C) -> logits of the rows of the other rounds
    for k in rounds:
        train, held = np.flatnonzero(data.fold_of != k), np.flatnonzero(data.fold_of == k)
        for c, C in enumerate(Cs):
            model = ClaimScorer(C=C).fit_text_features(matrix[train], data.labels[train])
            grid[c, held] = matrix[held] @ model.coef_ + model.intercept_
        if log is not None:
            log(f"{'+'.join(features)}: round {k + 1}/{data.folds}, grid done")
    nested = np.zeros(len(data.texts))
    round_C = np.zeros(data.folds)
    for k in rounds:
        others = [j for j in rounds if j != k]
        best, best_criterion = None, -np.inf
        for C in Cs:
            logits = np.zeros(len(data.texts))
            for j in others:  # train on the rounds other than k and j, score j
                key = (tuple(sorted(set(others) - {j})), C)
                if key not in inner:
                    train = np.flatnonzero(np.isin(data.fold_of, key[0]))
                    held = np.flatnonzero(data.fold_of == j)
                    model = ClaimScorer(C=C).fit_text_features(matrix[train], data.labels[train])
                    inner[key] = (held, matrix[held] @ model.coef_ + model.intercept_)
                held, values = inner[key]
                logits[held] = values
            rows = np.flatnonzero(np.isin(data.fold_of, others))
            f1, ranking = data.criterion_parts(logits, rows, others)
            if f1 + ranking.map > best_criterion:
                best, best_criterion = C, f1 + ranking.map
        round_C[k] = best
        held = np.flatnonzero(data.fold_of == k)
        nested[held] = grid[list(Cs).index(best), held]
        if log is not None:
            log(f"{'+'.join(features)}: round {k + 1}/{data.folds} chose C={best}")
    return _CrossValidated(nested=nested, grid=grid, round_C=round_C)


def cached_cross_validation(data: VariantData, features: Sequence[str], cache_dir: str | Path | None, *,
                            Cs: Sequence[float] = VARIANT_C_GRID, log: Callable[[str], Any] | None = None
                            ) -> _CrossValidated:
    """Return :func:`cross_validate_feature_set`, read from ``cache_dir`` when it was computed there before."""
    if cache_dir is None:
        return cross_validate_feature_set(data, features, Cs=Cs, log=log)
    key = hashlib.sha256(json.dumps([data.digest, list(features), list(Cs)]).encode()).hexdigest()[:16]
    path = Path(cache_dir) / f"variant-cv-{'-'.join(features)}-{key}.npz"
    if path.is_file():
        with np.load(path, allow_pickle=False) as stored:
            return _CrossValidated(nested=stored["nested"], grid=stored["grid"], round_C=stored["round_C"])
    result = cross_validate_feature_set(data, features, Cs=Cs, log=log)
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp.npz")
    np.savez(partial, nested=result.nested, grid=result.grid, round_C=result.round_C)
    partial.replace(path)
    return result


def choose_variant(data: VariantData, *, variants: Sequence[str] = tuple(VARIANTS), cache_dir: str | Path | None = None,
                   Cs: Sequence[float] = VARIANT_C_GRID, context_params: dict | None = None,
                   log: Callable[[str], Any] | None = None) -> VariantChoice:
    """Cross-validate every variant inside the training data and choose one (see the module's protocol).

    Args:
        data: the training data (:class:`VariantData`).
        variants: names of :data:`VARIANTS` to compare.
        cache_dir: where each feature set's cross-validation is kept (None: computed, not kept).
        Cs: the text model's ``C`` values.
        context_params: ``context_features`` and ``context_C`` of the context model (default: the
            shipped model's).
        log: called with a line of progress.

    Returns:
        Every variant alone and with context, the overall choice and the default's.
    """
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise ConfigError(f"unknown claim variant(s) {', '.join(unknown)}; choose among {', '.join(VARIANTS)}")
    context_params = context_params or _shipped_context_params()
    line_labels = [np.asarray(t.labels, dtype=int) for t in data.transcripts]
    rows = []
    for variant in variants:
        features = VARIANTS[variant]
        result = cached_cross_validation(data, features, cache_dir, Cs=Cs, log=log)
        final_C = _grid_choice(data, result.grid, Cs)
        f1, text_ranking = data.criterion_parts(result.nested, np.arange(len(data.texts)), range(data.folds))
        line_logits = data.line_logits(result.nested)
        context_rows = [context_features(t.lines, logits) for t, logits in zip(data.transcripts, line_logits)]
        context_scores = leave_one_out_context(context_rows, line_labels, range(len(data.transcripts)),
                                                context_params["context_features"], context_params["context_C"])
        context_ranking = rank_figures(data.transcripts, context_scores)
        for context, ranking in ((False, text_ranking), (True, context_ranking)):
            rows.append(VariantFigures(variant=variant, context=context, features=tuple(features),
                                       claimbuster_f1=round(f1, 4), clef2019=ranking,
                                       criterion=round(f1 + ranking.map, 4),
                                       round_C=tuple(float(c) for c in result.round_C), final_C=final_C))
    best = max(rows, key=lambda row: row.criterion)
    chosen = variant_name(best.variant, best.context)
    # the rule: the CV choice becomes the default only when it keeps the speed floor; else the default stays
    return VariantChoice(rows=tuple(rows), chosen=chosen,
                         chosen_default=chosen if best.variant in FAST_VARIANTS else SHIPPED_VARIANT)


def _grid_choice(data: VariantData, grid: np.ndarray, Cs: Sequence[float]) -> float:
    """Return the ``C`` whose 3-round held-out logits have the best criterion (for the final model)."""
    everything = np.arange(len(data.texts))
    scores = []
    for logits in grid:
        f1, ranking = data.criterion_parts(logits, everything, range(data.folds))
        scores.append(f1 + ranking.map)
    return float(Cs[int(np.argmax(scores))])


def _shipped_context_params() -> dict:
    shipped = ClaimScorer.load()
    return {"context_features": shipped.context_features, "context_C": shipped.context_C}


def score_variants(data: VariantData, choice: VariantChoice, test: Sequence[LabelledTranscript], *,
                   test_vectors: np.ndarray | None = None, cache_dir: str | Path | None = None,
                   Cs: Sequence[float] = VARIANT_C_GRID, context_params: dict | None = None,
                   log: Callable[[str], Any] | None = None) -> dict[str, RankingFigures]:
    """Return CLEF 2020 task 5 figures of every variant of ``choice``, each trained on all the training data.

    Each variant's text model is fitted on every training sentence with its ``final_C``; its
    context model learns from the 3-round held-out logits of that ``C``. ``test_vectors``: the test
    lines' embeddings, transcript after transcript (embedding variants only).
    """
    context_params = context_params or _shipped_context_params()
    test_texts = [line.text for t in test for line in t.lines]
    test_bounds = np.cumsum([0] + [len(t.lines) for t in test])
    figures = {}
    for variant in dict.fromkeys(row.variant for row in choice.rows):
        row = next(r for r in choice.rows if r.variant == variant)
        features = row.features
        result = cached_cross_validation(data, features, cache_dir, Cs=Cs, log=log)
        model = ClaimScorer(C=row.final_C).fit_text_features(data.matrix(features), data.labels)
        blocks = feature_blocks(_scorer_for(data, features), test_texts,
                                 None if "embeddings" not in features else test_vectors)
        logits = stack_blocks(blocks, features) @ model.coef_ + model.intercept_
        per_transcript = [logits[a:b] for a, b in zip(test_bounds, test_bounds[1:])]
        figures[variant_name(variant, False)] = rank_figures(test, per_transcript)
        context = ClaimScorer(**context_params)
        grid_logits = result.grid[list(Cs).index(row.final_C)]
        context.fit_context(data.transcripts, data.line_logits(grid_logits))
        figures[variant_name(variant, True)] = rank_figures(
            test, [context.context_logits(context_features(t.lines, text)) for t, text in zip(test, per_transcript)])
        if log is not None:
            log(f"{variant}: CLEF 2020 scored")
    return figures


def _scorer_for(data: VariantData, features: Sequence[str]) -> ClaimScorer:
    scorer = ClaimScorer(**{**data.vocabulary.get_params(), "features": tuple(features)})
    for key in ("word_vocabulary_", "word_idf_", "char_vocabulary_", "char_idf_"):
        setattr(scorer, key, getattr(data.vocabulary, key))
    return scorer


def _digest(texts: Sequence[str], labels: np.ndarray, folds: int, seed: int) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0")
    digest.update(np.asarray(labels, dtype=np.int64).tobytes())
    digest.update(f"{folds}/{seed}".encode())
    return digest.hexdigest()[:16]
