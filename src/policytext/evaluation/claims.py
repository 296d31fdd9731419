"""Evaluate the claim scorer: ClaimBuster F1 by k-fold cross-validation, CLEF 2019 MAP by transcript.

Both read the labelled sets in ``../shared/data/claims/`` and train fresh scorers on the training
folds only, with the same code and settings as the shipped model. In the ClaimBuster folds
everything (n-gram vocabularies, idf weights, naive-Bayes ratios, both regressions) is learnt from
the four training folds; the decision threshold is fixed at 0.5, never tuned on a test fold.

Run it: ``python -m policytext.evaluation.claims`` (prints the figures as JSON).
"""
from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold
from scipy import sparse

from policytext.annotate.claim_model import ClaimScorer
from policytext.errors import BadInput

CLAIMBUSTER_FILE = "claimbuster-2.5xncs.csv"
CLEF_FILE = "clef2019-task1-train.csv"


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
class ClefFigures:
    transcripts: int
    sentences: int
    map: float
    r_precision: float


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


def read_clef(path: str | Path) -> list[tuple[str, list[str], list[int]]]:
    """Return ``(transcript, sentences, labels)`` per transcript of the CLEF 2019 task 1 CSV, in order."""
    transcripts: dict[str, tuple[list[str], list[int]]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                texts, labels = transcripts.setdefault(row["file_name"], ([], []))
                texts.append(row["text"])
                labels.append(int(row["label"]))
            except (KeyError, TypeError, ValueError) as err:
                raise BadInput(str(path), f"expected columns file_name, text and label: {err}", line) from err
    return [(name, texts, labels) for name, (texts, labels) in transcripts.items()]


def evaluate_claimbuster(path: str | Path, *, folds: int = 5, seed: int = 0,
                         vocabulary_texts: Sequence[str] | None = None,
                         extra: tuple[Sequence[str], Sequence[int]] | None = None) -> ClaimBusterFigures:
    """Return precision, recall and F1 of the check-worthy class by stratified, seeded k-fold CV.

    A sentence is check-worthy at score ≥ 0.5. Precision, recall and ``f1`` pool the predictions of
    all folds; ``fold_f1``, ``f1_mean`` and ``f1_sd`` give F1 per test fold.

    Args:
        path: the ClaimBuster CSV.
        folds: number of folds.
        seed: seed of the stratified split.
        vocabulary_texts: texts of *another* corpus to learn the n-gram vocabulary from once
            (faster, not the honest default); by default each fold learns everything from its own
            training sentences.
        extra: more labelled ``(texts, labels)`` from another corpus added to every training fold.

    Returns:
        The figures.

    Example:
        >>> evaluate_claimbuster("../shared/data/claims/claimbuster-2.5xncs.csv").f1_mean  # doctest: +SKIP
        0.79
    """
    texts, labels = read_claimbuster(path)
    y = np.asarray(labels)
    extra_texts, extra_labels = (list(extra[0]), list(extra[1])) if extra else ([], [])
    predicted = np.zeros(len(texts), dtype=int)
    shared = ClaimScorer().fit_vocabulary(vocabulary_texts) if vocabulary_texts is not None else None
    features = shared.featurise(texts) if shared is not None else None
    extra_features = shared.featurise(extra_texts) if shared is not None and extra_texts else None
    previous, fold_f1 = None, []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y):
        train_labels = np.concatenate([y[train], np.asarray(extra_labels, dtype=int)])
        if shared is not None:
            train_features = features[train]
            if extra_features is not None:
                train_features = sparse.vstack([train_features, extra_features], format="csr")
            model = _sharing_vocabulary(shared).fit_features(train_features, train_labels, start=previous)
            scores = model.score_features(features[test])
            previous = model
        else:
            model = ClaimScorer().fit([texts[i] for i in train] + extra_texts, train_labels)
            scores = model.score([texts[i] for i in test])
        predicted[test] = (scores >= 0.5).astype(int)
        fold_f1.append(float(f1_score(y[test], predicted[test])))
    return ClaimBusterFigures(folds=folds, sentences=len(texts),
                              precision=round(float(precision_score(y, predicted)), 4),
                              recall=round(float(recall_score(y, predicted)), 4),
                              f1=round(float(f1_score(y, predicted)), 4),
                              fold_f1=tuple(round(f, 4) for f in fold_f1),
                              f1_mean=round(float(np.mean(fold_f1)), 4), f1_sd=round(float(np.std(fold_f1)), 4))


def evaluate_clef(path: str | Path, *, vocabulary_texts: Sequence[str] | None = None,
                  extra: tuple[Sequence[str], Sequence[int]] | None = None) -> ClefFigures:
    """Return MAP and mean R-precision over CLEF 2019 transcripts, each scored by a model trained on the others.

    Transcripts without a positive sentence are left out of the means (their average precision is
    undefined), as in the CheckThat! scorer.

    Args:
        path: the CLEF 2019 task 1 training CSV.
        vocabulary_texts: texts of another corpus to learn the n-gram vocabulary from once (fast);
            by default each round learns it from its own training sentences.
        extra: more labelled ``(texts, labels)`` added to every training round (e.g. ClaimBuster).
    """
    transcripts = read_clef(path)
    extra_texts, extra_labels = (list(extra[0]), list(extra[1])) if extra else ([], [])
    shared = ClaimScorer().fit_vocabulary(vocabulary_texts) if vocabulary_texts is not None else None
    blocks = [shared.featurise(texts) for _, texts, _ in transcripts] if shared is not None else []
    extra_features = shared.featurise(extra_texts) if shared is not None and extra_texts else None
    precisions, r_precisions, sentences, previous = [], [], 0, None
    for held_out, (name, texts, labels) in enumerate(transcripts):
        sentences += len(texts)
        if sum(labels) == 0:
            continue
        train_labels = [y for i, (_, _, ys) in enumerate(transcripts) if i != held_out for y in ys] + extra_labels
        if shared is not None:
            parts = [block for i, block in enumerate(blocks) if i != held_out]
            if extra_features is not None:
                parts.append(extra_features)
            model = _sharing_vocabulary(shared).fit_features(sparse.vstack(parts, format="csr"), train_labels,
                                                             start=previous)
            scores = model.score_features(blocks[held_out])
        else:
            train_texts = [t for i, (_, ts, _) in enumerate(transcripts) if i != held_out for t in ts] + extra_texts
            model = ClaimScorer().fit(train_texts, train_labels)
            scores = model.score(texts)
        previous = model
        precisions.append(average_precision_score(labels, scores))
        r_precisions.append(_r_precision(labels, scores))
    return ClefFigures(transcripts=len(transcripts), sentences=sentences,
                       map=round(float(np.mean(precisions)), 4), r_precision=round(float(np.mean(r_precisions)), 4))


def _sharing_vocabulary(base: ClaimScorer) -> ClaimScorer:
    return ClaimScorer(C=base.C, word_ngrams=base.word_ngrams, char_ngrams=base.char_ngrams,
                       max_char_features=base.max_char_features, min_df=base.min_df, nb_C=base.nb_C,
                       nb_alpha=base.nb_alpha,
                       word_vocabulary_=base.word_vocabulary_, char_vocabulary_=base.char_vocabulary_,
                       word_idf_=base.word_idf_, char_idf_=base.char_idf_)


def _r_precision(labels: Sequence[int], scores: np.ndarray) -> float:
    relevant = int(sum(labels))
    top = np.argsort(-scores, kind="stable")[:relevant]
    return float(np.asarray(labels)[top].sum() / relevant)


def main(argv: Sequence[str] | None = None) -> int:
    """Print both evaluations as JSON. Usage: ``python -m policytext.evaluation.claims [DATA_DIR]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else Path("../shared/data/claims")
    cb_texts, cb_labels = read_claimbuster(folder / CLAIMBUSTER_FILE)
    result = {"claimbuster": asdict(evaluate_claimbuster(folder / CLAIMBUSTER_FILE)),
              "clef2019": asdict(evaluate_clef(folder / CLEF_FILE, vocabulary_texts=cb_texts,
                                               extra=(cb_texts, cb_labels)))}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
