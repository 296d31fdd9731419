"""Keyness: the lemmas and bigrams that set one group's language apart from another's."""
from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from policytext.analyse.groups import (NO_GROUP, GroupNotice, _outside_policytext, check_grouping, group_labels,
                                      group_periods, leave_out_repeated_texts, leave_out_unlabelled, match_group,
                                      resolve_min_documents, warn_small_groups)
from policytext.analyse.lemmas import LemmaSelection, select_lemmas
from policytext.analyse.stats import ADJUSTMENTS, adjust_p_values, g2_and_log_ratio, g2_p_values
from policytext.errors import BadQuery
from policytext.provenance import attach_provenance
from policytext.store.filters import strict_options


class ConcentratedTerms(GroupNotice):
    """Some key terms shown occur in only one document of the target group."""


KEYNESS_COLUMNS = [
    "term", "target_count", "reference_count", "target_documents", "reference_documents", "target_per_10k",
    "reference_per_10k", "g2", "p_value", "p_adjusted", "log_ratio",
]
"""Columns of :func:`keyness`, most distinctive of the target first:

- ``term``: a lemma or a bigram of two lemmas ("small business");
- ``target_count``, ``reference_count``: occurrences in the target and the reference documents;
- ``target_documents``, ``reference_documents``: how many documents of each side have the term
  (its dispersion: a term key by its count but in one target document is one speech's word, and
  the table warns of it);
- ``target_per_10k``, ``reference_per_10k``: the same per 10,000 tokens of each side;
- ``g2``, ``p_value``: log-likelihood G² (1 d.f.) of target vs reference (p 0.0: below the float
  range), the corpus-linguistics convention: every token counts as an independent draw, so a term
  repeated in a few documents gets a p-value far smaller than the documents justify; read it with
  ``target_documents``;
- ``p_adjusted``: ``p_value`` adjusted (Holm or Benjamini–Hochberg) over every term tested, not
  only those shown, when asked for (``adjust``); NaN otherwise;
- ``log_ratio``: log2 of the two relative frequencies (0.5 added to a zero count).
"""


def _stop_words() -> frozenset[str]:
    from policytext.analyse.themes import english_stop_words

    return english_stop_words()


def term_analyser() -> Callable[[str], list[str]]:
    """Return the function that turns a lemma stream into the terms keyness counts: lemmas and bigrams.

    Stop words and tokens without letters are not counted, and a bigram is formed only from two
    neighbouring counted lemmas of the original stream (so "rule law" never stands for "rule of law").
    """
    stop = _stop_words()

    def analyse(text: str) -> list[str]:
        lemmas = text.split()
        keep = [(w if (w not in stop and any(c.isalpha() for c in w)) else None) for w in lemmas]
        terms = [w for w in keep if w]
        terms.extend(f"{a} {b}" for a, b in zip(keep, keep[1:]) if a and b)
        return terms

    return analyse


def count_terms(lemma_texts: list[str], *, min_count: int = 1):
    """Return (vocabulary array, document × term count matrix) of lemmas and bigrams (see :func:`term_analyser`)."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(analyzer=term_analyser(), min_df=1)
    matrix = vectorizer.fit_transform(lemma_texts)
    vocabulary = vectorizer.get_feature_names_out()
    if min_count > 1:
        keep = np.asarray(matrix.sum(axis=0)).ravel() >= min_count
        matrix, vocabulary = matrix[:, keep], vocabulary[keep]
    return vocabulary, matrix


@strict_options
def keyness(corpus, *, by: str = "government", target: str, reference: str = "rest", top: int = 20,
            min_count: int = 5, progress: Callable[..., None] | None = None,
            include_unlabelled: bool = False, min_documents: int | None = None, adjust: str | None = None,
            lemmas: str | Path | None = None, **filters: Any) -> pd.DataFrame:
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
        min_documents: a side with fewer documents gets a
            :class:`~policytext.analyse.groups.SmallGroups` warning: its key terms are those of a
            speech or two (guests' names, one occasion), not of the group (default: the
            ``min_group_documents`` setting, 5).
        adjust: ``"holm"`` or ``"bh"`` to adjust the p-values over every term tested (``p_adjusted``).
        lemmas: a folder of Parquet lemma files (default: the work directories the store records;
            see :func:`~policytext.analyse.lemmas.iter_lemmas`), or a selection of the same filters
            made by :func:`~policytext.analyse.lemmas.select_lemmas`.
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`KEYNESS_COLUMNS`, ranked by G² among terms more frequent in the
        target (``log_ratio > 0``); ``attrs["left_out"]`` counts the documents left out.

    Example:
        >>> keyness(corpus, by="government", target="Reagan", top=10)   # doctest: +SKIP
    """
    check_grouping(by)
    if top < 1:
        raise BadQuery(f"--top must be 1 or more, not {top}")
    if adjust is not None and adjust not in ADJUSTMENTS:
        raise BadQuery(f"cannot adjust p-values by {adjust!r}: use one of {', '.join(ADJUSTMENTS)}")
    minimum = resolve_min_documents(min_documents, getattr(corpus, "config", None))
    selection = select_lemmas(corpus, lemmas=lemmas, **filters)
    frame = leave_out_repeated_texts(corpus.store.conn, selection.metadata())
    if frame.empty:
        raise BadQuery("no documents match the filters; widen them or collect documents first")
    labels = group_labels(frame, by)
    frame, labels, left_out = leave_out_unlabelled(frame, labels, by, include_unlabelled=include_unlabelled)
    if frame.empty:
        raise BadQuery(f"every selected document has no {by}; pass include_unlabelled=True "
                       f"(--include-unlabelled) to compare them as the group {NO_GROUP!r}")
    # the groups in time order, to name them; an ongoing government is noted only when it is compared
    groups = [g for g in group_periods(frame, labels, by, corpus.timelines, notice=False)["group"] if g != NO_GROUP] \
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
    reference_name = "the rest" if reference == "rest" else reference_group
    compared = target_mask | reference_mask
    group_periods(frame[compared], labels[compared], by, corpus.timelines)  # the notice, for the compared groups
    warn_small_groups({target_group: int(target_mask.sum()), reference_name: int(reference_mask.sum())}, minimum,
                      what="their key terms may be those of one occasion, not of the group")
    sides = dict(zip(frame["id"], np.where(target_mask, 0, np.where(reference_mask, 1, -1)).tolist()))
    vocabulary, a, b, c, d, spread = _count_sides(selection, sides, every_term=min_count <= 0, progress=progress)
    keep = (a + b) >= min_count
    vocabulary, a, b, spread = vocabulary[keep], a[keep], b[keep], spread[:, keep]
    g2, ratio = g2_and_log_ratio(a, b, c, d)
    p_values = g2_p_values(g2)
    result = pd.DataFrame({
        "term": vocabulary, "target_count": a.astype(int), "reference_count": b.astype(int),
        "target_documents": spread[0], "reference_documents": spread[1],
        "target_per_10k": a / c * 10_000 if c else 0.0, "reference_per_10k": b / d * 10_000 if d else 0.0,
        "g2": g2, "p_value": p_values,
        "p_adjusted": adjust_p_values(p_values, adjust) if adjust else np.full(len(vocabulary), np.nan),
        "log_ratio": ratio,
    }, columns=KEYNESS_COLUMNS)
    tested = len(result)
    result = result[result["log_ratio"] > 0]
    result = result.sort_values(["g2", "term"], ascending=[False, True]).head(top).reset_index(drop=True)
    result.attrs["left_out"] = left_out
    single = result.loc[result["target_documents"] == 1, "term"].tolist()
    if single and int(target_mask.sum()) > 1:
        listed = ", ".join(repr(t) for t in single[:5]) + (f" and {len(single) - 5} more" if len(single) > 5 else "")
        warnings.warn(f"{len(single)} of the {len(result)} terms shown occur in only one of the "
                      f"{int(target_mask.sum())} target documents ({listed}): key by their count, they are one "
                      "document's words, not the group's (see target_documents)", ConcentratedTerms,
                      stacklevel=_outside_policytext())
    methods = {"test": ("log-likelihood G2 (Rayson and Garside) of the term's count in the target's tokens "
                        "against the reference's, chi-squared with 1 degree of freedom; tokens treated as "
                        "independent (the corpus-linguistics convention), so target_documents gives each "
                        "term's spread over the target's documents"),
               "adjust": (f"{'Holm' if adjust == 'holm' else 'Benjamini-Hochberg'} over all {tested} terms tested "
                          f"(at least {min_count} occurrences), not only those shown") if adjust else "none"}
    return attach_provenance(result, corpus, "keyness", filters, by=by, target=target_group, reference=reference,
                             top=top, min_count=min_count, include_unlabelled=include_unlabelled,
                             min_documents=minimum, adjust=adjust, methods=methods)


def _count_sides(selection: LemmaSelection, sides: dict[str, int], *, every_term: bool,
                 progress: Callable[..., None] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float,
                                                                np.ndarray]:
    """Count each term in the target's (side 0) and the reference's (side 1) streams, read one at a time.

    ``sides`` gives the side of each document kept (-1: neither); the others are not counted.
    Returns the vocabulary (sorted), the counts on each side, each side's tokens, and a 2 × terms
    array of the documents of each side that have the term. Memory holds
    the two tallies, never the streams. With ``every_term`` the vocabulary also has the terms of
    kept documents on neither side (counted 0 and 0), as a count matrix of every kept document had.
    """
    analyse = term_analyser()
    counts: tuple[Counter, Counter] = (Counter(), Counter())
    documents: tuple[Counter, Counter] = (Counter(), Counter())
    tokens = [0, 0]
    elsewhere: set[str] = set()
    for doc_id, *_, doc_tokens, text in selection.iter(progress=progress):
        side = sides.get(doc_id)
        if side is None:
            continue  # left out (no group)
        if side < 0:
            if every_term:
                elsewhere.update(analyse(text))
            continue
        terms = analyse(text)
        counts[side].update(terms)
        documents[side].update(set(terms))
        tokens[side] += int(doc_tokens or 0)
    vocabulary = np.array(sorted(set(counts[0]) | set(counts[1]) | elsewhere), dtype=object)
    a = np.array([counts[0].get(term, 0) for term in vocabulary], dtype=float)
    b = np.array([counts[1].get(term, 0) for term in vocabulary], dtype=float)
    spread = np.array([[documents[side].get(term, 0) for term in vocabulary] for side in (0, 1)], dtype=np.int64)
    return vocabulary, a, b, float(tokens[0]), float(tokens[1]), spread.reshape(2, len(vocabulary))
