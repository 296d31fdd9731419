"""Cost of the first-name table per process: looked up in place (bisecting the file) beside parsing it whole.

Speaker resolution reads first names' genders from the ``nomquamgender`` table (``name_data.json``,
720,000 names, 22 MB). The baseline, measured in the same run, is what every annotate process did
before: parse the whole table into a dict (:func:`~policytext.annotate.first_names.read_name_table`).
The lazy table (:class:`~policytext.annotate.first_names.NameTable`) opens the file memory-mapped,
checks its order at 64 points, and bisects the bytes for each name. Each is timed cold (a fresh
object) for opening plus ``--names`` lookups (about what a few hundred news articles ask); "ratio" is
the baseline's time over the lazy table's. Both answer every looked-up name the same (checked).

    .venv/bin/python benchmarks/bench_names.py [--repeat 3] [--names 300]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

from policytext.annotate.first_names import NameTable, read_name_table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--names", type=int, default=300, help="lookups per run (first names of the table)")
    args = parser.parse_args()
    path = NameTable.installed().path
    full_times, lazy_times, names = [], [], []
    for _ in range(args.repeat):
        began = time.perf_counter()
        full = read_name_table(path)
        answers = [full.get(name) for name in names] if names else None
        full_times.append(time.perf_counter() - began)
        if not names:
            every = sorted(full)
            names = every[:: max(1, len(every) // args.names)][: args.names] + ["xqzv", "zzzzzzzz"]
            answers = [full.get(name) for name in names]
        began = time.perf_counter()
        table = NameTable(path)
        lazy = [table.code(name) for name in names]
        lazy_times.append(time.perf_counter() - began)
        if lazy != answers:
            raise SystemExit("the lazy table and the full parse disagree: a bug")
    full_s, lazy_s = statistics.median(full_times), statistics.median(lazy_times)
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(f"{'method':<38}{'median s':>10}{'ratio':>8}")
    print(f"{'parse the whole table (baseline)':<38}{full_s:>10.3f}{1.0:>8.2f}")
    print(f"{f'open in place + {len(names)} lookups':<38}{lazy_s:>10.4f}{full_s / lazy_s:>8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
