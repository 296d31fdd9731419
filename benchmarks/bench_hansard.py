"""Speeches per second collecting Hansard sitting days (ParlParse XML) from local files.

The two real sample days in ../shared/data/parliament/ are written out again under other dates
(the speech ids carry the date), so a run collects many distinct days. Prints a table; the
baseline, measured in the same run, is parsing the same files without the store: the ratio
shows what labelling and writing add. The issue's target is 2,000 speeches/s collected. The
load average is printed beside the table: on a shared machine the speeds move with it, the
ratio to the baseline much less. So the table also gives the process's CPU seconds, and its wall
time less the time it spent waiting for a core ("no wait", from Linux's schedstat): what a run
with a core to itself would take, reading and writing files included.

    .venv/bin/python benchmarks/bench_hansard.py [--days 40] [--repeat 3]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from policytext import open_corpus
from policytext.collect.hansard import collect_hansard, day_outcomes, parse_day
from policytext.records import Document

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "parliament"
SAMPLES = {"2023-03-28": "debates2023-03-28d.xml", "2009-10-27": "debates2009-10-27d.xml"}


def _waited() -> float | None:
    """Seconds this thread has spent ready to run but waiting for a core (Linux), or None."""
    try:
        return int(Path("/proc/thread-self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def _time(function, repeat: int) -> tuple[float, float, float | None]:
    """Median wall seconds, CPU seconds and wall seconds less the wait for a core, of ``repeat`` calls.

    The last is what the run would take on a machine with a core free for it (reading and
    writing files still counted): on a busy machine it moves far less than wall time.
    """
    walls, cpus, unqueued = [], [], []
    for _ in range(repeat):
        waited = _waited()
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
        if waited is not None:
            unqueued.append(walls[-1] - (_waited() - waited))
    return statistics.median(walls), statistics.median(cpus), statistics.median(unqueued) if unqueued else None


def _write_days(folder: Path, days: int) -> list[Path]:
    """Write ``days`` files, alternating the two samples, each under a date of its own."""
    paths = []
    first = dt.date(2021, 1, 4)
    samples = [(date, (SHARED / name).read_bytes()) for date, name in SAMPLES.items()]
    for number in range(days):
        date, data = samples[number % len(samples)]
        new_date = (first + dt.timedelta(days=number)).isoformat()
        path = folder / f"debates{new_date}d.xml"
        path.write_bytes(data.replace(date.encode(), new_date.encode()))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="policytext-bench-hansard-"))
    days = work / "days"
    days.mkdir()
    paths = _write_days(days, args.days)
    speeches = 0

    def parse_only() -> None:
        nonlocal speeches
        speeches = sum(isinstance(o, Document) for p in paths
                       for o in day_outcomes(parse_day(p.read_bytes(), item=str(p))))

    def collect() -> None:
        folder = work / "corpus"
        shutil.rmtree(folder, ignore_errors=True)
        with open_corpus(folder, create=True) as corpus:
            assert collect_hansard(corpus, [days]).collected == speeches

    def collect_again() -> None:
        with open_corpus(work / "corpus") as corpus:
            assert collect_hansard(corpus, [days]).unchanged == speeches

    parse_only()
    load_before = os.getloadavg()[0]
    rows = [("parse only (baseline)", _time(parse_only, args.repeat)),
            ("collect into a new store", _time(collect, args.repeat)),
            ("collect again (all unchanged)", _time(collect_again, args.repeat))]
    print(f"{args.days} sitting days, {speeches:,} speeches (median of {args.repeat}); load average "
          f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores"
          + (" (a busy machine: compare the ratios, not the speeds)" if max(load_before, os.getloadavg()[0]) >= 3 else ""))
    print(f"{'what':30} {'seconds':>8} {'speeches/s':>10} {'x base':>6} {'CPU s':>6} {'per CPU s':>9} "
          f"{'x base':>6} {'no wait s':>9} {'speeches/s':>10} {'x base':>6}")
    base_wall, base_cpu, base_free = rows[0][1]
    for name, (wall, cpu, free) in rows:
        line = (f"{name:30} {wall:8.2f} {speeches / wall:10,.0f} {wall / base_wall:6.2f} "
                f"{cpu:6.2f} {speeches / cpu:9,.0f} {cpu / base_cpu:6.2f}")
        if free is not None and base_free is not None:
            line += f" {free:9.2f} {speeches / free:10,.0f} {free / base_free:6.2f}"
        print(line)
    print("no wait: wall time less the time spent waiting for a core (Linux schedstat)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
