import numpy as np
import pytest

from policytext.annotate.claim_features import CONTEXT_FEATURES, FEATURE_GROUPS, TranscriptLine, context_features

DEBATE = [
    TranscriptLine("Good evening and welcome.", "HOLT"),
    TranscriptLine("Why should voters trust you on jobs?", "HOLT"),
    TranscriptLine("We lost 70,000 factories.", "TRUMP"),
    TranscriptLine("It is a disaster.", "TRUMP"),
    TranscriptLine("(APPLAUSE)", "SYSTEM"),
    TranscriptLine("That is not true.", "CLINTON"),
]


def _column(rows, name):
    return rows[:, CONTEXT_FEATURES.index(name)].tolist()


def test_every_feature_of_a_small_debate():
    logits = [-3.0, -2.0, 2.0, 0.0, -4.0, 1.0]
    rows = context_features(DEBATE, logits)
    assert rows.shape == (6, len(CONTEXT_FEATURES))
    assert _column(rows, "text_logit") == logits
    assert _column(rows, "question") == [0, 1, 0, 0, 0, 0]
    # the turn after a question answers it, to its end; a later turn does not
    assert _column(rows, "answers_question") == [0, 0, 1, 1, 0, 0]
    assert _column(rows, "turn_start") == [1, 0, 1, 0, 1, 1]
    assert _column(rows, "speaker_share") == pytest.approx([2 / 6, 2 / 6, 2 / 6, 2 / 6, 1 / 6, 1 / 6])
    assert _column(rows, "speaker_question_rate") == [0.5, 0.5, 0, 0, 0, 0]
    assert _column(rows, "not_a_person") == [0, 0, 0, 0, 1, 0]
    assert _column(rows, "position") == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    # neighbours: the mean of up to two lines on each side (the transcript's mean where there is none)
    assert _column(rows, "before_logit") == pytest.approx([np.mean(logits), -3.0, -2.5, 0.0, 1.0, -2.0])
    assert _column(rows, "after_logit") == pytest.approx([0.0, 1.0, -2.0, -1.5, 1.0, np.mean(logits)])
    # within the transcript: z-score, rank share (0 = lowest, 1 = highest) and the speaker's mean z
    z = (np.array(logits) - np.mean(logits)) / np.std(logits)
    assert _column(rows, "text_z") == pytest.approx(z.tolist())
    assert _column(rows, "text_rank") == pytest.approx([0.2, 0.4, 1.0, 0.6, 0.0, 0.8])
    assert _column(rows, "speaker_mean_z") == pytest.approx([(z[0] + z[1]) / 2] * 2 + [(z[2] + z[3]) / 2] * 2
                                                            + [z[4], z[5]])


def test_the_within_transcript_features_ignore_a_shift_of_every_score():
    # a transcript whose lines all score 3 lower (a rally against a debate) keeps its normalised features
    logits = np.array([-3.0, -2.0, 2.0, 0.0, -4.0, 1.0])
    columns = [CONTEXT_FEATURES.index(name) for name in FEATURE_GROUPS["within transcript"]]
    np.testing.assert_allclose(context_features(DEBATE, logits)[:, columns],
                               context_features(DEBATE, logits - 3.0)[:, columns])
    flat = context_features(DEBATE[:2], [1.0, 1.0])[:, columns]
    assert np.isfinite(flat).all()


def test_unknown_speakers_are_one_speaker():
    rows = context_features([TranscriptLine("A."), TranscriptLine("B?"), TranscriptLine("C.")], [0.0, 0.0, 0.0])
    assert _column(rows, "speaker_share") == [1.0, 1.0, 1.0]
    assert _column(rows, "turn_start") == [1, 0, 0]
    assert _column(rows, "answers_question") == [0, 0, 0]


def test_an_empty_transcript_and_mismatched_scores():
    assert context_features([], []).shape == (0, len(CONTEXT_FEATURES))
    with pytest.raises(ValueError, match="2 lines but 1 text scores"):
        context_features(DEBATE[:2], [0.0])


def test_the_ablation_groups_name_real_features():
    grouped = [name for names in FEATURE_GROUPS.values() for name in names]
    assert set(grouped) <= set(CONTEXT_FEATURES) and len(grouped) == len(set(grouped))


def test_the_line_in_its_turn():
    logits = [-3.0, -2.0, 2.0, 0.0, -4.0, 1.0]  # transcript mean -1
    rows = context_features(DEBATE, logits)
    assert _column(rows, "turn_position") == [0, 1, 0, 1, 0, 0]
    assert _column(rows, "turn_log_lines") == pytest.approx([np.log(2)] * 4 + [0, 0])
    assert _column(rows, "turn_end") == [0, 1, 0, 1, 1, 1]
    # the previous and next line of the same turn (the transcript's mean where the turn has none)
    assert _column(rows, "turn_prev_logit") == [-1, -3, -1, 2, -1, -1]
    assert _column(rows, "turn_next_logit") == [-2, -1, 0, -1, -1, -1]
    assert _column(rows, "turn_max_logit") == [-2, -2, 2, 2, -4, 1]


def test_the_speaker_role_is_read_from_the_turns():
    # a moderator: short turns ending with a question, each followed by a longer answer by someone else
    interview = [
        TranscriptLine("Why did prices rise?", "MOD"),
        TranscriptLine("Prices rose 9%.", "SMITH"), TranscriptLine("Wages fell.", "SMITH"),
        TranscriptLine("Rents doubled.", "SMITH"),
        TranscriptLine("And you?", "MOD"),
        TranscriptLine("Tax fell.", "JONES"), TranscriptLine("Jobs rose.", "JONES"),
        TranscriptLine("Thank you both.", "MOD"),
    ]
    rows = context_features(interview, [0.0] * 8)
    mod, smith, jones = 0, 1, 5
    assert [_column(rows, "speaker_turn_share")[i] for i in (mod, smith, jones)] == pytest.approx([3 / 5, 1 / 5, 1 / 5])
    assert [_column(rows, "speaker_turn_question_rate")[i] for i in (mod, smith, jones)] == pytest.approx([2 / 3, 0, 0])
    assert [_column(rows, "speaker_log_turn_lines")[i] for i in (mod, smith, jones)] == pytest.approx(
        [0, np.log(3), np.log(2)])
    # the last turn hands over to no one, and counts as a turn that did not
    assert [_column(rows, "speaker_hands_over")[i] for i in (mod, smith, jones)] == pytest.approx([2 / 3, 0, 0])
    # distinct speakers who took the floor after them, of the two others
    assert [_column(rows, "speaker_followers")[i] for i in (mod, smith, jones)] == pytest.approx([1.0, 0.5, 0.5])
    assert _column(rows, "speaker_turn_share")[7] == pytest.approx(3 / 5)  # every line of a speaker alike


def test_the_default_context_model_reads_the_base_features_only():
    from policytext.annotate.claim_features import BASE_CONTEXT_FEATURES, SPEAKER_ROLE_FEATURES, TURN_FEATURES
    from policytext.annotate.claim_model import ClaimScorer

    assert ClaimScorer().context_features == BASE_CONTEXT_FEATURES
    assert CONTEXT_FEATURES == BASE_CONTEXT_FEATURES + TURN_FEATURES + SPEAKER_ROLE_FEATURES
    assert len(set(CONTEXT_FEATURES)) == len(CONTEXT_FEATURES)
