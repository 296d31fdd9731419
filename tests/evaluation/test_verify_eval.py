"""Quote checking on a labelled set built from real State of the Union sentences (1989-2000).

Verdict accuracy is measured on the test half of the items (the threshold was chosen on the dev
half of the larger post-1945 set; see docs/verify.md). Every verdict of this set's test half was
right when the floors were pinned (accuracy 1.000, each class 1.000, 30 items a class, 60 in the
test half). One wrong verdict moves the accuracy by 0.017 and a class's by 0.067, so the floors
allow three wrong verdicts in all and two in one class.
"""
from __future__ import annotations

import pytest

from policytext.evaluation.verify import build_items, evaluate
from policytext.verify.check import ALTERED_MIN

ACCURACY_FLOOR = 0.95      # measured 1.000 (test half, 60 items)
CLASS_FLOOR = 0.86         # every class measured 1.000 (test half, 15 items a class)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    from policytext.corpus import open_corpus
    from policytext.evaluation.sentences import split_sentences

    path = tmp_path_factory.mktemp("verify-eval")
    with open_corpus(path, create=True) as corpus:
        corpus.collect_sotu(since=1989, until=2000)
        split_sentences(corpus)
        items = build_items(corpus, per_class=30, seed=0)
        found = evaluate(corpus, items, thresholds=(ALTERED_MIN,))
    test = found["table"][ALTERED_MIN]["test"]
    print(f"verify eval (test half): accuracy {test['accuracy']:.3f}, per class {test['per_class']}, "
          f"median {found['median_seconds'] * 1000:.0f} ms a quote")
    return found


@pytest.mark.slow
def test_verdict_accuracy_on_the_test_half_stays_above_its_floor(result):
    test = result["table"][ALTERED_MIN]["test"]
    assert test["accuracy"] >= ACCURACY_FLOOR, test["confusion"]


@pytest.mark.slow
def test_each_verdict_class_stays_above_its_floor(result):
    test = result["table"][ALTERED_MIN]["test"]
    assert min(test["per_class"].values()) >= CLASS_FLOOR, test["per_class"]
