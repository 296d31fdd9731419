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

Run it: ``python -m policytext.evaluation.claims [DATA_DIR]`` (prints the figures as JSON);
``--embed-only --cache DIR`` embeds the three sets into a resumable cache
(:mod:`~policytext.evaluation.claims_vectors`), ``--variants --cache DIR`` compares the scorer
variants (:mod:`~policytext.evaluation.claims_variants`).
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold

from policytext.annotate.claim_features import BASE_CONTEXT_FEATURES, FEATURE_GROUPS, context_features
from policytext.annotate.claim_model import (
    FEATURE_BLOCKS,
    ClaimScorer,
    LabelledTranscript,
    normalise_for_features,
)
from policytext.evaluation.claims_data import (  # noqa: F401  (importable from here, as before)
    CLAIMBUSTER_FILE,
    CLEF2020_FILE,
    CLEF_FILE,
    RankingFigures,
    feature_blocks as _feature_blocks,
    leave_one_out_context as _leave_one_out_context,
    precision_at,
    r_precision,
    rank_figures,
    read_claimbuster,
    read_clef,
    stack_blocks as _stack,
    training_folds,
)


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
    fold_of = training_folds(cb_labels, transcripts, folds=folds, seed=seed)
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
    return {"text score only": ("text_logit",), "all": tuple(BASE_CONTEXT_FEATURES), **ablation_feature_sets()}


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
    return {f"no {group}": tuple(f for f in BASE_CONTEXT_FEATURES if f not in removed)
            for group, removed in FEATURE_GROUPS.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Print evaluations as JSON. Usage: ``python -m policytext.evaluation.claims [options] [DATA_DIR]``.

    Without options: the shipped model's figures. ``--embed-only --cache DIR`` embeds the three
    sets into ``DIR``; ``--variants --cache DIR`` compares the variants of
    :mod:`policytext.evaluation.claims_variants` (choice first, then CLEF 2020 once); ``--turns
    --cache DIR`` the turn and speaker-role context models of :mod:`policytext.evaluation.claims_turns`.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m policytext.evaluation.claims",
                                     description="Evaluate the claim scorer on the labelled claim sets.")
    parser.add_argument("data", nargs="?", default="../shared/data/claims", help="folder with the labelled CSVs")
    parser.add_argument("--cache", help="folder for the sentence embeddings and the variants' cross-validation "
                                        "(never inside the repository)")
    parser.add_argument("--embed-only", action="store_true", help="embed the three sets into --cache and stop")
    parser.add_argument("--sets", default=",".join(_vector_sets()),
                        help="with --embed-only: which sets, comma-separated")
    parser.add_argument("--variants", action="store_true",
                        help="compare the scorer variants by CV inside the training data, then on CLEF 2020")
    parser.add_argument("--variant", action="append", default=[],
                        help="with --variants: compare only this variant (repeat it; default: all of them)")
    parser.add_argument("--turns", action="store_true",
                        help="compare the turn and speaker-role context models with the default under the "
                             "written rule, then CLEF 2020 once (policytext.evaluation.claims_turns)")
    parser.add_argument("--cv-only", action="store_true",
                        help="with --variants: cross-validate inside the training data and stop (CLEF 2020 unread)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads for embedding (default: torch's)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    folder = Path(args.data)
    if (args.embed_only or args.variants or args.turns) and not args.cache:
        raise SystemExit("--embed-only, --variants and --turns need --cache DIR (a folder outside the repository)")
    if args.embed_only:
        from policytext.evaluation.claims_vectors import embed_claim_sets

        _set_threads(args.threads)
        _, runs = embed_claim_sets(folder, args.cache, sets=[name for name in args.sets.split(",") if name])
        print(json.dumps([{**asdict(run), "per_cpu_second": round(run.per_cpu_second, 1)} for run in runs], indent=2))
        return 0
    if args.turns:
        from policytext.evaluation.claims_turns import compare_turn_context
        from policytext.evaluation.claims_vectors import log_to_stderr

        print(json.dumps(compare_turn_context(folder, args.cache, score=not args.cv_only, log=log_to_stderr), indent=2))
        return 0
    if args.variants:
        _set_threads(args.threads)
        print(json.dumps(compare_variants(folder, args.cache, variants=args.variant or None,
                                          score=not args.cv_only), indent=2))
        return 0
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


def compare_variants(data_dir: str | Path, cache_dir: str | Path, *, variants: Sequence[str] | None = None,
                     score: bool = True) -> dict:
    """Choose among the scorer variants by CV inside the training data, write the choice, then score CLEF 2020 once.

    The choice is written to ``cache_dir/variants-choice.json`` (with the time) before the CLEF 2020
    file is read; the CLEF 2020 figures go to ``variants-clef2020.json`` beside it. Both are returned.
    With ``score`` false, only the cross-validation runs (kept in ``cache_dir``) and nothing is written.
    """
    import datetime as dt

    from policytext.evaluation.claims_variants import VARIANTS, VariantData, choose_variant, score_variants
    from policytext.evaluation.claims_vectors import embed_claim_sets, log_to_stderr

    data_dir, cache_dir = Path(data_dir), Path(cache_dir)
    variants = tuple(variants or VARIANTS)
    embedded = any("embeddings" in VARIANTS.get(v, ()) for v in variants)
    cb_texts, cb_labels = read_claimbuster(data_dir / CLAIMBUSTER_FILE)
    transcripts = read_clef(data_dir / CLEF_FILE)
    vectors = None
    if embedded:
        training, _ = embed_claim_sets(data_dir, cache_dir, sets=("clef2019", "claimbuster"))
        vectors = np.vstack([training["claimbuster"], training["clef2019"]])
    data = VariantData(cb_texts, cb_labels, transcripts, vectors=vectors)
    choice = choose_variant(data, variants=variants, cache_dir=cache_dir, log=log_to_stderr)
    chosen = {"written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), **choice.as_dict()}
    if not score:
        return {"choice": chosen}
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / "variants-choice.json").write_text(json.dumps(chosen, indent=2) + "\n", encoding="utf-8")
    log_to_stderr(f"chose {choice.chosen} (default: {choice.chosen_default}); now scoring CLEF 2020 task 5 once")
    test = read_clef(data_dir / CLEF2020_FILE)
    test_vectors = None if not embedded else embed_claim_sets(data_dir, cache_dir, sets=("clef2020",))[0]["clef2020"]
    figures = score_variants(data, choice, test, test_vectors=test_vectors, cache_dir=cache_dir, log=log_to_stderr)
    scored = {"written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
              "chosen": choice.chosen, "chosen_default": choice.chosen_default,
              "clef2020_task5": {name: asdict(f) for name, f in figures.items()}}
    (cache_dir / "variants-clef2020.json").write_text(json.dumps(scored, indent=2) + "\n", encoding="utf-8")
    return {"choice": chosen, "clef2020": scored}


def _vector_sets() -> tuple[str, ...]:
    from policytext.evaluation.claims_vectors import SETS

    return SETS


def _set_threads(threads: int) -> None:
    if threads > 0:
        import torch

        torch.set_num_threads(threads)


if __name__ == "__main__":
    sys.exit(main())
