import json

import numpy as np
import pytest

from policytext.annotate.claim_model import ClaimScorer, default_model_dir, normalise_for_features
from policytext.errors import ConfigError

TRAIN = [
    ("We have cut unemployment by 2 million since 2010.", 1),
    ("The deficit rose to $1.4 trillion last year.", 1),
    ("Crime fell by 12 percent in our cities.", 1),
    ("Taxes are 30 percent higher than in 1990.", 1),
    ("Thank you very much.", 0),
    ("It is great to be here tonight.", 0),
    ("God bless you and God bless America.", 0),
    ("I want to talk about our future.", 0),
] * 3


def test_fit_returns_self_and_scores_lie_in_0_1():
    scorer = ClaimScorer(min_df=1)
    assert scorer.fit([t for t, _ in TRAIN], [y for _, y in TRAIN]) is scorer
    scores = scorer.score(["Wages rose 3 percent in 2019.", "Thank you all."])
    assert ((0 <= scores) & (scores <= 1)).all()
    assert scores[0] > 0.5 > scores[1]


def test_save_and_load_round_trip_without_pickle(tmp_path):
    scorer = ClaimScorer(min_df=1).fit([t for t, _ in TRAIN], [y for _, y in TRAIN])
    scorer.save(tmp_path)
    settings = json.loads((tmp_path / "scorer.json").read_text())
    assert settings["format"] == 2
    with np.load(tmp_path / "scorer.npz", allow_pickle=False) as arrays:
        assert set(arrays) == {"word_idf", "char_idf", "coef", "nb_ratio", "nb_coef"}
        assert {a.dtype.kind for a in arrays.values()} == {"f"}
    loaded = ClaimScorer.load(tmp_path)
    texts = ["Exports doubled to 40 billion.", "Good evening."]
    np.testing.assert_allclose(loaded.score(texts), scorer.score(texts))


def test_an_object_array_is_refused(tmp_path):
    scorer = ClaimScorer(min_df=1).fit([t for t, _ in TRAIN], [y for _, y in TRAIN])
    scorer.save(tmp_path)
    np.savez(tmp_path / "scorer.npz", word_idf=np.array([object()], dtype=object),
             char_idf=scorer.char_idf_, coef=scorer.coef_, nb_ratio=scorer.nb_ratio_, nb_coef=scorer.nb_coef_)
    with pytest.raises(ConfigError, match="cannot load the claim scorer"):
        ClaimScorer.load(tmp_path)


def test_a_model_of_an_older_format_says_how_to_rebuild(tmp_path):
    scorer = ClaimScorer(min_df=1).fit([t for t, _ in TRAIN], [y for _, y in TRAIN])
    scorer.save(tmp_path)
    settings = json.loads((tmp_path / "scorer.json").read_text())
    (tmp_path / "scorer.json").write_text(json.dumps({**settings, "format": 1}))
    with pytest.raises(ConfigError, match="format 1, not 2.*train_claims"):
        ClaimScorer.load(tmp_path)


def test_the_score_is_the_mean_of_the_tfidf_and_naive_bayes_models():
    scorer = ClaimScorer(min_df=1).fit([t for t, _ in TRAIN], [y for _, y in TRAIN])
    texts = ["Wages rose 3 percent in 2019.", "Thank you all.", "We cut taxes."]
    features = scorer.featurise(texts)
    split = scorer.tfidf_width()
    assert features.shape[1] == split + len(scorer.word_vocabulary_) + len(scorer.char_vocabulary_)
    assert set(np.unique(features[:, split:].toarray())) <= {0.0, 1.0}
    tfidf = 1 / (1 + np.exp(-(features[:, :split] @ scorer.coef_ + scorer.intercept_)))
    nb = 1 / (1 + np.exp(-(features[:, split:] @ (scorer.nb_ratio_ * scorer.nb_coef_) + scorer.nb_intercept_)))
    np.testing.assert_allclose(scorer.score(texts), (tfidf + nb) / 2)


@pytest.mark.parametrize("flags, labels, expected_sign", [
    ([[1, 0], [1, 0], [0, 1], [0, 1]], [1, 1, 0, 0], [1, -1]),   # each word in one class only
    ([[1, 1], [1, 0], [1, 1], [1, 0]], [1, 1, 0, 0], [0, 0]),    # both words equally in both classes
])
def test_log_count_ratio_favours_words_of_the_check_worthy_class(flags, labels, expected_sign):
    from scipy import sparse

    from policytext.annotate.claim_model import _log_count_ratio

    ratio = _log_count_ratio(sparse.csr_matrix(np.asarray(flags, dtype=float)), np.asarray(labels), alpha=1.0)
    assert list(np.sign(np.round(ratio, 12))) == expected_sign


def test_missing_model_says_how_to_rebuild(tmp_path):
    with pytest.raises(ConfigError, match="train_claims"):
        ClaimScorer.load(tmp_path)


def test_an_unfitted_scorer_says_so():
    with pytest.raises(ConfigError, match="not fitted"):
        ClaimScorer().score(["x"])


def test_the_shipped_model_loads_and_has_a_card():
    scorer = ClaimScorer.load()
    assert (default_model_dir().parent / "claims.card.md").is_file()
    assert scorer.card["trained_on"]
    high, low = scorer.score(["Since 2010 local authority spending was cut by 20 percent.",
                              "Thank you, and good night."])
    assert high > 0.8 and low < 0.3


@pytest.mark.parametrize("text, expected", [("In 2014 it was 3.5%", "in 0000 it was 0.0%"), ("ABC", "abc")])
def test_normalise_for_features(text, expected):
    assert normalise_for_features(text) == expected


def test_cached_character_counts_equal_scikit_learns():
    from sklearn.feature_extraction.text import CountVectorizer

    from policytext.annotate.claim_model import _count_char_wb

    texts = ["We cut taxes by 20%  in 2019 —  a record.", "I", "Go!", "A  b\tc\nd", "", "Naïve café: £3.5bn",
             "Thank you, thank you, THANK you."]
    scorer = ClaimScorer.load()
    expected = CountVectorizer(vocabulary=scorer.char_vocabulary_, analyzer="char_wb", ngram_range=scorer.char_ngrams,
                               preprocessor=normalise_for_features).transform(texts)
    cache = {}
    for _ in range(2):  # the second pass is served from the cache
        got = _count_char_wb(texts, scorer.char_vocabulary_, scorer.char_ngrams, cache)
        assert (got != expected).nnz == 0
    assert "thank" in cache


def test_word_counts_equal_scikit_learns():
    from sklearn.feature_extraction.text import CountVectorizer

    from policytext.annotate.claim_model import _count_words

    texts = ["We cut taxes by 20% in 2019 — a record.", "I", "", "Naïve café: £3.5bn", "a b c d", "Thank you, THANK you."]
    scorer = ClaimScorer.load()
    expected = CountVectorizer(vocabulary=scorer.word_vocabulary_, ngram_range=(1, 2),
                               preprocessor=normalise_for_features).transform(texts)
    assert (_count_words(texts, scorer.word_vocabulary_) != expected).nnz == 0
