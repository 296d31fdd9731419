"""Compare training objectives of the text model against the default, under the fixed rule.

The challengers (:data:`OBJECTIVES`) keep the default's features, vocabulary and context model
and change only how the text model learns from the CLEF 2019 lines:

- ``"pairwise"``: the lines enter as pairs within a transcript (a check-worthy line against
  :data:`NEGATIVES_PER_POSITIVE` lines of the same transcript that are not), as differences of
  their feature rows, so the model learns which line of a transcript outranks another;
  ClaimBuster's sentences stay single rows.
- ``"pointwise + pairwise"``: the lines both one by one and as those pairs.
- ``"positive-unlabelled"``: a line not marked check-worthy is unlabelled rather than negative
  (Elkan & Noto's weighting; ClaimBuster's annotated negatives stay negative).

The protocol and the decision rule were written in docs/evaluation.md ("The text model's
training objective, under the same rule") before anything was fitted: 3 rounds inside the
training data, ``C`` = 2 throughout, the default's context model leave one transcript out, the
paired bootstrap of :func:`~policytext.evaluation.claims_turns.paired_difference` against both
the default's nested scores and its ``C`` = 2 scores; the choice is written before CLEF 2020
task 5 is read once.

Run it: ``python -m policytext.evaluation.claims_objectives --cache DIR [DATA_DIR]``.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from policytext.annotate.claim_features import context_features
from policytext.annotate.claim_model import ClaimScorer, LabelledTranscript
from policytext.evaluation.claims_data import (
    CLAIMBUSTER_FILE,
    CLEF2020_FILE,
    CLEF_FILE,
    RankingFigures,
    feature_blocks,
    leave_one_out_context,
    rank_figures,
    read_claimbuster,
    read_clef,
    stack_blocks,
)
from policytext.evaluation.claims_turns import CONTEXT_C, DEFAULT_CONTEXT, paired_against, paired_difference

OBJECTIVES = ("pairwise", "pointwise + pairwise", "positive-unlabelled")
"""The challengers, fixed before the run."""

OBJECTIVE_C = 2.0
"""The text model's ``C`` for every challenger in every round (the shipped model's; not tuned here)."""

NEGATIVES_PER_POSITIVE = 10
"""Lines of the same transcript, not check-worthy, paired with each check-worthy line (drawn with seed 0)."""

TEXT_FEATURES = ("words", "chars", "types")


def transcript_pairs(labels: np.ndarray, groups: np.ndarray, *, negatives: int = NEGATIVES_PER_POSITIVE,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return (check-worthy row, other row) index pairs within each group (transcript) of ``groups``.

    ``labels`` and ``groups`` give, for each row, its label and its transcript (-1 for rows outside
    any transcript, which are never paired). Each check-worthy row is paired with up to
    ``negatives`` rows of its transcript that are not, drawn without replacement.

    Example:
        >>> pos, neg = transcript_pairs(np.array([1, 0, 0, 1, 0]), np.array([0, 0, 0, 1, 1]), negatives=5)
        >>> [(int(p), int(n)) for p, n in zip(pos, neg)]
        [(0, 1), (0, 2), (3, 4)]
    """
    labels, groups = np.asarray(labels), np.asarray(groups)
    rng = np.random.default_rng(seed)
    pos_rows, neg_rows = [], []
    for group in np.unique(groups[groups >= 0]):
        members = np.flatnonzero(groups == group)
        positives, others = members[labels[members] == 1], members[labels[members] == 0]
        if not len(others):
            continue
        for p in positives:
            drawn = rng.choice(others, size=min(negatives, len(others)), replace=False)
            drawn.sort()
            pos_rows.extend([p] * len(drawn))
            neg_rows.extend(drawn)
    return np.asarray(pos_rows, dtype=int), np.asarray(neg_rows, dtype=int)


def fit_objective(objective: str, matrix: sparse.csr_matrix, labels: np.ndarray, groups: np.ndarray, *,
                  C: float = OBJECTIVE_C) -> tuple[np.ndarray, float]:
    """Fit the text model of ``objective`` on ``matrix`` rows; return its coefficients and intercept.

    ``groups``: each row's transcript, -1 for ClaimBuster sentences (never unlabelled, never paired).
    """
    labels = np.asarray(labels, dtype=int)
    in_transcript = groups >= 0
    if objective in ("pairwise", "pointwise + pairwise"):
        pos, neg = transcript_pairs(labels, groups)
        difference = matrix[pos] - matrix[neg]
        single = np.flatnonzero(~in_transcript) if objective == "pairwise" else np.arange(matrix.shape[0])
        rows = sparse.vstack([matrix[single], difference, -difference], format="csr")
        y = np.concatenate([labels[single], np.ones(len(pos), dtype=int), np.zeros(len(pos), dtype=int)])
        model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced").fit(rows, y)
    elif objective == "positive-unlabelled":
        weights = unlabelled_weights(matrix, labels, groups, C=C)
        unlabelled = np.flatnonzero(in_transcript & (labels == 0))
        rows = sparse.vstack([matrix, matrix[unlabelled]], format="csr")
        y = np.concatenate([labels, np.ones(len(unlabelled), dtype=int)])
        sample_weight = np.ones(rows.shape[0])
        sample_weight[unlabelled] = 1.0 - weights
        sample_weight[matrix.shape[0]:] = weights
        model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced")
        model.fit(rows, y, sample_weight=sample_weight)
    else:
        raise ValueError(f"unknown objective {objective!r}; choose among {', '.join(OBJECTIVES)}")
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def unlabelled_weights(matrix: sparse.csr_matrix, labels: np.ndarray, groups: np.ndarray, *,
                       C: float = OBJECTIVE_C, seed: int = 0) -> np.ndarray:
    """Return Elkan & Noto's weight w = P(check-worthy | line, unlabelled) of each unlabelled transcript line.

    g (a text model without class weights) is scored out of fold in 2 groups: ClaimBuster in
    stratified halves (``seed``), transcripts alternately; c is g's mean over the transcripts'
    check-worthy lines; w = (1 − c)/c · g/(1 − g), clipped to [0, 1]. The order is that of the
    unlabelled rows (transcript lines with label 0) in ``matrix``.
    """
    outside = np.flatnonzero(groups < 0)
    fold = np.zeros(matrix.shape[0], dtype=int)
    for k, (_, held) in enumerate(StratifiedKFold(2, shuffle=True, random_state=seed).split(outside, labels[outside])):
        fold[outside[held]] = k
    transcripts = np.unique(groups[groups >= 0])
    for index, group in enumerate(transcripts):
        fold[groups == group] = index % 2
    g = np.zeros(matrix.shape[0])
    for k in (0, 1):
        train, held = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        model = LogisticRegression(C=C, solver="liblinear").fit(matrix[train], labels[train])
        g[held] = model.predict_proba(matrix[held])[:, 1]
    in_transcript = groups >= 0
    c = float(g[in_transcript & (labels == 1)].mean())
    unlabelled = g[in_transcript & (labels == 0)]
    return np.clip((1 - c) / c * unlabelled / np.maximum(1 - unlabelled, 1e-12), 0.0, 1.0)


def compare_objectives(data_dir: str | Path, cache_dir: str | Path, *, score: bool = True,
                       log: Callable[[str], Any] | None = None) -> dict:
    """Run the comparison of the module's protocol; write the choice, then (``score``) CLEF 2020 once; return both."""
    from policytext.evaluation.claims_turns import _grid_index
    from policytext.evaluation.claims_variants import VARIANTS, VariantData, cached_cross_validation

    data_dir, cache_dir = Path(data_dir), Path(cache_dir)
    cb_texts, cb_labels = read_claimbuster(data_dir / CLAIMBUSTER_FILE)
    transcripts = read_clef(data_dir / CLEF_FILE)
    data = VariantData(cb_texts, cb_labels, transcripts)
    cv = cached_cross_validation(data, VARIANTS["text model"], cache_dir, log=log)
    matrix = data.matrix(TEXT_FEATURES)
    groups = np.full(len(data.texts), -1)
    for index, (a, b) in enumerate(zip(data.bounds, data.bounds[1:])):
        groups[a:b] = index
    held_logits = {"default": cv.nested, "default, C = 2": cv.grid[_grid_index(OBJECTIVE_C)]}
    for objective in OBJECTIVES:
        logits = np.zeros(len(data.texts))
        for k in range(data.folds):
            train, held = np.flatnonzero(data.fold_of != k), np.flatnonzero(data.fold_of == k)
            coef, intercept = fit_objective(objective, matrix[train], data.labels[train], groups[train])
            logits[held] = matrix[held] @ coef + intercept
            if log is not None:
                log(f"{objective}: round {k + 1}/{data.folds} done")
        held_logits[objective] = logits
    everything = np.arange(len(data.texts))
    claimbuster_f1 = {name: round(data.criterion_parts(values, everything, range(data.folds))[0], 4)
                      for name, values in held_logits.items()}
    clef2019 = {name: _context_ranking(data.transcripts, data.line_logits(values))
                for name, values in held_logits.items()}
    clef2019_text = {name: rank_figures(data.transcripts, data.line_logits(values))
                     for name, values in held_logits.items()}
    differences = {}
    for objective in OBJECTIVES:
        for incumbent in ("default", "default, C = 2"):
            differences[(objective, incumbent)] = paired_difference(clef2019[objective].average_precision,
                                                                    clef2019[incumbent].average_precision)
    passing = {o: differences[(o, "default")] for o in OBJECTIVES
               if differences[(o, "default")].passes and differences[(o, "default, C = 2")].passes
               and claimbuster_f1[o] >= claimbuster_f1["default"] - 0.01}
    chosen = max(passing, key=lambda o: passing[o].interval[0]) if passing else "default"
    choice = {
        "written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "chosen": chosen,
        "C": OBJECTIVE_C, "context_C": CONTEXT_C, "negatives_per_positive": NEGATIVES_PER_POSITIVE,
        "claimbuster_f1": claimbuster_f1,
        "clef2019_context": {name: asdict(f) for name, f in clef2019.items()},
        "clef2019_text_alone": {name: asdict(f) for name, f in clef2019_text.items()},
        "paired_difference": {f"{o} vs {i}": {**asdict(d), "passes": d.passes} for (o, i), d in differences.items()},
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / "objectives-choice.json").write_text(json.dumps(choice, indent=2) + "\n", encoding="utf-8")
    if not score:
        return {"choice": choice}
    if log is not None:
        log(f"the rule keeps {chosen!r}; now scoring CLEF 2020 task 5 once")
    test = read_clef(data_dir / CLEF2020_FILE)
    test_texts = [line.text for t in test for line in t.lines]
    test_bounds = np.cumsum([0] + [len(t.lines) for t in test])
    test_matrix = stack_blocks(feature_blocks(data.vocabulary, test_texts, None), TEXT_FEATURES)
    shipped = ClaimScorer.load()
    test_logits = {"default": [shipped.text_logits([line.text for line in t.lines]) for t in test]}
    train_logits = {"default": held_logits["default, C = 2"]}
    for objective in OBJECTIVES:
        coef, intercept = fit_objective(objective, matrix, data.labels, groups)
        values = test_matrix @ coef + intercept
        test_logits[objective] = [values[a:b] for a, b in zip(test_bounds, test_bounds[1:])]
        train_logits[objective] = held_logits[objective]
    figures, text_alone = {}, {}
    for name, logits in test_logits.items():
        model = ClaimScorer(context_features=DEFAULT_CONTEXT, context_C=CONTEXT_C)
        model.fit_context(data.transcripts, data.line_logits(train_logits[name]))
        figures[name] = rank_figures(test, [model.context_logits(context_features(t.lines, values))
                                            for t, values in zip(test, logits)])
        text_alone[name] = rank_figures(test, logits)
    scored = {"written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "chosen": chosen,
              "clef2020_task5": {name: asdict(f) for name, f in figures.items()},
              "clef2020_task5_text_alone": {name: asdict(f) for name, f in text_alone.items()},
              "paired_difference_clef2020": paired_against(figures)}
    (cache_dir / "objectives-clef2020.json").write_text(json.dumps(scored, indent=2) + "\n", encoding="utf-8")
    return {"choice": choice, "clef2020": scored}


def _context_ranking(transcripts: Sequence[LabelledTranscript], logits: Sequence[np.ndarray]) -> RankingFigures:
    rows = [context_features(t.lines, values) for t, values in zip(transcripts, logits)]
    labels = [np.asarray(t.labels, dtype=int) for t in transcripts]
    return rank_figures(transcripts, leave_one_out_context(rows, labels, range(len(transcripts)),
                                                           DEFAULT_CONTEXT, CONTEXT_C))


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m policytext.evaluation.claims_objectives --cache DIR [DATA_DIR]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m policytext.evaluation.claims_objectives",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default="../shared/data/claims", help="folder with the labelled CSVs")
    parser.add_argument("--cache", required=True, help="folder outside the repository for the cross-validation "
                                                      "and the choice")
    parser.add_argument("--cv-only", action="store_true", help="write the choice and stop before CLEF 2020")
    args = parser.parse_args(argv)
    result = compare_objectives(args.data, args.cache, score=not args.cv_only,
                                log=lambda line: print(line, flush=True))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
