"""Speeches per second collecting Hansard sitting days (ParlParse XML) from local files.

The two real sample days in ../shared/data/parliament/ are written out again under other dates
(the speech ids carry the date), so a run collects many distinct days. Prints a table; the
baseline, measured in the same run, is parsing the same files without the store: the ratio
shows what labelling and writing add. The issue's target is 2,000 speeches/s collected. The
load average is printed beside the table: on a shared machine the speeds move with it, the
ratio to the baseline much less, and the process's CPU seconds (also printed, with speeches per CPU
second) least: on a quiet machine wall time is about CPU time.

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


def _time(function, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``repeat`` calls (CPU time moves far less with the machine's load)."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), statistics.median(cpus)


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
    print(f"{'what':32} {'seconds':>8} {'speeches/s':>11} {'x baseline':>10} {'CPU s':>7} {'per CPU s':>10} {'x baseline':>10}")
    base_wall, base_cpu = rows[0][1]
    for name, (wall, cpu) in rows:
        print(f"{name:32} {wall:8.2f} {speeches / wall:11,.0f} {wall / base_wall:10.2f} "
              f"{cpu:7.2f} {speeches / cpu:10,.0f} {cpu / base_cpu:10.2f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
