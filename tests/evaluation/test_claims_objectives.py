"""The training-objective challengers: pairs stay inside a transcript; unlabelled weights are probabilities."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from policytext.evaluation.claims_objectives import OBJECTIVES, fit_objective, transcript_pairs, unlabelled_weights


def test_pairs_stay_inside_one_transcript_and_skip_sentences_without_one():
    labels = np.array([1, 0, 1, 0, 0, 1, 0, 0, 1, 0])
    groups = np.array([-1, -1, 0, 0, 0, 1, 1, 1, 2, 2])  # two ClaimBuster-like rows, then three transcripts
    pos, neg = transcript_pairs(labels, groups, negatives=10)
    assert len(pos) == 2 + 2 + 1  # every other line of each transcript, up to 10
    assert (groups[pos] == groups[neg]).all()
    assert (labels[pos] == 1).all() and (labels[neg] == 0).all()
    assert (groups[pos] >= 0).all()


def _toy(seed=0):
    rng = np.random.default_rng(seed)
    rows, labels, groups = [], [], []
    for group in (-1, 0, 1, 2, 3):
        for _ in range(40):
            y = int(rng.random() < 0.25)
            rows.append(rng.normal(size=5) + (1.5 * y) * np.array([1, 0, 0, 0, 0]))
            labels.append(y)
            groups.append(group)
    return sparse.csr_matrix(np.asarray(rows)), np.asarray(labels), np.asarray(groups)


def test_unlabelled_weights_are_probabilities_that_grow_with_the_score():
    matrix, labels, groups = _toy()
    weights = unlabelled_weights(matrix, labels, groups, C=1.0)
    unlabelled = (groups >= 0) & (labels == 0)
    assert weights.shape == (unlabelled.sum(),)
    assert ((weights >= 0) & (weights <= 1)).all()
    # the signal is in the first column: unlabelled lines high on it get more weight as positives
    first = matrix.toarray()[unlabelled, 0]
    assert np.corrcoef(first, weights)[0, 1] > 0.3


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_every_objective_learns_the_signal(objective):
    matrix, labels, groups = _toy()
    coef, _ = fit_objective(objective, matrix, labels, groups, C=1.0)
    assert coef[0] > np.abs(coef[1:]).max()


def test_an_unknown_objective_is_refused():
    matrix, labels, groups = _toy()
    with pytest.raises(ValueError, match="unknown objective"):
        fit_objective("listwise", matrix, labels, groups)
