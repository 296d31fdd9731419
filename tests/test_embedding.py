"""The embedding models' layer: the models by name, one thread for a query, WordLlama offline, vectors read back."""
from __future__ import annotations

import numpy as np
import pytest

from policytext.corpus import open_corpus
from policytext.embedding import MODEL_NAME, MODELS, Embedder, load_embedder, model_of, read_stored_vectors
from policytext.errors import BadQuery

WORDLLAMA = "wordllama-l2-supercat-256"


def test_an_unknown_model_is_refused_with_the_known_ones():
    with pytest.raises(BadQuery, match=f"no sentence-embedding model 'minilm': choose one of {MODEL_NAME}, {WORDLLAMA}"):
        load_embedder("minilm")


def test_the_setting_names_the_model_and_a_bare_store_takes_the_default(tmp_path):
    with open_corpus(tmp_path / "c", create=True, meaning_model=WORDLLAMA) as corpus:
        assert model_of(corpus) == WORDLLAMA and model_of(corpus.store) == MODEL_NAME
    with open_corpus(tmp_path / "d", create=True, meaning_model="bert") as corpus:
        with pytest.raises(BadQuery, match="no sentence-embedding model 'bert'"):
            model_of(corpus)


class _ThreadsSeen:
    """A stand-in for a sentence-transformers model that notes torch's thread count at each encode."""

    def __init__(self, torch):
        self.torch, self.seen = torch, []

    def encode(self, texts, **options):
        self.seen.append((len(texts), self.torch.get_num_threads()))
        return np.ones((len(texts), 4), dtype=np.float32) / 2


def test_a_query_is_encoded_on_one_thread_and_a_batch_on_torchs_own():
    """Under load, a one-text forward pass on 2 threads took 950 ms against 97 ms on one (module docstring)."""
    torch = pytest.importorskip("torch", reason="needs torch (the embeddings extra)")
    torch.set_num_threads(2)
    model = _ThreadsSeen(torch)
    embedder = Embedder(model, name="stand-in")
    embedder.encode(["the era of big government is over"])
    embedder.encode([f"sentence {i}" for i in range(64)])
    assert model.seen == [(1, 1), (64, 2)]
    assert torch.get_num_threads() == 2  # put back after the query


def test_wordllama_loads_offline_from_its_wheel_and_ranks_a_paraphrase_first():
    pytest.importorskip("wordllama", reason="needs the wordllama extra: pip install 'policytext[wordllama]'")
    embedder = load_embedder(WORDLLAMA)
    vectors = embedder.encode(["the era of big government is over", "the age of large government has ended",
                               "I prefer cats to dogs and always have"])
    assert vectors.shape == (3, MODELS[WORDLLAMA].dimensions) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_stored_vectors_are_read_back_in_id_order_whatever_the_model(tmp_path, nlp):
    from policytext.records import Document

    with open_corpus(tmp_path / "c", create=True) as corpus:
        corpus.write([Document(source="test", source_id="a", text="One sentence here. Another one there. A third.",
                               speaker="A Speaker", date="2020-01-01", kind="speech")], stage="test")
        conn = corpus.store.conn
        [(doc_id,)] = conn.execute("SELECT id FROM documents").fetchall()
        with corpus.store.transaction():
            conn.executemany("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                             [(doc_id, i, 0, 1, f"s{i}") for i in range(3)])
        ids = [row[0] for row in conn.execute("SELECT id FROM sentences ORDER BY id DESC")]
        rng = np.random.default_rng(0)
        written = {i: rng.standard_normal(6).astype(np.float32) for i in ids}
        with corpus.store.transaction():
            conn.executemany("INSERT INTO sentence_vectors (sentence_id, model, vector) VALUES (?, 'six', ?)",
                             [(i, v.tobytes()) for i, v in written.items()])
        read_ids, vectors = read_stored_vectors(corpus.store, "six")
        none_ids, none = read_stored_vectors(corpus.store, MODEL_NAME)
    assert list(read_ids) == sorted(ids) and vectors.shape == (3, 6)
    for i, vector in zip(read_ids, vectors):
        np.testing.assert_array_equal(vector, written[int(i)])
    assert len(none_ids) == 0 and none.shape == (0, MODELS[MODEL_NAME].dimensions)


def _store_with_vectors(folder, count: int, model: str = "six") -> list[int]:
    from policytext.records import Document

    with open_corpus(folder, create=True) as corpus:
        corpus.write([Document(source="test", source_id="a", text="One sentence here. Another one there.",
                               speaker="A Speaker", date="2020-01-01", kind="speech")], stage="test")
        conn = corpus.store.conn
        [(doc_id,)] = conn.execute("SELECT id FROM documents").fetchall()
        with corpus.store.transaction():
            conn.executemany("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                             [(doc_id, i, 0, 1, f"s{i}") for i in range(count)])
            ids = [row[0] for row in conn.execute("SELECT id FROM sentences ORDER BY id")]
            conn.executemany("INSERT INTO sentence_vectors (sentence_id, model, vector) VALUES (?, ?, ?)",
                             [(i, model, np.full(6, i, dtype=np.float32).tobytes()) for i in ids[:-1]])
    return ids


def test_the_vectors_of_a_store_file_are_read_once_for_all_its_read_only_connections(tmp_path):
    """The page's threads each hold a connection: each read every vector again (and on every switch of thread)."""
    from policytext.store import Store

    ids = _store_with_vectors(tmp_path / "c", 4)
    embedder = Embedder(model=None, name="six")
    path = tmp_path / "c" / "policytext.db"
    first, second = Store(path, readonly=True), Store(path, readonly=True)
    try:
        read_ids, vectors = embedder.stored(first)
        assert list(read_ids) == ids[:-1]
        assert embedder.stored(second)[1] is vectors  # the same matrix: not read again
        assert embedder.stored(first)[1] is vectors and embedder.stored(second)[1] is vectors
        with Store(path) as writer, writer.transaction() as conn:  # another connection adds a vector
            conn.execute("INSERT INTO sentence_vectors (sentence_id, model, vector) VALUES (?, 'six', ?)",
                         (ids[-1], np.full(6, 9, dtype=np.float32).tobytes()))
        assert list(embedder.stored(second)[0]) == ids  # seen by a connection that looked before
        third = Store(path, readonly=True)
        try:
            assert list(embedder.stored(third)[0]) == ids and embedder.stored(first)[0] is embedder.stored(third)[0]
        finally:
            third.close()
    finally:
        first.close()
        second.close()


def test_a_connection_looking_first_after_a_commit_reads_the_vectors_again(tmp_path):
    from policytext.store import Store

    ids = _store_with_vectors(tmp_path / "c", 3)
    embedder = Embedder(model=None, name="six")
    path = tmp_path / "c" / "policytext.db"
    with Store(path, readonly=True) as reader:
        assert len(embedder.stored(reader)[0]) == 2
    with Store(path) as writer, writer.transaction() as conn:
        conn.execute("DELETE FROM sentence_vectors WHERE sentence_id = ?", (ids[0],))
    with Store(path, readonly=True) as reader:  # never looked: the file's size or time moved
        assert list(embedder.stored(reader)[0]) == [ids[1]]
