"""A quick real corpus for search evaluations and benchmarks: documents split into sentences only.

Evaluations of search and verification need many real sentences, not a full annotation: spaCy's
sentence recogniser (``senter``) alone splits the State of the Union addresses in seconds where a
full parse takes minutes.
"""
from __future__ import annotations

from typing import Any


def split_sentences(corpus: Any) -> int:
    """Store the sentences of every document of ``corpus`` that has none, split by ``senter`` alone.

    Returns how many documents were split. The model is the corpus's setting; entities, quotes,
    claims and lemmas are left out (they need the parse this skips).

    Example:
        >>> corpus.collect_sotu(since=1946); split_sentences(corpus)  # doctest: +SKIP
        79
    """
    from policytext.spacy_model import load_spacy_model

    conn = corpus.store.conn
    rows = conn.execute("SELECT id, text FROM documents d WHERE NOT EXISTS "
                        "(SELECT 1 FROM sentences s WHERE s.doc_id = d.id) ORDER BY date, id").fetchall()
    if not rows:
        return 0
    nlp = load_spacy_model(corpus.config.model, exclude=["ner", "lemmatizer", "parser", "tagger", "attribute_ruler"])
    nlp.enable_pipe("senter")
    nlp.max_length = max(len(text) for _, text in rows) + 1
    with corpus.store.transaction():
        for (doc_id, _), doc in zip(rows, nlp.pipe((text for _, text in rows), batch_size=4)):
            conn.executemany(
                "INSERT INTO sentences (doc_id, idx, start_char, end_char, text) VALUES (?, ?, ?, ?, ?)",
                [(doc_id, i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents) if s.text.strip()])
    return len(rows)
