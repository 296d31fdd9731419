"""Rebuild the shipped claim scorers in ``models/claims/`` from ``../shared/data/claims/``.

Usage (from the project root)::

    .venv/bin/python -m policytext.annotate.train_claims [--model text|embeddings] [--data ../shared/data/claims]
        [--out models/claims] [--no-eval] [--nested] [--context-only] [--cache DIR]

Trains on every ClaimBuster sentence (CC BY 4.0) and every line of the CLEF CheckThat! 2019 task 1
training transcripts (free for research use). Every parameter (the text model's feature blocks and
``C``, the context model's features and ``C``) is chosen by cross-validation inside that training
data (:func:`policytext.evaluation.claims.choose_params`); CLEF 2020 task 5 is only scored, once,
after the choice. Unless ``--no-eval``, also measures the figures of
:mod:`policytext.evaluation.claims`: ClaimBuster 5-fold (with the chosen parameters, and nested:
each fold choosing on its own training folds), CLEF 2020 task 5 (out of sample). Writes
``NAME.json`` + ``NAME.npz`` (no pickle; ``scorer`` for the ``text`` model, ``embeddings`` for the
other) and ``NAME-metrics.json`` (``metrics.json`` for ``text``). ``--model embeddings --cache DIR``
reads the sentence vectors cached by ``python -m policytext.evaluation.claims --embed-only --cache
DIR`` (and embeds into ``DIR`` only the sets missing there) instead of embedding everything again.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

import numpy as np
import sklearn

from policytext.annotate.claim_model import CLAIM_MODELS, MODEL_DIR, ClaimScorer, embed_sentences
from policytext.errors import ConfigError
from policytext.evaluation.claims import (
    C_GRID,
    CLAIMBUSTER_FILE,
    CLEF2020_FILE,
    CLEF_FILE,
    EMBEDDING_FEATURE_SETS,
    TEXT_FEATURE_SETS,
    choose_params,
    evaluate_claimbuster,
    evaluate_clef2020,
    read_claimbuster,
    read_clef,
)

FEATURE_SETS = {"text": TEXT_FEATURE_SETS, "embeddings": EMBEDDING_FEATURE_SETS}


def metrics_file(model: str) -> str:
    """Return the name of the metrics file written beside ``model``'s files."""
    return "metrics.json" if model == "text" else f"{CLAIM_MODELS[model]}-metrics.json"


def train_claim_scorer(data_dir: str | Path, *, out: str | Path = MODEL_DIR, model: str = "text",
                       evaluate: bool = True, nested: bool = False, vectors: dict[str, np.ndarray] | None = None,
                       vector_cache: str | Path | None = None) -> ClaimScorer:
    """Choose the parameters by CV inside the training data, train the scorer, save it to ``out`` and return it.

    Args:
        data_dir: the folder with the ClaimBuster and CLEF CSVs (``../shared/data/claims``).
        out: the folder to write the model and its metrics into.
        model: ``"text"`` (the default model) or ``"embeddings"`` (needs the ``embeddings`` extra).
        evaluate: also measure the figures (many minutes) and store them in the card.
        nested: also measure ClaimBuster 5-fold with the choice nested in each fold (longer still).
        vectors: for ``"embeddings"``: the sentence embeddings already computed, by set (``"claimbuster"``,
            ``"clef2019"``, ``"clef2020"``, each in file order); default: read from ``vector_cache``,
            else computed here.
        vector_cache: for ``"embeddings"``: the folder of
            :func:`~policytext.evaluation.claims_vectors.embed_claim_sets` (vectors cached there are
            read, checked against the sentences' digest; missing sets are embedded into it).

    Returns:
        The fitted scorer, its card filled in.

    Example:
        >>> train_claim_scorer("../shared/data/claims", out="models/claims")  # doctest: +SKIP
    """
    if model not in CLAIM_MODELS:
        raise ConfigError(f"unknown claim model {model!r}; choose one of {', '.join(CLAIM_MODELS)}")
    data_dir = Path(data_dir)
    texts, labels = read_claimbuster(data_dir / CLAIMBUSTER_FILE)
    transcripts = read_clef(data_dir / CLEF_FILE)
    test = read_clef(data_dir / CLEF2020_FILE)
    vectors = dict(vectors or {})
    if vector_cache is not None and model != "embeddings":
        raise ConfigError("a vector cache is read only by the embeddings claim model: add --model embeddings "
                          "or leave out --cache")
    if model == "embeddings" and vector_cache is not None:
        from policytext.evaluation.claims_vectors import embed_claim_sets

        wanted = [name for name in ("clef2019", "claimbuster") + (("clef2020",) if evaluate else ())
                  if name not in vectors]
        vectors.update(embed_claim_sets(data_dir, vector_cache, sets=wanted, log=_log)[0])
    if model == "embeddings":
        for name, sentences in (("claimbuster", texts), ("clef2019", [line.text for t in transcripts for line in t.lines]),
                                ("clef2020", [line.text for t in test for line in t.lines])):
            if name not in vectors and (evaluate or name != "clef2020"):  # the test set only to score it
                vectors[name] = embed_sentences(sentences)
    train_vectors = (np.vstack([vectors["claimbuster"], vectors["clef2019"]]) if model == "embeddings" else None)
    _log(f"choosing the {model} model's parameters by CV inside the training data")
    choice = choose_params(texts, labels, transcripts, feature_sets=FEATURE_SETS[model], Cs=C_GRID,
                           vectors=train_vectors)
    scorer = ClaimScorer(**choice.params).fit(texts, labels, transcripts=transcripts, vectors=train_vectors)
    _log(f"chose {choice.params}")
    metrics = {}
    if evaluate:
        _log("measuring ClaimBuster 5-fold (chosen parameters, then nested) and CLEF 2020 task 5")
        cb_vectors = vectors.get("claimbuster")
        test_vectors = _split(vectors.get("clef2020"), test)
        metrics = {
            "claimbuster_5fold": asdict(evaluate_claimbuster(data_dir / CLAIMBUSTER_FILE, vectors=cb_vectors,
                                                             **choice.params)),
            "clef2019_context_nested": asdict(choice.nested_context),
            **({"claimbuster_5fold_nested": asdict(evaluate_claimbuster(
                data_dir / CLAIMBUSTER_FILE, choose_C=C_GRID, choose_features=FEATURE_SETS[model],
                vectors=cb_vectors))} if nested else {}),
            "clef2020_task5": {name: asdict(f) for name, f in evaluate_clef2020(
                data_dir, scorer=scorer, vectors=test_vectors).items()},
        }
    scorer.card = {
        "model": model,
        "trained_on": [CLAIMBUSTER_FILE, CLEF_FILE],
        "out_of_sample": CLEF2020_FILE,
        "sentences": len(texts) + sum(len(t.lines) for t in transcripts),
        "positives": int(sum(labels)) + sum(sum(t.labels) for t in transcripts),
        "description": "text: logistic regression over the chosen feature blocks (word+char tf-idf, claim types"
                       + (", all-MiniLM-L6-v2 sentence embeddings" if model == "embeddings" else "")
                       + "); context: logistic regression over a transcript line's out-of-fold text score, its "
                         "neighbours', speaker, question and position features (the chosen ones)",
        "params": scorer.get_params(),
        "chosen_by": {"text": list(choice.text), "context": list(choice.context)},
        "scikit_learn": sklearn.__version__,
        "date": dt.date.today().isoformat(),
        "metrics": metrics,
    }
    out = Path(out)
    scorer.save(out, name=CLAIM_MODELS[model])
    (out / metrics_file(model)).write_text(json.dumps(scorer.card, indent=2) + "\n", encoding="utf-8")
    return scorer


def retrain_context(data_dir: str | Path, *, out: str | Path = MODEL_DIR, evaluate: bool = True) -> ClaimScorer:
    """Keep the saved text model of ``out``; choose and fit its context model again, by CV inside the training data.

    For a change of the context features alone. The text model (its parameters, coefficients and
    the CV table they were chosen by) stays as it is: same data, same parameters, same fit. Only
    the chosen text candidate's out-of-fold scores are made again (the 3 rounds of
    :func:`~policytext.evaluation.claims.choose_params`, not its whole grid), the context features
    and ``context_C`` are chosen on them leave one transcript out, and the context model learns
    from them. Unless ``evaluate`` is false, CLEF 2020 task 5 is then scored once.

    Example:
        >>> retrain_context("../shared/data/claims", out="models/claims")  # doctest: +SKIP
    """
    data_dir, out = Path(data_dir), Path(out)
    base = ClaimScorer.load(out)
    texts, labels = read_claimbuster(data_dir / CLAIMBUSTER_FILE)
    transcripts = read_clef(data_dir / CLEF_FILE)
    fixed = {k: v for k, v in base.get_params().items() if k not in ("C", "features", "context_C", "context_features")}
    _log("the text model's out-of-fold scores (3 rounds) and the context choice")
    choice = choose_params(texts, labels, transcripts, feature_sets=(base.features,), Cs=(base.C,), **fixed)
    scorer = ClaimScorer(**choice.params)
    for key in ClaimScorer._LEARNED_ARRAYS + ClaimScorer._LEARNED_VALUES:
        setattr(scorer, key, getattr(base, key))
    scorer.fit_context(transcripts, choice.line_logits)
    _log(f"chose {choice.params}")
    card = dict(base.card)
    metrics = {key: value for key, value in card.get("metrics", {}).items() if key.startswith("claimbuster")}
    metrics["clef2019_context_nested"] = asdict(choice.nested_context)
    if evaluate:
        _log("scoring CLEF 2020 task 5, once")
        metrics["clef2020_task5"] = {name: asdict(f) for name, f in evaluate_clef2020(data_dir, scorer=scorer).items()}
    card.update({
        "params": scorer.get_params(),
        "chosen_by": {"text": card.get("chosen_by", {}).get("text", []), "context": list(choice.context)},
        "context_trained_on": "the chosen text candidate's out-of-fold scores of the CLEF 2019 lines "
                              "(3 rounds of choose_params, whole transcripts held out)",
        "context_date": dt.date.today().isoformat(),
        "metrics": metrics,
    })
    scorer.card = card
    scorer.save(out, name=CLAIM_MODELS["text"])
    (out / metrics_file("text")).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return scorer


def _log(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def _split(vectors: np.ndarray | None, transcripts) -> list[np.ndarray] | None:
    if vectors is None:
        return None
    bounds = np.cumsum([0] + [len(t.lines) for t in transcripts])
    return [vectors[a:b] for a, b in zip(bounds, bounds[1:])]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policytext.annotate.train_claims",
                                     description="Rebuild a claim scorer shipped in models/claims.")
    parser.add_argument("--model", default="text", choices=sorted(CLAIM_MODELS), help="which claim model")
    parser.add_argument("--data", default="../shared/data/claims", help="folder with the labelled CSVs")
    parser.add_argument("--out", default=str(MODEL_DIR), help="folder to write the model into")
    parser.add_argument("--no-eval", action="store_true", help="skip the evaluations")
    parser.add_argument("--nested", action="store_true", help="also ClaimBuster 5-fold with the choice nested")
    parser.add_argument("--context-only", action="store_true",
                        help="keep the saved text model; choose and fit the context model again (text model only)")
    parser.add_argument("--cache", help="with --model embeddings: the folder of cached sentence vectors "
                                        "(python -m policytext.evaluation.claims --embed-only --cache DIR)")
    args = parser.parse_args(argv)
    if args.cache and args.model != "embeddings":
        raise SystemExit("--cache holds sentence vectors, read only by --model embeddings: add it or leave out --cache")
    if args.context_only:
        if args.model != "text":
            raise SystemExit("--context-only retrains the text model's context model: leave out --model")
        scorer = retrain_context(args.data, out=args.out, evaluate=not args.no_eval)
    else:
        scorer = train_claim_scorer(args.data, out=args.out, model=args.model, evaluate=not args.no_eval,
                                    nested=args.nested, vector_cache=args.cache)
    sys.stdout.write(json.dumps(scorer.card, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
