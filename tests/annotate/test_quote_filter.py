"""The learned quote filter: candidate features, scoring from JSON, training helpers and labels."""
import json
import math

import pytest

from helpers import shared_data
from policytext.annotate.quotes import (
    QUOTE_FILTER_FILE,
    QuoteFilter,
    QuoteRow,
    extract_quote_candidates,
    load_quote_filter,
)
from policytext.annotate.train_quote_filter import (
    Candidate,
    collect_candidates,
    fit_filter,
    prepare_features,
    score_with_threshold,
)
from policytext.evaluation.quotes import Article, GoldQuote, read_polnear
from policytext.errors import PackageDataMissing


@pytest.mark.parametrize("features, expected", [
    ({}, 1 / (1 + math.exp(1.0))),  # the intercept alone
    ({"marked": 1.0}, 1 / (1 + math.exp(-1.0))),
    ({"cue=say": 1.0}, 1 / (1 + math.exp(-0.5))),
    ({"cue=ponder": 1.0}, 1 / (1 + math.exp(2.0))),  # an unseen lemma takes cue=other
    ({"speaker=alien": 1.0}, 1 / (1 + math.exp(1.0))),  # no name=other weight: ignored
    ({"log_words": 2.0}, 1 / (1 + math.exp(0.0))),
])
def test_the_filter_is_a_logistic_regression_over_named_features(features, expected):
    model = QuoteFilter({"marked": 2.0, "cue=say": 1.5, "cue=other": -1.0, "log_words": 0.5}, -1.0, 0.5)
    assert model.score(features) == pytest.approx(expected)


def test_the_filter_is_read_from_json(tmp_path):
    path = tmp_path / "filter.json"
    path.write_text(json.dumps({"weights": {"marked": 2.0}, "intercept": -1.0, "threshold": 0.4}))
    model = load_quote_filter(path)
    assert (model.weights, model.intercept, model.threshold) == ({"marked": 2.0}, -1.0, 0.4)


def test_a_missing_filter_file_fails_loudly(tmp_path):
    # a packaging mistake must not quietly keep every candidate
    with pytest.raises(PackageDataMissing, match="none.json is missing.*train_quote_filter"):
        load_quote_filter(tmp_path / "none.json")


def test_the_shipped_filter_has_a_threshold_and_weights_for_speech_cues():
    model = load_quote_filter(QUOTE_FILTER_FILE)
    data = json.loads(QUOTE_FILTER_FILE.read_text(encoding="utf-8"))
    assert 0.05 <= model.threshold <= 0.9 and data["training"]["articles"] == 840
    assert {"cue=say", "cue=other", "marked", "origin=marked", "origin=report"} <= set(model.weights)


def test_rare_cue_lemmas_share_one_weight():
    candidates = [Candidate(0, (), {"cue=say": 1.0, "marked": 1.0}, 1)] * 3 + [Candidate(0, (), {"cue=ponder": 1.0}, 0)]
    prepared = prepare_features(candidates, min_cue=2)
    assert prepared[0] == {"cue=say": 1.0, "marked": 1.0} and prepared[-1] == {"cue=other": 1.0}


def test_fitting_learns_which_features_mark_a_quote():
    features = [{"marked": 1.0, "cue=say": 1.0}, {"cue=seek": 1.0}, {"marked": 1.0, "cue=seek": 1.0}, {"cue=say": 1.0}] * 10
    labels = [1, 0, 1, 1] * 10
    weights, _ = fit_filter(features, labels)
    assert weights["marked"] > 0 and weights["cue=say"] > weights["cue=seek"]


TEXT = "Ann Lee said the vote was close. Tom Harris sought to calm his supporters."
ARTICLE = Article("a", TEXT, (GoldQuote(content=((13, 31),), source=((0, 7),), cue=((8, 12),)),))
ROWS = [QuoteRow(13, 31, "Ann Lee", 0, 7, "said", "indirect", 0.7, "name"),
        QuoteRow(52, 73, "Tom Harris", 33, 43, "sought", "indirect", 0.7, "name")]


@pytest.mark.parametrize("probabilities, threshold, predicted, matched", [
    ([0.9, 0.2], 0.5, 1, 1),
    ([0.9, 0.6], 0.5, 2, 1),
    ([0.3, 0.2], 0.5, 0, 0),
    ([0.3, 0.2], 0.1, 2, 1),
])
def test_a_threshold_keeps_the_candidates_that_reach_it(probabilities, threshold, predicted, matched):
    candidates = [Candidate(0, row, {}, label) for row, label in zip(ROWS, [1, 0])]
    figures = score_with_threshold([ARTICLE], candidates, probabilities, threshold)
    assert (figures.gold, figures.predicted, figures.matched) == (1, predicted, matched)


def test_candidates_carry_their_rule_and_cue(pipeline):
    doc = pipeline("“We will not raise taxes,” said Jane Smith. Tom Harris argues that the council cut too much.")
    [(direct, direct_features), (report, report_features)] = extract_quote_candidates(doc)
    assert direct[6] == "direct" and direct_features["origin=marked"] == 1.0 and direct_features["marked"] == 1.0
    assert direct_features["cue=say"] == 1.0 and direct_features["speaker=person"] == 1.0
    assert report[6] == "indirect" and report_features["origin=report"] == 1.0
    assert report_features["cue=argue"] == 1.0 and report_features["governs=ccomp"] == 1.0
    assert report_features.get("marked") == 0.0 and report_features["speaker_before_cue"] == 1.0


@pytest.mark.parametrize("text", [
    "Jane Smith said the council had cut too many services.",
    "“We will not raise taxes on working families,” said Jane Smith.",
    "The deal was criticised by Jane Smith.",  # British spelling of a cue learned from US news
])
def test_the_shipped_filter_keeps_plain_reports(attribution_pipeline, text):
    [row] = attribution_pipeline(text)._.pt_quotes
    assert load_quote_filter().threshold <= row.confidence <= 1


TWO = "Jane Smith said the council had cut too many services. Tom Harris sought to calm his supporters."


@pytest.mark.parametrize("weights, threshold, kept", [
    ({}, 0.0, 2),  # the intercept alone keeps everything at threshold 0
    ({"cue=say": 3.0, "cue=other": -3.0}, 0.5, 1),  # "sought" is dropped, "said" kept
    ({"cue=say": 3.0, "cue=other": -3.0}, 0.99, 0),
])
def test_candidates_below_the_threshold_are_dropped_and_confidence_is_the_probability(pipeline, weights, threshold, kept):
    from policytext.annotate.quotes import extract_quote_rows

    model = QuoteFilter(weights, 0.0, threshold)
    doc = pipeline(TWO)
    rows = extract_quote_rows(doc, quote_filter=model)
    assert len(rows) == kept
    scores = {round(model.score(f), 3) for _, f in extract_quote_candidates(doc)}
    assert {row.confidence for row in rows} <= scores
    assert len(extract_quote_rows(doc, quote_filter=None)) == 2  # no filter: every candidate


def test_training_candidates_are_labelled_against_gold_content(pipeline):
    articles = read_polnear(shared_data("quotes", "polnear", "train"), limit=3)
    candidates = collect_candidates(articles, pipeline)
    assert candidates and {c.article for c in candidates} <= {0, 1, 2}
    assert 0 < sum(c.label for c in candidates) < len(candidates)
    for candidate in candidates:  # offsets point into the article, not into a paragraph chunk
        text = articles[candidate.article].text
        assert text[candidate.row[0]:candidate.row[1]].strip() == text[candidate.row[0]:candidate.row[1]]
        assert candidate.row[1] <= len(text)


@pytest.mark.parametrize("spans, nested, holds", [
    ([(0, 50), (10, 20)], [0.0, 1.0], [1.0, 0.0]),  # a report inside another's content
    ([(0, 10), (20, 30)], [0.0, 0.0], [0.0, 0.0]),  # side by side
    ([(0, 10), (0, 10)], [0.0, 0.0], [0.0, 0.0]),  # the same span is not nested in itself
    ([(0, 50), (5, 50), (10, 20)], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0]),
])
def test_nesting_features_say_which_candidates_sit_inside_others(spans, nested, holds):
    from policytext.annotate.quote_filter import mark_nesting

    candidates = [([start, end], {}) for start, end in spans]
    mark_nesting(candidates)
    assert [f["nested"] for _, f in candidates] == nested and [f["holds_nested"] for _, f in candidates] == holds
