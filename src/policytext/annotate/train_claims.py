"""Rebuild the shipped claim scorer in ``models/claims/`` from ``../shared/data/claims/``.

Usage (from the project root)::

    .venv/bin/python -m policytext.annotate.train_claims [--data ../shared/data/claims] [--out models/claims] [--no-eval]

Trains the text model on every ClaimBuster sentence (CC BY 4.0) and every line of the CLEF
CheckThat! 2019 task 1 training transcripts (free for research use), and the context model on
those transcripts' out-of-fold text scores; measures the figures of
:mod:`policytext.evaluation.claims` (unless ``--no-eval``): ClaimBuster 5-fold, CLEF 2019
leave-one-transcript-out, CLEF 2020 task 5 (the out-of-sample set); and writes ``scorer.json`` +
``scorer.npz`` (no pickle) and ``metrics.json``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

import sklearn

from policytext.annotate.claim_model import MODEL_DIR, ClaimScorer
from policytext.evaluation.claims import (
    CLAIMBUSTER_FILE,
    CLEF2020_FILE,
    CLEF_FILE,
    evaluate_claimbuster,
    evaluate_clef2020,
    evaluate_clef_leave_one_out,
    read_claimbuster,
    read_clef,
    train_shipped_scorer,
)


def train_claim_scorer(data_dir: str | Path, *, out: str | Path = MODEL_DIR, evaluate: bool = True) -> ClaimScorer:
    """Train the scorer on ClaimBuster and CLEF 2019 train, save it to ``out`` and return it (with its card).

    Args:
        data_dir: the folder with the ClaimBuster and CLEF CSVs (``../shared/data/claims``).
        out: the folder to write ``scorer.json``, ``scorer.npz`` and ``metrics.json`` into.
        evaluate: also measure the figures (several minutes) and store them in the card.

    Returns:
        The fitted scorer.

    Example:
        >>> train_claim_scorer("../shared/data/claims", out="models/claims")  # doctest: +SKIP
    """
    data_dir = Path(data_dir)
    texts, labels = read_claimbuster(data_dir / CLAIMBUSTER_FILE)
    transcripts = read_clef(data_dir / CLEF_FILE)
    scorer = train_shipped_scorer(data_dir)
    metrics = {}
    if evaluate:
        metrics = {
            "claimbuster_5fold": asdict(evaluate_claimbuster(data_dir / CLAIMBUSTER_FILE)),
            "clef2019_leave_one_transcript_out": {
                name: asdict(f) for name, f in evaluate_clef_leave_one_out(data_dir / CLEF_FILE,
                                                                           extra=(texts, labels)).items()},
            "clef2020_task5": {name: asdict(f) for name, f in evaluate_clef2020(data_dir, scorer=scorer).items()},
        }
    scorer.card = {
        "trained_on": [CLAIMBUSTER_FILE, CLEF_FILE],
        "out_of_sample": CLEF2020_FILE,
        "sentences": len(texts) + sum(len(t.lines) for t in transcripts),
        "positives": int(sum(labels)) + sum(sum(t.labels) for t in transcripts),
        "model": "text: logistic regression over word+char tf-idf and claim-type features; context: logistic "
                 "regression over a transcript line's out-of-fold text score, its neighbours', speaker, question "
                 "and position features",
        "params": scorer.get_params(),
        "scikit_learn": sklearn.__version__,
        "date": dt.date.today().isoformat(),
        "metrics": metrics,
    }
    out = Path(out)
    scorer.save(out)
    (out / "metrics.json").write_text(json.dumps(scorer.card, indent=2) + "\n", encoding="utf-8")
    return scorer


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policytext.annotate.train_claims",
                                     description="Rebuild the claim scorer shipped in models/claims.")
    parser.add_argument("--data", default="../shared/data/claims", help="folder with the labelled CSVs")
    parser.add_argument("--out", default=str(MODEL_DIR), help="folder to write the model into")
    parser.add_argument("--no-eval", action="store_true", help="skip the evaluations")
    args = parser.parse_args(argv)
    scorer = train_claim_scorer(args.data, out=args.out, evaluate=not args.no_eval)
    sys.stdout.write(json.dumps(scorer.card, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
