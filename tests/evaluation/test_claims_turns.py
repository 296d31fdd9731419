"""The turn and speaker-role comparison: the paired rule that decides whether a challenger replaces the default."""
from __future__ import annotations

import pytest

from policytext.annotate.claim_model import ClaimScorer
from policytext.evaluation.claims_data import RankingFigures
from policytext.evaluation.claims_turns import DEFAULT_CONTEXT, TURN_CHALLENGERS, choose_by_rule, paired_difference


def _figures(aps):
    return RankingFigures(transcripts=len(aps), lines=100, map=sum(aps) / len(aps), map_sd=0.0, map_interval=(0, 0),
                          r_precision=0.0, p_at_10=0.0, p_at_10_sd=0.0, average_precision=tuple(aps))


@pytest.mark.parametrize(("challenger", "default", "passes"), [
    ([0.30, 0.50, 0.40, 0.20], [0.20, 0.40, 0.30, 0.10], True),  # better on every transcript
    ([0.90, 0.10, 0.10, 0.10], [0.10, 0.20, 0.20, 0.20], False),  # a higher mean carried by one transcript
    ([0.20, 0.40], [0.20, 0.40], False),  # a tie is not a win
])
def test_a_challenger_must_win_beyond_the_paired_noise(challenger, default, passes):
    difference = paired_difference(challenger, default)
    assert difference.passes is passes
    assert difference.interval[0] <= difference.mean <= difference.interval[1]


def test_the_difference_is_paired_not_two_means():
    # every transcript gains 0.01: tiny beside the spread between transcripts (0.1 to 0.9), but paired it is sure
    default = [0.1, 0.5, 0.9, 0.3, 0.7]
    difference = paired_difference([a + 0.01 for a in default], default)
    assert difference.passes and difference.mean == pytest.approx(0.01) and difference.wins == 5


def test_the_rule_keeps_the_default_unless_a_challenger_passes_and_picks_the_surest():
    default = _figures([0.2, 0.4, 0.3, 0.1])
    lucky = _figures([0.9, 0.4, 0.3, 0.1])  # a higher MAP from one transcript
    steady = _figures([0.25, 0.45, 0.35, 0.15])
    assert choose_by_rule(default, {"lucky": lucky})[0] == "default"
    chosen, differences = choose_by_rule(default, {"lucky": lucky, "steady": steady})
    assert chosen == "steady" and differences["lucky"].mean > differences["steady"].mean


def test_a_mismatched_or_empty_pair_is_refused():
    with pytest.raises(ValueError, match="one AP per transcript"):
        paired_difference([], [])
    with pytest.raises(ValueError, match="one AP per transcript"):
        paired_difference([0.2], [0.1, 0.3])


def test_the_incumbent_is_the_shipped_context_model_and_every_challenger_extends_it():
    shipped = ClaimScorer.load()
    assert shipped.context_features == DEFAULT_CONTEXT
    for features in TURN_CHALLENGERS.values():
        assert features[:len(DEFAULT_CONTEXT)] == DEFAULT_CONTEXT and len(set(features)) == len(features)
    ClaimScorer(context_features=features)._check_params()  # every name is a known context feature
