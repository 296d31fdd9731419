"""Keyness: the lemmas and bigrams that set one group's language apart from another's."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from policytext.analyse.groups import (NO_GROUP, check_grouping, group_labels, group_periods,
                                      leave_out_unlabelled, match_group)
from policytext.analyse.lemmas import lemma_frame
from policytext.errors import BadQuery
from policytext.provenance import attach_provenance
from policytext.store.filters import strict_options

KEYNESS_COLUMNS = [
    "term", "target_count", "reference_count", "target_per_10k", "reference_per_10k", "g2",
    "p_value", "log_ratio",
]
"""Columns of :func:`keyness`, most distinctive of the target first:

- ``term``: a lemma or a bigram of two lemmas ("small business");
- ``target_count``, ``reference_count``: occurrences in the target and the reference documents;
- ``target_per_10k``, ``reference_per_10k``: the same per 10,000 tokens of each side;
- ``g2``, ``p_value``: log-likelihood G² (1 d.f.) of target vs reference;
- ``log_ratio``: log2 of the two relative frequencies (0.5 added to a zero count).
"""


def _stop_words() -> frozenset[str]:
    from policytext.analyse.themes import _stop_words as stop_words

    return stop_words()


def count_terms(lemma_texts: list[str], *, min_count: int = 1):
    """Return (vocabulary array, document × term count matrix) of lemmas and bigrams.

    Stop words and tokens without letters are not counted, and a bigram is formed only from two
    neighbouring counted lemmas of the original stream (so "rule law" never stands for "rule of law").
    """
    from sklearn.feature_extraction.text import CountVectorizer

    stop = _stop_words()

    def analyse(text: str) -> list[str]:
        lemmas = text.split()
        keep = [(w if (w not in stop and any(c.isalpha() for c in w)) else None) for w in lemmas]
        terms = [w for w in keep if w]
        terms.extend(f"{a} {b}" for a, b in zip(keep, keep[1:]) if a and b)
        return terms

    vectorizer = CountVectorizer(analyzer=analyse, min_df=1)
    matrix = vectorizer.fit_transform(lemma_texts)
    vocabulary = vectorizer.get_feature_names_out()
    if min_count > 1:
        keep = np.asarray(matrix.sum(axis=0)).ravel() >= min_count
        matrix, vocabulary = matrix[:, keep], vocabulary[keep]
    return vocabulary, matrix


@strict_options
def keyness(corpus, *, by: str = "government", target: str, reference: str = "rest", top: int = 20,
            min_count: int = 5, progress: Callable[..., None] | None = None,
            include_unlabelled: bool = False, **filters: Any) -> pd.DataFrame:
    """Return the terms most over-used in the ``target`` group compared with a reference.

    Args:
        corpus: an open corpus.
        by: the grouping field: government, year, quarter, speaker, party or kind.
        target: the target group (its full name, or a part naming one group: "Kennedy").
        reference: another group, or ``"rest"`` for every other selected document.
        top: how many terms.
        min_count: the fewest occurrences (both sides together) a term needs.
        progress: called once per document lemmatised.
        include_unlabelled: keep documents with no group (e.g. no government) as the group
            ``(none)``, which can then be the target or in the reference. By default they are
            left out of both sides, with an :class:`~policytext.analyse.groups.UnlabelledDocuments`
            warning saying how many.
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`KEYNESS_COLUMNS`, ranked by G² among terms more frequent in the
        target (``log_ratio > 0``); ``attrs["left_out"]`` counts the documents left out.

    Example:
        >>> keyness(corpus, by="government", target="Reagan", top=10)   # doctest: +SKIP
    """
    from scipy.stats import chi2  # imported here: scipy.stats is slow to import

    check_grouping(by)
    if top < 1:
        raise BadQuery(f"--top must be 1 or more, not {top}")
    frame = lemma_frame(corpus, progress=progress, **filters)
    if frame.empty:
        raise BadQuery("no documents match the filters; widen them or collect documents first")
    labels = group_labels(frame, by)
    frame, labels, left_out = leave_out_unlabelled(frame, labels, by, include_unlabelled=include_unlabelled)
    if frame.empty:
        raise BadQuery(f"every selected document has no {by}; pass include_unlabelled=True "
                       f"(--include-unlabelled) to compare them as the group {NO_GROUP!r}")
    groups = [g for g in group_periods(frame, labels, by, corpus.timelines)["group"] if g != NO_GROUP] \
        + ([NO_GROUP] if (labels == NO_GROUP).any() else [])
    target_group = match_group(groups, target, option="--target")
    target_mask = (labels == target_group).to_numpy()
    if reference == "rest":
        reference_mask = ~target_mask
    else:
        reference_group = match_group(groups, reference, option="--reference")
        if reference_group == target_group:
            raise BadQuery(f"--target and --reference are the same group ({target_group})")
        reference_mask = (labels == reference_group).to_numpy()
    if not reference_mask.any():
        raise BadQuery(f"no reference documents: every selected document is in {target_group!r}")
    texts = frame["lemmas"].tolist()
    vocabulary, matrix = count_terms(texts)
    a = np.asarray(matrix[target_mask].sum(axis=0)).ravel().astype(float)
    b = np.asarray(matrix[reference_mask].sum(axis=0)).ravel().astype(float)
    c = float(frame["tokens"].to_numpy()[target_mask].sum())
    d = float(frame["tokens"].to_numpy()[reference_mask].sum())
    keep = (a + b) >= min_count
    vocabulary, a, b = vocabulary[keep], a[keep], b[keep]
    g2, ratio = keyness_scores(a, b, c, d)
    result = pd.DataFrame({
        "term": vocabulary, "target_count": a.astype(int), "reference_count": b.astype(int),
        "target_per_10k": a / c * 10_000 if c else 0.0, "reference_per_10k": b / d * 10_000 if d else 0.0,
        "g2": g2, "p_value": chi2.sf(g2, 1), "log_ratio": ratio,
    }, columns=KEYNESS_COLUMNS)
    result = result[result["log_ratio"] > 0]
    result = result.sort_values(["g2", "term"], ascending=[False, True]).head(top).reset_index(drop=True)
    result.attrs["left_out"] = left_out
    return attach_provenance(result, corpus, "keyness", filters, by=by, target=target_group, reference=reference,
                             top=top, min_count=min_count, include_unlabelled=include_unlabelled)


def keyness_scores(a: np.ndarray, b: np.ndarray, c: float, d: float) -> tuple[np.ndarray, np.ndarray]:
    """Return G² and log ratio for counts ``a`` (of ``c`` tokens) vs ``b`` (of ``d`` tokens), vectorised.

    >>> [round(float(x), 3) for x in keyness_scores(np.array([10.0]), np.array([10.0]), 100, 100)[0]]
    [0.0]
    """
    total = a + b
    e1 = c * total / (c + d)
    e2 = d * total / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        part1 = np.where(a > 0, a * np.log(np.where(a > 0, a, 1) / np.where(e1 > 0, e1, 1)), 0.0)
        part2 = np.where(b > 0, b * np.log(np.where(b > 0, b, 1) / np.where(e2 > 0, e2, 1)), 0.0)
    g2 = np.maximum(2.0 * (part1 + part2), 0.0)
    ratio = np.log2((np.where(a > 0, a, 0.5) / c) / (np.where(b > 0, b, 0.5) / d))
    return g2, ratio
