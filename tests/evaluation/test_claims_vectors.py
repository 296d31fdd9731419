"""The embeddings cache of the labelled claim sets: each distinct sentence embedded once, resumable, never stale."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from policytext.errors import ConfigError
from policytext.evaluation import claims_vectors
from policytext.evaluation.claims_vectors import cached_vectors, embed_claim_sets, sentences_digest


class CountingEncoder:
    """A stand-in for the sentence model (not policytext code): a fixed vector per text, counting what it is asked."""

    def __init__(self):
        self.asked: list[str] = []

    def __call__(self, texts):
        self.asked.extend(texts)
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest() * 12, dtype=np.uint8)[:384] for t in texts]
        return np.asarray(rows, dtype=np.float32) / 255.0


def test_each_distinct_sentence_is_embedded_once_and_rows_follow_the_texts(tmp_path):
    encode = CountingEncoder()
    texts = ["Thank you.", "We cut taxes by 20%.", "Thank you.", "Yes."]
    vectors, run = cached_vectors("t", texts, tmp_path, encode=encode)
    assert sorted(encode.asked) == sorted(set(texts))
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.array_equal(vectors[0], vectors[2]) and not np.array_equal(vectors[0], vectors[1])
    assert (run.sentences, run.embedded) == (4, 3)


def test_a_second_call_reads_the_cache_without_embedding(tmp_path):
    texts = ["One.", "Two."]
    first, _ = cached_vectors("t", texts, tmp_path, encode=CountingEncoder())
    again = CountingEncoder()
    second, run = cached_vectors("t", texts, tmp_path, encode=again)
    assert again.asked == [] and run.embedded == 0
    assert np.array_equal(first, second)
    assert [p.name for p in tmp_path.iterdir()] == [f"t-{sentences_digest(texts)}.npy"]  # parts removed


def test_an_interrupted_run_resumes_from_its_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(claims_vectors, "CHUNK", 2)
    texts = [f"Sentence {i}." for i in range(5)]

    class Interrupted(Exception):
        pass

    class StopsAfterOneChunk(CountingEncoder):
        def __call__(self, chunk):
            if self.asked:
                raise Interrupted
            return super().__call__(chunk)

    with pytest.raises(Interrupted):
        cached_vectors("t", texts, tmp_path, encode=StopsAfterOneChunk())
    resumed = CountingEncoder()
    vectors, run = cached_vectors("t", texts, tmp_path, encode=resumed)
    assert resumed.asked == texts[2:] and run.embedded == 3
    assert np.array_equal(vectors, CountingEncoder()(texts))


def test_changed_sentences_are_never_read_from_an_older_cache(tmp_path):
    cached_vectors("t", ["Old line."], tmp_path, encode=CountingEncoder())
    encode = CountingEncoder()
    cached_vectors("t", ["New line."], tmp_path, encode=encode)
    assert encode.asked == ["New line."]


def test_a_part_of_the_wrong_length_is_refused_with_what_to_do(tmp_path):
    texts = ["A.", "B."]
    np.save(tmp_path / f"t-{sentences_digest(texts)}.part0.npy", np.zeros((1, 384), dtype=np.float32))
    with pytest.raises(ConfigError, match="remove the files"):
        cached_vectors("t", texts, tmp_path, encode=CountingEncoder())


def test_unknown_sets_are_refused_naming_the_known_ones(tmp_path):
    with pytest.raises(ConfigError, match="claimbuster"):
        embed_claim_sets(tmp_path, tmp_path, sets=("clef2021",), encode=CountingEncoder())
