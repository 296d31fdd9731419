"""Theme trends across governments, years, quarters, speakers, parties or kinds of document."""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from policytext.analyse.groups import (check_grouping, group_labels, group_periods, leave_out_repeated_texts,
                                      leave_out_unlabelled, resolve_min_documents, warn_small_groups)
from policytext.analyse.lemmas import LemmaSelection, select_lemmas
from policytext.analyse.stats import (ADJUSTMENTS, adjust_p_values, g2_and_log_ratio, permutation_rate_test,
                                     poisson_upper_bound)
from policytext.analyse.themes import Lexicon, load_lexicon
from policytext.errors import BadQuery
from policytext.provenance import attach_provenance, themes_digest
from policytext.store.filters import strict_options

PER = 10_000
INTERVALS = ("bootstrap", "upper bound", "none")
TREND_COLUMNS = [
    "theme", "group", "start", "end", "documents", "tokens", "matches", "rate", "rate_low",
    "rate_high", "interval", "small_group", "documents_with_theme", "document_share", "test", "p_value",
    "p_adjusted", "log_ratio",
]
"""Columns of :func:`theme_trends`, one row per theme and group, groups in time order:

- ``theme``, ``group``: the theme name and the group (e.g. an administration);
- ``start``, ``end``: the group's period (a government's term, a calendar year or quarter, else
  the dates of its first and last documents);
- ``documents``, ``tokens``: documents in the group and their word tokens (lemmas);
- ``matches``: theme matches; ``rate``: matches per 10,000 tokens;
- ``rate_low``, ``rate_high``: the rate's 95% interval, made as ``interval`` says:
  ``"bootstrap"``: percentile bootstrap resampling the group's documents (only for groups of at
  least ``min_documents`` documents); ``"upper bound"``: the group has no match, so ``rate_low``
  is 0 and ``rate_high`` the exact one-sided 95% Poisson upper bound (about 3 matches in the
  group's tokens), whatever its size; ``"none"``: too few documents to resample, both are NaN;
- ``small_group``: True when the group has fewer than ``min_documents`` documents;
- ``documents_with_theme``, ``document_share``: documents with at least one match, and their share;
- ``test``, ``p_value``: whether the group's rate differs from the rest's, with documents (not
  tokens) as the unit: ``test`` is ``"document permutation"`` when tested (``p_value`` two-sided,
  from shuffling the groups' labels among the documents, ``permutations`` times; its smallest
  value is 2 / (permutations + 1)), else ``"none: ..."`` saying why, with ``p_value`` NaN: one
  group only, or fewer than ``min_documents`` documents in the group, in the rest, or carrying the
  theme at all (a handful of speeches decides the difference: no test can say much);
- ``p_adjusted``: ``p_value`` adjusted (Holm or Benjamini–Hochberg) over every row of the table,
  when asked for (``adjust``); NaN otherwise;
- ``log_ratio``: log2 of the group's rate over the rest's (positive: more in this group); NaN when
  there is no other document to compare with.
"""
TERM_TREND_COLUMNS = ["theme", "group", "start", "end", "documents", "tokens", "term", "matches", "rate",
                      "share"]
"""Columns of :func:`term_trends`, one row per theme, group and entry of the theme:

- ``theme``, ``group``, ``start``, ``end``, ``documents``, ``tokens``: as in :data:`TREND_COLUMNS`;
- ``term``: the theme's entry that matched ("small business", "entrepreneur*");
- ``matches``: its matches in the group; ``rate``: per 10,000 tokens (the terms' rates add up to
  the theme's rate);
- ``share``: its part of the theme's matches in the group (NaN when the theme has none there).
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


def interval_methods(*, draws: int, min_documents: int, adjust: str | None, tests: int,
                     permutations: int = 9999) -> dict[str, str]:
    """Return the methods behind a trends table, in words, for its provenance."""
    methods = {
        "rate_interval": (f"95% percentile bootstrap of the rate, {draws} resamples of the group's documents, "
                          f"for groups of at least {min_documents} documents; none (NaN, small_group true) "
                          "for smaller groups"),
        "zero_matches": ("rate_low 0 and rate_high the exact one-sided 95% Poisson upper bound on the matches "
                         f"({poisson_upper_bound(0):.3f}) per the group's tokens"),
        "test": ("two-sided permutation test, documents as the unit: the group's rate minus the rate of all "
                 f"other selected documents, against {permutations} shuffles of the group labels among the "
                 "documents (group sizes kept); p = 2 x the smaller tail, (1 + hits) / (1 + shuffles); no test "
                 f"(p NaN, test 'none: ...') with one group, or fewer than {min_documents} documents in the "
                 "group, in the rest, or carrying the theme"),
    }
    methods["adjust"] = (f"{'Holm' if adjust == 'holm' else 'Benjamini-Hochberg'} over all {tests} tests "
                         "of the table (every theme and group tested)") if adjust else "none"
    return methods


def _select(corpus, names: Sequence[str], by: str, lexicon: Lexicon | None, include_unlabelled: bool,
            filters: dict[str, Any], lemmas: "str | Path | LemmaSelection | None"):
    """Return the lexicon, theme names, the lemma selection, and the metadata, group labels and
    count of the documents kept (those with a group, unless ``include_unlabelled``).

    No lemma stream is read here: the callers read them one at a time and keep only counts.
    """
    if not names:
        raise BadQuery("name at least one theme, e.g. 'trust' (see 'policytext themes list')")
    check_grouping(by)
    lexicon = lexicon or load_lexicon(config=corpus.config)
    names = [lexicon.get(n).name for n in names]
    selection = select_lemmas(corpus, lemmas=lemmas, **filters)
    frame = leave_out_repeated_texts(corpus.store.conn, selection.metadata())
    labels = group_labels(frame, by)
    frame, labels, left_out = leave_out_unlabelled(frame, labels, by, include_unlabelled=include_unlabelled)
    return lexicon, names, selection, frame.reset_index(drop=True), labels.reset_index(drop=True), left_out


def _kept_streams(selection: LemmaSelection, frame: pd.DataFrame,
                  progress: Callable[..., None] | None) -> Iterator[tuple[int, int, str]]:
    """Yield ``(row of frame, tokens, lemmas)`` for the documents of ``frame``, one stream at a time."""
    position = {doc_id: row for row, doc_id in enumerate(frame["id"])}
    for doc_id, *_, tokens, text in selection.iter(progress=progress):
        row = position.get(doc_id)
        if row is not None:
            yield row, int(tokens or 0), text


@strict_options
def theme_trends(corpus, themes: Iterable[str], *, by: str = "government", lexicon: Lexicon | None = None,
                 draws: int = 1000, seed: int = 0, progress: Callable[..., None] | None = None,
                 include_unlabelled: bool = False, min_documents: int | None = None,
                 adjust: str | None = None, lemmas: str | Path | None = None, permutations: int = 9999,
                 **filters: Any) -> pd.DataFrame:
    """Return how often each theme is used in each group of documents, with intervals and tests.

    Lemma streams come from the store, from Parquet lemma files, or are computed first (see
    :func:`~policytext.analyse.lemmas.iter_lemmas`). A group needs ``min_documents`` documents
    for a bootstrap interval; smaller groups get none and are flagged (``small_group``), with a
    :class:`~policytext.analyse.groups.SmallGroups` warning. A group where the theme never occurs
    gets an upper bound instead of a zero-width interval.

    Args:
        corpus: an open corpus.
        themes: theme names (see ``policytext themes list``).
        by: government, year, quarter, speaker, party or kind.
        lexicon: the themes (default: the packaged ones with the corpus's own files).
        draws: bootstrap resamples per group.
        seed: the seed of the bootstrap and the permutation test; the same seed gives the same
            intervals and p-values.
        progress: called once per document lemmatised.
        include_unlabelled: keep documents that have no group (no government: outside every
            timeline, or dated only by a year spanning two governments) as the group ``(none)``.
            By default they are left out of the groups and the tests, with an
            :class:`~policytext.analyse.groups.UnlabelledDocuments` warning saying how many.
        min_documents: the fewest documents for an interval (default: the ``min_group_documents``
            setting, 5).
        adjust: ``"holm"`` or ``"bh"`` to adjust the p-values for testing every row (``p_adjusted``).
        permutations: shuffles of the group labels among the documents for the test (``p_value``).
        lemmas: a folder of Parquet lemma files, e.g. the work directory of ``annotate --engine
            dask`` (default: the work directories the store records, if any), or a selection of the
            same filters (:func:`~policytext.analyse.lemmas.select_lemmas`). The streams are read
            one at a time and only their counts kept.
        filters: the shared document filters (speaker, party, government, kind, since, until, limit).

    Returns:
        A DataFrame with :data:`TREND_COLUMNS`, themes in the order given, groups in time order;
        ``attrs["left_out"]`` is the number of documents left out for having no group, and the
        provenance's ``parameters.methods`` says how the intervals and tests were made.

    Example:
        >>> theme_trends(corpus, ["trust"], by="government", since="1946")   # doctest: +SKIP
    """
    if adjust is not None and adjust not in ADJUSTMENTS:
        raise BadQuery(f"cannot adjust p-values by {adjust!r}: use one of {', '.join(ADJUSTMENTS)}")
    if permutations < 99:
        raise BadQuery(f"--permutations must be 99 or more (the smallest p-value is 2 / (permutations + 1)), "
                       f"not {permutations}")
    minimum = resolve_min_documents(min_documents, getattr(corpus, "config", None))
    lexicon, names, selection, frame, labels, left_out = _select(corpus, list(themes), by, lexicon,
                                                                 include_unlabelled, filters, lemmas)
    made = dict(by=by, seed=seed, draws=draws, themes=names, themes_sha256=themes_digest(map(lexicon.get, names)),
                include_unlabelled=include_unlabelled, min_documents=minimum, adjust=adjust, permutations=permutations)
    if frame.empty:
        empty = pd.DataFrame(columns=TREND_COLUMNS)
        empty.attrs["left_out"] = left_out
        return attach_provenance(empty, corpus, "theme_trends", filters, **made,
                                 methods=interval_methods(draws=draws, min_documents=minimum, adjust=adjust, tests=0,
                                                          permutations=permutations))
    themes_ = [lexicon.get(n) for n in names]
    tokens = np.zeros(len(frame), dtype=np.int64)
    matrix = np.zeros((len(frame), len(names)), dtype=np.int64)
    for row, doc_tokens, text in _kept_streams(selection, frame, progress):  # one stream in memory at a time
        lemmas_ = text.split()
        tokens[row] = doc_tokens
        matrix[row] = [theme.count(lemmas_) for theme in themes_]
    counts = pd.DataFrame(matrix, columns=names, index=frame.index)
    periods = group_periods(frame, labels, by, corpus.timelines)
    sizes = {str(g): int((labels == g).sum()) for g in periods["group"]}
    # a small group with no match still gets an upper bound (interval "upper bound"): the note must
    # not say every small group's rate has no interval when a row beside it shows one
    warn_small_groups(sizes, minimum, what="their rates get no interval but an upper bound when they have no match "
                                           "(small_group is true)")
    total_tokens = int(tokens.sum())
    upper = poisson_upper_bound(0)
    group_names = list(periods["group"])
    codes = labels.map({g: i for i, g in enumerate(group_names)}).to_numpy(dtype=np.int64)
    carrying = (matrix > 0).sum(axis=0)
    testable = [name for column, name in enumerate(names) if carrying[column] >= minimum]
    p_values = np.full((len(names), len(group_names)), np.nan)
    if testable and len(group_names) > 1:
        columns = [names.index(name) for name in testable]
        p_values[columns] = permutation_rate_test(matrix[:, columns], tokens, codes, permutations=permutations,
                                                  seed=stable_seed(seed, "permutation", *testable))
    rows = []
    for column, name in enumerate(names):
        matches = counts[name].to_numpy()
        total_matches = int(matches.sum())
        for index, period in enumerate(periods.itertuples(index=False)):
            mask = codes == index
            group_matches, group_tokens = int(matches[mask].sum()), int(tokens[mask].sum())
            _, ratio = g2_and_log_ratio(group_matches, total_matches - group_matches,
                                        group_tokens, total_tokens - group_tokens)
            documents = int(mask.sum())
            small = documents < minimum
            if group_matches == 0:
                low, high, interval = 0.0, (upper / group_tokens * PER if group_tokens else float("nan")), "upper bound"
            elif small:
                low, high, interval = float("nan"), float("nan"), "none"
            else:
                low, high = bootstrap_rate(matches[mask], tokens[mask], draws=draws,
                                           seed=stable_seed(seed, name, str(period.group)))
                interval = "bootstrap"
            with_theme = int((matches[mask] > 0).sum())
            rest = len(frame) - documents
            # no rest (one group), or too few documents to say anything: no test, never a p-value of 1.0
            if total_tokens <= group_tokens or not rest:
                test = "none: one group, no rest"
            elif small:
                test = f"none: group under {minimum} documents"
            elif rest < minimum:
                test = f"none: rest under {minimum} documents"
            elif carrying[column] < minimum:
                test = f"none: theme in {int(carrying[column])} documents, under {minimum}"
            else:
                test = "document permutation"
            tested = test == "document permutation"
            rows.append({
                "theme": name, "group": period.group, "start": period.start, "end": period.end,
                "documents": documents, "tokens": group_tokens, "matches": group_matches,
                "rate": group_matches / group_tokens * PER if group_tokens else 0.0,
                "rate_low": low, "rate_high": high, "interval": interval, "small_group": small,
                "documents_with_theme": with_theme,
                "document_share": with_theme / documents if documents else 0.0,
                "test": test,
                "p_value": float(p_values[column, index]) if tested else float("nan"),
                "p_adjusted": float("nan"),
                "log_ratio": ratio if total_tokens > group_tokens else float("nan"),
            })
    result = pd.DataFrame(rows, columns=TREND_COLUMNS)
    if adjust:
        result["p_adjusted"] = adjust_p_values(result["p_value"].to_numpy(), adjust)
    result.attrs["left_out"] = left_out
    return attach_provenance(result, corpus, "theme_trends", filters, **made,
                             methods=interval_methods(draws=draws, min_documents=minimum, adjust=adjust,
                                                      tests=int(result["p_value"].notna().sum()),
                                                      permutations=permutations))


@strict_options
def term_trends(corpus, themes: Iterable[str], *, by: str = "government", lexicon: Lexicon | None = None,
                progress: Callable[..., None] | None = None, include_unlabelled: bool = False,
                lemmas: str | Path | None = None, **filters: Any) -> pd.DataFrame:
    """Return each theme's matches in each group split by the entry that matched: what drives a rise.

    Args:
        corpus: an open corpus.
        themes: theme names.
        by, lexicon, progress, include_unlabelled, lemmas: as in :func:`theme_trends`.
        filters: the shared document filters.

    Returns:
        A DataFrame with :data:`TERM_TREND_COLUMNS`, groups in time order and, within a group,
        the entries most frequent in the whole selection first; entries with no match in the
        selection are left out.

    Example:
        >>> term_trends(corpus, ["entrepreneurialism"], by="government", since="1946")   # doctest: +SKIP
    """
    lexicon, names, selection, frame, labels, left_out = _select(corpus, list(themes), by, lexicon,
                                                                 include_unlabelled, filters, lemmas)
    made = dict(by=by, themes=names, themes_sha256=themes_digest(map(lexicon.get, names)),
                include_unlabelled=include_unlabelled)
    rows = []
    if not frame.empty:
        periods = group_periods(frame, labels, by, corpus.timelines)
        group_of = labels.to_numpy()
        documents = {g: int((group_of == g).sum()) for g in periods["group"]}
        tokens = {g: 0 for g in periods["group"]}
        themes_ = [lexicon.get(name) for name in names]
        counted: list[dict[tuple[str, str], int]] = [{} for _ in names]
        totals: list[dict[str, int]] = [{} for _ in names]
        for row, doc_tokens, text in _kept_streams(selection, frame, progress):  # only counts are kept
            group = group_of[row]
            tokens[group] += doc_tokens
            lemmas_ = text.split()
            for theme, theme_counted, theme_totals in zip(themes_, counted, totals):
                for _, _, term in theme.find_terms(lemmas_):
                    theme_counted[(group, term)] = theme_counted.get((group, term), 0) + 1
                    theme_totals[term] = theme_totals.get(term, 0) + 1
        for name, theme_counted, theme_totals in zip(names, counted, totals):
            order = sorted(theme_totals, key=lambda t: (-theme_totals[t], t))
            for period in periods.itertuples(index=False):
                in_group = sum(theme_counted.get((period.group, t), 0) for t in order)
                for term in order:
                    count = theme_counted.get((period.group, term), 0)
                    size = tokens[period.group]
                    rows.append({"theme": name, "group": period.group, "start": period.start, "end": period.end,
                                 "documents": documents[period.group], "tokens": size, "term": term,
                                 "matches": count, "rate": count / size * PER if size else 0.0,
                                 "share": count / in_group if in_group else float("nan")})
    result = pd.DataFrame(rows, columns=TERM_TREND_COLUMNS)
    result.attrs["left_out"] = left_out
    return attach_provenance(result, corpus, "term_trends", filters, **made)


def term_table(terms: pd.DataFrame, *, top: int = 8, value: str = "rate") -> pd.DataFrame:
    """Return :func:`term_trends` as one row per theme and group and one column per entry.

    The ``top`` entries with most matches in each theme get a column each, in that order; the rest
    are summed in ``(other terms)``. Values are ``rate`` (per 10,000 tokens, adding up to the
    theme's rate) or ``matches``. Columns: ``theme, group, documents, tokens, total``, then the
    entries (an entry of another theme is NaN in a theme's rows).

    >>> frame = pd.DataFrame({"theme": ["t"] * 2, "group": ["g"] * 2, "start": [None] * 2, "end": [None] * 2,
    ...                       "documents": [1, 1], "tokens": [100, 100], "term": ["a", "b"], "matches": [3, 1],
    ...                       "rate": [300.0, 100.0], "share": [0.75, 0.25]})
    >>> term_table(frame, top=1, value="matches").to_dict("records")
    [{'theme': 't', 'group': 'g', 'documents': 1, 'tokens': 100, 'total': 4, 'a': 3, '(other terms)': 1}]
    """
    if value not in ("rate", "matches"):
        raise BadQuery(f"term_table shows rate or matches, not {value!r}")
    if top < 1:
        raise BadQuery(f"--terms must be 1 or more, not {top}")
    keys = ["theme", "group", "documents", "tokens"]
    if terms.empty:
        return pd.DataFrame(columns=keys + ["total"])
    pieces = []
    columns: list[str] = []
    for theme, rows in terms.groupby("theme", sort=False):
        totals = rows.groupby("term", sort=False)["matches"].sum()
        order = sorted(totals.index, key=lambda t: (-totals[t], t))
        kept = order[:top]
        rows = rows.assign(term=rows["term"].where(rows["term"].isin(kept), "(other terms)"))
        wide = rows.pivot_table(index=keys, columns="term", values=value, aggfunc="sum", sort=False)
        ordered = kept + (["(other terms)"] if len(order) > top else [])
        wide = wide.reindex(columns=ordered)
        wide.insert(0, "total", wide.sum(axis=1))
        wide = wide.reset_index()
        wide.columns.name = None
        pieces.append(wide)
        columns.extend(c for c in ordered if c not in columns)
    table = pd.concat(pieces, ignore_index=True)
    other = [c for c in columns if c != "(other terms)"] + (["(other terms)"] if "(other terms)" in columns else [])
    table = table[keys + ["total"] + other]
    table.attrs = dict(terms.attrs)
    return table
