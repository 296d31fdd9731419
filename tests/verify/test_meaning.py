"""Paraphrase by meaning (the optional embeddings extra): a small real store, vectors kept in it."""
from __future__ import annotations

import pytest

from policytext.corpus import open_corpus
from policytext.records import Document
from policytext.search.meaning import embed_corpus
from policytext.verify import verify_quote



@pytest.fixture(scope="module")
def clinton_path(tmp_path_factory, nlp):
    """A store of three paragraphs of the 1996 address (real text), split into sentences by spaCy."""
    from policytext.collect.sotu import iter_sotu

    [address] = list(iter_sotu(since=1996, until=1996))
    middle = address.text.find("The era of big Government is over")
    start = address.text.rfind("\n\n", 0, address.text.rfind("\n\n", 0, middle))
    text = address.text[start:address.text.find("\n\n", middle) + 600].strip()
    path = tmp_path_factory.mktemp("clinton-1996")
    document = Document(source="test", source_id="clinton-1996-part", text=text, speaker=address.speaker,
                        date=address.date, title=address.title, url=address.url, kind="speech")
    with open_corpus(path, create=True) as corpus:
        corpus.write([document], stage="test")
        conn = corpus.store.conn
        [(doc_id, stored)] = conn.execute("SELECT id, text FROM documents").fetchall()
        with corpus.store.transaction():
            conn.executemany("INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                             [(doc_id, i, s.start_char, s.end_char, s.text) for i, s in enumerate(nlp(stored).sents)])
    return path


def test_a_paraphrase_is_found_by_meaning_and_then_by_default_once_embedded(clinton_path, embedder):
    with open_corpus(clinton_path, readonly=True) as corpus:
        before = verify_quote(corpus, "the time of large government has ended", speaker="Clinton")
        assert before.verdict == "not found" and not before.paraphrase_checked
        assert "--paraphrase" in before.note and "policytext embed" in before.note  # said, not silently skipped
        verdict = verify_quote(corpus, "the time of large government has ended", speaker="Clinton", meaning=True,
                               embedder=embedder)  # a read-only store: the speaker's sentences embedded in memory
    assert verdict.verdict == "paraphrase" and verdict.paraphrase_checked
    assert verdict.best.matched == "The era of big Government is over."
    assert verdict.similarity >= 0.7 and verdict.best.citation.startswith("William J. Clinton")
    with open_corpus(clinton_path) as corpus:
        assert corpus.store.conn.execute("SELECT count(*) FROM sentence_vectors").fetchone()[0] == 0
        embed_corpus(corpus, embedder=embedder)
    with open_corpus(clinton_path, readonly=True) as corpus:  # stored vectors: the default now checks meaning
        again = verify_quote(corpus, "the time of large government has ended", speaker="Clinton")
    assert again.verdict == "paraphrase"


def test_an_unrelated_quote_is_not_found_and_says_meaning_was_checked(clinton_path, embedder):
    with open_corpus(clinton_path, readonly=True) as corpus:
        verdict = verify_quote(corpus, "we will send astronauts to Mars before the decade is out",
                               speaker="Clinton", meaning=True, embedder=embedder)
    assert verdict.verdict == "not found" and verdict.paraphrase_checked
    assert "no sentence close in meaning either" in verdict.note


def test_a_close_sentence_that_says_the_opposite_is_no_paraphrase(clinton_path, embedder):
    """"Not ended" against "is over": the embeddings put them close; the negation tells them apart."""
    with open_corpus(clinton_path, readonly=True) as corpus:
        quote = "the time of large government has not ended"
        verdict = verify_quote(corpus, quote, speaker="Clinton", meaning=True, embedder=embedder)
        cosine_only = verify_quote(corpus, quote, speaker="Clinton", meaning=True, embedder=embedder,
                                   paraphrase_checks=())
    assert verdict.verdict == "not found" and verdict.paraphrase_checked
    assert "The era of big Government is over." in verdict.note and "differs from the quote in negation" in verdict.note
    assert cosine_only.verdict == "paraphrase"  # what the cosine alone said
    assert cosine_only.best.changes == ("negation",)  # flagged even when not checked


def test_meaning_is_only_looked_for_in_the_speakers_words(clinton_path, embedder):
    with open_corpus(clinton_path, readonly=True) as corpus:
        verdict = verify_quote(corpus, "the time of large government has ended", speaker="Eisenhower", meaning=True,
                               embedder=embedder)
    assert verdict.verdict == "not found" and verdict.paraphrase_checked
    assert all(p.relation == "other" and p.similarity < 0.7 for p in verdict.passages)  # Clinton's, not his


DECOY = "the federal government must grow much larger to meet our needs"  # a decoy of the evaluation set


def test_a_line_on_the_same_subject_that_says_otherwise_is_at_most_a_possible_paraphrase(clinton_path, embedder):
    """The one level of the round before called it 'paraphrase' (cosine above 0.475, no negation between)."""
    from policytext.search.meaning import nearest_with_margin
    from policytext.store import DocumentFilter
    from policytext.verify.check import PARAPHRASE_MIN, is_paraphrase

    with open_corpus(clinton_path, readonly=True) as corpus:
        verdict = verify_quote(corpus, DECOY, speaker="Clinton", meaning=True, embedder=embedder)
        [(_, cosine)], margin = nearest_with_margin(corpus, embedder, DECOY, DocumentFilter(speaker="Clinton"),
                                                    limit=1, embed_missing=True)
    assert verdict.verdict == "possible paraphrase", (verdict.verdict, cosine, margin)
    assert is_paraphrase(DECOY, cosine, verdict.best.matched)  # what the one level said: 'paraphrase'
    assert cosine >= PARAPHRASE_MIN
    assert "Possible paraphrase: a possible paraphrase is a lead, not a finding" in verdict.note
    assert verdict.best.matched in verdict.note and verdict.best.citation in verdict.note  # the evidence, named


@pytest.mark.parametrize(("quote", "cosine", "margin", "sentence", "level"), [
    ("the age of large government has come to an end", 0.80, 0.21, "The era of big Government is over.", "paraphrase"),
    ("the age of large government has come to an end", 0.80, 0.05, "The era of big Government is over.",
     "possible paraphrase"),  # close, but as close to another of the speaker's sentences
    ("America uses far too little oil and should import more", 0.52, 0.20, "America is addicted to oil.",
     "possible paraphrase"),  # stands out, but not close enough
    ("the age of large government has not ended", 0.80, 0.21, "The era of big Government is over.", None),
    ("the age of large government has come to an end", 0.40, 0.21, "The era of big Government is over.", None),
])
def test_paraphrase_level(quote, cosine, margin, sentence, level):
    from policytext.verify.check import paraphrase_level

    assert paraphrase_level(quote, cosine, margin, sentence) == level
