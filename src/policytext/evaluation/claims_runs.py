"""Score CheckThat! run files (one per transcript) with this project's ranking measure, beside the shipped scorer.

A run file is what CheckThat! task participants submitted: one file per transcript, named as the
transcript (``20160303_GOP_michigan.tsv``), one ``line_number<TAB>score`` line per line of it. A
folder of them is read against the labelled CSV (``clef2020-task5-test.csv``): every transcript
that has a run file is ranked by the run's scores and by the shipped scorer
(``score_transcript``), with the same measure (:func:`~policytext.evaluation.claims_data.rank_figures`),
and the per-transcript difference is bootstrapped in pairs.

Ties: :func:`rank_figures` uses scikit-learn's average precision, which counts tied lines as one
block (the precision at a tied score is that of the whole block). The task's own scorer sorted the
lines by score with a stable sort, so ties kept their file order, which is line order: a run with
many equal scores (0 and 1 are common) scores differently under it. Both are reported
(:func:`line_order_average_precision` is the second).

Run it: ``python -m policytext.evaluation.claims_runs RUN_DIR [--gold CSV]``.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

import numpy as np

from policytext.annotate.claim_model import ClaimScorer, LabelledTranscript
from policytext.errors import BadInput
from policytext.evaluation.claims_data import CLEF2020_FILE, rank_figures, read_clef
from policytext.evaluation.claims_turns import paired_difference


def read_run(path: str | Path, lines: int) -> np.ndarray:
    """Return the scores of a run file for a transcript of ``lines`` lines, in line order.

    Refuses a line that is not ``line_number<TAB>score``, a line number outside 1..``lines``, a
    line number given twice, and a transcript line without a score: a run that does not cover its
    transcript exactly would be scored on a different ranking than it submitted.
    """
    scores = np.full(lines, np.nan)
    for number, text in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        parts = text.split("\t")
        try:
            line, score = int(parts[0]), float(parts[1])
        except (IndexError, ValueError) as err:
            raise BadInput(str(path), f"expected 'line_number<TAB>score', got {text!r}", number) from err
        if not 1 <= line <= lines:
            raise BadInput(str(path), f"line number {line} outside the transcript's 1..{lines}", number)
        if not np.isnan(scores[line - 1]):
            raise BadInput(str(path), f"line number {line} is given twice", number)
        scores[line - 1] = score
    missing = np.flatnonzero(np.isnan(scores))
    if missing.size:
        raise BadInput(str(path), f"{missing.size} of the transcript's {lines} lines have no score "
                                  f"(first: line {missing[0] + 1})")
    return scores


def line_order_average_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Return average precision with ties in line order, as the CheckThat! 2020 task 5 scorer ranked them.

    Example:
        >>> line_order_average_precision([0, 1], [1.0, 1.0])
        0.5
    """
    labels = np.asarray(labels)
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    hits = np.cumsum(labels[order])
    relevant = labels[order] == 1
    return float((hits[relevant] / (np.flatnonzero(relevant) + 1)).sum() / labels.sum())


def score_run_folder(run_dir: str | Path, gold: str | Path, *, scorer: ClaimScorer | None = None) -> dict:
    """Score every run file of ``run_dir`` against the labelled CSV ``gold``, beside the shipped scorer.

    Returns the transcripts scored (those with a run file and a check-worthy line), the run's and
    the shipped scorer's figures on them, the paired difference (shipped − run), and both MAPs with
    ties in line order. A file of ``run_dir`` that names no transcript of ``gold`` is refused.
    """
    run_dir = Path(run_dir)
    transcripts = {t.name: t for t in read_clef(gold)}
    files = sorted(p for p in run_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    unknown = [p.name for p in files if p.name not in transcripts]
    if unknown:
        raise BadInput(str(run_dir), f"run file(s) {', '.join(unknown)} name no transcript of {gold}")
    if not files:
        raise BadInput(str(run_dir), "no run files")
    scorer = scorer or ClaimScorer.load()
    scored: list[LabelledTranscript] = []
    runs, shipped = [], []
    for path in files:
        transcript = transcripts[path.name]
        if not sum(transcript.labels):
            continue
        scored.append(transcript)
        runs.append(read_run(path, len(transcript.lines)))
        shipped.append(scorer.score_transcript(transcript.lines))
    run_figures, shipped_figures = rank_figures(scored, runs), rank_figures(scored, shipped)
    return {
        "transcripts": [t.name for t in scored],
        "without_run_file": sorted(set(transcripts) - {p.name for p in files}),
        "run": asdict(run_figures),
        "shipped": asdict(shipped_figures),
        "paired_difference_shipped_minus_run": asdict(paired_difference(shipped_figures.average_precision,
                                                                        run_figures.average_precision)),
        "map_ties_in_line_order": {
            "run": round(float(np.mean([line_order_average_precision(t.labels, s) for t, s in zip(scored, runs)])), 4),
            "shipped": round(float(np.mean([line_order_average_precision(t.labels, s)
                                            for t, s in zip(scored, shipped)])), 4)},
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m policytext.evaluation.claims_runs RUN_DIR [--gold CSV]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m policytext.evaluation.claims_runs",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", help="folder of run files, one per transcript, named as the transcript")
    parser.add_argument("--gold", default=f"../shared/data/claims/{CLEF2020_FILE}", help="the labelled CSV")
    args = parser.parse_args(argv)
    print(json.dumps(score_run_folder(args.run_dir, args.gold), indent=2))


if __name__ == "__main__":
    main()
