"""The statistics behind themes, trends and keyness: G², intervals for rates and proportions,
and corrections for testing many groups or terms at once.

One of each: every analysis that compares counts calls :func:`g2_and_log_ratio`, every interval
of a rate or a precision comes from here, so the methods named in a table's provenance are the
ones that made it.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

ADJUSTMENTS = ("holm", "bh")
"""The corrections :func:`adjust_p_values` knows: Holm's step-down (family-wise error) and
Benjamini–Hochberg (false discovery rate)."""


def g2_and_log_ratio(a, b, c, d):
    """Return the log-likelihood G² and the log ratio of ``a`` of ``c`` tokens vs ``b`` of ``d``.

    G² is Rayson and Garside's two-cell form used in corpus keyness: 2 Σ O ln(O / E), with E the
    counts expected if both sides had the same rate; compare with χ² on 1 degree of freedom.
    ``log_ratio`` is log2 of the two relative frequencies, with 0.5 put for a zero count so that
    it stays finite (Hardie's correction). Works on numbers (returns floats) and on NumPy arrays
    of counts ``a`` and ``b`` (returns arrays); when either side has no tokens both are 0.

    Example:
        >>> g2_and_log_ratio(10, 10, 1000, 1000)
        (0.0, 0.0)
        >>> [round(float(x), 3) for x in g2_and_log_ratio(np.array([30.0]), np.array([10.0]), 1000, 1000)[0]]
        [10.465]
    """
    scalar = np.ndim(a) == 0 and np.ndim(b) == 0
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    c, d = float(c), float(d)
    if c <= 0 or d <= 0:
        zeros = np.zeros(np.broadcast(a, b).shape)
        return (0.0, 0.0) if scalar else (zeros, zeros.copy())
    total = a + b
    e1 = c * total / (c + d)
    e2 = d * total / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        part1 = np.where(a > 0, a * np.log(np.where(a > 0, a, 1) / np.where(e1 > 0, e1, 1)), 0.0)
        part2 = np.where(b > 0, b * np.log(np.where(b > 0, b, 1) / np.where(e2 > 0, e2, 1)), 0.0)
    g2 = np.maximum(2.0 * (part1 + part2), 0.0)
    ratio = np.log2((np.where(a > 0, a, 0.5) / c) / (np.where(b > 0, b, 0.5) / d))
    ratio = np.where(total > 0, ratio, 0.0)
    if scalar:
        return float(g2), float(ratio)
    return g2, ratio


def g2_p_values(g2):
    """Return the p-values of G² statistics on one degree of freedom (χ² upper tail).

    Very large G² give p = 0.0, which means below the smallest float (about 1e-308), not zero.

    >>> round(float(g2_p_values(3.841458820694124)), 6)
    0.05
    """
    from scipy.stats import chi2  # imported here: scipy.stats is slow to import

    return chi2.sf(g2, 1)


def adjust_p_values(p_values: Sequence[float], method: str) -> np.ndarray:
    """Return p-values adjusted for testing them all: ``holm`` or ``bh`` (Benjamini–Hochberg).

    Holm's step-down method controls the family-wise error rate; Benjamini and Hochberg's the
    false discovery rate. Adjusted values are monotone in the raw ones and never above 1. NaN
    p-values are left out of the family and stay NaN.

    Example:
        >>> adjust_p_values([0.01, 0.04, 0.03], "holm").round(3).tolist()
        [0.03, 0.06, 0.06]
        >>> adjust_p_values([0.01, 0.04, 0.03], "bh").round(3).tolist()
        [0.03, 0.04, 0.04]
    """
    from policytext.errors import BadQuery

    if method not in ADJUSTMENTS:
        raise BadQuery(f"cannot adjust p-values by {method!r}: use one of {', '.join(ADJUSTMENTS)}")
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    present = np.flatnonzero(~np.isnan(p))
    m = len(present)
    if not m:
        return adjusted
    order = present[np.argsort(p[present], kind="stable")]
    ranked = p[order]
    if method == "holm":
        values = np.maximum.accumulate((m - np.arange(m)) * ranked)
    else:
        values = np.minimum.accumulate((m / np.arange(1, m + 1) * ranked)[::-1])[::-1]
    adjusted[order] = np.minimum(values, 1.0)
    return adjusted


def wilson_interval(successes: int, trials: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Return Wilson's score interval for a proportion ``successes / trials``.

    Unlike the normal approximation it stays inside [0, 1] and is not of zero width at 0 or 1
    correct: the right interval for a precision judged on a small sample.

    Example:
        >>> [round(x, 3) for x in wilson_interval(8, 10)]
        [0.49, 0.943]
        >>> wilson_interval(0, 0)
        (nan, nan)
    """
    if trials <= 0:
        return float("nan"), float("nan")
    from scipy.stats import norm

    z = float(norm.ppf(1 - (1 - confidence) / 2))
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def poisson_upper_bound(observed: int = 0, *, confidence: float = 0.95) -> float:
    """Return the exact one-sided upper confidence bound of a Poisson mean given ``observed`` events.

    For no event it is −ln(1 − confidence), 3.0 at 95% (the "rule of three"): a group where a theme
    never occurs still has a plausible rate up to this many matches per its tokens.

    >>> round(poisson_upper_bound(0), 3)
    2.996
    """
    from scipy.stats import chi2

    return float(chi2.ppf(confidence, 2 * (observed + 1)) / 2)


def format_p_value(p: float) -> str:
    """Return a p-value for a printed table in scientific notation (``p = 0`` is below the float range).

    >>> [format_p_value(x) for x in (0.5, 3.2e-7, 0.0, float("nan"))]
    ['5.0e-01', '3.2e-07', '<1e-300', '']
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    if p == 0:
        return "<1e-300"
    return f"{p:.1e}"


def permutation_rate_test(matches: np.ndarray, tokens: np.ndarray, groups: np.ndarray, *, permutations: int,
                          seed: int, batch_cells: int = 2_000_000) -> np.ndarray:
    """Return two-sided permutation p-values of each group's rate against the rest's, documents as the unit.

    The statistic of group ``g`` is its rate (matches over tokens) minus the rate of every other
    document; the null distribution comes from shuffling the group labels among the documents
    (each group keeps its number of documents), so the matches of one long or repetitive document
    move together, as they do in the data. The p-value is twice the smaller tail, each counted
    with the observed table included ((1 + hits) / (1 + permutations)), at most 1: its smallest
    value is ``2 / (1 + permutations)``.

    Args:
        matches: documents × themes counts (or one column of counts).
        tokens: each document's tokens.
        groups: each document's group, as integers 0 .. G-1.
        permutations: shuffles drawn; the same ``seed`` gives the same p-values.
        seed: the seed of the shuffles.
        batch_cells: how many (shuffle, document) cells are drawn at once (memory, not results).

    Returns:
        themes × groups p-values (NaN where the group or the rest has no token).

    Example:
        >>> matches = np.array([5, 6, 4, 0, 0, 0, 1, 0])
        >>> p = permutation_rate_test(matches, np.full(8, 100), np.array([0, 0, 0, 1, 1, 1, 1, 1]),
        ...                           permutations=999, seed=0)
        >>> p.shape, bool(p[0, 0] < 0.1), bool(p[0, 0] == p[0, 1])
        ((1, 2), True, True)
    """
    matches = np.asarray(matches, dtype=float)
    if matches.ndim == 1:
        matches = matches[:, None]
    tokens = np.asarray(tokens, dtype=float)
    groups = np.asarray(groups, dtype=np.int64)
    n, themes = matches.shape
    count = int(groups.max()) + 1 if n else 0
    total_matches, total_tokens = matches.sum(axis=0), tokens.sum()

    def differences(group_matches: np.ndarray, group_tokens: np.ndarray) -> np.ndarray:
        """Group rate minus rest rate, for arrays [..., groups] of match and token sums per theme."""
        rest_tokens = total_tokens - group_tokens
        with np.errstate(divide="ignore", invalid="ignore"):
            return group_matches / group_tokens - (total_matches[:, None] - group_matches) / rest_tokens

    observed_tokens = np.bincount(groups, weights=tokens, minlength=count)
    observed = differences(np.stack([np.bincount(groups, weights=matches[:, t], minlength=count)
                                     for t in range(themes)]), observed_tokens[None, :])
    tolerance = 1e-12 * np.maximum(np.abs(observed), 1e-300)
    above = np.zeros((themes, count))
    below = np.zeros((themes, count))
    rng = np.random.default_rng(seed)
    batch = max(1, min(permutations, batch_cells // max(n, 1)))
    done = 0
    while done < permutations:
        size = min(batch, permutations - done)
        shuffled = rng.permuted(np.broadcast_to(groups, (size, n)), axis=1)
        cells = (shuffled + count * np.arange(size)[:, None]).ravel()
        drawn_tokens = np.bincount(cells, weights=np.tile(tokens, size), minlength=size * count).reshape(size, count)
        for t in range(themes):
            drawn = np.bincount(cells, weights=np.tile(matches[:, t], size), minlength=size * count).reshape(size, count)
            with np.errstate(divide="ignore", invalid="ignore"):
                shuffled_difference = drawn / drawn_tokens - (total_matches[t] - drawn) / (total_tokens - drawn_tokens)
            above[t] += (shuffled_difference >= observed[t] - tolerance[t]).sum(axis=0)
            below[t] += (shuffled_difference <= observed[t] + tolerance[t]).sum(axis=0)
        done += size
    p_values = np.minimum(1.0, 2 * np.minimum(above + 1, below + 1) / (permutations + 1))
    p_values[~np.isfinite(observed)] = np.nan
    return p_values
