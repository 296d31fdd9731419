"""Counts over stored annotations (annotate/summaries.py), on documents annotated by the real pipeline."""
from __future__ import annotations

from pathlib import Path

import pytest

import policytext
from policytext.annotate.summaries import count_entities, surname_aliases
from policytext.records import Document

TEXTS = {
    "putin-full": "Vladimir Putin met the French president in Moscow on Monday to discuss the war.",
    "putin-short": "On Tuesday Putin warned that the talks in Geneva would fail without new guarantees.",
    "bush-son": "George W. Bush spoke at the presidential library in Texas on Friday.",
    "bush-father": "George H. W. Bush opened the new museum in Houston in the spring.",
    "bush-short": "In his speech Bush said that the economy of the country was strong.",
}


@pytest.fixture(scope="module")
def names_corpus(tmp_path_factory) -> Path:
    from policytext.annotate import annotate_corpus

    folder = tmp_path_factory.mktemp("names") / "corpus"
    documents = [Document(source="test", source_id=key, title=key, date=f"2020-01-{n + 1:02d}", kind="article",
                          country="US", text=text) for n, (key, text) in enumerate(TEXTS.items())]
    with policytext.open_corpus(folder, create=True) as corpus:
        assert corpus.write(documents, stage="test").ok
        assert annotate_corpus(corpus).failed == 0
    return folder


def test_a_surname_joins_the_one_full_name_of_the_corpus_across_documents(names_corpus: Path) -> None:
    # 'entities' listed "Putin" and "Vladimir Putin" as two people: within a document the names were
    # joined, across documents not.
    with policytext.open_corpus(names_corpus) as corpus:
        stored = {name for (name,) in corpus.store.conn.execute("SELECT name FROM entities WHERE label = 'PERSON'")}
        assert {"Putin", "Vladimir Putin"} <= stored  # the stored mentions keep their own names
        people = count_entities(corpus, label="PERSON", top=50)
        assert "Putin" not in set(people["name"])
        putin = people[people["name"] == "Vladimir Putin"].iloc[0]
        assert (putin["mentions"], putin["documents"]) == (2, 2)
        assert surname_aliases(corpus.store.conn)["Putin"] == "Vladimir Putin"
        # the same join when every label is listed
        assert "Putin" not in set(count_entities(corpus, top=50)["name"])


def test_a_surname_two_full_names_share_stays_apart(names_corpus: Path) -> None:
    with policytext.open_corpus(names_corpus) as corpus:
        stored = {name for (name,) in corpus.store.conn.execute("SELECT name FROM entities WHERE label = 'PERSON'")}
        assert {"George W. Bush", "George H. W. Bush", "Bush"} <= stored
        people = count_entities(corpus, label="PERSON", top=50)
        assert "Bush" not in surname_aliases(corpus.store.conn)
    assert {"George W. Bush", "George H. W. Bush", "Bush"} <= set(people["name"])
    assert int(people.loc[people["name"] == "Bush", "mentions"].iloc[0]) == 1
