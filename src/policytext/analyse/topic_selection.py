"""Choosing the number of topics: coherence on held-out passages and stability across seeds.

For each candidate k the model is fitted several times, each run on its own random share of the
passages with its own seed. Each run is scored on the passages it did not see (held-out NPMI of its
topics' top terms), and the runs are compared with each other (stability: the mean Jaccard overlap
of matched topics' top terms, after Greene, O'Callaghan and Cunningham 2014, "How many topics?
Stability analysis for topic models"). A k whose topics are coherent only on the passages they
were fitted on, or that come out differently with another seed, is not chosen.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from policytext.analyse.topic_model import TopicModel, analyse_terms
from policytext.analyse.trends import stable_seed
from policytext.errors import BadQuery, ConfigError

K_SELECTION_COLUMNS = ["k", "coherence", "coherence_se", "stability", "score", "chosen"]
"""Columns of the table :func:`select_k` returns, one row per k tried: ``coherence`` (mean
held-out NPMI of the runs' topics, -1..1, :func:`held_out_coherence`), ``coherence_se`` (its standard error over runs),
``stability`` (mean matched top-term overlap between runs, 0..1), ``score`` (what is maximised,
see :func:`choose_k`) and ``chosen``."""


def held_out_coherence(model: TopicModel, texts: Sequence[str], *, top: int = 10) -> np.ndarray:
    """Return each topic's NPMI over pairs of its ``top`` terms, counted on ``texts`` (unseen passages).

    Only pairs the passages can judge are scored: a pair whose expected co-occurrence under
    independence (``P(a) P(b) N``) is under one passage is left out, since never seeing it together
    is then no evidence against the topic (scored -1, such pairs made every larger k look worse on
    short passages). Pairs of terms that share a word (``business`` and ``small business``) are
    left out too: a bigram always occurs with its own words. A topic with no pair left scores 0.
    """
    terms = model.top_terms(top)
    wanted = sorted({t for topic in terms for t in topic})
    index = {t: i for i, t in enumerate(wanted)}
    stop = model.stop_word_set()
    seen: dict[str, set[int]] = {t: set() for t in wanted}
    for row, text in enumerate(texts):
        for term in set(analyse_terms(text, stop, model.ngram_max)) & seen.keys():
            seen[term].add(row)
    n = len(texts)
    scores = []
    for topic in terms:
        values = []
        for a, b in itertools.combinations(topic, 2):
            if set(a.split(" ")) & set(b.split(" ")) or len(seen[a]) * len(seen[b]) < n:
                continue
            values.append(_npmi(len(seen[a]) / n, len(seen[b]) / n, len(seen[a] & seen[b]) / n))
        scores.append(float(np.mean(values)) if values else 0.0)
    return np.array(scores)


def _npmi(p_a: float, p_b: float, p_ab: float) -> float:
    """NPMI of two terms from their document probabilities (see :func:`npmi_coherence`)."""
    if p_ab <= 0:
        return -1.0
    if p_ab >= 1:
        return 1.0
    return float(np.log(p_ab / (p_a * p_b)) / -np.log(p_ab))


def topic_stability(runs: Sequence[Sequence[Sequence[str]]]) -> float:
    """Return how alike several runs' topics are: 1 when every run finds the same top terms.

    Each pair of runs is matched topic to topic (the assignment with the largest total overlap)
    and scored by the mean Jaccard overlap of matched topics' top-term sets; the result is the mean
    over pairs of runs.

    >>> topic_stability([[["tax", "budget"], ["school", "teacher"]], [["school", "teacher"], ["tax", "deficit"]]])
    0.6666666666666666
    """
    from scipy.optimize import linear_sum_assignment

    if len(runs) < 2:
        raise ConfigError("stability needs two runs or more: pass two seeds or more")
    values = []
    for first, second in itertools.combinations(runs, 2):
        overlap = np.array([[len(set(a) & set(b)) / len(set(a) | set(b)) for b in second] for a in first])
        rows, cols = linear_sum_assignment(-overlap)
        values.append(float(overlap[rows, cols].mean()))
    return float(np.mean(values))


def choose_k(tried: Sequence[dict[str, Any]]) -> int:
    """Return the k with the best score: held-out coherence scaled by stability.

    The score is ``stability × (1 + coherence) / 2``: held-out NPMI mapped to 0..1, weighed by
    how reproducible the topics are. Ties go to the smaller k.

    Example:
        >>> choose_k([{"k": 5, "coherence": 0.05, "stability": 0.5}, {"k": 10, "coherence": 0.04, "stability": 0.7}])
        10
    """
    scores = {row["k"]: score_k(row["coherence"], row["stability"]) for row in tried}
    best = max(scores.values())
    return min(k for k, value in scores.items() if value >= best - 1e-12)


def score_k(coherence: float, stability: float) -> float:
    """Return the score :func:`choose_k` maximises for one k."""
    return float(stability * (1.0 + coherence) / 2.0)


def select_k(build: Callable[[int, int], TopicModel], texts: Sequence[str], k_range: Sequence[int], *,
             seeds: int = 3, held_out: float = 0.2, seed: int = 0,
             progress: Callable[..., None] | None = None) -> tuple[int, pd.DataFrame]:
    """Fit every k of ``k_range`` on ``seeds`` random splits and return the chosen k and the table.

    Args:
        build: makes an unfitted model from ``(k, seed)``.
        texts: the passages (lemma streams).
        k_range: the k values to try.
        seeds: runs per k, each with its own seed and its own held-out passages.
        held_out: the share of passages each run leaves out and is scored on.
        seed: the base seed: the same seed gives the same splits, runs and choice.
        progress: called once per run fitted.

    Returns:
        The chosen k, and a DataFrame with :data:`K_SELECTION_COLUMNS`.
    """
    texts = list(texts)
    if seeds < 2:
        raise ConfigError(f"--k-seeds must be 2 or more to measure stability, not {seeds}")
    if not 0 < held_out < 1:
        raise ConfigError(f"the held-out share must be between 0 and 1, not {held_out}")
    n_held = int(round(len(texts) * held_out))
    if n_held < 2 or len(texts) - n_held < max(k_range):
        raise BadQuery(f"{len(texts)} passages are too few to hold out {held_out:.0%} and fit up to "
                       f"{max(k_range)} topics; select more documents or lower --k-range")
    rows = []
    for k in k_range:
        runs, coherence = [], []
        for run in range(seeds):
            rng = np.random.default_rng(stable_seed(seed, "held-out", str(run)))
            order = rng.permutation(len(texts))
            unseen = [texts[i] for i in order[:n_held]]
            model = build(k, stable_seed(seed, "run", str(run)) % 100_000).fit([texts[i] for i in order[n_held:]])
            runs.append(model.top_terms(10))
            coherence.append(float(np.mean(held_out_coherence(model, unseen))))
            if progress:
                progress()
        rows.append({"k": k, "coherence": float(np.mean(coherence)),
                     "coherence_se": float(np.std(coherence, ddof=1) / np.sqrt(len(coherence))),
                     "stability": topic_stability(runs)})
    chosen = choose_k(rows)
    for row in rows:
        row["score"] = score_k(row["coherence"], row["stability"])
        row["chosen"] = row["k"] == chosen
    return chosen, pd.DataFrame(rows, columns=K_SELECTION_COLUMNS)
