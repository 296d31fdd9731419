"""Topic models: scikit-learn conventions, determinism, safe save/load, auto k, guided topics, passages, CLI."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

import policytext
from policytext.analyse.lemmas import lemma_frame
from policytext.analyse.topic_selection import K_SELECTION_COLUMNS
from policytext.analyse.topics import (PASSAGE_COLUMNS, TOPIC_TREND_COLUMNS, TopicModel, apply_topics, fit_topics,
                                       load_topic_model, npmi_coherence, representative_passages, segment_stream,
                                       split_passages, topic_trends)
from policytext.cli import main
from policytext.errors import BadQuery, ConfigError, ModelNotFound, NotFitted, UnknownOption


@pytest.fixture(scope="module")
def passages(small_corpus: Path) -> list[str]:
    with policytext.open_corpus(small_corpus) as corpus:
        streams = lemma_frame(corpus)["lemmas"]
    return [p for s in streams for p in segment_stream(s, 200)]


@pytest.mark.parametrize(
    ("rows", "pair", "expected"),
    [
        ([[1, 1], [1, 1], [0, 0]], [0, 1], 1.0),       # always together
        ([[1, 0], [0, 1], [0, 0]], [0, 1], -1.0),      # never together
        ([[1, 1], [1, 0], [0, 1], [0, 0]], [0, 1], 0.0),  # independent: P(a,b) = P(a) P(b)
    ],
)
def test_npmi(rows, pair, expected) -> None:
    assert npmi_coherence([pair], sparse.csr_matrix(np.array(rows)))[0] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_fit_is_deterministic_and_follows_sklearn(passages, method: str) -> None:
    model = TopicModel(6, method=method, seed=7)
    assert model.fit(passages) is model
    again = TopicModel(6, method=method, seed=7).fit(passages)
    np.testing.assert_allclose(model.components_, again.components_)
    assert model.components_.shape == (6, len(model.vocabulary_))
    assert any(" " in term for term in model.vocabulary_)  # bigrams
    assert not {"the", "and", "of"} & set(model.vocabulary_)  # English stop words
    shares = model.transform(passages[:5])
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    assert len(model.coherence_) == 6 and np.all(np.abs(model.coherence_) <= 1)


def test_domain_stop_words_are_removed(passages) -> None:
    model = TopicModel(4, seed=0, stop_words=["America", "people"]).fit(passages)
    assert "america" not in set(model.vocabulary_) and "people" not in set(model.vocabulary_)


def test_save_load_round_trip_without_pickles(passages, tmp_path: Path) -> None:
    model = TopicModel(5, seed=1).fit(passages)
    path = model.save(tmp_path / "m", card={"note": "test"})
    loaded = TopicModel.load(path)
    np.testing.assert_allclose(loaded.transform(passages[:4]), model.transform(passages[:4]))
    assert loaded.labels_ == model.labels_ and loaded.card_ == {"note": "test"}
    with zipfile.ZipFile(tmp_path / "m.npz") as archive:  # plain arrays: loadable with allow_pickle=False
        assert sorted(archive.namelist()) == ["components.npy", "idf.npy"]
    np.savez(tmp_path / "m.npz", components=np.zeros((5, 3)), idf=np.zeros(3))  # tampered arrays
    with pytest.raises(ConfigError, match="does not match its card"):
        TopicModel.load(path)


def test_parameters_are_kept_as_given_and_validated_in_fit(passages) -> None:
    model = TopicModel(1, method="lsa", stop_words=("Mr",))  # scikit-learn: __init__ only stores
    assert (model.k, model.method, model.stop_words) == (1, "lsa", ("Mr",))
    with pytest.raises(ConfigError, match="--method must be nmf or lda, not 'lsa'"):
        model.fit(passages)
    with pytest.raises(ConfigError, match="--k must be 2 or more, not 1"):
        model.set_params(method="nmf").fit(passages)
    with pytest.raises(ConfigError, match="no parameter 'topics'"):
        model.set_params(topics=3)


def test_an_unfitted_model_says_so_with_its_own_error() -> None:
    model = TopicModel(3)
    for use in (lambda: model.transform(["tax cut"]), lambda: model.top_terms(3),
                lambda: model.save("unused")):
        with pytest.raises(NotFitted, match="not fitted yet: call fit"):
            use()
    assert not issubclass(NotFitted, BadQuery)  # BadQuery is for queries


def test_auto_k_chooses_by_held_out_coherence_and_stability(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        model, path, tried = fit_topics(corpus, k="auto", k_range=(3, 5, 8), k_seeds=2, seed=2, name="auto")
        card = json.loads(path.read_text(encoding="utf-8"))["card"]
    assert list(tried.columns) == K_SELECTION_COLUMNS and list(tried["k"]) == [3, 5, 8]
    assert tried["stability"].between(0, 1).all() and tried["coherence"].between(-1, 1).all()
    assert (tried["score"] == tried["stability"] * (1 + tried["coherence"]) / 2).all()
    best = int(tried.loc[tried["score"].idxmax(), "k"])
    assert model.k == best == int(tried.loc[tried["chosen"], "k"].iloc[0])
    assert card["corpus"]["documents"] == 5 and [row["k"] for row in card["k_tried"]] == [3, 5, 8]
    assert card["fitted_at"] and path.parent == small_corpus / "models" / "topics"


def test_saved_parameters_fit_the_same_guided_model_again(small_corpus: Path, passages) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        model, path, _ = fit_topics(corpus, k=5, guided=["entrepreneurialism"], seed=3, name="guided-again")
        params = load_topic_model(corpus, "guided-again").get_params()
    assert params["guided"]["entrepreneurialism"]["terms"]  # the theme's entries, not an empty list
    again = TopicModel(**params).fit(passages)  # no lexicon needed
    np.testing.assert_allclose(again.components_, model.components_)
    assert again.labels_ == model.labels_


def test_a_missing_model_is_model_not_found(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        with pytest.raises(ModelNotFound, match="no topic model named 'nothing-here'"):
            load_topic_model(corpus, "nothing-here")


def test_guided_topics_follow_their_theme(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        model, _, _ = fit_topics(corpus, k=6, guided=["entrepreneurialism"], seed=0, name="guided")
    assert model.labels_[0] == "theme:entrepreneurialism"
    assert {"small business", "business"} & set(model.top_terms(8)[0])


def test_topic_trends_and_apply(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        model, _, _ = fit_topics(corpus, k=5, seed=0, name="trend-test")
        trends = topic_trends(corpus, "trend-test", by="government", draws=200)
        applied = apply_topics(corpus, "trend-test", {"note": "Health care and health insurance for every family."})
    assert list(trends.columns) == TOPIC_TREND_COLUMNS
    assert len(trends) == 5 * 2
    for _, rows in trends.groupby("group"):
        assert rows["share"].sum() == pytest.approx(1.0, abs=1e-3)  # a passage without known terms has no share
    assert ((trends["share_low"] <= trends["share"] + 1e-9) & (trends["share"] <= trends["share_high"] + 1e-9)).all()
    health = [i for i, terms in enumerate(model.top_terms(5)) if "health" in terms]
    assert health and applied.loc[0, "top_topic"] == health[0]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["topics", "show", "missing"], "Error: no topic model named 'missing'"),
        (["topics", "fit", "--k", "1"], "Error: --k must be 2 or more, not 1"),
        (["topics", "fit", "--method", "lsa"], "Error: --method must be nmf or lda, not 'lsa'"),
        (["topics", "fit", "--k", "3", "--method", "lda", "--guided", "trust"], "Error: guided topics need --method nmf"),
        (["topics", "fit", "--name", "../x"], "Error: '../x' is not a usable model name"),
        (["topics", "fit", "--k", "auto", "--k-range", "3,x"], "Error: --k-range must be numbers separated by commas"),
        (["topics", "evolve", "missing"], "Error: no topic model named 'missing'"),
        (["topics", "fit", "--k", "auto", "--k-range", "2,3", "--k-seeds", "1"], "Error: --k-seeds must be 2 or more"),
    ],
)
def test_topics_cli_errors(capsys, small_corpus: Path, args, error) -> None:
    code = main(["--quiet", "--corpus", str(small_corpus)] + args)
    _, err = capsys.readouterr()
    assert code == 1 and err.startswith(error)


def test_topics_cli_fit_show_trends_apply(capsys, small_corpus: Path, tmp_path: Path) -> None:
    base = ["--quiet", "--corpus", str(small_corpus)]
    assert main(base + ["topics", "fit", "--k", "4", "--seed", "3", "--name", "cli", "--format", "json"]) == 0
    topics = json.loads(capsys.readouterr()[0])
    assert len(topics) == 4 and {"topic", "label", "term", "coherence"} <= set(topics[0])
    assert main(base + ["topics", "show", "cli", "--passages", "1", "--format", "json"]) == 0
    out = capsys.readouterr()[0]
    assert out.count('"passage"') == 4
    chart = tmp_path / "topics.svg"
    assert main(base + ["topics", "trends", "cli", "--format", "csv", "--plot", str(chart)]) == 0
    assert capsys.readouterr()[0].startswith(",".join(TOPIC_TREND_COLUMNS))
    assert b"<svg" in chart.read_bytes()[:400]
    note = tmp_path / "note.txt"
    note.write_text("We will cut taxes and balance the federal budget.", encoding="utf-8")
    assert main(base + ["topics", "apply", "cli", str(note), "--format", "json"]) == 0
    applied = json.loads(capsys.readouterr()[0])
    assert applied[0]["item"] == str(note) and "topic_3" in applied[0]


def test_topics_apply_scores_readable_files_and_reports_bad_ones(capsys, small_corpus: Path, tmp_path: Path) -> None:
    base = ["--quiet", "--corpus", str(small_corpus)]
    assert main(base + ["topics", "fit", "--k", "3", "--name", "apply-test"]) == 0
    capsys.readouterr()
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("Health care for every family.", encoding="utf-8")
    bad.write_bytes(b"\xff\xfe\x00broken")
    code = main(base + ["topics", "apply", "apply-test", str(bad), str(good), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert [row["item"] for row in json.loads(out)] == [str(good)]
    assert f"failed {bad}: cannot read it as UTF-8 text" in err


def test_topic_functions_refuse_a_misspelt_filter(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        with pytest.raises(UnknownOption, match=r"^unknown filter 'knid' \(did you mean 'kind'\?\)"):
            fit_topics(corpus, k=2, knid="speech")
        with pytest.raises(UnknownOption, match=r"^unknown filter 'limt' \(did you mean 'limit'\?\)"):
            topic_trends(corpus, "no-such-model", limt=2)


def test_representative_passages_are_never_fragments(commons_corpus: Path) -> None:
    # Commons sentences include fragments such as "My hon." that a topic can own whole (share 1.000).
    with policytext.open_corpus(commons_corpus) as corpus:
        fit_topics(corpus, k=4, seed=0, name="passages")
        found = representative_passages(corpus, "passages", per_topic=3)
        unfiltered = representative_passages(corpus, "passages", per_topic=3, min_lemmas=1)
        frame = lemma_frame(corpus)
    lemmas = dict(zip(frame["id"], frame["lemmas"]))
    assert list(found.columns) == PASSAGE_COLUMNS and len(found) == 4 * 3
    assert found.attrs["too_short"] > 0
    assert all(len(lemmas[doc].split()) >= 12 for doc in found["doc_id"])
    # without the floor, the ranking (share × similarity × length) still puts no fragment first
    assert all(len(lemmas[doc].split()) >= 12 for doc in unfiltered["doc_id"])
    with policytext.open_corpus(commons_corpus) as corpus:
        with pytest.raises(ConfigError, match="--min-lemmas must be 1 or more"):
            representative_passages(corpus, "passages", min_lemmas=0)


def test_representative_passages_are_about_the_topic_not_ties_at_full_share(postwar_corpus: Path) -> None:
    """k=5 NMF on the addresses of 2001-2026: dozens of passages per topic have share 1.000, and the
    pick among them went by order, so "you. God bless you, and God bless the United States of
    America" (12 lemmas, the end of an address) stood for "world, terrorist, iraq". Ranked by
    share × similarity × length, every pick is a full passage using the topic's own words."""
    with policytext.open_corpus(postwar_corpus) as corpus:
        model, _, _ = fit_topics(corpus, k=5, method="nmf", seed=0, name="since2001", since="2001")
        found = representative_passages(corpus, "since2001", per_topic=2, since="2001")
        frame = lemma_frame(corpus, since="2001")
    texts, _ = split_passages(frame, 200)
    shares = model.transform(texts)
    assert ((shares >= 0.999).sum(axis=0) >= 10).all()  # the ties the old order broke
    assert list(found.columns) == PASSAGE_COLUMNS and len(found) == 5 * 2
    assert not found["passage"].str.contains("God bless").any()
    assert (found["passage"].str.split().str.len() >= 150).all()  # full passages (200 lemmas), not a document's tail
    top = model.terms_frame(8).groupby("topic")["term"].apply(set)
    for row in found.itertuples():
        words = set(row.passage.lower().replace(",", " ").replace(".", " ").split())
        assert len(top[row.topic] & words) >= 2, (row.topic, row.passage[:120])
    assert (found["similarity"] > 0).all() and (found["share"] > 0.5).all()
    # shown from a sentence's start to a sentence's end, never from inside a word: the demo's
    # passage began "'s primary state sponsor of terror" (the lemma stream's token "'s" of "Iran's")
    with policytext.open_corpus(postwar_corpus) as corpus:
        texts = dict(corpus.store.conn.execute("SELECT id, text FROM documents"))
    for row in found.itertuples():
        text = texts[row.doc_id]
        assert row.start == 0 or text[:row.start].rstrip()[-1:] in {".", "?", "!", '"', "”", "’", ""} \
            or text[row.start - 1] == "\n", (row.topic, text[row.start - 40:row.start + 40])
        assert row.passage[0].isupper() or row.passage[0] in "\"“‘(" or row.passage[0].isdigit(), row.passage[:60]
        assert row.passage[-1] in ".?!\"”’)" or row.end == len(text) or text[row.end] == "\n", row.passage[-60:]


def test_topics_fit_says_when_it_replaces_a_model_of_the_same_name(capsys, small_corpus: Path) -> None:
    # a second 'topics fit --name t8' replaced the first model (k=8 by k=6) without a word
    base = ["--corpus", str(small_corpus), "topics", "fit", "--k", "3", "--name", "replaced-note", "--format", "json"]
    note = ("note: this replaced the topic model 'replaced-note' saved before under that name; give --name "
            "another name to keep both")
    assert main(base) == 0
    assert note not in capsys.readouterr()[1]
    assert main(base[:4] + ["--k", "2"] + base[6:]) == 0
    assert note in " ".join(capsys.readouterr()[1].split())
