"""The search page under load: latency, throughput and errors of ``policytext serve`` with 20 clients.

Serves a corpus of the post-1945 State of the Union addresses (collected and annotated on first
use, or ``--corpus`` to reuse one) with the real ``policytext serve`` command in a subprocess on
127.0.0.1, under ``ulimit -n 1024``. Clients on this machine each keep one connection open and
request page and JSON searches over sentences, quotes and claims in a loop bounded by time and by a
request cap. The requests are drawn from ``MIX``: 2,000 distinct searches (words, prefixes, phrases,
OR; filters by speaker, years and government; pages 1-3) built from a fixed seed, drawn with
Zipf-like popularity (the n-th most popular is asked 1/n as often as the first), so a few searches
recur and most are rare, as on a public page; each client draws its own sequence. Phases, all in
one run:

- ``baseline``: one client alone;
- ``20 clients``: the load of the target;
- ``1 client + idle``: one client while 300 other connections sit open and silent;
- ``20 clients + annotate --force``: the load while ``annotate --force`` rewrites every annotation
  of the same store in another process (started first; the phase begins once it has committed).

For each phase it prints requests, requests/s, p50/p95/max latency (from sending the request to
the last byte of the body), errors (anything but a complete 200), and the server's open file
descriptors, threads and memory, and how many answers came from the page's cache (``X-Cache: hit``).
``--no-cache`` serves with ``serve --no-cache``, so every answer is a search: run both to see how
much of the figure the cache explains. Target: no errors, p95 under 100 ms. A benchmark, not a test:
it never asserts on time.

The served store is a copy (in ``--work``) so that ``annotate --force`` never touches the corpus
it was given; the annotate run is interrupted when the last phase ends (a re-run of annotate
keeps every committed batch).

    .venv/bin/python benchmarks/bench_serve.py [--corpus DIR] [--seconds 30] [--clients 20] [--threads 4] [--processes 2] [--no-cache]
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

HOST = "127.0.0.1"
FD_LIMIT = 1024
IDLE_CONNECTIONS = 300
MAX_REQUESTS_PER_CLIENT = 100_000  # the loop's bound besides time
WORDS = [
    "inflation", "economy", "jobs", "energy", "war", "freedom", "education", "health", "taxes", "budget",
    "deficit", "defense", "peace", "oil", "farmers", "workers", "children", "schools", "poverty", "crime",
    "drugs", "immigration", "trade", "tariffs", "communism", "soviet", "nuclear", "terror", "security",
    "veterans", "medicare", "welfare", "housing", "cities", "environment", "climate", "science", "space",
    "technology", "industry", "growth", "prices", "wages", "unemployment", "debt", "spending", "congress",
    "constitution", "justice", "rights", "liberty", "democracy", "allies", "europe", "china", "russia",
    "vietnam", "korea", "iraq", "afghanistan", "israel", "mexico", "canada", "japan", "africa", "families",
    "women", "civil", "voting", "reform", "regulation", "business", "banks", "investment", "research",
    "pollution", "water", "highways", "transportation", "agriculture", "food", "hunger", "insurance",
    "pensions", "retirement", "students", "teachers", "colleges", "military", "army", "navy", "weapons",
    "missiles", "treaty", "united nations", "aid", "exports", "imports", "dollar", "gold", "savings",
]
PHRASES = ["health care", "middle class", "social security", "national defense", "foreign policy", "tax cuts",
           "federal government", "american people", "small business", "balanced budget", "civil rights",
           "nuclear weapons", "free trade", "minimum wage", "law enforcement", "space program"]
SPEAKERS = ["Truman", "Eisenhower", "Kennedy", "Johnson", "Nixon", "Ford", "Carter", "Reagan", "Bush",
            "Clinton", "Obama", "Trump", "Biden"]
GOVERNMENTS = ["Truman", "Eisenhower", "Kennedy", "Johnson", "Nixon", "Carter", "Reagan", "Clinton", "Obama"]
DISTINCT_REQUESTS = 2000


def build_mix(count: int = DISTINCT_REQUESTS, seed: int = 20) -> list[str]:
    """Return ``count`` distinct request paths, most popular first (the order is the popularity rank)."""
    rng = random.Random(seed)
    mix: dict[str, None] = {}
    while len(mix) < count:
        form = rng.random()
        word = rng.choice(WORDS)
        if form < 0.65:
            q = word
        elif form < 0.75:
            q = word[:max(4, len(word) - 3)] + "*"
        elif form < 0.9:
            q = f'"{rng.choice(PHRASES)}"'
        else:
            q = f"{word} OR {rng.choice(WORDS)}"
        params = [("q", q)]
        within = rng.choices(["sentences", "quotes", "claims"], [0.6, 0.15, 0.25])[0]
        if within != "sentences":
            params.append(("in", within))
        narrow = rng.random()
        if narrow < 0.15:
            params.append(("speaker", rng.choice(SPEAKERS)))
        elif narrow < 0.3:
            decade = rng.randrange(1940, 2030, 10)
            params += [("since", str(decade)), ("until", str(decade + 9))]
        elif narrow < 0.4:
            params.append(("government", rng.choice(GOVERNMENTS)))
        api = rng.random() < 0.4
        if api and rng.random() < 0.1:
            params.append(("limit", "50"))
        page = rng.choices([1, 2, 3], [0.8, 0.15, 0.05])[0]
        if page > 1:
            params.append(("page", str(page)))
        mix[("/api/search?" if api else "/?") + "&".join(f"{k}={quote(v)}" for k, v in params)] = None
    return list(mix)


MIX = build_mix()
POPULARITY = [1 / rank for rank in range(1, len(MIX) + 1)]  # Zipf, exponent 1
_CUMULATIVE = [sum(POPULARITY[:n + 1]) for n in range(len(POPULARITY))]


def kind_of(path: str) -> str:
    """Return the kind of a request for the per-kind table: endpoint and what it searches."""
    within = re.search(r"[?&]in=(\w+)", path)
    return f"{'JSON' if path.startswith('/api/') else 'page'} {within.group(1) if within else 'sentences'}"


def run_cli(corpus: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "policytext", "--corpus", str(corpus), *args], check=True)


def annotated(store: Path) -> bool:
    if not store.exists():
        return False
    conn = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM sentences)").fetchone()[0])
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def prepare_corpus(source: Path | None, work: Path) -> Path:
    """Return a copy of the annotated corpus to serve, collecting and annotating one if needed."""
    if source is None:
        source = work / "sotu-1946"
        if not annotated(source / "policytext.db"):
            print("Collecting the post-1945 addresses and annotating them (minutes)...", file=sys.stderr)
            run_cli(source, "collect", "sotu", "--since", "1946")
            run_cli(source, "annotate")
    elif not annotated(source / "policytext.db"):
        sys.exit(f"{source} has no annotated store: run 'policytext --corpus {source} annotate' first.")
    served = work / "served"
    shutil.rmtree(served, ignore_errors=True)
    served.mkdir(parents=True)
    for name in ("policytext.toml",):
        if (source / name).exists():
            shutil.copy(source / name, served / name)
    original = sqlite3.connect(f"{(source / 'policytext.db').resolve().as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(served / "policytext.db")
    try:
        original.backup(copy)
        copy.execute("PRAGMA journal_mode = WAL")
    finally:
        original.close()
        copy.close()
    return served


def _limit_descriptors() -> None:  # runs in the server's process before it starts
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = FD_LIMIT if hard == resource.RLIM_INFINITY else min(FD_LIMIT, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


class Server:
    """``policytext serve`` in a subprocess with at most 1,024 descriptors; its port and its stats."""

    def __init__(self, corpus: Path, threads: int, cache: bool, processes: int = 1):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "policytext", "--corpus", str(corpus), "serve", "--host", HOST,
             "--port", "0", "--threads", str(threads), "--processes", str(processes),
             "--cache" if cache else "--no-cache"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=_limit_descriptors)
        self.log: list[str] = []
        self.port = 0
        started = time.monotonic()
        while not self.port:
            line = self.process.stderr.readline()
            if not line or time.monotonic() - started > 120:
                self.process.kill()
                sys.exit("the server did not start:\n" + "".join(self.log) + line)
            self.log.append(line)
            found = re.search(rf"http://{re.escape(HOST)}:(\d+)/", line)
            self.port = int(found.group(1)) if found else 0
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.process.stderr:
            self.log.append(line)

    def pids(self) -> list[int]:
        """The server's process and the serving processes it started (``--processes``), which answer."""
        pid = self.process.pid
        try:
            children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            children = []
        return [pid, *children]

    def descriptors(self) -> int:
        total = 0
        for pid in self.pids():
            try:
                total += len(os.listdir(f"/proc/{pid}/fd"))
            except FileNotFoundError:  # a serving process that ended meanwhile
                pass
        return total

    def status(self, name: str) -> int:
        """Sum of a /proc status field (Threads, VmRSS) over the server's processes."""
        total = 0
        for pid in self.pids():
            try:
                text = Path(f"/proc/{pid}/status").read_text()
            except FileNotFoundError:
                continue
            total += int(re.search(rf"^{name}:\s+(\d+)", text, re.MULTILINE).group(1))
        return total

    def cpu_seconds(self) -> float:
        ticks = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class Phase:
    name: str
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    by_path: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    cache_hits: int = 0
    fds_before: int = 0
    fds_after: int = 0
    fds_peak: int = 0
    threads_peak: int = 0
    rss_peak_mb: float = 0.0
    client_cpu: float = 0.0  # CPU seconds of this process (the clients) during the phase
    server_cpu: float = 0.0  # CPU seconds of the server's process during the phase
    note: str = ""


def client(port: int, start: int, deadline: float, phase: Phase, lock: threading.Lock) -> None:
    """Request searches drawn from the mix (Zipf popularity, seeded by ``start``) over one kept-alive connection."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    latencies, errors, by_path, hits = [], {}, {}, 0
    draws = random.Random(start)
    cumulative = _CUMULATIVE
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        path = draws.choices(MIX, cum_weights=cumulative)[0]
        began = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200 or not body:
                errors[f"HTTP {response.status}"] = errors.get(f"HTTP {response.status}", 0) + 1
            else:
                latencies.append(time.perf_counter() - began)
                by_path.setdefault(kind_of(path), []).append(latencies[-1])
                hits += response.getheader("X-Cache") == "hit"
            if response.will_close:
                conn.close()
        except (OSError, http.client.HTTPException) as err:
            errors[type(err).__name__] = errors.get(type(err).__name__, 0) + 1
            conn.close()
    conn.close()
    with lock:
        phase.latencies.extend(latencies)
        phase.cache_hits += hits
        for path, values in by_path.items():
            phase.by_path.setdefault(path, []).extend(values)
        for name, count in errors.items():
            phase.errors[name] = phase.errors.get(name, 0) + count


def run_phase(server: Server, phase: Phase, seconds: float) -> Phase:
    lock = threading.Lock()
    phase.fds_before = server.descriptors()
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            phase.fds_peak = max(phase.fds_peak, server.descriptors())
            phase.threads_peak = max(phase.threads_peak, server.status("Threads"))
            phase.rss_peak_mb = max(phase.rss_peak_mb, server.status("VmRSS") / 1024)
            stop.wait(0.25)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.monotonic()
    client_cpu, server_cpu = _own_cpu(), server.cpu_seconds()
    deadline = started + seconds
    seed = sum(map(ord, phase.name)) * 1000
    clients = [threading.Thread(target=client, args=(server.port, seed + n, deadline, phase, lock))
               for n in range(phase.clients)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    phase.seconds = time.monotonic() - started
    phase.client_cpu, phase.server_cpu = _own_cpu() - client_cpu, server.cpu_seconds() - server_cpu
    stop.set()
    watcher.join()
    time.sleep(0.5)  # let the server close the connections the clients closed
    phase.fds_after = server.descriptors()
    return phase


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def open_idle(port: int, count: int) -> list[socket.socket]:
    idle = []
    for _ in range(count):
        sock = socket.create_connection((HOST, port), timeout=10)
        idle.append(sock)
    return idle


def wait_for_commit(store: Path, process: subprocess.Popen, timeout: float = 900) -> float:
    """Wait until another process commits to ``store`` (``PRAGMA data_version`` moves); return seconds."""
    conn = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)
    started = time.monotonic()
    try:
        first = conn.execute("PRAGMA data_version").fetchone()[0]
        while conn.execute("PRAGMA data_version").fetchone()[0] == first:
            if process.poll() is not None or time.monotonic() - started > timeout:
                sys.exit("annotate --force ended or wrote nothing; see its log")
            time.sleep(0.2)
    finally:
        conn.close()
    return time.monotonic() - started


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    """Return p50, p95 and max of ``values`` in milliseconds (nan when empty)."""
    if not values:
        return float("nan"), float("nan"), float("nan")
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return statistics.median(ordered) * 1000, p95 * 1000, ordered[-1] * 1000


def print_paths(baseline: Phase, loaded: Phase) -> None:
    """Print p50/p95 of each kind of request (endpoint and what it searches), alone and under load."""
    print(f"\n{'request':24} {'alone n':>7} {'p50':>7} {'p95':>7} {loaded.name + ' n':>18} {'p50':>7} {'p95':>7}")
    for kind in sorted(set(baseline.by_path) | set(loaded.by_path)):
        alone, busy = baseline.by_path.get(kind, []), loaded.by_path.get(kind, [])
        a, b = _percentiles(alone), _percentiles(busy)
        print(f"{kind:24} {len(alone):>7} {a[0]:>7.1f} {a[1]:>7.1f} {len(busy):>18} {b[0]:>7.1f} {b[1]:>7.1f}")


def print_table(phases: list[Phase]) -> None:
    header = (f"{'phase':32} {'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'max ms':>7} {'errors':>6} {'cached':>6} {'fds before→after (peak)':>24} {'threads':>7} {'RSS MB':>6}")
    print(header)
    print("-" * len(header))
    for p in phases:
        lat = p.latencies
        p50, p95, top = _percentiles(lat)
        errors = sum(p.errors.values())
        fds = f"{p.fds_before}→{p.fds_after} ({p.fds_peak})"
        print(f"{p.name:32} {p.clients:>7} {len(lat) + errors:>8} {(len(lat) + errors) / p.seconds:>7.1f} "
              f"{p50:>7.1f} {p95:>7.1f} {top:>7.1f} {errors:>6} {p.cache_hits:>6} {fds:>24} {p.threads_peak:>7} "
              f"{p.rss_peak_mb:>6.0f}")
    print("CPU use of each phase (cores: CPU seconds over the phase's seconds): " + "; ".join(
        f"{p.name}: server {p.server_cpu / p.seconds:.2f}, clients {p.client_cpu / p.seconds:.2f}" for p in phases))
    for p in phases:
        if p.errors:
            print(f"  {p.name}: errors {p.errors}")
        if p.note:
            print(f"  {p.name}: {p.note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None,
                        help="an annotated corpus to reuse (copied; default: collect and annotate one in --work)")
    parser.add_argument("--work", type=Path, default=None, help="folder kept between runs (default: a temp folder)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each loaded phase")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients of the loaded phases")
    parser.add_argument("--threads", type=int, default=4, help="the server's worker threads (serve --threads)")
    parser.add_argument("--processes", type=int, default=1, help="serving processes (serve --processes)")
    parser.add_argument("--no-cache", action="store_true",
                        help="serve with serve --no-cache: every answer is a search (default: the page's cache on)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="policytext-bench-serve-"))
    work.mkdir(parents=True, exist_ok=True)
    served = prepare_corpus(args.corpus, work)
    conn = sqlite3.connect(served / "policytext.db")
    documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    conn.close()
    print(f"Serving {documents} documents with {args.processes} process(es) of {args.threads} threads under ulimit -n {FD_LIMIT}, "
          f"cache {'off' if args.no_cache else 'on'}; {len(MIX)} distinct requests in the mix (Zipf); "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}\n")

    server = Server(served, args.threads, cache=not args.no_cache, processes=args.processes)
    phases: list[Phase] = []
    annotate = None
    log = open(work / "annotate-force.log", "w")
    try:
        started_fds = server.descriptors()
        phases.append(run_phase(server, Phase("baseline", 1), args.seconds))
        phases.append(run_phase(server, Phase(f"{args.clients} clients", args.clients), args.seconds))

        idle = open_idle(server.port, IDLE_CONNECTIONS)
        try:
            phase = run_phase(server, Phase(f"1 client + {IDLE_CONNECTIONS} idle", 1), min(args.seconds, 10))
            closed = sum(1 for sock in idle if _closed_by_server(sock))
            phase.note = f"{closed} of the {IDLE_CONNECTIONS} idle connections had been closed by the server"
            phases.append(phase)
        finally:
            for sock in idle:
                sock.close()

        annotate = subprocess.Popen([sys.executable, "-m", "policytext", "--corpus", str(served), "annotate", "--force"],
                                    stdout=log, stderr=subprocess.STDOUT)
        waited = wait_for_commit(served / "policytext.db", annotate)
        phase = run_phase(server, Phase(f"{args.clients} clients + annotate --force", args.clients), args.seconds)
        running = annotate.poll() is None
        phase.note = (f"annotate --force first committed {waited:.0f} s after its start and was "
                      f"{'still writing at the end' if running else 'finished before the end'}")
        phases.append(phase)
        ended_fds = server.descriptors()
    finally:
        if annotate is not None and annotate.poll() is None:
            annotate.send_signal(signal.SIGINT)
            try:
                annotate.wait(60)
            except subprocess.TimeoutExpired:
                annotate.kill()
        server.stop()
        log.close()

    print_table(phases)
    print(f"Load average at the end: {os.getloadavg()[0]:.1f}")
    print_paths(phases[0], phases[1])
    logged = [line.rstrip() for line in server.log if " WARNING: " in line or " ERROR: " in line or "Traceback" in line]
    print(f"\nServer descriptors: {started_fds} after start, {ended_fds} after every phase (limit {FD_LIMIT}). "
          f"Warnings and errors the server logged: {len(logged)}.")
    for line in logged[:10]:
        print("  " + line)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


def _closed_by_server(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


if __name__ == "__main__":
    main()
