"""Delete and retag: annotations, the search index and the web collectors' rows stay in step."""
from __future__ import annotations

import sqlite3

import pytest

from policytext.annotate import annotate_corpus
from policytext.corpus import open_corpus
from policytext.errors import BadQuery, ConfigError, UnknownValue
from policytext.records import Document
from policytext.search.index import check_search_index
from policytext.store import upsert_document, utc_now

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
OTHER = "Potholes in Wakefield cost the council 2 million pounds last winter, the audit found."
ANNOTATIONS = ("sentences", "entities", "quotes", "claims", "doc_lemmas")
SPEECH_DOC = Document("test", "speech", SPEECH, title="Roads", date="2024-01-02", speaker="Ann Lee",
                      kind="speech", party="Labour")
ARTICLE_DOC = Document("test", "article", ARTICLE, title="Visit", date="2024-01-03", kind="article")
OTHER_DOC = Document("test", "other", OTHER, title="Potholes", date="2024-02-01", kind="article")


@pytest.fixture
def corpus(corpus_dir):
    """Three documents, annotated with the real pipeline, plus rows the web collectors keep."""
    corpus = open_corpus(corpus_dir, create=True)
    with corpus.store.transaction() as conn:
        for document in (SPEECH_DOC, ARTICLE_DOC, OTHER_DOC):
            upsert_document(corpus.store, document)
        conn.execute("INSERT INTO duplicate_locations (doc_id, source, source_id, url, method, similarity, "
                     "recorded_at) VALUES (?, 'web', 'https://mirror.example/roads', NULL, 'exact', 1.0, ?)",
                     (SPEECH_DOC.id, utc_now()))
        conn.execute("INSERT INTO document_minhashes (doc_id, content_sha256, num_perm, signature) "
                     "VALUES (?, ?, 128, x'00')", (SPEECH_DOC.id, SPEECH_DOC.content_sha256))
        conn.execute("INSERT INTO feed_entries (feed_url, entry_id, url, updated, doc_id, seen_at) "
                     "VALUES ('https://example.org/feed', 'e1', 'https://example.org/roads', NULL, ?, ?)",
                     (SPEECH_DOC.id, utc_now()))
    annotate_corpus(corpus)
    yield corpus
    corpus.close()


def _rows(corpus, table: str, doc_id: str) -> int:
    return corpus.store.conn.execute(f"SELECT COUNT(*) FROM {table} WHERE doc_id = ?", (doc_id,)).fetchone()[0]


def _fts(corpus, table: str, word: str) -> int:
    return corpus.store.conn.execute(f"SELECT COUNT(*) FROM {table}_fts WHERE {table}_fts MATCH ?",
                                     (word,)).fetchone()[0]


def test_delete_removes_annotations_index_entries_and_other_locations(corpus) -> None:
    before = {table: _rows(corpus, table, SPEECH_DOC.id) for table in ANNOTATIONS}
    assert all(before.values()), before  # the test proves nothing unless the speech was annotated
    assert (_fts(corpus, "sentences", "Bradford"), _fts(corpus, "documents", "Roads")) == (1, 1)

    plan = corpus.delete(speaker="Ann Lee", dry_run=True)
    assert (plan.documents, plan.ids, plan.dry_run) == (1, (SPEECH_DOC.id,), True)
    assert corpus.count_documents() == 3  # a dry run changes nothing

    report = corpus.delete(speaker="Ann Lee")
    assert report.documents == 1
    assert {t: report.removed[t] for t in ANNOTATIONS} == before
    assert {t: report.removed[t] for t in ("duplicate_locations", "document_minhashes", "feed_entries")} == \
        {"duplicate_locations": 1, "document_minhashes": 1, "feed_entries": 1}
    assert report.removed == plan.removed  # the dry run counted what went
    for table in ANNOTATIONS + ("duplicate_locations", "document_minhashes", "feed_entries"):
        assert _rows(corpus, table, SPEECH_DOC.id) == 0, table
    # The search index follows: nothing of the speech is found, the other documents still are.
    check_search_index(corpus)
    assert (_fts(corpus, "sentences", "Bradford"), _fts(corpus, "documents", "Roads")) == (0, 0)
    assert (_fts(corpus, "sentences", "Wakefield"), _fts(corpus, "documents", "Potholes")) == (1, 1)
    assert corpus.documents()["id"].tolist() == [ARTICLE_DOC.id, OTHER_DOC.id]


def test_delete_by_ids_and_filters_together(corpus) -> None:
    report = corpus.delete(ids=[ARTICLE_DOC.id, OTHER_DOC.id], since="2024-02")
    assert (report.documents, report.ids) == (1, (OTHER_DOC.id,))
    assert sorted(corpus.documents()["id"]) == sorted([SPEECH_DOC.id, ARTICLE_DOC.id])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.delete(), "no documents chosen: give filters (speaker, party, government, kind, source, "
                               "country, since, until) or ids; to choose every document, say so with "
                               "all_documents=True (--all)"),
        (lambda c: c.delete(speeker="Ann Lee"), "unknown filter(s) 'speeker': choose documents with speaker, "
                                                "party, government, kind, source, country, since, until or ids"),
        (lambda c: c.delete(limit=1), "unknown filter(s) 'limit'"),
        (lambda c: c.delete(ids=["files-nope"]), "no document with id 'files-nope' in the corpus"),
        (lambda c: c.retag({"colour": "red"}, kind="speech"), "cannot set 'colour': retag sets kind, speaker, "
                                                              "party, government"),
        (lambda c: c.retag({}, kind="speech"), "nothing to set: give at least one of kind, speaker, party, government"),
        (lambda c: c.retag({"kind": "speech"}), "no documents chosen"),
    ],
)
def test_edits_refuse_what_they_cannot_do_safely(corpus, call, message) -> None:
    with pytest.raises(ConfigError) as info:
        call(corpus)
    assert str(info.value).startswith(message)
    assert corpus.count_documents() == 3


def test_delete_everything_only_when_asked(corpus) -> None:
    report = corpus.delete(all_documents=True)
    assert report.documents == 3
    assert corpus.count_documents() == 0
    check_search_index(corpus)
    for table in ANNOTATIONS:
        assert corpus.store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0


def test_retag_speaker_keeps_claims_as_a_fresh_annotation_would(corpus) -> None:
    def claims():
        return corpus.store.conn.execute(
            "SELECT start_char, speaker FROM claims WHERE doc_id = ? ORDER BY start_char", (SPEECH_DOC.id,)).fetchall()

    assert ("Ann Lee" in {speaker for _, speaker in claims()})  # a claim the speech's speaker made
    plan = corpus.retag({"speaker": "Bob Stone", "party": ""}, ids=[SPEECH_DOC.id], dry_run=True)
    report = corpus.retag({"speaker": "Bob Stone", "party": ""}, ids=[SPEECH_DOC.id])
    assert (report.matched, report.changed, dict(report.by_field), report.to_annotate) == \
        (1, 1, {"speaker": 1, "party": 1}, 1)
    assert report.claims == plan.claims == sum(1 for _, s in claims() if s == "Bob Stone") > 0
    retagged = [tuple(row) for row in claims()]
    frame = corpus.documents(speaker="Bob Stone")
    assert frame["id"].tolist() == [SPEECH_DOC.id] and frame["party"].isna().all()
    # Marked for annotating again; annotating gives the claims the speaker retag already set.
    pending = annotate_corpus(corpus)
    assert (pending.annotated, pending.up_to_date) == (1, 2)
    assert [tuple(row) for row in claims()] == retagged
    check_search_index(corpus)


def test_retag_kind_away_from_speech_takes_the_speaker_off_its_claims(corpus) -> None:
    report = corpus.retag({"kind": "statement"}, kind="speech", new_label=True)
    assert (report.matched, report.changed, report.to_annotate) == (1, 1, 1)
    speakers = {row[0] for row in corpus.store.conn.execute(
        "SELECT speaker FROM claims WHERE doc_id = ?", (SPEECH_DOC.id,))}
    assert "Ann Lee" not in speakers
    assert corpus.count_documents(kind="statement") == 1
    with pytest.raises(BadQuery, match="no document has kind 'speech'"):  # none is left: a value no document has
        corpus.count_documents(kind="speech")


def test_retag_refuses_a_kind_no_document_has_unless_a_new_label_is_asked_for(corpus) -> None:
    # kind=speach was written as typed, splitting the speeches into two kinds
    with pytest.raises(UnknownValue, match=r"no document has kind 'speach'.*did you mean speech\?.*--new-label"):
        corpus.retag({"kind": "speach"}, kind="article")
    assert corpus.retag({"kind": "Speech"}, kind="article", dry_run=True).changed == 2  # a known kind, any case
    assert corpus.retag({"kind": "speach"}, kind="article", new_label=True).changed == 2
    assert corpus.count_documents(kind="speach") == 2


def test_retag_of_party_leaves_annotation_alone(corpus) -> None:
    report = corpus.retag({"party": "Green", "government": "Attlee government (1945–1951)"}, kind="article")
    assert (report.matched, report.changed, dict(report.by_field), report.claims, report.to_annotate) == \
        (2, 2, {"party": 2, "government": 2}, 0, 0)
    again = corpus.retag({"party": "Green"}, kind="article")
    assert (again.matched, again.changed) == (2, 0)  # nothing left to change
    assert annotate_corpus(corpus).annotated == 0


def test_delete_by_speaker_matches_word_starts_only(corpus) -> None:
    # "nn Lee" sits inside "Ann Lee": a mid-word substring once chose (and deleted) that document
    # (now refused outright: no speaker's word starts so; the closest is named)
    with pytest.raises(UnknownValue, match="did you mean Ann Lee"):
        corpus.delete(speaker="nn Lee")
    assert corpus.count_documents() == 3
    assert corpus.delete(speaker="ann", dry_run=True).documents == 1


def _store_bytes(corpus) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(corpus.store.path.parent.glob(corpus.store.path.name + "*")))


def test_delete_forget_scrubs_the_deleted_text_from_the_store_file(corpus) -> None:
    """Deleting for privacy left the text in the store file: in pages SQLite freed but did not
    overwrite, and in the search index's older segments (an FTS5 delete only adds a tombstone)."""
    # most SQLite builds do not overwrite what they free (this machine's does): as they would
    corpus.store.conn.execute("PRAGMA secure_delete = OFF")
    corpus.delete(ids=[OTHER_DOC.id])
    assert b"Wakefield" in _store_bytes(corpus)  # a plain delete leaves the text in the file

    report = corpus.delete(ids=[SPEECH_DOC.id], forget=True)
    assert (report.documents, report.forgotten, report.log_kept) == (1, 0, False)
    stored = _store_bytes(corpus)
    for gone in (b"Bradford", b"bradford", b"Winston Churchill", b"despair"):
        assert gone not in stored, gone
    assert b"Ms Lee" in stored  # the article stays
    assert corpus.store.conn.execute("PRAGMA secure_delete").fetchone()[0] == 0  # the connection's own setting
    assert [r[0] for r in corpus.store.conn.execute("SELECT id FROM deleted_documents")] == [OTHER_DOC.id]
    assert corpus.store.conn.execute("SELECT COUNT(*) FROM person_shares").fetchone()[0] == 0
    check_search_index(corpus)


def test_delete_forget_says_when_another_reader_keeps_the_write_ahead_log(corpus_dir) -> None:
    """The log holds the pages as they were before the delete until it is checkpointed; a reader
    in a transaction of another process stops that, and the report says so rather than claim a
    scrubbed file."""
    with open_corpus(corpus_dir, create=True, busy_timeout_seconds=0.2) as corpus:
        with corpus.store.transaction():
            for document in (SPEECH_DOC, OTHER_DOC):
                upsert_document(corpus.store, document)
        reader = sqlite3.connect(corpus.store.path)
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT COUNT(*) FROM documents").fetchone()
            assert corpus.delete(ids=[SPEECH_DOC.id], forget=True).log_kept
        finally:
            reader.close()
        assert not corpus.delete(ids=[OTHER_DOC.id], forget=True).log_kept
