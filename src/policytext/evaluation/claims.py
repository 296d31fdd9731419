"""Evaluate the claim scorer on three labelled sets, each figure on data nothing was chosen on.

- **CLEF CheckThat! 2020 task 5** (20 later US debates, interviews and rallies): the out-of-sample
  figure. The scorer is trained on ClaimBuster and CLEF 2019 train exactly as the shipped model;
  every parameter was fixed before this set was scored. Reported per transcript: mean average
  precision (MAP), R-precision and precision at 10, with their spread over transcripts (standard
  deviation and a bootstrap 95% interval of the mean over transcripts).
- **ClaimBuster**, stratified 5-fold cross-validation: each fold's text model learns everything
  from its four training folds; check-worthy at probability ≥ 0.5, a threshold fixed in advance.
- **CLEF 2019 train**, leave one transcript out: each transcript is scored by a text model trained
  on ClaimBuster and the 18 others, and a context model trained on the 18 others' leave-one-out
  text scores. The n-gram vocabulary (no labels) is learnt once from all training texts.

Run it: ``python -m policytext.evaluation.claims [DATA_DIR]`` (prints the figures as JSON).
"""
from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold

from policytext.annotate.claim_features import CONTEXT_FEATURES, FEATURE_GROUPS, TranscriptLine, context_features
from policytext.annotate.claim_model import ClaimScorer, LabelledTranscript, normalise_for_features
from policytext.errors import BadInput

CLAIMBUSTER_FILE = "claimbuster-2.5xncs.csv"
CLEF_FILE = "clef2019-task1-train.csv"
CLEF2020_FILE = "clef2020-task5-test.csv"


@dataclass(frozen=True)
class ClaimBusterFigures:
    """Figures of the check-worthy class: pooled over all folds, and F1 per fold with its mean and spread."""

    folds: int
    sentences: int
    precision: float
    recall: float
    f1: float
    fold_f1: tuple[float, ...] = ()
    f1_mean: float = 0.0
    f1_sd: float = 0.0


@dataclass(frozen=True)
class RankingFigures:
    """Ranking figures per transcript (those with a check-worthy line), their means and spread.

    ``map_interval`` is a bootstrap 95% interval of the MAP over transcripts (2,000 resamples, seed 0).
    """

    transcripts: int
    lines: int
    map: float
    map_sd: float
    map_interval: tuple[float, float]
    r_precision: float
    p_at_10: float
    p_at_10_sd: float
    average_precision: tuple[float, ...] = ()


def read_claimbuster(path: str | Path) -> tuple[list[str], list[int]]:
    """Return the sentences and 0/1 labels of the ClaimBuster CSV (``sentence_id,screening,label,text``)."""
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                texts.append(row["text"])
                labels.append(int(row["label"]))
            except (KeyError, TypeError, ValueError) as err:
                raise BadInput(str(path), f"expected columns text and label (0/1): {err}", line) from err
    return texts, labels


def read_clef(path: str | Path) -> list[LabelledTranscript]:
    """Return the transcripts of a CLEF CheckThat! CSV (``line_number, speaker, text, label, file_name``), in order."""
    transcripts: dict[str, tuple[list[TranscriptLine], list[int]]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                lines, labels = transcripts.setdefault(row["file_name"], ([], []))
                lines.append(TranscriptLine(row["text"], row.get("speaker") or None))
                labels.append(int(row["label"]))
            except (KeyError, TypeError, ValueError) as err:
                raise BadInput(str(path), f"expected columns file_name, speaker, text and label: {err}", line) from err
    return [LabelledTranscript(name, lines, labels) for name, (lines, labels) in transcripts.items()]


def rank_figures(transcripts: Sequence[LabelledTranscript], scores: Sequence[np.ndarray]) -> RankingFigures:
    """Return MAP, R-precision and P@10 over transcripts, each line ranked within its transcript.

    Transcripts without a check-worthy line are left out (their average precision is undefined),
    as in the CheckThat! scorer.
    """
    rows = []
    for transcript, transcript_scores in zip(transcripts, scores):
        labels = np.asarray(transcript.labels)
        if labels.sum():
            rows.append((float(average_precision_score(labels, transcript_scores)),
                         r_precision(labels, transcript_scores), precision_at(labels, transcript_scores, 10)))
    table = np.asarray(rows)
    rng = np.random.default_rng(0)
    means = table[rng.integers(0, len(table), size=(2000, len(table))), 0].mean(axis=1)
    return RankingFigures(
        transcripts=len(table), lines=sum(len(t.lines) for t in transcripts),
        map=round(float(table[:, 0].mean()), 4), map_sd=round(float(table[:, 0].std()), 4),
        map_interval=(round(float(np.quantile(means, 0.025)), 4), round(float(np.quantile(means, 0.975)), 4)),
        r_precision=round(float(table[:, 1].mean()), 4), p_at_10=round(float(table[:, 2].mean()), 4),
        p_at_10_sd=round(float(table[:, 2].std()), 4), average_precision=tuple(round(float(a), 4) for a in table[:, 0]))


def r_precision(labels: Sequence[int], scores: np.ndarray) -> float:
    """Return the share of check-worthy lines among the top R, R being how many there are."""
    relevant = int(sum(labels))
    top = np.argsort(-np.asarray(scores), kind="stable")[:relevant]
    return float(np.asarray(labels)[top].sum() / relevant)


def precision_at(labels: Sequence[int], scores: np.ndarray, k: int) -> float:
    """Return the share of check-worthy lines among the top ``k`` (all lines when fewer)."""
    top = np.argsort(-np.asarray(scores), kind="stable")[:k]
    return float(np.asarray(labels)[top].mean())


def evaluate_claimbuster(path: str | Path, *, folds: int = 5, seed: int = 0, choose_C: Sequence[float] = (),
                         **params) -> ClaimBusterFigures:
    """Return precision, recall and F1 of the check-worthy class by stratified, seeded k-fold CV.

    A sentence is check-worthy at probability ≥ 0.5. Precision, recall and ``f1`` pool the
    predictions of all folds; ``fold_f1``, ``f1_mean`` and ``f1_sd`` give F1 per test fold. Each
    fold learns everything (vocabularies, idf weights, regression) from its own training sentences.

    Args:
        path: the ClaimBuster CSV.
        folds: number of folds.
        seed: seed of the stratified split.
        choose_C: when given, each outer fold chooses ``C`` among these by a 3-fold CV of F1 inside
            its own training folds (nested; the vocabulary is learnt once per outer fold).
        params: :class:`ClaimScorer` parameters (default: the shipped model's).

    Example:
        >>> evaluate_claimbuster("../shared/data/claims/claimbuster-2.5xncs.csv").f1_mean  # doctest: +SKIP
        0.79
    """
    texts, labels = read_claimbuster(path)
    y = np.asarray(labels)
    predicted = np.zeros(len(texts), dtype=int)
    fold_f1 = []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y):
        fold_params = dict(params)
        if choose_C:
            fold_params["C"] = _choose_C([texts[i] for i in train], y[train], choose_C, seed=seed, **params)
        scorer = ClaimScorer(**fold_params).fit([texts[i] for i in train], y[train])
        predicted[test] = (scorer.score([texts[i] for i in test]) >= 0.5).astype(int)
        fold_f1.append(float(f1_score(y[test], predicted[test])))
    return ClaimBusterFigures(folds=folds, sentences=len(texts),
                              precision=round(float(precision_score(y, predicted)), 4),
                              recall=round(float(recall_score(y, predicted)), 4),
                              f1=round(float(f1_score(y, predicted)), 4),
                              fold_f1=tuple(round(f, 4) for f in fold_f1),
                              f1_mean=round(float(np.mean(fold_f1)), 4), f1_sd=round(float(np.std(fold_f1)), 4))


def _choose_C(texts: list[str], labels: np.ndarray, grid: Sequence[float], *, seed: int, **params) -> float:
    """Return the ``C`` of ``grid`` with the best mean F1 (at 0.5) in a 3-fold CV of ``texts`` alone."""
    scorer = ClaimScorer(**params).fit_vocabulary(texts)
    features = scorer.featurise(texts)
    means = []
    for C in grid:
        f1s = []
        for train, test in StratifiedKFold(3, shuffle=True, random_state=seed + 1).split(texts, labels):
            inner = ClaimScorer(**{**params, "C": C})
            inner.fit_text_features(features[train], labels[train])
            f1s.append(f1_score(labels[test], (features[test] @ inner.coef_ + inner.intercept_) >= 0))
        means.append(float(np.mean(f1s)))
    return float(grid[int(np.argmax(means))])


def evaluate_clef_leave_one_out(path: str | Path, *, extra: tuple[Sequence[str], Sequence[int]] = ((), ()),
                                ablations: dict[str, Sequence[str]] | None = None,
                                **params) -> dict[str, RankingFigures]:
    """Return ranking figures on CLEF 2019 train, each transcript scored by models that never saw it.

    Each round trains the text model on ``extra`` (e.g. ClaimBuster) and the other transcripts and
    scores the held-out one; its context model learns from the other transcripts' held-out text
    scores. The n-gram vocabulary is learnt once from every text (it uses no labels).

    Args:
        path: the CLEF 2019 task 1 training CSV.
        extra: more labelled sentences added to every round's text model.
        ablations: named lists of context features to measure besides the text model alone
            (``"text"``) and the full context model (``"context"``).
        params: :class:`ClaimScorer` parameters.

    Returns:
        Figures by name: ``"text"``, ``"context"`` and one per ablation.

    Example:
        >>> evaluate_clef_leave_one_out("../shared/data/claims/clef2019-task1-train.csv")["context"].map  # doctest: +SKIP
        0.25
    """
    transcripts = read_clef(path)
    extra_texts, extra_labels = list(extra[0]), np.asarray(extra[1], dtype=int)
    scorer = ClaimScorer(**params)
    line_texts = [line.text for t in transcripts for line in t.lines]
    scorer.fit_vocabulary(extra_texts + line_texts)
    blocks = [scorer.featurise([line.text for line in t.lines]) for t in transcripts]
    extra_features = scorer.featurise(extra_texts) if extra_texts else None
    labels = [np.asarray(t.labels, dtype=int) for t in transcripts]
    logits = []
    for held in range(len(transcripts)):
        train = [b for i, b in enumerate(blocks) if i != held] + ([extra_features] if extra_features is not None else [])
        train_labels = np.concatenate([y for i, y in enumerate(labels) if i != held] + [extra_labels])
        scorer.fit_text_features(sparse.vstack(train, format="csr"), train_labels)
        logits.append(blocks[held] @ scorer.coef_ + scorer.intercept_)
    rows = [context_features(t.lines, held_logits) for t, held_logits in zip(transcripts, logits)]
    variants = {"text": None, "context": tuple(scorer.context_features), **(ablations or {})}
    figures = {}
    for name, features in variants.items():
        if features is None:
            figures[name] = rank_figures(transcripts, logits)
            continue
        scores = []
        for held in range(len(transcripts)):
            others = [i for i in range(len(transcripts)) if i != held]
            context = ClaimScorer(**{**params, "context_features": features})
            context.fit_context_rows(np.vstack([rows[i] for i in others]), np.concatenate([labels[i] for i in others]))
            scores.append(context.context_logits(rows[held]))
        figures[name] = rank_figures(transcripts, scores)
    return figures


def evaluate_clef2020(data_dir: str | Path, *, scorer: ClaimScorer | None = None) -> dict[str, RankingFigures]:
    """Return ranking figures on CLEF 2020 task 5, by a scorer trained on ClaimBuster and CLEF 2019 train.

    Args:
        data_dir: the folder with the three CSVs.
        scorer: a scorer already trained that way (default: one is trained here, as
            :func:`~policytext.annotate.train_claims.train_claim_scorer` trains the shipped one).

    Returns:
        ``"text"`` (the text model alone) and ``"context"`` (each line read in its transcript).
    """
    data_dir = Path(data_dir)
    if scorer is None:
        scorer = train_shipped_scorer(data_dir)
    test = read_clef(data_dir / CLEF2020_FILE)
    return {"text": rank_figures(test, [scorer.text_logits([line.text for line in t.lines]) for t in test]),
            "context": rank_figures(test, [scorer.score_transcript(t.lines) for t in test])}


def train_shipped_scorer(data_dir: str | Path, **params) -> ClaimScorer:
    """Return a scorer trained as the shipped one: ClaimBuster sentences plus CLEF 2019 train transcripts."""
    data_dir = Path(data_dir)
    texts, labels = read_claimbuster(data_dir / CLAIMBUSTER_FILE)
    return ClaimScorer(**params).fit(texts, labels, transcripts=read_clef(data_dir / CLEF_FILE))


def evaluate_baseline_clef2020(data_dir: str | Path) -> RankingFigures:
    """Return CLEF 2020 figures of a plain baseline: word and character tf-idf, logistic regression (C=1).

    Trained on ClaimBuster and CLEF 2019 train, lines scored one by one (no claim types, no context).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    data_dir = Path(data_dir)
    texts, labels = read_claimbuster(data_dir / CLAIMBUSTER_FILE)
    train = read_clef(data_dir / CLEF_FILE)
    texts += [line.text for t in train for line in t.lines]
    labels += [y for t in train for y in t.labels]
    model = make_pipeline(
        make_union(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, preprocessor=normalise_for_features),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True,
                                   preprocessor=normalise_for_features, max_features=60_000)),
        LogisticRegression(C=1.0, solver="liblinear", class_weight="balanced")).fit(texts, labels)
    test = read_clef(data_dir / CLEF2020_FILE)
    return rank_figures(test, [model.decision_function([line.text for line in t.lines]) for t in test])


def ablation_feature_sets() -> dict[str, tuple[str, ...]]:
    """Return the context feature sets of the ablation: all but one group each (``"no <group>"``)."""
    return {f"no {group}": tuple(f for f in CONTEXT_FEATURES if f not in removed)
            for group, removed in FEATURE_GROUPS.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Print every evaluation as JSON. Usage: ``python -m policytext.evaluation.claims [DATA_DIR]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else Path("../shared/data/claims")
    cb_texts, cb_labels = read_claimbuster(folder / CLAIMBUSTER_FILE)
    result = {
        "claimbuster_5fold": asdict(evaluate_claimbuster(folder / CLAIMBUSTER_FILE)),
        "clef2019_leave_one_transcript_out": {
            name: asdict(f) for name, f in evaluate_clef_leave_one_out(
                folder / CLEF_FILE, extra=(cb_texts, cb_labels), ablations=ablation_feature_sets()).items()},
        "clef2020_task5": {name: asdict(f) for name, f in evaluate_clef2020(folder).items()},
        "clef2020_task5_baseline": asdict(evaluate_baseline_clef2020(folder)),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
