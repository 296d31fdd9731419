"""The store's schema, as numbered migrations applied in order.

Each migration runs once, inside a transaction, and is recorded in ``schema_migrations``. Stages
that need tables of their own add a migration here with the next free number; never edit one that
has shipped.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


FILLED = 2**63 - 1
"""``search_exact_fill.filled_to`` of a table whose every row is in its index of words as written."""
EXACT_INDEXED = ("sentences", "quotes", "claims")
"""The tables with an FTS5 index of their words as written, ``<table>_exact`` (migration 18)."""

MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "documents and failures",
        """
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            source_id TEXT NOT NULL,
            url TEXT,
            title TEXT,
            text TEXT NOT NULL,
            date TEXT,
            speaker TEXT,
            speaker_role TEXT,
            party TEXT,
            organisations TEXT NOT NULL DEFAULT '[]',
            publisher TEXT,
            kind TEXT,
            country TEXT,
            government TEXT,
            language TEXT,
            content_sha256 TEXT NOT NULL,
            words INTEGER NOT NULL DEFAULT 0,
            collected_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            annotated_sha256 TEXT,
            annotated_model TEXT,
            annotated_at TEXT,
            UNIQUE (source, source_id)
        );
        CREATE INDEX documents_date ON documents(date);
        CREATE INDEX documents_speaker ON documents(speaker);
        CREATE INDEX documents_government ON documents(government);
        CREATE INDEX documents_kind ON documents(kind);
        CREATE INDEX documents_content ON documents(content_sha256);

        CREATE TABLE failures (
            id INTEGER PRIMARY KEY,
            stage TEXT NOT NULL,
            source TEXT,
            item TEXT NOT NULL,
            line INTEGER,
            reason TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX failures_item ON failures(stage, item);
        """,
    ),
    Migration(
        2,
        "annotations: sentences, entities, quotes, claims, lemmas",
        """
        CREATE TABLE sentences (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (doc_id, idx)
        );
        CREATE TABLE entities (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            label TEXT NOT NULL,
            text TEXT NOT NULL,
            name TEXT NOT NULL
        );
        CREATE INDEX entities_doc ON entities(doc_id);
        CREATE INDEX entities_name ON entities(label, name);
        CREATE TABLE quotes (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,
            speaker TEXT,
            speaker_start INTEGER,
            speaker_end INTEGER,
            cue TEXT,
            kind TEXT NOT NULL,
            confidence REAL NOT NULL
        );
        CREATE INDEX quotes_doc ON quotes(doc_id);
        CREATE INDEX quotes_speaker ON quotes(speaker);
        CREATE TABLE claims (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,
            score REAL NOT NULL,
            types TEXT NOT NULL DEFAULT '[]',
            triggers TEXT NOT NULL DEFAULT '[]',
            speaker TEXT
        );
        CREATE INDEX claims_doc ON claims(doc_id);
        CREATE INDEX claims_score ON claims(score);
        CREATE TABLE doc_lemmas (
            doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            content_sha256 TEXT NOT NULL,
            model TEXT NOT NULL,
            tokens INTEGER NOT NULL,
            lemmas TEXT NOT NULL
        );
        """,
    ),
    Migration(
        3,
        "web collection: fetch cache index, duplicate locations, MinHash signatures, feed entries",
        # Raw bodies live in <corpus>/cache/ab/<sha256>.gz; http_cache maps each URL to its blob
        # and the validators (ETag, Last-Modified) sent back as conditional requests.
        """
        CREATE TABLE http_cache (
            url TEXT PRIMARY KEY,
            final_url TEXT NOT NULL,
            status INTEGER NOT NULL,
            content_type TEXT,
            charset TEXT,
            etag TEXT,
            last_modified TEXT,
            body_sha256 TEXT NOT NULL,
            body_bytes INTEGER NOT NULL,
            fetched_at TEXT NOT NULL,
            checked_at TEXT NOT NULL
        );
        CREATE INDEX http_cache_body ON http_cache(body_sha256);
        CREATE TABLE duplicate_locations (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL,
            source TEXT NOT NULL,
            source_id TEXT NOT NULL,
            url TEXT,
            method TEXT NOT NULL,
            similarity REAL NOT NULL,
            recorded_at TEXT NOT NULL,
            UNIQUE (source, source_id)
        );
        CREATE INDEX duplicate_locations_doc ON duplicate_locations(doc_id);
        CREATE TABLE document_minhashes (
            doc_id TEXT PRIMARY KEY,
            content_sha256 TEXT NOT NULL,
            num_perm INTEGER NOT NULL,
            signature BLOB NOT NULL
        );
        CREATE TABLE feed_entries (
            feed_url TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            url TEXT NOT NULL,
            updated TEXT,
            doc_id TEXT,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (feed_url, entry_id)
        );
        """,
    ),
    Migration(
        4,
        "search: FTS5 indexes over sentences, quotes, claims and document titles",
        # Named <table>_fts with content=[<table>] (sqlite-utils' own convention) so that
        # sqlite-utils and Datasette detect and use them; triggers keep them in step.
        """
        CREATE VIRTUAL TABLE [sentences_fts] USING FTS5 (
            [text], tokenize='porter unicode61 remove_diacritics 2', content=[sentences]
        );
        CREATE TRIGGER [sentences_ai] AFTER INSERT ON [sentences] BEGIN
            INSERT INTO [sentences_fts] (rowid, [text]) VALUES (new.id, new.[text]);
        END;
        CREATE TRIGGER [sentences_ad] AFTER DELETE ON [sentences] BEGIN
            INSERT INTO [sentences_fts] ([sentences_fts], rowid, [text]) VALUES ('delete', old.id, old.[text]);
        END;
        CREATE TRIGGER [sentences_au] AFTER UPDATE ON [sentences] BEGIN
            INSERT INTO [sentences_fts] ([sentences_fts], rowid, [text]) VALUES ('delete', old.id, old.[text]);
            INSERT INTO [sentences_fts] (rowid, [text]) VALUES (new.id, new.[text]);
        END;
        INSERT INTO [sentences_fts] ([sentences_fts]) VALUES ('rebuild');
        CREATE VIRTUAL TABLE [quotes_fts] USING FTS5 (
            [text], tokenize='porter unicode61 remove_diacritics 2', content=[quotes]
        );
        CREATE TRIGGER [quotes_ai] AFTER INSERT ON [quotes] BEGIN
            INSERT INTO [quotes_fts] (rowid, [text]) VALUES (new.id, new.[text]);
        END;
        CREATE TRIGGER [quotes_ad] AFTER DELETE ON [quotes] BEGIN
            INSERT INTO [quotes_fts] ([quotes_fts], rowid, [text]) VALUES ('delete', old.id, old.[text]);
        END;
        CREATE TRIGGER [quotes_au] AFTER UPDATE ON [quotes] BEGIN
            INSERT INTO [quotes_fts] ([quotes_fts], rowid, [text]) VALUES ('delete', old.id, old.[text]);
            INSERT INTO [quotes_fts] (rowid, [text]) VALUES (new.id, new.[text]);
        END;
        INSERT INTO [quotes_fts] ([quotes_fts]) VALUES ('rebuild');
        CREATE VIRTUAL TABLE [claims_fts] USING FTS5 (
            [text], tokenize='porter unicode61 remove_diacritics 2', content=[claims]
        );
        CREATE TRIGGER [claims_ai] AFTER INSERT ON [claims] BEGIN
            INSERT INTO [claims_fts] (rowid, [text]) VALUES (new.id, new.[text]);
        END;
        CREATE TRIGGER [claims_ad] AFTER DELETE ON [claims] BEGIN
            INSERT INTO [claims_fts] ([claims_fts], rowid, [text]) VALUES ('delete', old.id, old.[text]);
        END;
        CREATE TRIGGER [claims_au] AFTER UPDATE ON [claims] BEGIN
            INSERT INTO [claims_fts] ([claims_fts], rowid, [text]) VALUES ('delete', old.id, old.[text]);
            INSERT INTO [claims_fts] (rowid, [text]) VALUES (new.id, new.[text]);
        END;
        INSERT INTO [claims_fts] ([claims_fts]) VALUES ('rebuild');
        CREATE VIRTUAL TABLE [documents_fts] USING FTS5 (
            [title], tokenize='porter unicode61 remove_diacritics 2', content=[documents]
        );
        CREATE TRIGGER [documents_ai] AFTER INSERT ON [documents] BEGIN
            INSERT INTO [documents_fts] (rowid, [title]) VALUES (new.rowid, new.[title]);
        END;
        CREATE TRIGGER [documents_ad] AFTER DELETE ON [documents] BEGIN
            INSERT INTO [documents_fts] ([documents_fts], rowid, [title]) VALUES ('delete', old.rowid, old.[title]);
        END;
        CREATE TRIGGER [documents_au] AFTER UPDATE OF [title] ON [documents] BEGIN
            INSERT INTO [documents_fts] ([documents_fts], rowid, [title]) VALUES ('delete', old.rowid, old.[title]);
            INSERT INTO [documents_fts] (rowid, [title]) VALUES (new.rowid, new.[title]);
        END;
        INSERT INTO [documents_fts] ([documents_fts]) VALUES ('rebuild');
        """,
    ),
    Migration(
        5,
        "documents: date precision, and the source's own government and party labels",
        # Existing rows keep their values. A stored date was always a full day, but a year-only
        # source date was stored as 1 January, so the precision of old rows is unknown (NULL), not
        # 'day'. Whether an old government or party came from the source or from the timeline is
        # unknown too, so the source columns stay NULL. Collecting the source again fills all three.
        """
        ALTER TABLE documents ADD COLUMN date_precision TEXT;
        ALTER TABLE documents ADD COLUMN source_government TEXT;
        ALTER TABLE documents ADD COLUMN source_party TEXT;
        """,
    ),
    Migration(
        6,
        "failures: one row per failing item and reason, counted across runs, cleared on success",
        # Earlier runs added a row each time an item failed again; fold those into one row that
        # counts the attempts and keeps the first and latest time. A failure whose item later
        # succeeds gets ``cleared_at`` and stays as history (``policytext failures --all``).
        """
        ALTER TABLE failures ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE failures ADD COLUMN first_recorded_at TEXT;
        ALTER TABLE failures ADD COLUMN cleared_at TEXT;
        UPDATE failures SET
            attempts = (SELECT COUNT(*) FROM failures AS same WHERE same.stage = failures.stage
                        AND same.item = failures.item AND same.line IS failures.line
                        AND same.reason = failures.reason),
            first_recorded_at = (SELECT MIN(same.recorded_at) FROM failures AS same
                                 WHERE same.stage = failures.stage AND same.item = failures.item
                                 AND same.line IS failures.line AND same.reason = failures.reason);
        DELETE FROM failures WHERE id NOT IN (SELECT MAX(id) FROM failures GROUP BY stage, item, line, reason);
        CREATE INDEX failures_open ON failures(stage, item) WHERE cleared_at IS NULL;
        """,
    ),
    Migration(
        7,
        "quotes: the scheme that found each quote, its speaker mention and how the speaker was resolved",
        # Quotes stored before have no scheme or resolution method (NULL: unknown); their mention
        # is read back from the document's text. ``annotated_quote_scheme`` NULL makes the next
        # ``annotate`` redo those documents, as a change of model does, so old and new quotes do
        # not mix under one scheme.
        """
        ALTER TABLE quotes ADD COLUMN scheme TEXT;
        ALTER TABLE quotes ADD COLUMN speaker_mention TEXT;
        ALTER TABLE quotes ADD COLUMN resolved_by TEXT;
        UPDATE quotes SET speaker_mention = (
            SELECT substr(d.text, quotes.speaker_start + 1, quotes.speaker_end - quotes.speaker_start)
            FROM documents AS d WHERE d.id = quotes.doc_id)
        WHERE speaker_start IS NOT NULL AND speaker_end IS NOT NULL;
        ALTER TABLE documents ADD COLUMN annotated_quote_scheme TEXT;
        """,
    ),
    Migration(
        8,
        "documents: the speaker's role on the document's day (minister, shadow, backbencher, chair)",
        # A class, beside speaker_role (the post itself, "Minister of State, Cabinet Office"), so
        # that ministers can be compared with backbenchers whatever their posts were called.
        # Existing rows have no role (NULL: unknown); collecting Hansard with --posts fills it.
        """
        ALTER TABLE documents ADD COLUMN role TEXT;
        CREATE INDEX documents_role ON documents(role);
        """,
    ),
    Migration(
        9,
        "documents: the side of the speaker's party on the document's day (government, opposition)",
        # From the speaker's role (a minister is on the government side, a shadow on the
        # opposition's), ParlaMint's coalition/opposition status, or the party on the day against
        # the parties of the government in office. Existing rows have no side (NULL: unknown);
        # collecting Hansard or ParlaMint again fills it.
        """
        ALTER TABLE documents ADD COLUMN side TEXT;
        CREATE INDEX documents_side ON documents(side);
        """,
    ),
    Migration(
        10,
        "quotes: the speaker's role as the document gives it (Skills Minister, spokesperson)",
        # Quotes stored before have no role (NULL: not recorded); ``annotate --force`` fills it.
        # The scheme gets an index: ``quotes --scheme`` filters on it.
        """
        ALTER TABLE quotes ADD COLUMN speaker_role TEXT;
        CREATE INDEX quotes_scheme ON quotes(scheme);
        """,
    ),
    Migration(
        11,
        "annotation shards: the ledger of the Dask engine's shards and the work directory holding them",
        # One row a shard of documents that `annotate --engine dask` wrote to a work directory.
        # Written by the coordinator alone, in the transaction that ingests the shard, so a shard
        # is ingested once; a coordinator run again resumes from the rows still 'pending'. The
        # work directory's shards keep the Parquet output (lemmas.parquet) that analyses read
        # when the store holds only search ('ingest' = 'search').
        """
        CREATE TABLE annotation_shards (
            workdir TEXT NOT NULL,
            number INTEGER NOT NULL,
            model TEXT NOT NULL,
            quote_scheme TEXT NOT NULL,
            documents INTEGER NOT NULL,
            words INTEGER NOT NULL,
            status TEXT NOT NULL,
            ingest TEXT,
            parent INTEGER,
            created_at TEXT NOT NULL,
            finished_at TEXT,
            note TEXT,
            PRIMARY KEY (workdir, number)
        );
        CREATE INDEX annotation_shards_status ON annotation_shards(status, workdir);
        """,
    ),
    Migration(
        12,
        "sentences: whether each is a heading or list item, marked when annotating",
        # 1 or 0, written by annotate (policytext.headings); NULL for sentences stored
        # before, which search judges by the same look at query time until they are annotated again.
        """
        ALTER TABLE sentences ADD COLUMN heading INTEGER;
        """,
    ),
    Migration(
        13,
        "sentence_vectors: sentence embeddings for search by meaning, one row per sentence and model",
        # Each vector belongs to its sentence row: deleted with it (a re-annotated or deleted
        # document) and dropped when its text changes, because SQLite gives a new sentence the id
        # of a deleted one and an old vector must never stand for new words. ``policytext embed``
        # fills in what is missing. The vector is float32, little-endian, unit length.
        """
        CREATE TABLE sentence_vectors (
            sentence_id INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (sentence_id, model)
        ) WITHOUT ROWID;
        CREATE TRIGGER sentence_vectors_stale AFTER UPDATE OF text ON sentences BEGIN
            DELETE FROM sentence_vectors WHERE sentence_id = old.id;
        END;
        """,
    ),
    Migration(
        14,
        "people: one row a person, with name variants, party memberships and posts by date",
        # The person table that Hansard, ParlaMint and GOV.UK documents link to (meta.person_id):
        # loaded by `policytext collect people` from mySociety's Popolo files and ParlaMint's
        # listPerson/listOrg. Each row keeps the file it came from (``origin``), so loading a file
        # again replaces that file's rows and nothing else. ``key`` is the name folded for matching
        # (see policytext.store.people.name_key). Dates are ISO days; NULL is an open bound.
        """
        CREATE TABLE people (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            source TEXT NOT NULL,
            loaded_at TEXT NOT NULL
        );
        CREATE TABLE person_names (
            person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            key TEXT NOT NULL,
            kind TEXT NOT NULL,
            start_date TEXT,
            end_date TEXT,
            origin TEXT NOT NULL
        );
        CREATE INDEX person_names_key ON person_names(key);
        CREATE INDEX person_names_person ON person_names(person_id);
        CREATE TABLE person_parties (
            person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            party TEXT NOT NULL,
            start_date TEXT,
            end_date TEXT,
            member_id TEXT,
            origin TEXT NOT NULL
        );
        CREATE INDEX person_parties_person ON person_parties(person_id);
        CREATE INDEX person_parties_member ON person_parties(member_id);
        CREATE TABLE person_posts (
            person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            organisation TEXT,
            category TEXT,
            start_date TEXT,
            end_date TEXT,
            origin TEXT NOT NULL
        );
        CREATE INDEX person_posts_person ON person_posts(person_id);
        """,
    ),
    Migration(
        15,
        "person_shares: the entities listing's person counts, kept with the generation of annotations they count",
        # ``entities`` leaves out a PERSON name whose words the documents rarely tag a person's name
        # (policytext.annotate.summaries.person_shares); counting that reads every annotated
        # document's text (2 s on the post-1945 State of the Union addresses). Annotate stores the
        # counts here; ``annotation_generation.n`` goes up with every change to entities and to a
        # document's text or presence, so counts kept for an older generation are never read (the
        # listing counts afresh until the next annotate stores them again). ``lower_case``: every
        # word of the name is also written in lower case in the documents ("desert storm");
        # ``after_title``: the documents write the name just after a person's title ("Ms. Waters").
        # ``method``: the version of the counting, so counts kept by an older policytext are not read.
        """
        CREATE TABLE annotation_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
        INSERT INTO annotation_generation (id, n) VALUES (1, 0);
        CREATE TRIGGER entities_generation_ai AFTER INSERT ON entities BEGIN
            UPDATE annotation_generation SET n = n + 1;
        END;
        CREATE TRIGGER entities_generation_ad AFTER DELETE ON entities BEGIN
            UPDATE annotation_generation SET n = n + 1;
        END;
        CREATE TRIGGER entities_generation_au AFTER UPDATE ON entities BEGIN
            UPDATE annotation_generation SET n = n + 1;
        END;
        CREATE TRIGGER documents_generation_ai AFTER INSERT ON documents BEGIN
            UPDATE annotation_generation SET n = n + 1;
        END;
        CREATE TRIGGER documents_generation_ad AFTER DELETE ON documents BEGIN
            UPDATE annotation_generation SET n = n + 1;
        END;
        CREATE TRIGGER documents_generation_au AFTER UPDATE OF text ON documents BEGIN
            UPDATE annotation_generation SET n = n + 1;
        END;
        CREATE TABLE person_shares (
            name TEXT PRIMARY KEY,
            as_person INTEGER NOT NULL,
            places INTEGER NOT NULL,
            lower_case INTEGER NOT NULL,
            after_title INTEGER NOT NULL
        );
        CREATE TABLE person_shares_counted (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            generation INTEGER NOT NULL,
            method INTEGER NOT NULL,
            counted_at TEXT NOT NULL
        );
        """,
    ),
    Migration(
        16,
        "documents and annotation shards: the version of the annotation rules they were annotated under",
        # policytext.records.ANNOTATION_RULES: the quote finder, speaker resolution, claim scorer
        # and entity rules change between versions while the model and scheme stay the same.
        # Documents annotated before have none (NULL: older rules), so the next ``annotate`` redoes
        # them and search, quotes and claims say so until then; a Dask shard of the ledger with
        # none is abandoned when its run resumes, as a shard of another model is.
        """
        ALTER TABLE documents ADD COLUMN annotated_rules TEXT;
        ALTER TABLE annotation_shards ADD COLUMN rules TEXT;
        """,
    ),
    Migration(
        17,
        "deleted_documents: the id, source, speaker, party (and the source's label), kind and government of "
        "each document delete removed, never its text",
        # ``delete --speaker X --yes`` (or --party, --kind, --government, --id) run twice refused X the
        # second time as it refuses a typo (no document has that value any more): a repeat is told
        # apart from a typo by this record. A document collected again leaves it (the trigger);
        # ``delete --forget`` keeps none.
        """
        CREATE TABLE deleted_documents (
            id TEXT PRIMARY KEY,
            source TEXT,
            speaker TEXT,
            party TEXT,
            source_party TEXT,
            kind TEXT,
            government TEXT,
            deleted_at TEXT NOT NULL
        );
        CREATE INDEX deleted_documents_speaker ON deleted_documents (speaker);
        CREATE TRIGGER documents_undeleted_ai AFTER INSERT ON documents BEGIN
            DELETE FROM deleted_documents WHERE id = NEW.id;
        END;
        """,
    ),
    Migration(
        18,
        "search: FTS5 indexes of the words as written (no stemming) over sentences, quotes and claims",
        # A quoted phrase is matched as written ("new frontier" never finds "new frontiers"), in
        # <table>_exact: the tokenizer of <table>_fts without porter (policytext.search.matching).
        # An existing store's rows are indexed after the migration, in batches that each commit
        # (Store.fill_exact_indexes), so a large store resumes where it stopped; search_exact_fill
        # says up to which id each table is indexed, and the triggers keep only rows up to there
        # in step (the fill indexes the rest as it reaches them). FILLED: all of it.
        "CREATE TABLE search_exact_fill (name TEXT PRIMARY KEY, filled_to INTEGER NOT NULL);\n"
        + "".join("""
        CREATE VIRTUAL TABLE [{table}_exact] USING FTS5 (
            [text], tokenize='unicode61 remove_diacritics 2', content=[{table}], columnsize=0
        );
        INSERT INTO search_exact_fill (name, filled_to)
            SELECT '{table}', CASE WHEN EXISTS (SELECT 1 FROM [{table}]) THEN 0 ELSE {filled} END;
        CREATE TRIGGER [{table}_exact_ai] AFTER INSERT ON [{table}] BEGIN
            INSERT INTO [{table}_exact] (rowid, [text]) SELECT new.id, new.[text]
            WHERE new.id <= (SELECT filled_to FROM search_exact_fill WHERE name = '{table}');
        END;
        CREATE TRIGGER [{table}_exact_ad] AFTER DELETE ON [{table}] BEGIN
            INSERT INTO [{table}_exact] ([{table}_exact], rowid, [text]) SELECT 'delete', old.id, old.[text]
            WHERE old.id <= (SELECT filled_to FROM search_exact_fill WHERE name = '{table}');
        END;
        CREATE TRIGGER [{table}_exact_au] AFTER UPDATE ON [{table}] BEGIN
            INSERT INTO [{table}_exact] ([{table}_exact], rowid, [text]) SELECT 'delete', old.id, old.[text]
            WHERE old.id <= (SELECT filled_to FROM search_exact_fill WHERE name = '{table}');
            INSERT INTO [{table}_exact] (rowid, [text]) SELECT new.id, new.[text]
            WHERE new.id <= (SELECT filled_to FROM search_exact_fill WHERE name = '{table}');
        END;
        """.format(table=table, filled=FILLED) for table in EXACT_INDEXED),
    ),
]
