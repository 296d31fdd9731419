"""Out-of-fold quote evaluation: figures add up across articles; a fold's setting is chosen on the other folds."""
from __future__ import annotations

from policytext.annotate.speakers import SpeakerSettings
from policytext.evaluation.quote_folds import _best, add_all, add_figures
from policytext.evaluation.quotes import QuoteFigures


def _figures(matched: int, correct: int, how: str = "name") -> QuoteFigures:
    return QuoteFigures(articles=1, gold=matched + 1, predicted=matched, matched=matched, exact=0,
                        speaker_correct=correct, by_resolution={how: {"matched": matched, "speaker_correct": correct}})


def test_figures_of_articles_add_up_with_their_methods():
    total = add_all([_figures(4, 3), _figures(2, 1, "chain"), _figures(1, 1)])
    assert (total.articles, total.gold, total.matched, total.speaker_correct) == (3, 10, 7, 5)
    assert total.by_resolution == {"name": {"matched": 5, "speaker_correct": 4},
                                   "chain": {"matched": 2, "speaker_correct": 1}}
    assert add_figures(QuoteFigures(), _figures(1, 0)).matched == 1


def test_a_setting_is_chosen_on_the_articles_given_only():
    strict, loose = SpeakerSettings(gendered=0.1), SpeakerSettings(gendered=0.4)
    # the loose setting is better on articles 0 and 1, the strict one on article 2
    per_article = {strict: [_figures(4, 2), _figures(4, 2), _figures(4, 4)],
                   loose: [_figures(4, 4), _figures(4, 4), _figures(4, 0)]}
    assert _best([strict, loose], per_article, [0, 1]) == loose
    assert _best([strict, loose], per_article, [2]) == strict
    # a tie goes to the first listed (the name table's own default comes first)
    assert _best([strict, loose], per_article, [0, 1, 2]) == strict  # 8 of 12 right each


def test_a_setting_is_chosen_over_both_sets_each_counting_once():
    from policytext.evaluation.quote_folds import _best_over

    strict, loose = SpeakerSettings(gendered=0.1), SpeakerSettings(gendered=0.4)
    # the big set (ten articles) mildly prefers strict; the small set (one article) strongly prefers loose
    big = {strict: [_figures(10, 9)] * 10, loose: [_figures(10, 8)] * 10}
    small = {strict: [_figures(10, 2)], loose: [_figures(10, 10)]}
    assert _best_over([strict, loose], {"big": big, "small": small}, {"big": range(10), "small": [0]}) == loose
    # pooled counts would have let the big set outvote the small one: 92 of 110 against 90 of 110
    assert _best_over([strict, loose], {"big": big}, {"big": range(10)}) == strict
    # only the articles given count, in every set
    assert _best_over([strict, loose], {"big": big, "small": small}, {"big": range(10), "small": []}) == strict


def _quotes(gold: int, predicted: int, matched: int) -> QuoteFigures:
    return QuoteFigures(articles=1, gold=gold, predicted=predicted, matched=matched)


def test_finder_switches_are_chosen_by_the_mean_f1_of_both_sets_on_the_articles_given():
    from policytext.annotate.quote_reports import ReportRules
    from policytext.evaluation.quote_folds import _best_finder

    off, on = ReportRules(), ReportRules(stop_at_next_report=True)
    # the rule helps the big set a little (F1 0.70 -> 0.72) and costs the small set more (0.80 -> 0.70)
    big = {off: [_quotes(10, 10, 7)] * 10, on: [_quotes(10, 10, 7)] * 8 + [_quotes(10, 10, 8)] * 2}
    small = {off: [_quotes(10, 10, 8)], on: [_quotes(10, 10, 7)]}
    assert _best_finder([off, on], {"big": big, "small": small}, {"big": range(10), "small": [0]}) == off
    assert _best_finder([off, on], {"big": big}, {"big": range(10)}) == on
    # only the articles given count: on articles 0-7 of the big set the two tie, and a tie keeps the first
    assert _best_finder([off, on], {"big": big}, {"big": range(8)}) == off


def test_a_parse_cache_of_another_pipeline_is_parsed_again_not_read(tmp_path, capsys):
    """The cache was trusted whatever made it: a parse without this round's transcript step, read
    back after the step was added, gave figures of a pipeline annotate no longer runs."""
    import json

    from policytext.evaluation.quote_folds import parse_articles
    from policytext.evaluation.quotes import Article

    articles = [Article("a", "“We will build,” the minister said.\n\nAudience members. Boo!", ())]
    cache = tmp_path / "new" / "split.spacy"  # its folder is made
    first = parse_articles(articles, cache=cache)
    stamp = json.loads((tmp_path / "new" / "split.spacy.json").read_text())
    assert "policytext_transcript" in stamp["pipes"]
    assert parse_articles(articles, cache=cache)[0][0][0].text == first[0][0][0].text
    assert capsys.readouterr().err == ""  # read back: the same pipeline made it
    (tmp_path / "new" / "split.spacy.json").write_text(json.dumps({**stamp, "pipes": ["parser"]}))
    again = parse_articles(articles, cache=cache)
    assert "made by another pipeline or other rules" in capsys.readouterr().err
    assert again[0][0][0]._.pt_transcript  # parsed by this pipeline, its transcript parts found
