"""The comparison of claim scorer variants: nested C, context, the choice written before CLEF 2020 is scored."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import shared_data
from policytext.errors import ConfigError
from policytext.evaluation.claims_data import CLAIMBUSTER_FILE, CLEF2020_FILE, CLEF_FILE, read_claimbuster, read_clef
from policytext.evaluation.claims_variants import (
    FAST_VARIANTS,
    VariantData,
    choose_variant,
    score_variants,
    variant_name,
)

CS = (0.5, 2.0)


@pytest.fixture(scope="module")
def small():
    """Real labelled data, cut small so the tests run in seconds: 400 ClaimBuster sentences, 3 CLEF 2019 transcripts."""
    folder = shared_data("claims")
    texts, labels = read_claimbuster(folder / CLAIMBUSTER_FILE)
    transcripts = [t for t in read_clef(folder / CLEF_FILE) if sum(t.labels)][:3]
    return VariantData(texts[:400], labels[:400], transcripts), folder


@pytest.fixture(scope="module")
def choice(small, tmp_path_factory):
    data, _ = small
    cache = tmp_path_factory.mktemp("variants")
    return choose_variant(data, variants=FAST_VARIANTS, cache_dir=cache, Cs=CS), cache


def test_every_variant_is_measured_alone_and_with_context(choice):
    result, _ = choice
    names = [variant_name(row.variant, row.context) for row in result.rows]
    assert names == ["text model alone", "text model + context", "plain tf-idf alone", "plain tf-idf + context"]
    for row in result.rows:
        assert row.criterion == pytest.approx(row.claimbuster_f1 + row.clef2019.map, abs=2e-4)
        assert set(row.round_C) <= set(CS) and len(row.round_C) == 3 and row.final_C in CS
        assert row.clef2019.transcripts == 3


def test_the_choice_is_the_best_criterion_and_the_default_a_fast_variant(choice):
    result, _ = choice
    best = max(result.rows, key=lambda row: row.criterion)
    assert result.chosen == variant_name(best.variant, best.context)
    assert result.chosen_default == result.chosen  # a fast variant won: under the rule it is the default


def test_the_cross_validation_is_kept_and_read_back_the_same(small, choice):
    data, _ = small
    result, cache = choice
    assert len(list(cache.glob("variant-cv-*.npz"))) == 2
    again = choose_variant(data, variants=FAST_VARIANTS, cache_dir=cache, Cs=CS)
    assert again == result


def test_clef2020_is_scored_for_every_variant_of_the_choice(small, choice):
    data, folder = small
    result, cache = choice
    test = [t for t in read_clef(folder / CLEF2020_FILE) if sum(t.labels)][:2]
    figures = score_variants(data, result, test, cache_dir=cache, Cs=CS)
    assert list(figures) == [variant_name(row.variant, row.context) for row in result.rows]
    assert all(0.0 <= f.map <= 1.0 and f.lines == sum(len(t.lines) for t in test) for f in figures.values())


def test_an_embedding_variant_without_vectors_is_refused_with_what_to_do(small):
    data, _ = small
    with pytest.raises(ConfigError, match="embed them first"):
        choose_variant(data, variants=("embeddings",), Cs=CS)


def test_an_unknown_variant_is_refused_naming_the_known_ones(small):
    data, _ = small
    with pytest.raises(ConfigError, match="plain tf-idf"):
        choose_variant(data, variants=("bert",), Cs=CS)


def test_the_rounds_hold_out_whole_transcripts_and_a_stratified_third_of_claimbuster(small):
    data, _ = small
    lines = data.fold_of[data.cb_count:]
    for a, b in zip(data.bounds - data.cb_count, (data.bounds - data.cb_count)[1:]):
        assert len(set(lines[a:b])) == 1
    cb = data.fold_of[:data.cb_count]
    shares = [data.labels[:data.cb_count][cb == k].mean() for k in range(3)]
    assert np.ptp(shares) < 0.01
