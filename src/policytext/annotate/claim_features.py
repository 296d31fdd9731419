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

BASE_CONTEXT_FEATURES = (
    "text_logit", "log_words",  # the line itself (text group)
    "before_logit", "after_logit",  # its neighbours
    "speaker_share", "speaker_question_rate", "not_a_person",  # who speaks
    "question", "answers_question", "turn_start",  # the exchange
    "position",  # where in the transcript
    "text_z", "text_rank", "speaker_mean_z",  # the text score against the rest of its transcript
)
"""The fourteen context features the rebuild's CV (``choose_params``) chooses among."""

TURN_FEATURES = (
    "turn_position", "turn_log_lines", "turn_end",  # the line's place in its speaker's turn
    "turn_prev_logit", "turn_next_logit", "turn_max_logit",  # the turn's other lines' text scores
)
"""The line in its turn (a run of lines by one speaker): compared by ``policytext.evaluation.claims_turns``."""

SPEAKER_ROLE_FEATURES = (
    "speaker_turn_share", "speaker_turn_question_rate", "speaker_log_turn_lines",
    "speaker_hands_over", "speaker_followers",
)
"""The speaker's part in the exchange, read from the turn structure alone (no list of names).

A moderator or questioner takes many short turns that end with a question and hand the floor to
someone who then speaks longer, to many different speakers; the context model learns from the
CLEF 2019 labels how much each of these says about a line being worth checking.
"""

CONTEXT_FEATURES = BASE_CONTEXT_FEATURES + TURN_FEATURES + SPEAKER_ROLE_FEATURES
"""Columns of :func:`context_features`, in order."""

FEATURE_GROUPS = {
    "neighbours": ("before_logit", "after_logit"),
    "speaker": ("speaker_share", "speaker_question_rate", "not_a_person"),
    "exchange": ("question", "answers_question", "turn_start"),
    "position": ("position",),
    "within transcript": ("text_z", "text_rank", "speaker_mean_z"),
}
"""Groups of :data:`BASE_CONTEXT_FEATURES` that the ablation in ``docs/evaluation.md`` removes one at a time."""

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
    turn_rows = _turn_features(speakers, questions, logits)
    answering = 0.0
    for i, (line, speaker) in enumerate(zip(lines, speakers)):
        turn_start = i == 0 or speakers[i - 1] != speaker
        if turn_start:  # a new turn answers a question when the turn before it ended with one
            answering = float(i > 0 and questions[i - 1] == 1.0)
        before = padded[i:i + _WINDOW]
        after = padded[i + _WINDOW + 1:i + 2 * _WINDOW + 1]
        rows[i, :len(BASE_CONTEXT_FEATURES)] = (
            logits[i], np.log1p(len(line.text.split())),
            _mean_or(before, logits.mean()), _mean_or(after, logits.mean()),
            lines_of[speaker] / count, questions_of[speaker] / lines_of[speaker],
            float(bool(_NOT_A_PERSON.match(speaker))),
            questions[i], answering, float(turn_start),
            i / (count - 1) if count > 1 else 0.0,
            z[i], rank[i], z_sum[speaker] / lines_of[speaker],
        )
    rows[:, len(BASE_CONTEXT_FEATURES):] = turn_rows
    return rows


def _turn_features(speakers: list[str], questions: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """Return the :data:`TURN_FEATURES` and :data:`SPEAKER_ROLE_FEATURES` columns of one transcript."""
    count = len(speakers)
    turns: list[tuple[int, int]] = []  # [start, end) of each run of lines by one speaker
    for i in range(count):
        if i == 0 or speakers[i] != speakers[i - 1]:
            turns.append((i, i + 1))
        else:
            turns[-1] = (turns[-1][0], i + 1)
    mean = float(logits.mean())
    turns_of: Counter = Counter()
    asking: Counter = Counter()  # turns that end with a question
    handing: Counter = Counter()  # turns followed by a longer turn of someone else
    lines_in_turns: Counter = Counter()
    followers: dict[str, set] = {}
    for k, (a, b) in enumerate(turns):
        speaker = speakers[a]
        turns_of[speaker] += 1
        lines_in_turns[speaker] += b - a
        asking[speaker] += questions[b - 1]
        if k + 1 < len(turns):
            c, d = turns[k + 1]
            handing[speaker] += float(d - c > b - a)
            followers.setdefault(speaker, set()).add(speakers[c])
    others = max(len(turns_of) - 1, 1)
    rows = np.zeros((count, len(TURN_FEATURES) + len(SPEAKER_ROLE_FEATURES)))
    for a, b in turns:
        speaker = speakers[a]
        size = b - a
        role = (turns_of[speaker] / len(turns), asking[speaker] / turns_of[speaker],
                np.log(lines_in_turns[speaker] / turns_of[speaker]), handing[speaker] / turns_of[speaker],
                len(followers.get(speaker, ())) / others)
        best = float(logits[a:b].max())
        for i in range(a, b):
            rows[i] = (
                (i - a) / (size - 1) if size > 1 else 0.0, np.log(size), float(i == b - 1),
                logits[i - 1] if i > a else mean, logits[i + 1] if i + 1 < b else mean, best,
                *role,
            )
    return rows


def _mean_or(values: np.ndarray, default: float) -> float:
    present = values[~np.isnan(values)]
    return float(present.mean()) if present.size else float(default)
