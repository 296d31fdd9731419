"""Read the labelled claim sets and measure a ranking: the layer below the claim evaluations.

:mod:`policytext.evaluation.claims` (the figures of the shipped model),
:mod:`policytext.evaluation.claims_variants` (the comparison of scorer variants) and
:mod:`policytext.evaluation.claims_vectors` (the sets' embeddings) all read the sets, build
feature blocks and rank transcripts through this module, which imports none of them.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold, StratifiedKFold

from policytext.annotate.claim_features import TranscriptLine
from policytext.annotate.claim_model import FEATURE_BLOCKS, ClaimScorer, LabelledTranscript
from policytext.errors import BadInput

CLAIMBUSTER_FILE = "claimbuster-2.5xncs.csv"
CLEF_FILE = "clef2019-task1-train.csv"
CLEF2020_FILE = "clef2020-task5-test.csv"


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


def feature_blocks(scorer: ClaimScorer, texts: Sequence[str], vectors: np.ndarray | None) -> dict[str, sparse.csr_matrix]:
    """Return each feature block of ``scorer`` (fitted vocabulary) for ``texts``, by name."""
    blocks = {}
    for block in scorer.features:
        part = ClaimScorer(**{**scorer.get_params(), "features": (block,)})
        part.word_vocabulary_, part.word_idf_ = scorer.word_vocabulary_, scorer.word_idf_
        part.char_vocabulary_, part.char_idf_ = scorer.char_vocabulary_, scorer.char_idf_
        part._word_cache = scorer._word_cache
        blocks[block] = part.featurise(texts, vectors=vectors)
    return blocks


def stack_blocks(blocks: dict[str, sparse.csr_matrix], features: Sequence[str]) -> sparse.csr_matrix:
    return sparse.hstack([blocks[b] for b in FEATURE_BLOCKS if b in features], format="csr")


def training_folds(cb_labels: Sequence[int], transcripts: Sequence[LabelledTranscript], *, folds: int = 3,
                   seed: int = 1) -> np.ndarray:
    """Return the round (0 to ``folds`` - 1) that holds out each training text: ClaimBuster's, then every line's.

    ClaimBuster is split in stratified folds (``seed``); CLEF 2019 by whole transcripts
    (transcript *i* in round *i* mod ``folds``, as ``GroupKFold`` assigns them).
    """
    cb_labels = np.asarray(cb_labels, dtype=int)
    cb_fold = np.zeros(len(cb_labels), dtype=int)
    for k, (_, held) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=seed).split(cb_labels, cb_labels)):
        cb_fold[held] = k
    clef_fold = np.zeros(len(transcripts), dtype=int)
    for k, (_, held) in enumerate(GroupKFold(folds).split(np.arange(len(transcripts)),
                                                          groups=np.arange(len(transcripts)))):
        clef_fold[held] = k
    return np.concatenate([cb_fold] + [np.full(len(t.lines), clef_fold[i]) for i, t in enumerate(transcripts)])


def leave_one_out_context(rows: list[np.ndarray], labels: list[np.ndarray], held_out: Sequence[int],
                           features: Sequence[str], context_C: float, *, groups: int | None = None) -> list[np.ndarray]:
    """Return the context logits of each transcript in ``held_out`` from a model fitted on the others of ``held_out``.

    With ``groups``, the transcripts are held out that many groups at a time (cheaper) instead of one by one.
    """
    held_out = list(held_out)
    parts = [held_out[k::groups] for k in range(groups)] if groups else [[i] for i in held_out]
    scores = {}
    for part in parts:
        others = [i for i in held_out if i not in part]
        model = ClaimScorer(context_features=features, context_C=context_C)
        model.fit_context_rows(np.vstack([rows[i] for i in others]), np.concatenate([labels[i] for i in others]))
        scores.update({i: model.context_logits(rows[i]) for i in part})
    return [scores[i] for i in held_out]
