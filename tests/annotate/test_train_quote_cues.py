"""The quote cue lexicon: counted from gold cue spans, written as TSV, read back with a threshold."""
from collections import Counter

import pytest

from policytext.annotate.quotes import CUE_LEXICON_FILE, load_cue_lexicon
from policytext.annotate.train_quote_cues import count_cue_lemmas, write_lexicon
from policytext.errors import PackageDataMissing


def test_counts_tokens_inside_gold_cue_spans(nlp):
    text = "Jo said the vote was close. Ann said nothing and left."
    cue_chars = set(range(3, 7))  # the first "said" only
    cues, seen = count_cue_lemmas([(nlp(text), 0, cue_chars)])
    assert (cues[("say", "VERB")], seen[("say", "VERB")]) == (1, 2)
    assert cues[("leave", "VERB")] == 0 and seen[("leave", "VERB")] == 1


def test_offsets_of_a_chunk_are_shifted_into_the_article(nlp):
    cues, _ = count_cue_lemmas([(nlp("Jo said no."), 100, set(range(103, 107)))])
    assert cues[("say", "VERB")] == 1


@pytest.mark.parametrize("threshold, expected", [
    (0.3, {("say", "VERB"): 0.8, ("praise", "VERB"): 0.5}),
    (0.6, {("say", "VERB"): 0.8}),
    (0.9, {}),
])
def test_the_lexicon_keeps_lemmas_whose_rate_reaches_the_threshold(tmp_path, threshold, expected):
    path = tmp_path / "cues.tsv"
    cues = Counter({("say", "VERB"): 8, ("praise", "VERB"): 3, ("year", "NOUN"): 3, ("rare", "VERB"): 2})
    seen = Counter({("say", "VERB"): 8, ("praise", "VERB"): 4, ("year", "NOUN"): 298, ("rare", "VERB"): 2})
    assert write_lexicon(cues, seen, path, min_cues=3) == 3  # "rare" was a cue only twice
    assert load_cue_lexicon(path, threshold=threshold) == expected


def test_a_missing_lexicon_fails_loudly(tmp_path):
    # an empty lexicon would quietly find fewer quotes
    with pytest.raises(PackageDataMissing, match="none.tsv is missing.*train_quote_cues"):
        load_cue_lexicon(tmp_path / "none.tsv")


def test_the_shipped_lexicon_knows_speech_and_evaluation_verbs():
    lexicon = load_cue_lexicon(CUE_LEXICON_FILE, threshold=0.25)
    assert {("say", "VERB"), ("accord", "VERB"), ("praise", "VERB"), ("endorse", "VERB")} <= set(lexicon)
    assert ("year", "NOUN") not in lexicon and ("go", "VERB") not in lexicon
