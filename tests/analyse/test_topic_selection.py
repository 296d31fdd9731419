"""Choosing k: held-out coherence, stability across seeds, and the rule that combines them."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import policytext
from policytext.analyse.lemmas import lemma_frame
from policytext.analyse.topic_model import TopicModel, segment_stream
from policytext.analyse.topic_selection import (K_SELECTION_COLUMNS, choose_k, held_out_coherence, select_k,
                                                topic_stability)
from policytext.errors import BadQuery, ConfigError


@pytest.fixture(scope="module")
def passages(small_corpus: Path) -> list[str]:
    with policytext.open_corpus(small_corpus) as corpus:
        streams = lemma_frame(corpus)["lemmas"]
    return [p for s in streams for p in segment_stream(s, 200)]


@pytest.mark.parametrize(
    ("runs", "expected"),
    [
        ([[["tax", "budget"], ["school", "teacher"]]] * 3, 1.0),  # the same topics every run
        ([[["tax", "budget"], ["school", "teacher"]], [["school", "teacher"], ["tax", "budget"]]], 1.0),  # order is free
        ([[["tax", "budget"], ["school", "teacher"]], [["war", "army"], ["farm", "crop"]]], 0.0),
        ([[["tax", "budget"], ["school", "teacher"]], [["school", "teacher"], ["tax", "deficit"]]], (1 + 1 / 3) / 2),
    ],
)
def test_stability_matches_topics_before_comparing(runs, expected) -> None:
    assert topic_stability(runs) == pytest.approx(expected)


def test_stability_needs_two_runs() -> None:
    with pytest.raises(ConfigError, match="two runs or more"):
        topic_stability([[["tax"]]])


@pytest.mark.parametrize(
    ("tried", "expected"),
    [
        ([(5, 0.10, 0.40), (10, 0.05, 0.60), (15, 0.02, 0.55)], 10),  # stabler at a little less coherence
        ([(5, 0.30, 0.50), (10, -0.50, 0.60)], 5),  # too incoherent to win on stability
        ([(5, 0.0, 0.5), (10, 0.0, 0.5)], 5),  # a tie: the smaller k
        ([(5, -0.2, 0.3), (10, -0.1, 0.3), (15, -0.15, 0.3)], 10),  # negative coherence works alike
    ],
)
def test_choose_k_maximises_stability_times_coherence(tried, expected) -> None:
    assert choose_k([{"k": k, "coherence": c, "stability": s} for k, c, s in tried]) == expected


def test_held_out_coherence_is_counted_on_the_given_passages_without_nested_pairs(passages) -> None:
    model = TopicModel(4, seed=0).fit(passages)
    scores = held_out_coherence(model, passages[:20])
    assert scores.shape == (4,) and np.all(np.abs(scores) <= 1)
    # On passages where a topic's top terms always come together, that topic is perfectly coherent.
    together = " ".join(model.top_terms(10)[0])
    assert held_out_coherence(model, [together] * 3 + ["nothing here"])[0] == pytest.approx(1.0)


def test_select_k_is_seeded_and_refuses_what_it_cannot_measure(passages) -> None:
    def build(k: int, seed: int) -> TopicModel:
        return TopicModel(k, seed=seed)

    chosen, table = select_k(build, passages, (2, 4), seeds=2, seed=5)
    again, table_again = select_k(build, passages, (2, 4), seeds=2, seed=5)
    assert list(table.columns) == K_SELECTION_COLUMNS and chosen == again in (2, 4)
    assert table.equals(table_again)
    with pytest.raises(ConfigError, match="--k-seeds must be 2 or more"):
        select_k(build, passages, (2, 4), seeds=1)
    with pytest.raises(BadQuery, match="too few to hold out"):
        select_k(build, passages[:6], (2, 8), seeds=2)
