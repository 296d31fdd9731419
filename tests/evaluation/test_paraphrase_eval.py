"""The paraphrase verdict on hand-written paraphrases of real address lines and decoys (needs the embeddings extra).

The corpus is the CI gate's small one: the addresses the lines come from, split into sentences,
of which only those within :data:`WINDOW` of each original line are kept (716 sentences: every
paraphrase's and hard decoy's subject is there, fewer other sentences compete than in the whole
addresses; embedding 8,000 sentences would take CI minutes). Figures at the shipped rule
(PARAPHRASE_MIN 0.475 with the negation check, chosen by 4 folds within the dev half;
docs/verify.md), test half: 18 paraphrases and 24 decoys (18 hard, 6 unrelated). One paraphrase
moves a recall by 0.056 and one decoy the false-paraphrase share by 0.042: the floors allow one
paraphrase fewer and two decoys more than measured.
"""
from __future__ import annotations

import pytest

from policytext.evaluation.paraphrase import build_corpus, build_items, choose_rule_by_folds, measure, score
from policytext.verify.check import PARAPHRASE_CHECKS, PARAPHRASE_MIN

WINDOW = 10
PARAPHRASE_RECALL_FLOOR = 0.83     # measured 0.889 (test half, 16 of 18)
FALSE_PARAPHRASE_CEILING = 0.42    # measured 0.333 (test half, 8 of 24 decoys: 7 of 18 hard, 1 of 6 unrelated)
RECALL_AT_5_FLOOR = 0.94           # measured 1.000 (test half: the original among the 5 nearest, 18 of 18)
DEV_BALANCED_ACCURACY_FLOOR = 0.66  # measured 0.701 (dev half, where the rule was chosen by folds)


@pytest.fixture(scope="module")
def rows(tmp_path_factory, embedder):
    from policytext.corpus import open_corpus
    from policytext.search.meaning import embed_corpus

    with open_corpus(tmp_path_factory.mktemp("paraphrase-eval"), create=True) as corpus:
        build_corpus(corpus, window=WINDOW)
        embed_corpus(corpus, embedder=embedder)
        return measure(corpus, build_items(), embedder)


@pytest.mark.slow
def test_no_item_is_found_by_its_words(rows):
    assert [r["item"].quote for r in rows if r["words"] != "not found"] == []


@pytest.mark.slow
def test_the_rule_keeps_its_figure_on_the_dev_half(rows):
    dev = score([r for r in rows if r["item"].split == "dev"], PARAPHRASE_MIN, PARAPHRASE_CHECKS)
    assert dev["balanced_accuracy"] >= DEV_BALANCED_ACCURACY_FLOOR, dev


@pytest.mark.slow
def test_folds_within_the_dev_half_choose_the_shipped_rule(rows):
    """Every fold's pick on dev only (measured: negation at 0.475 in all four); test never takes part."""
    folded = choose_rule_by_folds([r for r in rows if r["item"].split == "dev"])
    assert (folded["threshold"], folded["checks"]) == (PARAPHRASE_MIN, PARAPHRASE_CHECKS), folded["picks"]


@pytest.mark.slow
def test_paraphrase_figures_on_the_test_half_stay_within_their_bounds(rows):
    test = score([r for r in rows if r["item"].split == "test"], PARAPHRASE_MIN, PARAPHRASE_CHECKS)
    assert test["paraphrase_recall"] >= PARAPHRASE_RECALL_FLOOR, test
    assert test["false_paraphrase"] <= FALSE_PARAPHRASE_CEILING, test
    assert test["recall_at_5"] >= RECALL_AT_5_FLOOR, test


@pytest.mark.slow
def test_the_negation_check_calls_fewer_decoys_paraphrase_than_the_cosine_alone(rows):
    """At the shipped threshold, on the test half (measured: decoys 8 of 24 against 14, paraphrases 16 of 18
    against 18; balanced accuracy 0.778 against 0.708, three items apart)."""
    test = [r for r in rows if r["item"].split == "test"]
    checked, alone = score(test, PARAPHRASE_MIN, PARAPHRASE_CHECKS), score(test, PARAPHRASE_MIN, ())
    assert checked["false_paraphrase"] < alone["false_paraphrase"], (checked, alone)
    assert checked["balanced_accuracy"] >= alone["balanced_accuracy"], (checked, alone)
