"""Evaluate the claim scorer: ClaimBuster F1 by k-fold cross-validation, CLEF 2019 MAP by transcript.

Both read the labelled sets in ``../shared/data/claims/`` and train fresh scorers on the training
folds only, with the same settings as the shipped model.

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

from policytext.annotate.claim_model import ClaimScorer
from policytext.errors import BadInput

CLAIMBUSTER_FILE = "claimbuster-2.5xncs.csv"
CLEF_FILE = "clef2019-task1-train.csv"


@dataclass(frozen=True)
class ClaimBusterFigures:
    folds: int
    sentences: int
    precision: float
    recall: float
    f1: float


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
                         scorer: ClaimScorer | None = None) -> ClaimBusterFigures:
    """Return precision, recall and F1 of the check-worthy class by stratified k-fold CV.

    Predictions of all folds are pooled before scoring; a sentence is check-worthy at score ≥ 0.5.

    Example:
        >>> evaluate_claimbuster("../shared/data/claims/claimbuster-2.5xncs.csv").f1  # doctest: +SKIP
    """
    texts, labels = read_claimbuster(path)
    y = np.asarray(labels)
    predicted = np.zeros(len(texts), dtype=int)
    template = scorer or ClaimScorer()
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y):
        model = _fresh(template).fit([texts[i] for i in train], y[train])
        predicted[test] = (model.score([texts[i] for i in test]) >= 0.5).astype(int)
    return ClaimBusterFigures(folds=folds, sentences=len(texts),
                              precision=round(float(precision_score(y, predicted)), 4),
                              recall=round(float(recall_score(y, predicted)), 4),
                              f1=round(float(f1_score(y, predicted)), 4))


def evaluate_clef(path: str | Path, *, scorer: ClaimScorer | None = None) -> ClefFigures:
    """Return MAP and mean R-precision over CLEF 2019 transcripts, each scored by a model trained on the others.

    Transcripts without a positive sentence are left out of the means (their average precision is
    undefined), as in the CheckThat! scorer.
    """
    transcripts = read_clef(path)
    template = scorer or ClaimScorer()
    precisions, r_precisions, sentences = [], [], 0
    for held_out, (name, texts, labels) in enumerate(transcripts):
        train_texts = [t for i, (_, ts, _) in enumerate(transcripts) if i != held_out for t in ts]
        train_labels = [y for i, (_, _, ys) in enumerate(transcripts) if i != held_out for y in ys]
        sentences += len(texts)
        if sum(labels) == 0:
            continue
        scores = _fresh(template).fit(train_texts, train_labels).score(texts)
        precisions.append(average_precision_score(labels, scores))
        r_precisions.append(_r_precision(labels, scores))
    return ClefFigures(transcripts=len(transcripts), sentences=sentences,
                       map=round(float(np.mean(precisions)), 4), r_precision=round(float(np.mean(r_precisions)), 4))


def _r_precision(labels: Sequence[int], scores: np.ndarray) -> float:
    relevant = int(sum(labels))
    top = np.argsort(-scores, kind="stable")[:relevant]
    return float(np.asarray(labels)[top].sum() / relevant)


def _fresh(template: ClaimScorer) -> ClaimScorer:
    return ClaimScorer(C=template.C, word_ngrams=template.word_ngrams, char_ngrams=template.char_ngrams,
                       max_char_features=template.max_char_features, min_df=template.min_df)


def main(argv: Sequence[str] | None = None) -> int:
    """Print both evaluations as JSON. Usage: ``python -m policytext.evaluation.claims [DATA_DIR]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else Path("../shared/data/claims")
    result = {"claimbuster": asdict(evaluate_claimbuster(folder / CLAIMBUSTER_FILE)),
              "clef2019": asdict(evaluate_clef(folder / CLEF_FILE))}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
