"""The paraphrase verdicts on hand-written paraphrases of real address lines and decoys (needs the embeddings extra).

The corpus is the CI gate's small one: the addresses the lines come from, split into sentences,
of which only those within :data:`WINDOW` of each original line are kept (716 sentences: every
paraphrase's and hard decoy's subject is there, fewer other sentences compete than in the whole
addresses; embedding 8,000 sentences would take CI minutes). Two rules, both chosen by 4 folds
within the dev half (docs/verify.md): ``possible paraphrase`` at PARAPHRASE_MIN 0.475 with the
negation check; ``paraphrase`` also needs a cosine of 0.55 and a margin of 0.16 over the
speaker's next other sentence. Test half (reported once, 2026-12-02): 18 paraphrases and 24
decoys (18 hard, 6 unrelated). One paraphrase moves a recall by 0.056 and one decoy a share of
decoys by 0.042: the floors allow one paraphrase fewer and two decoys more than measured.
"""
from __future__ import annotations

import pytest

from policytext.evaluation.paraphrase import (
    build_corpus, build_items, choose_rule_by_folds, choose_strict_rule_by_folds, measure, score,
)
from policytext.verify.check import (
    PARAPHRASE_CHECKS, PARAPHRASE_MARGIN_MIN, PARAPHRASE_MIN, PARAPHRASE_STRICT_CHECKS, PARAPHRASE_STRICT_MIN,
)

WINDOW = 10
STRICT = (PARAPHRASE_STRICT_MIN, PARAPHRASE_MARGIN_MIN, PARAPHRASE_STRICT_CHECKS)
FALSE_PARAPHRASE_CEILING = 4 / 24   # measured 2 of 24 test decoys called 'paraphrase' (one rule alone: 8 of 24)
PARAPHRASE_RECALL_FLOOR = 0.22      # measured 0.278 (test half: 5 of 18 called 'paraphrase')
POSSIBLE_RECALL_FLOOR = 0.83        # measured 0.889 (test half: 16 of 18 'paraphrase' or 'possible paraphrase')
RECALL_AT_5_FLOOR = 0.94            # measured 1.000 (test half: the original among the 5 nearest, 18 of 18)
DEV_BALANCED_ACCURACY_FLOOR = 0.66  # measured 0.701 (dev half, one level: where the first rule was chosen by folds)


@pytest.fixture(scope="module")
def rows(tmp_path_factory, embedder):
    from policytext.corpus import open_corpus
    from policytext.search.meaning import embed_corpus

    with open_corpus(tmp_path_factory.mktemp("paraphrase-eval"), create=True) as corpus:
        build_corpus(corpus, window=WINDOW)
        embed_corpus(corpus, embedder=embedder)
        return measure(corpus, build_items(), embedder)


def _split(rows, name):
    return [r for r in rows if r["item"].split == name]


@pytest.mark.slow
def test_no_item_is_found_by_its_words(rows):
    assert [r["item"].quote for r in rows if r["words"] != "not found"] == []


@pytest.mark.slow
def test_the_rule_keeps_its_figure_on_the_dev_half(rows):
    dev = score(_split(rows, "dev"), PARAPHRASE_MIN, PARAPHRASE_CHECKS)
    assert dev["balanced_accuracy"] >= DEV_BALANCED_ACCURACY_FLOOR, dev


@pytest.mark.slow
def test_folds_within_the_dev_half_choose_the_shipped_rules(rows):
    """Every fold's pick on dev only (measured: negation at 0.475 in all four; strict 0.55 and 0.16 in three of
    four, 0.50 and 0.12 in one); test never takes part."""
    dev = _split(rows, "dev")
    folded = choose_rule_by_folds(dev)
    assert (folded["threshold"], folded["checks"]) == (PARAPHRASE_MIN, PARAPHRASE_CHECKS), folded["picks"]
    strict = choose_strict_rule_by_folds(dev, threshold=PARAPHRASE_MIN, checks=PARAPHRASE_CHECKS)
    assert strict["strict"] == STRICT, strict["picks"]


@pytest.mark.slow
def test_paraphrase_figures_on_the_test_half_stay_within_their_bounds(rows):
    test = score(_split(rows, "test"), PARAPHRASE_MIN, PARAPHRASE_CHECKS, STRICT)
    assert test["false_paraphrase"] <= FALSE_PARAPHRASE_CEILING, test
    assert test["paraphrase_recall"] >= PARAPHRASE_RECALL_FLOOR, test
    assert test["possible_recall"] >= POSSIBLE_RECALL_FLOOR, test
    assert test["recall_at_5"] >= RECALL_AT_5_FLOOR, test


@pytest.mark.slow
def test_the_strict_rule_calls_far_fewer_decoys_paraphrase_than_one_level(rows):
    """On the test half (measured: 2 of 24 decoys against 8; the paraphrases the one level found are all still
    'paraphrase' or 'possible paraphrase', 16 of 18)."""
    test = _split(rows, "test")
    graded, one_level = score(test, PARAPHRASE_MIN, PARAPHRASE_CHECKS, STRICT), score(test, PARAPHRASE_MIN,
                                                                                       PARAPHRASE_CHECKS)
    assert graded["false_paraphrase"] <= one_level["false_paraphrase"] / 2, (graded, one_level)
    assert graded["possible_recall"] == one_level["paraphrase_recall"], (graded, one_level)


@pytest.mark.slow
def test_the_negation_check_calls_fewer_decoys_paraphrase_than_the_cosine_alone(rows):
    """At the first rule's threshold, one level, on the test half (measured: decoys 8 of 24 against 14)."""
    test = _split(rows, "test")
    checked, alone = score(test, PARAPHRASE_MIN, PARAPHRASE_CHECKS), score(test, PARAPHRASE_MIN, ())
    assert checked["false_paraphrase"] < alone["false_paraphrase"], (checked, alone)
    assert checked["balanced_accuracy"] >= alone["balanced_accuracy"], (checked, alone)
