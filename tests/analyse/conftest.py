"""Corpora for the analysis tests, built once per session with the real collector and pipeline."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import policytext
from helpers import shared_data
from policytext.analyse.lemmas import ensure_lemmas


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> Path:
    """The State of the Union addresses of 1990-1995 (Bush and Clinton), lemmatised once."""
    folder = tmp_path_factory.mktemp("small") / "corpus"
    with policytext.open_corpus(folder, create=True) as corpus:
        corpus.collect_sotu(since=1990, until=1995)
        ensure_lemmas(corpus)
    return folder


@pytest.fixture(scope="session")
def postwar_corpus(tmp_path_factory) -> Path:
    """Every post-1945 State of the Union address, lemmatised once (about a minute or more)."""
    folder = tmp_path_factory.mktemp("postwar") / "corpus"
    with policytext.open_corpus(folder, create=True) as corpus:
        corpus.collect_sotu(since=1946)
        ensure_lemmas(corpus)
    return folder


@pytest.fixture(scope="session")
def throne_corpus(tmp_path_factory) -> Path:
    """The Speeches from the Throne of 1936-1952 (9 before the UK timeline begins in 1945, 7 under
    Attlee, 2 under Churchill) and two year-only statements of our own, 1945 and 1950."""
    path = shared_data("corpora", "uk", "throne-speeches-1911-2012.csv")
    folder = tmp_path_factory.mktemp("throne") / "corpus"
    statements = folder.parent / "statements.jsonl"
    statements.write_text(
        json.dumps({"text": "We will build homes and trust the people to rebuild the nation.", "Year": 1945}) + "\n"
        + json.dumps({"text": "Trust in the health service has grown across the country.", "Year": 1950}) + "\n",
        encoding="utf-8")
    with policytext.open_corpus(folder, create=True) as corpus:
        corpus.collect_files([path], country="GB", fields={"date": "Date"})
        corpus.collect_files([statements], country="GB")
        ensure_lemmas(corpus, since="1936", until="1952")
    return folder


@pytest.fixture(scope="session")
def commons_corpus(tmp_path_factory) -> Path:
    """300 House of Commons sentences of 2009 (the ParlEE sample) as documents of kind 'debate'."""
    from policytext.analyse.topic_eval import read_parlee

    frame = read_parlee(shared_data("corpora", "uk", "parlee-commons-2009-2014.csv")).head(300)
    folder = tmp_path_factory.mktemp("commons") / "corpus"
    sentences = folder.parent / "commons.jsonl"
    with sentences.open("w", encoding="utf-8") as out:
        for row in frame.itertuples(index=False):
            out.write(json.dumps({"text": row.text, "speaker": row.speaker, "party": row.party,
                                  "date": row.date, "kind": "debate"}) + "\n")
    with policytext.open_corpus(folder, create=True) as corpus:
        corpus.collect_files([sentences], country="GB")
        ensure_lemmas(corpus)
    return folder


@pytest.fixture(scope="session")
def hansard_2009_corpus(tmp_path_factory) -> Path:
    """The shared Commons day of 27 October 2009, collected without a people or posts file: only
    the ministers the file names by office have a side (the government's); the rest have none."""
    folder = tmp_path_factory.mktemp("hansard2009") / "corpus"
    from policytext.collect.hansard import collect_hansard

    with policytext.open_corpus(folder, create=True) as corpus:
        collect_hansard(corpus, [shared_data("parliament", "debates2009-10-27d.xml")])
    return folder


@pytest.fixture(scope="session")
def hansard_roles_corpus(tmp_path_factory) -> Path:
    """The shared Commons day of 27 October 2009 with the ministers' posts and the people file, so
    that speeches have a role (minister, backbencher, chair) and a side; lemmatised once."""
    from policytext.collect.hansard import collect_hansard

    folder = tmp_path_factory.mktemp("hansard-roles") / "corpus"
    people = Path(__file__).parents[1] / "collect" / "fixtures" / "people-2009-2023.json"
    with policytext.open_corpus(folder, create=True) as corpus:
        collect_hansard(corpus, [shared_data("parliament", "debates2009-10-27d.xml")],
                        posts=[shared_data("parliament", "ministers-1997-2010.json")], people=[people])
        ensure_lemmas(corpus)
    return folder
