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
from sklearn.model_selection import GroupKFold, StratifiedKFold

from policytext.annotate.claim_features import CONTEXT_FEATURES, FEATURE_GROUPS, TranscriptLine, context_features
from policytext.annotate.claim_model import (
    FEATURE_BLOCKS,
    ClaimScorer,
    LabelledTranscript,
    normalise_for_features,
)
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
    chosen: tuple[dict, ...] = ()


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
                         choose_features: Sequence[Sequence[str]] = (), vectors: np.ndarray | None = None,
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
        choose_features: when given, each outer fold also chooses the feature blocks among these
            (with ``C``, by the same inner CV).
        vectors: the sentences' embeddings (read only by feature sets with ``"embeddings"``).
        params: :class:`ClaimScorer` parameters (default: ``ClaimScorer``'s; the shipped model's
            are :func:`shipped_params`).

    Example:
        >>> evaluate_claimbuster("../shared/data/claims/claimbuster-2.5xncs.csv").f1_mean  # doctest: +SKIP
        0.79
    """
    texts, labels = read_claimbuster(path)
    y = np.asarray(labels)
    predicted = np.zeros(len(texts), dtype=int)
    fold_f1 = []
    chosen = []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y):
        fold_params = dict(params)
        if choose_C or choose_features:
            fold_params.update(_choose_text_params(
                [texts[i] for i in train], y[train], Cs=choose_C or (params.get("C", 0.5),),
                feature_sets=choose_features or (params.get("features", ("words", "chars", "types")),),
                seed=seed, vectors=None if vectors is None else vectors[train], **params))
            chosen.append(dict(fold_params))
        scorer = ClaimScorer(**fold_params).fit([texts[i] for i in train], y[train],
                                                vectors=None if vectors is None else vectors[train])
        logits = scorer.text_logits([texts[i] for i in test], vectors=None if vectors is None else vectors[test])
        predicted[test] = (logits >= 0).astype(int)
        fold_f1.append(float(f1_score(y[test], predicted[test])))
    return ClaimBusterFigures(folds=folds, sentences=len(texts),
                              precision=round(float(precision_score(y, predicted)), 4),
                              recall=round(float(recall_score(y, predicted)), 4),
                              f1=round(float(f1_score(y, predicted)), 4),
                              fold_f1=tuple(round(f, 4) for f in fold_f1),
                              f1_mean=round(float(np.mean(fold_f1)), 4), f1_sd=round(float(np.std(fold_f1)), 4),
                              chosen=tuple({"C": c["C"], "features": list(c.get("features", ()))} for c in chosen))


def _choose_text_params(texts: list[str], labels: np.ndarray, *, Cs: Sequence[float],
                        feature_sets: Sequence[Sequence[str]], seed: int, vectors: np.ndarray | None = None,
                        **params) -> dict:
    """Return the ``C`` and ``features`` with the best mean F1 (at 0.5) in a 3-fold CV of ``texts`` alone."""
    params = {k: v for k, v in params.items() if k not in ("C", "features")}
    blocks = sorted({block for fs in feature_sets for block in fs}, key=FEATURE_BLOCKS.index)
    scorer = ClaimScorer(**params, features=blocks).fit_vocabulary(texts)
    matrices = _feature_blocks(scorer, texts, vectors)
    best, best_f1 = None, -1.0
    for features in feature_sets:
        matrix = _stack(matrices, features)
        for C in Cs:
            f1s = []
            for train, test in StratifiedKFold(3, shuffle=True, random_state=seed + 1).split(texts, labels):
                model = ClaimScorer(C=C).fit_text_features(matrix[train], labels[train])
                f1s.append(f1_score(labels[test], matrix[test] @ model.coef_ + model.intercept_ >= 0))
            if float(np.mean(f1s)) > best_f1:
                best, best_f1 = {"C": float(C), "features": tuple(features)}, float(np.mean(f1s))
    return best


def _feature_blocks(scorer: ClaimScorer, texts: Sequence[str], vectors: np.ndarray | None) -> dict[str, sparse.csr_matrix]:
    """Return each feature block of ``scorer`` (fitted vocabulary) for ``texts``, by name."""
    blocks = {}
    for block in scorer.features:
        part = ClaimScorer(**{**scorer.get_params(), "features": (block,)})
        part.word_vocabulary_, part.word_idf_ = scorer.word_vocabulary_, scorer.word_idf_
        part.char_vocabulary_, part.char_idf_ = scorer.char_vocabulary_, scorer.char_idf_
        part._word_cache = scorer._word_cache
        blocks[block] = part.featurise(texts, vectors=vectors)
    return blocks


def _stack(blocks: dict[str, sparse.csr_matrix], features: Sequence[str]) -> sparse.csr_matrix:
    return sparse.hstack([blocks[b] for b in FEATURE_BLOCKS if b in features], format="csr")


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


TEXT_FEATURE_SETS = (("words", "chars", "types"), ("words", "types"))
"""The text model's feature sets that the shipped model chooses among (no embeddings: see ``EMBEDDING_FEATURE_SETS``)."""
EMBEDDING_FEATURE_SETS = (("embeddings",), ("embeddings", "types"), ("words", "chars", "types", "embeddings"))
"""The feature sets of the opt-in ``embeddings`` model: embeddings alone (with claim types) and beside the others."""
C_GRID = (0.5, 1.0, 2.0, 4.0)
CONTEXT_C_GRID = (0.1, 1.0, 10.0)


@dataclass(frozen=True)
class ParamChoice:
    """The parameters chosen by cross-validation inside the training data, and the figures they were chosen by.

    ``text`` lists every (features, C) tried with its ClaimBuster F1 (mean over held-out folds,
    threshold 0.5), CLEF 2019 MAP (held-out transcripts) and their sum, the criterion. ``context``
    lists every (context feature set, context C) with its CLEF 2019 leave-one-transcript-out MAP.
    ``nested_context`` is the CLEF 2019 figure with the context choice nested (each held-out
    transcript's context model chosen on the other 18 alone). ``line_logits`` are the chosen text
    model's out-of-fold logits of each CLEF 2019 transcript's lines (what the context choice read).
    """

    params: dict
    text: tuple[dict, ...]
    context: tuple[dict, ...]
    nested_context: RankingFigures | None = None
    line_logits: tuple[np.ndarray, ...] = ()


def choose_params(cb_texts: Sequence[str], cb_labels: Sequence[int], transcripts: Sequence[LabelledTranscript], *,
                  feature_sets: Sequence[Sequence[str]] = TEXT_FEATURE_SETS, Cs: Sequence[float] = C_GRID,
                  context_Cs: Sequence[float] = CONTEXT_C_GRID, vectors: np.ndarray | None = None,
                  folds: int = 3, seed: int = 1, **params) -> ParamChoice:
    """Choose the scorer's parameters by cross-validation inside the training data only.

    1. **Text model** (feature blocks and ``C``): ``folds`` rounds, each holding out one stratified
       fold of ClaimBuster and one group of CLEF 2019 transcripts (whole transcripts), training the
       regression on the rest. The n-gram vocabulary and idf (no labels) are learnt once from all
       the training texts. The criterion is ClaimBuster F1 at 0.5 (mean over held-out
       folds) plus CLEF 2019 MAP (over held-out transcripts): the scorer both classifies sentences
       and ranks a transcript's lines, and the two count alike.
    2. **Context model** (feature groups and ``context_C``): on the chosen text model's
       out-of-fold logits of the CLEF 2019 lines, leave one transcript out, by MAP.

    Args:
        cb_texts, cb_labels: ClaimBuster sentences and labels.
        transcripts: CLEF 2019 train transcripts.
        feature_sets: the text feature sets tried.
        Cs: the text model's ``C`` values tried.
        context_Cs: the context model's ``C`` values tried.
        vectors: embeddings of ``cb_texts`` then of every transcript line (needed when a feature set
            holds ``"embeddings"``).
        folds: rounds of the text model's CV.
        seed: seed of the ClaimBuster split (not the reported 5-fold figure's seed 0).
        params: other :class:`ClaimScorer` parameters, kept fixed.

    Returns:
        The choice, with every candidate's figures.
    """
    cb_labels = np.asarray(cb_labels, dtype=int)
    line_texts = [line.text for t in transcripts for line in t.lines]
    texts = list(cb_texts) + line_texts
    labels = np.concatenate([cb_labels, [y for t in transcripts for y in t.labels]]).astype(int)
    owner = np.concatenate([np.full(len(cb_texts), -1)] + [np.full(len(t.lines), i) for i, t in enumerate(transcripts)])
    cb_fold = np.zeros(len(cb_texts), dtype=int)
    for k, (_, held) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=seed).split(cb_texts, cb_labels)):
        cb_fold[held] = k
    clef_fold = np.zeros(len(transcripts), dtype=int)
    for k, (_, held) in enumerate(GroupKFold(folds).split(np.arange(len(transcripts)),
                                                          groups=np.arange(len(transcripts)))):
        clef_fold[held] = k
    fold_of = np.where(owner < 0, np.concatenate([cb_fold, np.zeros(len(line_texts), dtype=int)]),
                       clef_fold[np.maximum(owner, 0)])
    blocks = sorted({b for fs in feature_sets for b in fs}, key=FEATURE_BLOCKS.index)
    base = {k: v for k, v in params.items() if k not in ("C", "features")}
    candidates = [(tuple(fs), float(C)) for fs in feature_sets for C in Cs]
    f1s = {c: [] for c in candidates}
    logits = {c: np.zeros(len(texts)) for c in candidates}
    # the vocabulary and idf use no labels: learnt once from all training texts (never from CLEF 2020)
    scorer = ClaimScorer(**base, features=blocks).fit_vocabulary(texts)
    all_blocks = _feature_blocks(scorer, texts, vectors)
    matrices = {features: _stack(all_blocks, features) for features in dict.fromkeys(fs for fs, _ in candidates)}
    for k in range(folds):
        train, held = np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k)
        held_cb = owner[held] < 0
        for features, C in candidates:
            model = ClaimScorer(C=C).fit_text_features(matrices[features][train], labels[train])
            held_logits = matrices[features][held] @ model.coef_ + model.intercept_
            logits[features, C][held] = held_logits
            f1s[features, C].append(float(f1_score(labels[held][held_cb], held_logits[held_cb] >= 0)))
    bounds = np.cumsum([len(cb_texts)] + [len(t.lines) for t in transcripts])
    text_rows = []
    for candidate in candidates:
        ranking = rank_figures(transcripts, [logits[candidate][a:b] for a, b in zip(bounds, bounds[1:])])
        f1 = float(np.mean(f1s[candidate]))
        text_rows.append({"features": list(candidate[0]), "C": candidate[1], "claimbuster_f1": round(f1, 4),
                          "clef2019_map": ranking.map, "criterion": round(f1 + ranking.map, 4)})
    best = max(range(len(candidates)), key=lambda i: text_rows[i]["criterion"])
    features, C = candidates[best]
    line_logits = [logits[features, C][a:b] for a, b in zip(bounds, bounds[1:])]
    rows = [context_features(t.lines, held) for t, held in zip(transcripts, line_logits)]
    line_labels = [np.asarray(t.labels, dtype=int) for t in transcripts]
    context_sets = context_feature_sets()
    context_rows, context_scores = [], {}
    for name, context_set in context_sets.items():
        for context_C in context_Cs:
            scores = _leave_one_out_context(rows, line_labels, range(len(transcripts)), context_set, context_C)
            context_scores[name, context_C] = scores
            figures = rank_figures(transcripts, scores)
            context_rows.append({"context": name, "context_C": float(context_C), "clef2019_map": figures.map})
    best_context = max(context_rows, key=lambda row: row["clef2019_map"])
    nested = _nested_context_figures(transcripts, rows, line_labels, context_sets, context_Cs)
    chosen = {**base, "C": C, "features": features, "context_C": best_context["context_C"],
              "context_features": context_sets[best_context["context"]]}
    return ParamChoice(params=chosen, text=tuple(text_rows), context=tuple(context_rows), nested_context=nested,
                       line_logits=tuple(line_logits))


def context_feature_sets() -> dict[str, tuple[str, ...]]:
    """Return the context feature sets tried: the text score alone, all, and all but one group each."""
    return {"text score only": ("text_logit",), "all": tuple(CONTEXT_FEATURES), **ablation_feature_sets()}


def _leave_one_out_context(rows: list[np.ndarray], labels: list[np.ndarray], held_out: Sequence[int],
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


def _nested_context_figures(transcripts, rows, labels, context_sets, context_Cs) -> RankingFigures:
    """Return CLEF 2019 figures where each held-out transcript's context model is chosen on the others alone.

    The inner choice holds the other 18 out in 6 groups (not one by one) to keep it affordable.
    """
    scores = []
    everyone = range(len(transcripts))
    for held in everyone:
        others = [i for i in everyone if i != held]
        inner = {}
        for name, features in context_sets.items():
            for context_C in context_Cs:
                inner_scores = _leave_one_out_context(rows, labels, others, features, context_C, groups=6)
                inner[name, context_C] = rank_figures([transcripts[i] for i in others], inner_scores).map
        name, context_C = max(inner, key=inner.get)
        model = ClaimScorer(context_features=context_sets[name], context_C=context_C)
        model.fit_context_rows(np.vstack([rows[i] for i in others]), np.concatenate([labels[i] for i in others]))
        scores.append(model.context_logits(rows[held]))
    return rank_figures(transcripts, scores)


def evaluate_clef2020(data_dir: str | Path, *, scorer: ClaimScorer | None = None,
                      vectors: Sequence[np.ndarray] | None = None) -> dict[str, RankingFigures]:
    """Return ranking figures on CLEF 2020 task 5, by a scorer trained on ClaimBuster and CLEF 2019 train.

    Args:
        data_dir: the folder with the three CSVs.
        scorer: a scorer already trained that way (default: one is trained here with the shipped
            model's parameters, as :func:`~policytext.annotate.train_claims.train_claim_scorer` trains it).
        vectors: each transcript's sentence embeddings, for a scorer that reads them (default: embedded here).

    Returns:
        ``"text"`` (the text model alone) and ``"context"`` (each line read in its transcript).
    """
    data_dir = Path(data_dir)
    if scorer is None:
        scorer = train_shipped_scorer(data_dir)
    test = read_clef(data_dir / CLEF2020_FILE)
    if vectors is None:
        vectors = [None] * len(test)
    return {"text": rank_figures(test, [scorer.text_logits([line.text for line in t.lines], vectors=v)
                                        for t, v in zip(test, vectors)]),
            "context": rank_figures(test, [scorer.score_transcript(t.lines, vectors=v) for t, v in zip(test, vectors)])}


def shipped_params(model: str = "text") -> dict:
    """Return the parameters of the shipped claim model (chosen by CV inside the training data, see its card)."""
    return ClaimScorer.load(model=model).get_params()


def train_shipped_scorer(data_dir: str | Path, **params) -> ClaimScorer:
    """Return a scorer trained as the shipped one: ClaimBuster sentences plus CLEF 2019 train transcripts.

    ``params`` default to the shipped model's (:func:`shipped_params`).
    """
    data_dir = Path(data_dir)
    texts, labels = read_claimbuster(data_dir / CLAIMBUSTER_FILE)
    return ClaimScorer(**(params or shipped_params())).fit(texts, labels, transcripts=read_clef(data_dir / CLEF_FILE))


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
    params = shipped_params()
    result = {
        "claimbuster_5fold": asdict(evaluate_claimbuster(folder / CLAIMBUSTER_FILE, **params)),
        "clef2019_leave_one_transcript_out": {
            name: asdict(f) for name, f in evaluate_clef_leave_one_out(
                folder / CLEF_FILE, extra=(cb_texts, cb_labels), ablations=ablation_feature_sets(), **params).items()},
        "clef2020_task5": {name: asdict(f) for name, f in evaluate_clef2020(folder, scorer=ClaimScorer.load()).items()},
        "clef2020_task5_baseline": asdict(evaluate_baseline_clef2020(folder)),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
