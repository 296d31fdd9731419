"""The paraphrase verdict on hand-written paraphrases of real address lines and decoys (needs the embeddings extra).

The corpus is the CI gate's small one: the addresses the lines come from, split into sentences,
of which only those within :data:`WINDOW` of each original line are kept (526 sentences: every
paraphrase's and hard decoy's subject is there, fewer other sentences compete than in the whole
addresses; embedding 8,000 sentences would take CI minutes). Figures at the shipped rule
(PARAPHRASE_MIN 0.65 with the negation check, chosen on the dev half; docs/verify.md), test half:
12 paraphrases and 24 decoys (18 hard, 6 unrelated). One paraphrase moves a recall by 0.083 and
one decoy the false-paraphrase share by 0.042: the floors allow one paraphrase fewer and two
decoys more than measured.
"""
from __future__ import annotations

import pytest

from policytext.evaluation.paraphrase import build_corpus, build_items, measure, score
from policytext.verify.check import PARAPHRASE_CHECKS, PARAPHRASE_MIN

WINDOW = 10
PARAPHRASE_RECALL_FLOOR = 0.08     # measured 0.167 (test half, 2 of 12)
FALSE_PARAPHRASE_CEILING = 0.09    # measured 0.000 (test half, 0 of 24 decoys)
RECALL_AT_5_FLOOR = 0.91           # measured 1.000 (test half: the original among the 5 nearest, 12 of 12)
DEV_BALANCED_ACCURACY_FLOOR = 0.66  # measured 0.708 (dev half, where the rule was chosen)


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
def test_paraphrase_figures_on_the_test_half_stay_within_their_bounds(rows):
    test = score([r for r in rows if r["item"].split == "test"], PARAPHRASE_MIN, PARAPHRASE_CHECKS)
    assert test["paraphrase_recall"] >= PARAPHRASE_RECALL_FLOOR, test
    assert test["false_paraphrase"] <= FALSE_PARAPHRASE_CEILING, test
    assert test["recall_at_5"] >= RECALL_AT_5_FLOOR, test


@pytest.mark.slow
def test_the_negation_check_calls_fewer_decoys_paraphrase_than_the_cosine_alone(rows):
    """At the shipped threshold, on the test half: the check only ever removes false paraphrases here."""
    test = [r for r in rows if r["item"].split == "test"]
    checked, alone = score(test, PARAPHRASE_MIN, PARAPHRASE_CHECKS), score(test, PARAPHRASE_MIN, ())
    assert checked["false_paraphrase"] <= alone["false_paraphrase"]
    assert checked["paraphrase_recall"] >= alone["paraphrase_recall"] - 0.09, (checked, alone)
