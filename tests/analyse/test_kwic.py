"""Keyword in context: original words, offsets into the text, one row per theme match."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import policytext
from policytext.analyse.kwic import KWIC_COLUMNS, kwic
from policytext.analyse.lemmas import lemma_frame
from policytext.analyse.themes import load_lexicon
from policytext.cli import main
from policytext.errors import BadQuery, UnknownOption


@pytest.mark.parametrize("query", ["trust", "entrepreneurialism", "small business", "entrepreneur*"])
def test_kwic_rows_cite_the_original_text(small_corpus: Path, query: str) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        frame = kwic(corpus, query, window=5)
        texts = dict(corpus.store.conn.execute("SELECT id, text FROM documents"))
        streams = lemma_frame(corpus)
    assert list(frame.columns) == KWIC_COLUMNS
    lexicon = load_lexicon()
    theme = lexicon.get(query) if query in lexicon else None
    if theme is not None:
        assert len(frame) == sum(theme.count(s.split()) for s in streams["lemmas"])
    assert len(frame) > 0
    for row in frame.itertuples():
        text = texts[row.doc_id]
        assert " ".join(text[row.start:row.end].split()) == row.match
        assert " ".join(text[:row.start].split()).endswith(row.left)
        assert " ".join(text[row.end:].split()).startswith(row.right)
        assert 1 <= len(row.left.split()) <= 12


def test_kwic_shows_inflected_forms(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        frame = kwic(corpus, "trust", window=3)
    assert {"trust", "trusts"} <= set(frame["match"].str.lower())


def test_kwic_cli_and_errors(capsys, small_corpus: Path) -> None:
    code = main(["--quiet", "--corpus", str(small_corpus), "kwic", "small business", "--window", "3",
                 "--format", "jsonl", "--since", "1995"])
    out, _ = capsys.readouterr()
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and all(r["date"] >= "1995" for r in rows)
    assert all(r["match"].lower().startswith("small business") for r in rows)
    code = main(["--quiet", "--corpus", str(small_corpus), "kwic", "trust", "--window", "-1"])
    _, err = capsys.readouterr()
    assert code == 1 and err.startswith("Error: --window must be zero or more, not -1")


def test_kwic_refuses_a_misspelt_filter_and_a_bad_date(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        with pytest.raises(UnknownOption, match=r"^unknown filter 'goverment' \(did you mean 'government'\?\).*"
                                                r"other options of kwic: window, lexicon, progress, lemmas$"):
            kwic(corpus, "trust", goverment="Clinton")
        with pytest.raises(BadQuery, match=re.escape("until='9999-13' is not a valid month")):
            kwic(corpus, "trust", until="9999-13")
        assert len(kwic(corpus, "trust", until="9999-12")) == len(kwic(corpus, "trust"))


def test_kwic_refuses_a_misspelt_theme_that_matches_nothing(small_corpus: Path) -> None:
    with policytext.open_corpus(small_corpus) as corpus:
        with pytest.raises(BadQuery, match=r"^no theme named 'trsut', and no selected document has it as a term: "
                                           r"did you mean theme 'trust'\?"):
            kwic(corpus, "trsut")
        assert len(kwic(corpus, "Trust")) == len(kwic(corpus, "trust")) > 0  # a theme's name in any case
        assert kwic(corpus, "zyzzyva").empty  # a term found nowhere and near no theme: an empty answer


def test_kwic_reads_the_streams_of_a_selection_made_once(small_corpus: Path) -> None:
    """The CLI looks the streams up once (select_lemmas) and passes the selection on, as kwic reads them."""
    from policytext.analyse.lemmas import select_lemmas

    with policytext.open_corpus(small_corpus) as corpus:
        selection = select_lemmas(corpus, since="1990")
        once = kwic(corpus, "trust", window=4, lemmas=selection, since="1990")
        again = kwic(corpus, "trust", window=4, since="1990")
        with pytest.raises(BadQuery, match="made for other documents"):
            kwic(corpus, "trust", lemmas=selection, since="1995")
    assert len(once) > 0
    assert once.equals(again)
