"""Parliamentary stop words: the packaged list, how parliamentary text is recognised, the switch."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import policytext
from policytext.analyse.topic_stop_words import is_parliamentary, parliamentary_stop_words
from policytext.analyse.topics import fit_topics


def test_packaged_list_holds_forms_of_address_not_subjects() -> None:
    words = set(parliamentary_stop_words())
    assert {"hon", "hon.", "friend", "friends", "member", "members", "gentleman", "speaker", "deputy"} <= words
    assert not {"bill", "right", "order", "state", "health", "tax"} & words  # content words stay


@pytest.mark.parametrize(
    ("source", "kind", "expected"),
    [
        ("hansard", "speech", True),
        ("hansard-lords", None, True),
        ("parlamint", "utterance", True),
        ("files", "debate", True),
        ("files", " Debate ", True),
        ("govuk", "statement", False),
        ("sotu", "speech", False),
        ("hansardish", "blog", False),
        (None, None, False),
    ],
)
def test_parliamentary_text_is_recognised_by_source_or_kind(source, kind, expected) -> None:
    assert is_parliamentary(source, kind) is expected


def test_the_parliamentary_collectors_are_recognised() -> None:
    from policytext.collect import hansard, parlamint

    assert is_parliamentary(hansard.SOURCE, "debate") and is_parliamentary(parlamint.SOURCE, "debate")


def test_debates_get_parliamentary_stop_words_unless_turned_off(commons_corpus: Path, small_corpus: Path) -> None:
    with policytext.open_corpus(commons_corpus) as corpus:
        auto, auto_path, _ = fit_topics(corpus, k=3, seed=0, name="parl-auto")
        off, _, _ = fit_topics(corpus, k=3, seed=0, name="parl-off", parliamentary=False)
    assert not {"hon", "friend", "member", "members", "house"} & set(auto.vocabulary_)
    assert {"hon", "friend", "member"} <= set(off.vocabulary_)
    card = json.loads(auto_path.read_text(encoding="utf-8"))["card"]
    assert card["parliamentary_stop_words"] == {"used": True, "setting": None, "parliamentary_documents": 300}
    with policytext.open_corpus(small_corpus) as corpus:  # State of the Union addresses: not parliamentary
        sotu, _, _ = fit_topics(corpus, k=3, seed=0, name="not-parl")
    assert sotu.card_["parliamentary_stop_words"]["used"] is False and "member" in set(sotu.vocabulary_)
