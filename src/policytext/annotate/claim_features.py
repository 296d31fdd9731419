"""What the claim scorer reads besides a sentence's words: the line's place in its transcript.

A debate, interview or rally is a sequence of lines, each with its speaker. Whether a line is
worth checking depends on more than its words: a moderator's question is rarely a claim to check,
an answer to a question often holds one, and check-worthy lines come in runs. The features below
describe one line in its transcript, from the text model's score of the line and of its
neighbours and from who speaks; :class:`~policytext.annotate.claim_model.ClaimScorer` learns their
weights on transcripts (CLEF CheckThat! 2019) when it is given some.

Nothing here needs spaCy: the features are read from the texts and speakers alone.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

CONTEXT_FEATURES = (
    "text_logit", "log_words",  # the line itself (text group)
    "before_logit", "after_logit",  # its neighbours
    "speaker_share", "speaker_question_rate", "not_a_person",  # who speaks
    "question", "answers_question", "turn_start",  # the exchange
    "position",  # where in the transcript
    "text_z", "text_rank", "speaker_mean_z",  # the text score against the rest of its transcript
)
"""Columns of :func:`context_features`, in order."""

FEATURE_GROUPS = {
    "neighbours": ("before_logit", "after_logit"),
    "speaker": ("speaker_share", "speaker_question_rate", "not_a_person"),
    "exchange": ("question", "answers_question", "turn_start"),
    "position": ("position",),
    "within transcript": ("text_z", "text_rank", "speaker_mean_z"),
}
"""Groups of context features that the ablation in ``docs/evaluation.md`` removes one at a time."""

_NOT_A_PERSON = re.compile(r"^(?:system|sysytem|audience.*|question|questioner|unidentified|unknown|crosstalk|"
                           r"unidentified.*|\(?applause\)?|)$", re.IGNORECASE)
_WINDOW = 2  # lines on each side whose text scores make the neighbour features


@dataclass(frozen=True)
class TranscriptLine:
    """One line of a transcript: its text and who said it (``None`` when unknown)."""

    text: str
    speaker: str | None = None


def context_features(lines: Sequence[TranscriptLine], text_logits: Sequence[float]) -> np.ndarray:
    """Return one row of :data:`CONTEXT_FEATURES` per line of one transcript, in order.

    Args:
        lines: the transcript's lines, in order.
        text_logits: the text model's logit (log-odds) for each line.

    Returns:
        A ``len(lines) × len(CONTEXT_FEATURES)`` array.

    Example:
        >>> rows = context_features([TranscriptLine("Why?", "HOLT"), TranscriptLine("Tax rose 5%.", "TRUMP")],
        ...                         [-2.0, 1.0])
        >>> float(rows[1, CONTEXT_FEATURES.index("answers_question")])
        1.0
    """
    logits = np.asarray(text_logits, dtype=np.float64)
    count = len(lines)
    if logits.shape != (count,):
        raise ValueError(f"{count} lines but {logits.shape[0]} text scores")
    if not count:
        return np.zeros((0, len(CONTEXT_FEATURES)))
    speakers = [(line.speaker or "").strip().upper() for line in lines]
    questions = np.array([line.text.rstrip().endswith("?") for line in lines], dtype=np.float64)
    lines_of = Counter(speakers)
    questions_of: Counter = Counter()
    for speaker, question in zip(speakers, questions):
        questions_of[speaker] += question
    padded = np.concatenate([np.full(_WINDOW, np.nan), logits, np.full(_WINDOW, np.nan)])
    # per-transcript normalisation: a rally's lines all score lower than a debate's, and the
    # ranking that matters is within one transcript
    spread = logits.std()
    z = (logits - logits.mean()) / spread if spread > 0 else np.zeros(count)
    rank = (np.argsort(np.argsort(logits, kind="stable"), kind="stable") / (count - 1) if count > 1
            else np.zeros(count))
    z_sum: Counter = Counter()
    for speaker, value in zip(speakers, z):
        z_sum[speaker] += value
    rows = np.zeros((count, len(CONTEXT_FEATURES)))
    answering = 0.0
    for i, (line, speaker) in enumerate(zip(lines, speakers)):
        turn_start = i == 0 or speakers[i - 1] != speaker
        if turn_start:  # a new turn answers a question when the turn before it ended with one
            answering = float(i > 0 and questions[i - 1] == 1.0)
        before = padded[i:i + _WINDOW]
        after = padded[i + _WINDOW + 1:i + 2 * _WINDOW + 1]
        rows[i] = (
            logits[i], np.log1p(len(line.text.split())),
            _mean_or(before, logits.mean()), _mean_or(after, logits.mean()),
            lines_of[speaker] / count, questions_of[speaker] / lines_of[speaker],
            float(bool(_NOT_A_PERSON.match(speaker))),
            questions[i], answering, float(turn_start),
            i / (count - 1) if count > 1 else 0.0,
            z[i], rank[i], z_sum[speaker] / lines_of[speaker],
        )
    return rows


def _mean_or(values: np.ndarray, default: float) -> float:
    present = values[~np.isnan(values)]
    return float(present.mean()) if present.size else float(default)
