"""Quote checking on a labelled set built from real State of the Union sentences (1989-2000).

Verdict accuracy is measured on the test half of the items (the threshold was chosen on the dev
half of the larger post-1945 set; see docs/verify.md). Floors sit 0.05 under the figures measured
on this set (one wrong verdict of the ~20 test items of a class moves its accuracy by 0.05).
"""
from __future__ import annotations

import pytest

from policytext.evaluation.verify import build_items, evaluate
from policytext.verify.check import ALTERED_MIN

ACCURACY_FLOOR = 0.93      # measured 0.98 (test half, 80 items)
CLASS_FLOOR = 0.85         # lowest class measured 0.95 (test half)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    import spacy

    from policytext.corpus import open_corpus

    path = tmp_path_factory.mktemp("verify-eval")
    with open_corpus(path, create=True) as corpus:
        corpus.collect_sotu(since=1989, until=2000)
        conn = corpus.store.conn
        nlp = spacy.load(corpus.config.model, exclude=["ner", "lemmatizer", "parser", "tagger", "attribute_ruler"])
        nlp.enable_pipe("senter")
        rows = conn.execute("SELECT id, text FROM documents ORDER BY date").fetchall()
        nlp.max_length = max(len(text) for _, text in rows) + 1
        with corpus.store.transaction():
            for (doc_id, _), doc in zip(rows, nlp.pipe((text for _, text in rows), batch_size=4)):
                conn.executemany(
                    "INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                    [(doc_id, i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents) if s.text.strip()])
        items = build_items(corpus, per_class=40, seed=0)
        found = evaluate(corpus, items, thresholds=(ALTERED_MIN,))
    test = found["table"][ALTERED_MIN]["test"]
    print(f"verify eval (test half): accuracy {test['accuracy']:.3f}, per class {test['per_class']}, "
          f"median {found['median_seconds'] * 1000:.0f} ms a quote")
    return found


def test_verdict_accuracy_on_the_test_half_stays_above_its_floor(result):
    test = result["table"][ALTERED_MIN]["test"]
    assert test["accuracy"] >= ACCURACY_FLOOR, test["confusion"]


def test_each_verdict_class_stays_above_its_floor(result):
    test = result["table"][ALTERED_MIN]["test"]
    assert min(test["per_class"].values()) >= CLASS_FLOOR, test["per_class"]
