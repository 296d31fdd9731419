"""Compare context models that read the line's turn and its speaker's role against the default, under a fixed rule.

The challengers (:data:`TURN_CHALLENGERS`) add to the default context model's eleven features
the line in its speaker's turn (:data:`~policytext.annotate.claim_features.TURN_FEATURES`), the
speaker's role read from the turn structure
(:data:`~policytext.annotate.claim_features.SPEAKER_ROLE_FEATURES`), both, and both with the
within-transcript normalisation of the text score (z-score, rank share, speaker's mean z-score).

The protocol and the decision rule were written (docs/evaluation.md, "Decision rule for a
challenger") before anything was run:

1. Every scorer reads the same text scores of the CLEF 2019 train lines: the shipped text model's
   blocks cross-validated in 3 rounds with ``C`` nested
   (:func:`~policytext.evaluation.claims_variants.cached_cross_validation`), so no line is scored
   by a text model that saw its transcript. Each context model (``context_C`` 0.1, the default's)
   is fitted leave one transcript out.
2. :func:`paired_difference`: per transcript, AP(challenger) − AP(default); the transcripts are
   resampled (paired) 2,000 times, seed 0. A challenger replaces the default only if the 2.5th
   percentile of the resampled mean is above 0; among several, the highest 2.5th percentile.
3. The choice is written (``turns-choice.json``) before CLEF 2020 task 5 is read; then every
   scorer is scored on it once: the shipped text model's scores of the test lines, each context
   model fitted on all 19 transcripts' 3-round scores (``C`` = 2, the shipped text model's).

Run it: ``python -m policytext.evaluation.claims --turns --cache DIR [DATA_DIR]``.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from policytext.annotate.claim_features import SPEAKER_ROLE_FEATURES, TURN_FEATURES, context_features
from policytext.annotate.claim_model import ClaimScorer, LabelledTranscript
from policytext.evaluation.claims_data import (
    CLAIMBUSTER_FILE,
    CLEF2020_FILE,
    CLEF_FILE,
    RankingFigures,
    leave_one_out_context,
    rank_figures,
    read_claimbuster,
    read_clef,
)

DEFAULT_CONTEXT = ("text_logit", "log_words", "before_logit", "after_logit", "speaker_share",
                   "speaker_question_rate", "not_a_person", "question", "answers_question", "turn_start", "position")
"""The shipped context model's eleven features (``models/claims/scorer.json``), the incumbent."""

_WITHIN = ("text_z", "text_rank", "speaker_mean_z")

TURN_CHALLENGERS: dict[str, tuple[str, ...]] = {
    "default + turn": DEFAULT_CONTEXT + TURN_FEATURES,
    "default + speaker role": DEFAULT_CONTEXT + SPEAKER_ROLE_FEATURES,
    "default + turn + speaker role": DEFAULT_CONTEXT + TURN_FEATURES + SPEAKER_ROLE_FEATURES,
    "default + turn + speaker role + within transcript": DEFAULT_CONTEXT + TURN_FEATURES + SPEAKER_ROLE_FEATURES
    + _WITHIN,
}
"""The challengers, fixed before the run: their context features."""

CONTEXT_C = 0.1
"""The context model's ``C`` for every scorer compared (the default's; not tuned here)."""


@dataclass(frozen=True)
class PairedDifference:
    """The mean per-transcript AP difference of a challenger over the default, with its paired bootstrap."""

    mean: float
    sd: float
    interval: tuple[float, float]
    wins: int
    transcripts: int

    @property
    def passes(self) -> bool:
        """Whether the challenger beats the default beyond the noise: the interval's lower end is above 0."""
        return self.interval[0] > 0


def paired_difference(challenger: Sequence[float], default: Sequence[float], *, resamples: int = 2000,
                      seed: int = 0) -> PairedDifference:
    """Return the mean of ``challenger − default`` (one AP per transcript, same order) and its paired bootstrap.

    Example:
        >>> paired_difference([0.3, 0.5, 0.4], [0.2, 0.4, 0.3]).passes
        True
    """
    challenger, default = np.asarray(challenger, dtype=np.float64), np.asarray(default, dtype=np.float64)
    if challenger.shape != default.shape or challenger.ndim != 1 or not challenger.size:
        raise ValueError("paired_difference needs one AP per transcript for both scorers, in the same order")
    difference = challenger - default
    rng = np.random.default_rng(seed)
    means = difference[rng.integers(0, difference.size, size=(resamples, difference.size))].mean(axis=1)
    return PairedDifference(mean=round(float(difference.mean()), 4), sd=round(float(means.std()), 4),
                            interval=(round(float(np.quantile(means, 0.025)), 4),
                                      round(float(np.quantile(means, 0.975)), 4)),
                            wins=int((difference > 0).sum()), transcripts=int(difference.size))


def paired_against(figures: dict[str, RankingFigures], incumbent: str = "default") -> dict[str, dict]:
    """Return each scorer's :func:`paired_difference` over ``incumbent`` (same transcripts), as plain values."""
    return {name: asdict(paired_difference(f.average_precision, figures[incumbent].average_precision))
            for name, f in figures.items() if name != incumbent}


def choose_by_rule(default: RankingFigures, challengers: dict[str, RankingFigures]) -> tuple[str, dict[str, PairedDifference]]:
    """Return the scorer the rule keeps (``"default"`` or a challenger's name) and every challenger's paired difference."""
    differences = {name: paired_difference(f.average_precision, default.average_precision)
                   for name, f in challengers.items()}
    passing = {name: d for name, d in differences.items() if d.passes}
    chosen = max(passing, key=lambda name: passing[name].interval[0]) if passing else "default"
    return chosen, differences


def compare_turn_context(data_dir: str | Path, cache_dir: str | Path, *, score: bool = True,
                         log: Callable[[str], Any] | None = None) -> dict:
    """Run the comparison of the module's protocol; write the choice, then (``score``) CLEF 2020 once; return both.

    ``cache_dir`` holds the text model's 3-round cross-validation (computed there once, then read)
    and receives ``turns-choice.json`` and ``turns-clef2020.json``.
    """
    from policytext.evaluation.claims_variants import VARIANTS, VariantData, cached_cross_validation

    data_dir, cache_dir = Path(data_dir), Path(cache_dir)
    cb_texts, cb_labels = read_claimbuster(data_dir / CLAIMBUSTER_FILE)
    transcripts = read_clef(data_dir / CLEF_FILE)
    data = VariantData(cb_texts, cb_labels, transcripts)
    cv = cached_cross_validation(data, VARIANTS["text model"], cache_dir, log=log)
    scorers = {"default": DEFAULT_CONTEXT, **TURN_CHALLENGERS}
    clef2019 = _leave_one_out(data.transcripts, data.line_logits(cv.nested), scorers)
    chosen, differences = choose_by_rule(clef2019["default"], {k: v for k, v in clef2019.items() if k != "default"})
    choice = {
        "written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "chosen": chosen,
        "context_C": CONTEXT_C,
        "clef2019": {name: asdict(f) for name, f in clef2019.items()},
        "paired_difference": {name: {**asdict(d), "passes": d.passes} for name, d in differences.items()},
        "features": {name: list(f) for name, f in scorers.items()},
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    if not score:
        return {"choice": choice}
    (cache_dir / "turns-choice.json").write_text(json.dumps(choice, indent=2) + "\n", encoding="utf-8")
    if log is not None:
        log(f"the rule keeps {chosen!r}; now scoring CLEF 2020 task 5 once")
    test = read_clef(data_dir / CLEF2020_FILE)
    shipped = ClaimScorer.load()
    test_logits = [shipped.text_logits([line.text for line in t.lines]) for t in test]
    train_logits = data.line_logits(cv.grid[_grid_index(shipped.C)])
    figures = {}
    for name, features in scorers.items():
        model = ClaimScorer(context_features=features, context_C=CONTEXT_C).fit_context(data.transcripts, train_logits)
        figures[name] = rank_figures(test, [model.context_logits(context_features(t.lines, logits))
                                            for t, logits in zip(test, test_logits)])
    scored = {"written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "chosen": chosen,
              "clef2020_task5": {name: asdict(f) for name, f in figures.items()},
              "paired_difference_clef2020": paired_against(figures)}
    (cache_dir / "turns-clef2020.json").write_text(json.dumps(scored, indent=2) + "\n", encoding="utf-8")
    return {"choice": choice, "clef2020": scored}


def _leave_one_out(transcripts: Sequence[LabelledTranscript], logits: Sequence[np.ndarray],
                   scorers: dict[str, tuple[str, ...]]) -> dict[str, RankingFigures]:
    rows = [context_features(t.lines, values) for t, values in zip(transcripts, logits)]
    labels = [np.asarray(t.labels, dtype=int) for t in transcripts]
    everyone = range(len(transcripts))
    return {name: rank_figures(transcripts, leave_one_out_context(rows, labels, everyone, features, CONTEXT_C))
            for name, features in scorers.items()}


def _grid_index(C: float) -> int:
    from policytext.evaluation.claims_variants import VARIANT_C_GRID

    if C not in VARIANT_C_GRID:
        raise ValueError(f"the shipped text model's C={C} is not in the variants' grid {VARIANT_C_GRID}")
    return VARIANT_C_GRID.index(C)
