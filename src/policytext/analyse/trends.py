"""Theme trends across governments, years, quarters, speakers, parties or kinds of document."""
from __future__ import annotations

import zlib
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from policytext.analyse.groups import check_grouping, group_labels, group_periods, leave_out_unlabelled
from policytext.analyse.lemmas import lemma_frame
from policytext.analyse.themes import Lexicon, g2_and_log_ratio, load_lexicon
from policytext.errors import BadQuery
from policytext.provenance import attach_provenance, themes_digest
from policytext.store.filters import strict_options

PER = 10_000
TREND_COLUMNS = [
    "theme", "group", "start", "end", "documents", "tokens", "matches", "rate", "rate_low",
    "rate_high", "documents_with_theme", "document_share", "g2", "p_value", "log_ratio",
]
"""Columns of :func:`theme_trends`, one row per theme and group, groups in time order:

- ``theme``, ``group``: the theme name and the group (e.g. an administration);
- ``start``, ``end``: the group's period (a government's term, a calendar year or quarter, else
  the dates of its first and last documents);
- ``documents``, ``tokens``: documents in the group and their word tokens (lemmas);
- ``matches``: theme matches; ``rate``: matches per 10,000 tokens;
- ``rate_low``, ``rate_high``: 95% percentile bootstrap interval of the rate, resampling documents;
- ``documents_with_theme``, ``document_share``: documents with at least one match, and their share;
- ``g2``, ``p_value``: log-likelihood G² of the group against all other documents (1 d.f.);
- ``log_ratio``: log2 of the group's rate over the rest's (positive: more in this group).
"""


def count_matches(frame: pd.DataFrame, lexicon: Lexicon, names: Sequence[str]) -> pd.DataFrame:
    """Return a documents × themes frame of match counts for the lemma streams in ``frame``."""
    themes = [lexicon.get(n) for n in names]
    counts = np.zeros((len(frame), len(themes)), dtype=np.int64)
    for row, text in enumerate(frame["lemmas"]):
        lemmas = text.split()
        for column, theme in enumerate(themes):
            counts[row, column] = theme.count(lemmas)
    return pd.DataFrame(counts, columns=[t.name for t in themes], index=frame.index)


def bootstrap_rate(matches: np.ndarray, tokens: np.ndarray, *, seed: int, draws: int = 1000,
                   per: int = PER) -> tuple[float, float]:
    """Return the 95% percentile bootstrap interval of ``sum(matches) / sum(tokens) * per``.

    Documents are resampled with replacement; the same ``seed`` gives the same interval.

    >>> bootstrap_rate(np.array([1, 1]), np.array([100, 100]), seed=0)
    (100.0, 100.0)
    """
    n = len(matches)
    if n == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n, size=(draws, n))
    tokens_drawn = tokens[picks].sum(axis=1)
    rates = np.where(tokens_drawn > 0, matches[picks].sum(axis=1) / np.maximum(tokens_drawn, 1) * per, 0.0)
    low, high = np.percentile(rates, [2.5, 97.5])
    return float(low), float(high)


def stable_seed(seed: int, *names: str) -> int:
    """Return a seed derived from ``seed`` and names, the same in every run and process."""
    return (seed * 1_000_003 + zlib.crc32("\x1f".join(names).encode("utf-8"))) % (2**32)


@strict_options
def theme_trends(corpus, themes: Iterable[str], *, by: str = "government", lexicon: Lexicon | None = None,
                 draws: int = 1000, seed: int = 0, progress: Callable[..., None] | None = None,
                 include_unlabelled: bool = False, **filters: Any) -> pd.DataFrame:
    """Return how often each theme is used in each group of documents, with intervals and tests.

    Lemma streams missing from the store are computed first (see
    :func:`~policytext.analyse.lemmas.ensure_lemmas`).

    Args:
        corpus: an open corpus.
        themes: theme names (see ``policytext themes list``).
        by: government, year, quarter, speaker, party or kind.
        lexicon: the themes (default: the packaged ones with the corpus's own files).
        draws: bootstrap resamples per group.
        seed: the bootstrap seed; the same seed gives the same intervals.
        progress: called once per document lemmatised.
        include_unlabelled: keep documents that have no group (no government: outside every
            timeline, or dated only by a year spanning two governments) as the group ``(none)``.
            By default they are left out of the groups and the tests, with an
            :class:`~policytext.analyse.groups.UnlabelledDocuments` warning saying how many.
        filters: the shared document filters (speaker, party, government, kind, since, until, limit).

    Returns:
        A DataFrame with :data:`TREND_COLUMNS`, themes in the order given, groups in time order;
        ``attrs["left_out"]`` is the number of documents left out for having no group.

    Example:
        >>> theme_trends(corpus, ["trust"], by="government", since="1946")   # doctest: +SKIP
    """
    names = list(themes)
    if not names:
        raise BadQuery("name at least one theme, e.g. 'trust' (see 'policytext themes list')")
    from scipy.stats import chi2  # imported here: scipy.stats is slow to import

    check_grouping(by)
    lexicon = lexicon or load_lexicon(config=corpus.config)
    names = [lexicon.get(n).name for n in names]
    made = dict(by=by, seed=seed, draws=draws, themes=names, themes_sha256=themes_digest(map(lexicon.get, names)),
                include_unlabelled=include_unlabelled)
    frame = lemma_frame(corpus, progress=progress, **filters)
    labels = group_labels(frame, by)
    frame, labels, left_out = leave_out_unlabelled(frame, labels, by, include_unlabelled=include_unlabelled)
    if frame.empty:
        empty = pd.DataFrame(columns=TREND_COLUMNS)
        empty.attrs["left_out"] = left_out
        return attach_provenance(empty, corpus, "theme_trends", filters, **made)
    counts = count_matches(frame, lexicon, names)
    periods = group_periods(frame, labels, by, corpus.timelines)
    tokens = frame["tokens"].to_numpy(dtype=np.int64)
    total_tokens = int(tokens.sum())
    rows = []
    for name in names:
        matches = counts[name].to_numpy()
        total_matches = int(matches.sum())
        for period in periods.itertuples(index=False):
            mask = (labels == period.group).to_numpy()
            group_matches, group_tokens = int(matches[mask].sum()), int(tokens[mask].sum())
            g2, ratio = g2_and_log_ratio(group_matches, total_matches - group_matches,
                                         group_tokens, total_tokens - group_tokens)
            low, high = bootstrap_rate(matches[mask], tokens[mask], draws=draws,
                                       seed=stable_seed(seed, name, str(period.group)))
            documents = int(mask.sum())
            with_theme = int((matches[mask] > 0).sum())
            rows.append({
                "theme": name, "group": period.group, "start": period.start, "end": period.end,
                "documents": documents, "tokens": group_tokens, "matches": group_matches,
                "rate": group_matches / group_tokens * PER if group_tokens else 0.0,
                "rate_low": low, "rate_high": high, "documents_with_theme": with_theme,
                "document_share": with_theme / documents if documents else 0.0,
                "g2": g2, "p_value": float(chi2.sf(g2, 1)) if total_tokens > group_tokens else 1.0,
                "log_ratio": ratio if total_tokens > group_tokens else 0.0,
            })
    result = pd.DataFrame(rows, columns=TREND_COLUMNS)
    result.attrs["left_out"] = left_out
    return attach_provenance(result, corpus, "theme_trends", filters, **made)
