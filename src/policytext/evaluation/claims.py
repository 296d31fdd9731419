"""Evaluate the claim scorer: ClaimBuster F1 by k-fold cross-validation, CLEF 2019 MAP by transcript.

Both read the labelled sets in ``../shared/data/claims/`` and train fresh scorers on the training
folds only, with the same code and settings as the shipped model. In the ClaimBuster folds
everything (n-gram vocabularies, idf weights, naive-Bayes ratios, both regressions) is learnt from
the four training folds; the decision threshold is fixed at 0.5, never tuned on a test fold. The
sentences are parsed once (tags and token vectors of the spaCy pipeline, no parser or NER).

Run it: ``python -m policytext.evaluation.claims`` (prints the figures as JSON).
"""
from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np
from joblib import Parallel, delayed
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold
from scipy import sparse

from policytext.annotate.claim_features import DEFAULT_PIPELINE, SentenceFeatures, parse_sentences
from policytext.annotate.claim_model import ClaimScorer
from policytext.errors import BadInput, ConfigError

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
                         sentences: SentenceFeatures | None = None,
                         pipeline: str = DEFAULT_PIPELINE, jobs: int = 2) -> ClaimBusterFigures:
    """Return precision, recall and F1 of the check-worthy class by stratified, seeded k-fold CV.

    A sentence is check-worthy at score ≥ 0.5. Precision, recall and ``f1`` pool the predictions of
    all folds; ``fold_f1``, ``f1_mean`` and ``f1_sd`` give F1 per test fold. Every fold learns
    everything (vocabularies, idf weights, vector scaling, naive-Bayes ratios, both regressions)
    from its own training sentences.

    Args:
        path: the ClaimBuster CSV.
        folds: number of folds.
        seed: seed of the stratified split.
        sentences: the CSV's sentences already parsed by :func:`parse_sentences` (in file order);
            by default they are parsed here (about 15 s).
        pipeline: the spaCy pipeline whose tags and token vectors the scorer reads.
        jobs: folds trained at once, in separate processes (the figures do not depend on it).

    Returns:
        The figures.

    Example:
        >>> evaluate_claimbuster("../shared/data/claims/claimbuster-2.5xncs.csv").f1_mean  # doctest: +SKIP
        0.80
    """
    texts, labels = read_claimbuster(path)
    sentences = _parsed(texts, sentences, pipeline)
    y = np.asarray(labels)
    splits = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y))
    scores = Parallel(n_jobs=min(jobs, folds))(
        delayed(_score_fold)(sentences.select(train), y[train], sentences.select(test), pipeline)
        for train, test in splits)
    predicted = np.zeros(len(texts), dtype=int)
    fold_f1 = []
    for (_, test), fold_scores in zip(splits, scores):
        predicted[test] = (fold_scores >= 0.5).astype(int)
        fold_f1.append(float(f1_score(y[test], predicted[test])))
    return ClaimBusterFigures(folds=folds, sentences=len(texts),
                              precision=round(float(precision_score(y, predicted)), 4),
                              recall=round(float(recall_score(y, predicted)), 4),
                              f1=round(float(f1_score(y, predicted)), 4),
                              fold_f1=tuple(round(f, 4) for f in fold_f1),
                              f1_mean=round(float(np.mean(fold_f1)), 4), f1_sd=round(float(np.std(fold_f1)), 4))


def _score_fold(train: SentenceFeatures, labels: np.ndarray, test: SentenceFeatures, pipeline: str) -> np.ndarray:
    return ClaimScorer(pipeline=pipeline).fit(train, labels).score(test)


def evaluate_clef(path: str | Path, *, vocabulary: SentenceFeatures | None = None,
                  extra: tuple[SentenceFeatures, Sequence[int]] | None = None,
                  sentences: SentenceFeatures | None = None, pipeline: str = DEFAULT_PIPELINE,
                  jobs: int = 2) -> ClefFigures:
    """Return MAP and mean R-precision over CLEF 2019 transcripts, each scored by a model trained on the others.

    Transcripts without a positive sentence are left out of the means (their average precision is
    undefined), as in the CheckThat! scorer.

    Args:
        path: the CLEF 2019 task 1 training CSV.
        vocabulary: parsed sentences of another corpus to learn the n-gram vocabularies and vector
            scaling from once (fast); by default each round learns them from its own training sentences.
        extra: more labelled parsed sentences and labels added to every training round (e.g. ClaimBuster).
        sentences: the CSV's sentences already parsed (in file order); by default parsed here (about 20 s).
        pipeline: the spaCy pipeline whose tags and token vectors the scorer reads.
        jobs: rounds trained at once, in separate processes (the figures do not depend on it).

    Example:
        >>> evaluate_clef("../shared/data/claims/clef2019-task1-train.csv").map  # doctest: +SKIP
        0.26
    """
    transcripts = read_clef(path)
    sentences = _parsed([t for _, texts, _ in transcripts for t in texts], sentences, pipeline)
    bounds = np.cumsum([0] + [len(texts) for _, texts, _ in transcripts])
    parts = [sentences.select(range(a, b)) for a, b in zip(bounds, bounds[1:])]
    labels = [np.asarray(ys, dtype=int) for _, _, ys in transcripts]
    shared = ClaimScorer(pipeline=pipeline).fit_vocabulary(vocabulary) if vocabulary is not None else None
    rounds = [i for i, ys in enumerate(labels) if ys.sum()]
    chains = [list(chain) for chain in np.array_split(rounds, max(1, min(jobs, len(rounds)))) if len(chain)]
    results = Parallel(n_jobs=len(chains))(delayed(_clef_chain)(chain, parts, labels, extra, shared, pipeline)
                                           for chain in chains)
    precisions = [ap for chain in results for ap, _ in chain]
    r_precisions = [rp for chain in results for _, rp in chain]
    return ClefFigures(transcripts=len(transcripts), sentences=len(sentences),
                       map=round(float(np.mean(precisions)), 4), r_precision=round(float(np.mean(r_precisions)), 4))


def _clef_chain(held_outs: list[int], parts: list[SentenceFeatures], labels: list[np.ndarray],
                extra: tuple[SentenceFeatures, Sequence[int]] | None, shared: ClaimScorer | None,
                pipeline: str) -> list[tuple[float, float]]:
    """Score each held-out transcript with a model trained on all the others (and ``extra``).

    With a ``shared`` vocabulary, each round's solvers start from the previous round's weights
    (a convex problem: same optimum, fewer iterations).
    """
    extra_sentences, extra_labels = (extra[0], np.asarray(extra[1], dtype=int)) if extra else (None, np.zeros(0, int))
    blocks = [shared.featurise(part) for part in parts] if shared is not None else []
    extra_features = shared.featurise(extra_sentences) if shared is not None and extra_sentences else None
    out, previous = [], None
    for held_out in held_outs:
        train_labels = np.concatenate([ys for i, ys in enumerate(labels) if i != held_out] + [extra_labels])
        if shared is not None:
            train = [block for i, block in enumerate(blocks) if i != held_out]
            if extra_features is not None:
                train.append(extra_features)
            model = replace(shared).fit_features(sparse.vstack(train, format="csr"), train_labels, start=previous)
            scores = model.score_features(blocks[held_out])
            previous = model
        else:
            train_sentences = SentenceFeatures((), (), np.zeros((0, parts[held_out].vectors.shape[1])))
            for i, part in enumerate(parts):
                if i != held_out:
                    train_sentences = train_sentences.join(part)
            if extra_sentences is not None:
                train_sentences = train_sentences.join(extra_sentences)
            scores = ClaimScorer(pipeline=pipeline).fit(train_sentences, train_labels).score(parts[held_out])
        out.append((float(average_precision_score(labels[held_out], scores)),
                    _r_precision(labels[held_out], scores)))
    return out


def _parsed(texts: Sequence[str], sentences: SentenceFeatures | None, pipeline: str) -> SentenceFeatures:
    if sentences is None:
        return parse_sentences(texts, pipeline=pipeline)
    if list(sentences.texts) != list(texts):
        raise ConfigError("the parsed sentences given to the claims evaluation are not the data file's, in order")
    return sentences


def _r_precision(labels: Sequence[int], scores: np.ndarray) -> float:
    relevant = int(sum(labels))
    top = np.argsort(-scores, kind="stable")[:relevant]
    return float(np.asarray(labels)[top].sum() / relevant)


def main(argv: Sequence[str] | None = None) -> int:
    """Print both evaluations as JSON. Usage: ``python -m policytext.evaluation.claims [DATA_DIR]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else Path("../shared/data/claims")
    cb_texts, cb_labels = read_claimbuster(folder / CLAIMBUSTER_FILE)
    cb_sentences = parse_sentences(cb_texts)
    result = {"claimbuster": asdict(evaluate_claimbuster(folder / CLAIMBUSTER_FILE, sentences=cb_sentences)),
              "clef2019": asdict(evaluate_clef(folder / CLEF_FILE, vocabulary=cb_sentences,
                                               extra=(cb_sentences, cb_labels)))}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
